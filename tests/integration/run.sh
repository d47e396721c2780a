#!/usr/bin/env bash
# Runs every integration suite against a throwaway stack (temp dir, free
# ports): once through nginx, once through Apache. Usage: run.sh BUILD_DIR
# MOTUS_SUITES="test_content test_me" runs only those suites;
# MOTUS_WEBS="nginx" only that web server.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"

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

cleanup() {
    etc/dev/stack.sh stop >/dev/null 2>&1 || true
    if [ "${failed:-1}" = 0 ]; then rm -rf "$var"; else echo "stack kept for inspection: $var"; fi
}
trap cleanup EXIT

echo "== integration ($build): starting a throwaway stack in $var"
etc/dev/stack.sh start >/dev/null

failed=0
webs=${MOTUS_WEBS:-nginx apache}
for web in $webs; do
    for suite in "$build"/tests/integration/test_*; do
        case $suite in *.*) continue ;; esac
        if [ -n "${MOTUS_SUITES:-}" ]; then
            case " $MOTUS_SUITES " in *" ${suite##*/} "*) ;; *) continue ;; esac
        fi
        # Suites that never go through a web server run once.
        case ${suite##*/} in test_worker | test_motusctl | test_ratelimit | test_queue | test_oauth_client | test_cache_lock) [ "$web" = "${webs%% *}" ] || continue ;; esac
        MOTUS_TEST_WEB=$web "$suite" || failed=1
    done
done

# A sanitizer report in a worker is a failure even when every answer was right.
if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$var/log/motus-fcgi.log"; then
    echo "sanitizer reports in $var/log/motus-fcgi.log"
    failed=1
fi
# The queue workers are checked after a graceful stop, so their leak check has run too.
etc/dev/stack.sh stop >/dev/null 2>&1 || true
if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$var/log/motus-worker.log"; then
    echo "sanitizer reports in $var/log/motus-worker.log"
    failed=1
fi
if [ "$failed" != 0 ]; then
    echo "== integration ($build) FAILED; last worker log lines:"
    grep -v '"event":"request"' "$var/log/motus-fcgi.log" | tail -n 30
    echo "== last queue worker log lines:"
    tail -n 30 "$var/log/motus-worker.log"
    exit 1
fi
echo "== integration ($build): all suites passed through nginx and Apache"
