#!/usr/bin/env bash
# Runs every integration suite against a throwaway stack (temp dir, free
# ports): once through nginx, once through Apache. Usage: run.sh BUILD_DIR
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"

var=$(mktemp -d /tmp/motus-it.XXXXXX)
chmod 0755 "$var"
export MOTUS_VAR_DIR=$var MOTUS_BUILD=$build MOTUS_WEB=both MOTUS_PORTS=auto MOTUS_PG_FAST=1 MOTUS_SRC_DIR=$repo
# Workers re-read the signing keys every 2 s, so a rotation shows in every JWKS without a minute's wait.
export MOTUS_SIGNING_KEYS_REFRESH_S=2
# Queue timing for the test stack (baked into its config): a job of a killed worker
# is taken over after 4 s, failures retry after 100 ms, 200 ms and are dead after 3.
export MOTUS_QUEUE_LEASE_S=4 MOTUS_SMTP_TIMEOUT_S=3 MOTUS_QUEUE_POLL_MS=500 MOTUS_QUEUE_MAX_ATTEMPTS=3 \
    MOTUS_QUEUE_BACKOFF_BASE_MS=100 MOTUS_QUEUE_BACKOFF_MAX_S=1

cleanup() {
    etc/dev/stack.sh stop >/dev/null 2>&1 || true
    if [ "${failed:-1}" = 0 ]; then rm -rf "$var"; else echo "stack kept for inspection: $var"; fi
}
trap cleanup EXIT

echo "== integration ($build): starting a throwaway stack in $var"
etc/dev/stack.sh start >/dev/null

failed=0
for web in nginx apache; do
    for suite in "$build"/tests/integration/test_*; do
        case $suite in *.*) continue ;; esac
        # Suites that never go through a web server run once.
        case ${suite##*/} in test_worker | test_motusctl | test_ratelimit | test_queue) [ "$web" = nginx ] || continue ;; esac
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
