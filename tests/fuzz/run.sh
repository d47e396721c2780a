#!/usr/bin/env bash
# A fuzzing campaign (make fuzz): runs each target of BUILD_DIR/tests/fuzz/
# (built with libFuzzer) for FUZZ_SECONDS (default 60), FUZZ_JOBS at a time
# (default: cores), starting from its corpus in the tree. New inputs go to a
# scratch directory; FUZZ_MERGE=1 merges the ones that add coverage into
# tests/fuzz/corpus/NAME (the tree keeps a small corpus otherwise). Crashes,
# leaks and timeouts are written to tests/fuzz/crashers/NAME/. Prints, per
# target and then as a table: seconds, executions, coverage (cov: edges, ft:
# features, libFuzzer's final figures), corpus size and new crash files.
# FUZZ_TARGETS="json jwt" runs only those. Fails when any target crashed.
# Usage: run.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build-fuzz}
cd "$repo"
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
targets=${FUZZ_TARGETS:-$(for b in "$build"/tests/fuzz/fuzz_*; do [ -x "$b" ] && echo "${b##*/fuzz_}"; done)}
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One target: its log, exit status and the crash files it added, in the scratch directory.
run_target() {
    local name=$1 bin=$build/tests/fuzz/fuzz_$1 crashers=tests/fuzz/crashers/$1
    mkdir -p "$scratch/$name" "$crashers"
    ls "$crashers" >"$scratch/$name.before"
    # Two corpus directories: libFuzzer reads both and writes new inputs to the first, the scratch one.
    "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$crashers/" "$scratch/$name" "tests/fuzz/corpus/$name" >"$scratch/$name.log" 2>&1
    echo $? >"$scratch/$name.rc"
    if [ "${FUZZ_MERGE:-0}" = 1 ]; then
        "$bin" -merge=1 "tests/fuzz/corpus/$name" "$scratch/$name" >>"$scratch/$name.log" 2>&1
    fi
    ls "$crashers" | grep -cvxFf "$scratch/$name.before" >"$scratch/$name.new"
}

# "execs cov ft corp" from a target's log: libFuzzer's final stats and its last status line.
figures() {
    local log=$1 execs cov ft corp
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    echo "${execs:-?} ${cov:-?} ${ft:-?} ${corp:-?}"
}

report() {
    local name=$1 rc new
    rc=$(cat "$scratch/$name.rc") new=$(cat "$scratch/$name.new")
    read -r execs cov ft corp <<<"$(figures "$scratch/$name.log")"
    printf '%-16s %6s %12s %7s %7s %6s %8s  %s\n' "$name" "$seconds" "$execs" "$cov" "$ft" "$corp" "$new" \
        "$([ "$rc" = 0 ] && echo ok || echo "CRASHED (exit $rc)")"
}

header() {
    printf '%-16s %6s %12s %7s %7s %6s %8s  %s\n' target seconds executions cov ft corpus crashes result
}

started=$(date +%s)
echo "== fuzz: $(wc -w <<<"$targets") targets, $seconds s each, $jobs at a time"
for name in $targets; do
    [ -x "$build/tests/fuzz/fuzz_$name" ] || { echo "fuzz: no target $build/tests/fuzz/fuzz_$name"; exit 1; }
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    (run_target "$name"; report "$name") &
done
wait

failed=0
echo
echo "== fuzz: the campaign, in $(($(date +%s) - started)) s"
header
for name in $targets; do
    report "$name"
    if [ "$(cat "$scratch/$name.rc")" != 0 ]; then
        failed=$((failed + 1))
        echo "---- $name: the end of its log"
        tail -40 "$scratch/$name.log"
    fi
done
[ "$failed" = 0 ]
