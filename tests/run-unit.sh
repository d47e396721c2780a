#!/usr/bin/env bash
# Runs every unit suite of a build directory and says how long they took, then replays the fuzz
# targets' corpora and crashers (tests/fuzz/replay.sh). Usage: run-unit.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
cd "$repo"
export MOTUS_SRC_DIR=$repo
failed=0 ran=0 started=${EPOCHREALTIME/./}
for suite in "$build"/tests/unit/test_*; do
    case $suite in *.*) continue ;; esac
    ran=$((ran + 1))
    "$suite" || { echo "FAILED: $suite"; failed=$((failed + 1)); }
done
ms=$(((${EPOCHREALTIME/./} - started) / 1000))
echo "== unit ($build): $ran suites, $failed failed, in $((ms / 1000)).$((ms % 1000 / 100)) s"
tests/fuzz/replay.sh "$build" || failed=$((failed + 1))
[ "$ran" -gt 0 ] && [ "$failed" = 0 ]
