#!/usr/bin/env bash
# Replays every fuzz target's corpus and crashers (tests/fuzz/corpus/NAME,
# tests/fuzz/crashers/NAME) through BUILD_DIR/tests/fuzz/replay_NAME, the
# targets built without libFuzzer, and prints one line: targets, inputs,
# failures, time. A crasher kept in the tree is a bug fixed: it must pass.
# Usage: replay.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"
failed=0 targets=0 inputs=0 started=${EPOCHREALTIME/./}
for bin in "$build"/tests/fuzz/replay_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/replay_}
    targets=$((targets + 1))
    dirs=()
    for d in tests/fuzz/corpus/"$name" tests/fuzz/crashers/"$name"; do
        [ -d "$d" ] && dirs+=("$d")
    done
    if ! out=$("$bin" "${dirs[@]}"); then
        echo "FAILED: $bin on ${dirs[*]}"
        failed=$((failed + 1))
        continue
    fi
    inputs=$((inputs + ${out##*$'\n'}))
done
ms=$(((${EPOCHREALTIME/./} - started) / 1000))
echo "== fuzz replay ($build): $targets targets, $inputs inputs, $failed failed, in $((ms / 1000)).$((ms % 1000 / 100)) s"
[ "$targets" -gt 0 ] && [ "$failed" = 0 ]
