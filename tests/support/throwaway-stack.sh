# Sourced by the test runners (tests/integration/run.sh, tests/browser/run.sh):
# the whole stack in a temp dir on free ports, with the test settings of
# tests/integration/stack.env. Needs $repo (the checkout, the working
# directory) and $build set by the runner.
#
#   throwaway_start WHAT   starts it ($var is its directory) and arranges for it to
#                          be stopped when the runner exits; the directory is removed
#                          then, unless $failed is not 0 (left for inspection)
#   throwaway_finish       stops it; fails when a worker (FastCGI or queue) logged a
#                          sanitizer report, even if every answer was right
#   throwaway_logs WHAT    after a failure: the last lines of the workers' logs

throwaway_start() {
    var=$(mktemp -d /tmp/motus-it.XXXXXX)
    chmod 0755 "$var"
    export MOTUS_VAR_DIR=$var MOTUS_BUILD=$build MOTUS_SRC_DIR=$repo
    set -a
    # shellcheck disable=SC1091
    . tests/integration/stack.env
    set +a
    # A free port for the suites' webhook receiver, and the stack pointed at it.
    for _ in $(seq 100); do
        MOTUS_TEST_HOOK_PORT=$((20000 + RANDOM % 12000)) # below the ephemeral range, as stack.sh does
        (exec 3<>"/dev/tcp/127.0.0.1/$MOTUS_TEST_HOOK_PORT") 2>/dev/null || break
    done
    export MOTUS_TEST_HOOK_PORT MOTUS_CONSENT_SYNC_URL=http://127.0.0.1:$MOTUS_TEST_HOOK_PORT/hooks/consent
    trap throwaway_cleanup EXIT
    echo "== $1 ($build): starting a throwaway stack in $var"
    etc/dev/stack.sh start >/dev/null
}

throwaway_cleanup() {
    etc/dev/stack.sh stop >/dev/null 2>&1 || true
    if [ "${failed:-1}" = 0 ]; then rm -rf "$var"; else echo "stack kept for inspection: $var"; fi
}

throwaway_finish() {
    local reports=0
    if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$var/log/motus-fcgi.log"; then
        echo "sanitizer reports in $var/log/motus-fcgi.log"
        reports=1
    fi
    # The queue workers are checked after a graceful stop, so their leak check has run too.
    etc/dev/stack.sh stop >/dev/null 2>&1 || true
    if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$var/log/motus-worker.log"; then
        echo "sanitizer reports in $var/log/motus-worker.log"
        reports=1
    fi
    return "$reports"
}

throwaway_logs() {
    echo "== $1 ($build) FAILED; last worker log lines:"
    grep -v '"event":"request"' "$var/log/motus-fcgi.log" | tail -n 30
    echo "== last queue worker log lines:"
    tail -n 30 "$var/log/motus-worker.log"
}
