#!/usr/bin/env bash
# Runs every integration suite against a throwaway stack (temp dir, free
# ports): once through nginx, once through Apache. Usage: run.sh BUILD_DIR
# MOTUS_SUITES="test_content test_me" runs only those suites;
# MOTUS_WEBS="nginx" only that web server.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"

# shellcheck source=../support/throwaway-stack.sh
. tests/support/throwaway-stack.sh
throwaway_start integration

failed=0
webs=${MOTUS_WEBS:-nginx apache}
for web in $webs; do
    for suite in "$build"/tests/integration/test_*; do
        case $suite in *.*) continue ;; esac
        if [ -n "${MOTUS_SUITES:-}" ]; then
            case " $MOTUS_SUITES " in *" ${suite##*/} "*) ;; *) continue ;; esac
        fi
        # Suites that never go through a web server run once.
        case ${suite##*/} in test_worker | test_motusctl | test_ratelimit | test_queue | test_oauth_client | test_cache_lock | test_db) [ "$web" = "${webs%% *}" ] || continue ;; esac
        MOTUS_TEST_WEB=$web "$suite" || failed=1
    done
done

# A sanitizer report in a worker is a failure even when every answer was right.
throwaway_finish || failed=1
if [ "$failed" != 0 ]; then
    throwaway_logs integration
    exit 1
fi
echo "== integration ($build): all suites passed through ${webs// / and }"
