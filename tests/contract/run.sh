#!/usr/bin/env bash
# Validates the live answers of every operation of www/openapi.json against the
# document (tests/contract/run.mjs), through nginx and then Apache, on a
# throwaway stack (temp dir, free ports) like the integration suites'.
# Usage: run.sh BUILD_DIR. MOTUS_CONTRACT_WEBS="nginx" for one web server only;
# MOTUS_CONTRACT_ONLY="GET /v1/me" for some operations (a regular expression).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"

tests/contract/install.sh

# shellcheck source=../support/throwaway-stack.sh
. tests/support/throwaway-stack.sh
throwaway_start contract

failed=0
for web in ${MOTUS_CONTRACT_WEBS:-nginx apache}; do
    MOTUS_CONTRACT_WEB=$web node tests/contract/run.mjs || failed=1
done
throwaway_finish || failed=1
if [ "$failed" != 0 ]; then
    throwaway_logs contract
    exit 1
fi
echo "== contract ($build): every answer matched www/openapi.json through ${MOTUS_CONTRACT_WEBS:-nginx apache}"
