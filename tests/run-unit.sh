#!/usr/bin/env bash
# Runs every unit suite of a build directory. Usage: run-unit.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
cd "$repo"
export MOTUS_SRC_DIR=$repo
failed=0 ran=0
for suite in "$build"/tests/unit/test_*; do
    case $suite in *.*) continue ;; esac
    ran=$((ran + 1))
    "$suite" || { echo "FAILED: $suite"; failed=$((failed + 1)); }
done
echo "== unit ($build): $ran suites, $failed failed"
[ "$ran" -gt 0 ] && [ "$failed" = 0 ]
