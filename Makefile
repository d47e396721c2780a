# Motus: one non-recursive Makefile. `make` builds into build/, `make asan`
# into build-asan/ (AddressSanitizer + UBSan, one malloc per arena allocation),
# `make fuzz` into build-fuzz/ (clang, libFuzzer + ASan + UBSan) and runs the fuzz targets.

BUILD   ?= build
SAN     ?=
CC      ?= cc
PKGS    := libpq libmemcached json-c libcrypto libargon2 libcurl
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
           -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -iquote include \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -MMD -MP
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lfcgi
TEST_LIBS := $(shell pkg-config --libs check libcurl 2>/dev/null)

# `make V=1` shows the full compiler lines.
ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(SAN),1)
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
              -DMOTUS_ARENA_MALLOC
LDFLAGS += -fsanitize=address,undefined
endif

# The fuzz build (clang only): every object carries libFuzzer's coverage hooks; the targets link its main.
ifeq ($(SAN),fuzz)
ALL_CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined -DMOTUS_ARENA_MALLOC
LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

LIB_SRC  := $(wildcard lib/*.c)
APP_SRC  := $(filter-out app/main_%.c,$(wildcard app/*.c app/api/*.c app/cms/*.c app/ctl/*.c app/model/*.c app/jobs/*.c))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
INT_SRC  := $(wildcard tests/integration/test_*.c)
INT_SUPPORT_SRC := $(filter-out $(INT_SRC),$(wildcard tests/integration/*.c))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

# What --version says: the release, the commit (and whether the tree had changes), the day of the build
# (SOURCE_DATE_EPOCH when set, for reproducible builds). lib/version.o is rebuilt only when these change.
VERSION_RELEASE := $(shell cat VERSION 2>/dev/null || echo unknown)
VERSION_COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)$(shell git rev-parse --is-inside-work-tree >/dev/null 2>&1 && { git diff --quiet HEAD -- 2>/dev/null || echo -dirty; })
VERSION_BUILT   := $(shell date -u -d @$${SOURCE_DATE_EPOCH:-$$(date +%s)} +%Y-%m-%d)
VERSION_DEFS    := -DMOTUS_RELEASE='"$(VERSION_RELEASE)"' -DMOTUS_COMMIT='"$(VERSION_COMMIT)"' -DMOTUS_BUILT='"$(VERSION_BUILT)"'

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
APP_OBJ  := $(APP_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
INT_BIN  := $(INT_SRC:%.c=$(BUILD)/%)
INT_SUPPORT_OBJ := $(INT_SUPPORT_SRC:%.c=$(BUILD)/%.o)
# Each fuzz target twice: replay_NAME (make all: the kept inputs, no libFuzzer) and fuzz_NAME (make fuzz).
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/replay_%)
FUZZ_BIN := $(FUZZ_SRC:%.c=$(BUILD)/%)
PROGRAMS := $(BUILD)/motus-fcgi $(BUILD)/motusctl $(BUILD)/motus-worker $(BUILD)/smtp-sink

# Keep the objects make builds on the way to a test binary: deleting them as intermediates rebuilt every
# suite on every make.
.SECONDARY:

.PHONY: FORCE all asan deps check test test-build test-build-asan unit integration browser run stop bench chaos cluster-test format \
	format-check clean fuzz fuzz-targets contract
.DEFAULT_GOAL := all

all: $(PROGRAMS) $(UNIT_BIN) $(INT_BIN) $(REPLAY_BIN)

asan:
	$(MAKE) BUILD=build-asan SAN=1 all

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/version.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION_DEFS)' | cmp -s - $@ 2>/dev/null || echo '$(VERSION_DEFS)' > $@

$(BUILD)/lib/version.o: ALL_CFLAGS += $(VERSION_DEFS)
$(BUILD)/lib/version.o: $(BUILD)/version.stamp

FORCE:

$(BUILD)/libmotus.a: $(LIB_OBJ)
	$(Q)ar rcs $@ $^

$(BUILD)/libmotusapp.a: $(APP_OBJ)
	$(Q)ar rcs $@ $^

LINK = @$(if $(Q),echo "  LD    $@")

$(BUILD)/motus-fcgi: $(BUILD)/app/main_fcgi.o $(BUILD)/libmotusapp.a $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/motusctl: $(BUILD)/app/main_ctl.o $(BUILD)/libmotusapp.a $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/motus-worker: $(BUILD)/app/main_worker.o $(BUILD)/libmotusapp.a $(BUILD)/libmotus.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# The local SMTP sink of the dev stack and the tests: no library at all.
$(BUILD)/smtp-sink: $(BUILD)/tests/support/smtp_sink.o
	$(CC) $(LDFLAGS) -o $@ $^

# A unit suite links its own object and takes from the archives only the modules it uses.
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libmotusapp.a $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# Integration suites speak HTTP (the harness and its helpers: every non-test_ file there); a few also
# call a model directly against the stack (libmotusapp.a).
$(BUILD)/tests/integration/%: $(BUILD)/tests/integration/%.o $(INT_SUPPORT_OBJ) $(BUILD)/libmotusapp.a \
			       $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# A fuzz target's replay: its inputs from files, built with the build's own compiler and sanitizers.
$(BUILD)/tests/fuzz/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(BUILD)/libmotusapp.a \
			      $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

# A fuzz target proper: libFuzzer's main (make fuzz only, SAN=fuzz).
$(BUILD)/tests/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/libmotusapp.a $(BUILD)/libmotus.a
	$(LINK)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

fuzz-targets: $(FUZZ_BIN)

# A fuzzing campaign: every target for FUZZ_SECONDS (default 60), FUZZ_JOBS at once (default: cores);
# FUZZ_TARGETS="json jwt" for some; FUZZ_MERGE=1 keeps the new inputs that add coverage in the corpus.
# Crashes land in tests/fuzz/crashers/NAME/. Needs clang with libFuzzer (etc/dev/deps.sh --fuzz).
fuzz:
	@etc/dev/deps.sh --fuzz
	$(MAKE) -j$(JOBS) BUILD=build-fuzz CC=clang SAN=fuzz fuzz-targets
	tests/fuzz/run.sh build-fuzz

deps:
	@etc/dev/deps.sh

# Compiling in parallel: as many jobs as cores.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# The inner loop: the normal build, its unit suites, and the integration suites
# through nginx only, against a throwaway stack.
check: deps
	$(MAKE) -j$(JOBS) all
	tests/run-unit.sh build
	MOTUS_WEBS=nginx tests/integration/run.sh build

# Everything a user would trust (CI runs this): both builds, lint, then for each build
# its unit suites, the integration suites through nginx and Apache and the browser
# specs (headless Chromium, through nginx). Both builds' steps run at once, each on
# throwaway stacks of its own, a build's unit suites (busy) beside its integration
# suites (mostly waiting); make prints each step's output when the step ends.
test: deps
	$(MAKE) -j$(JOBS) all asan
	tests/lint.sh
	$(MAKE) -j4 --output-sync=line test-build test-build-asan

# One build's share of make test (make test-build, make test-build-asan): its unit
# suites beside its integration suites, then its browser specs beside the live
# contract suite (tests/contract: every operation's answers against www/openapi.json).
TEST_BUILDS := build build-asan
TEST_UNIT := $(TEST_BUILDS:%=test-unit-%)
TEST_INTEGRATION := $(TEST_BUILDS:%=test-integration-%)
TEST_BROWSER := $(TEST_BUILDS:%=test-browser-%)
TEST_CONTRACT := $(TEST_BUILDS:%=test-contract-%)
.PHONY: $(TEST_UNIT) $(TEST_INTEGRATION) $(TEST_BROWSER) $(TEST_CONTRACT)
test-build test-build-asan: test-%: test-unit-% test-browser-% test-contract-%
$(TEST_UNIT): test-unit-%:
	tests/run-unit.sh $*
$(TEST_INTEGRATION): test-integration-%:
	tests/integration/run.sh $*
$(TEST_BROWSER): test-browser-%: test-integration-%
	tests/browser/run.sh $*
$(TEST_CONTRACT): test-contract-%: test-integration-%
	tests/contract/run.sh $*

unit: all
	tests/run-unit.sh $(BUILD)

integration: all
	tests/integration/run.sh $(BUILD)

browser: deps
	$(MAKE) all
	tests/browser/run.sh $(BUILD)

contract: deps
	$(MAKE) all
	tests/contract/run.sh $(BUILD)

run: deps
	$(MAKE) all
	etc/dev/stack.sh start

stop:
	etc/dev/stack.sh stop

bench: deps
	$(MAKE) all
	tests/bench/run.sh

# Faults under load (tests/chaos/run.sh): a measurement like bench, not part of make test.
chaos: deps
	$(MAKE) all
	tests/chaos/run.sh

# Two app hosts, a replica, two memcached and a front nginx in network namespaces, faults under load
# (tests/cluster/run.sh; root only): not part of make test either.
cluster-test: deps
	$(MAKE) all
	tests/cluster/run.sh

format:
	clang-format -i $(LIB_SRC) $(APP_SRC) app/main_*.c include/*.h tests/unit/*.c tests/integration/*.[ch] tests/support/*.c \
		tests/fuzz/*.[ch]

format-check:
	clang-format --dry-run --Werror $(LIB_SRC) $(APP_SRC) app/main_*.c include/*.h tests/unit/*.c tests/integration/*.[ch] tests/support/*.c \
		tests/fuzz/*.[ch]

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find build build-asan build-fuzz -name '*.d' 2>/dev/null)
