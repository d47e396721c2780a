#!/usr/bin/env bash
# Runs the browser specs (tests/browser/*.spec.mjs) in headless Chromium
# against a throwaway stack (temp dir, free ports), the same stack the
# integration suites get. Usage: run.sh BUILD_DIR
# MOTUS_BROWSER_WEB=apache goes through Apache instead of nginx;
# MOTUS_SPECS="login" runs only those spec files.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"

[ -d tests/browser/node_modules/playwright-core ] ||
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# shellcheck source=../support/throwaway-stack.sh
. tests/support/throwaway-stack.sh
throwaway_start browser

failed=0
node tests/browser/run.mjs || failed=1
throwaway_finish || failed=1
if [ "$failed" != 0 ]; then
    throwaway_logs browser
    exit 1
fi
echo "== browser ($build): all specs passed through ${MOTUS_BROWSER_WEB:-nginx}"
