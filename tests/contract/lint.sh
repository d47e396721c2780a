#!/usr/bin/env bash
# Lints the contract: www/openapi.json and www/openapi-admin.json under Redocly's
# recommended rules (redocly.yaml, .redocly.lint-ignore.yaml), and the checks of
# lint.mjs (an example for every operation).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
tests/contract/install.sh
out=$(tests/contract/node_modules/.bin/redocly lint --max-problems 50 2>&1) || {
    echo "$out" | grep -v '^ *[║╔╚]'
    echo "lint: Redocly finds problems in the contract"
    exit 1
}
# Clean means no warning either.
if ! echo "$out" | grep -q "Your API descriptions are valid" || echo "$out" | grep -qE "You have [0-9]+ warnings?"; then
    echo "$out" | grep -v '^ *[║╔╚]'
    echo "lint: Redocly warns about the contract"
    exit 1
fi
node tests/contract/lint.mjs www/openapi.json www/openapi-admin.json
