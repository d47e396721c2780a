#!/usr/bin/env bash
# Runs the integration suites against one throwaway stack (temp dir, free
# ports). Usage: run.sh BUILD_DIR
#
# Each suite says what it needs (`SUITE --needs`, see harness.h): the web
# servers it goes through (none or one: it runs once, through the first of
# MOTUS_WEBS; both: through each in turn), and for each of its test cases
# whether it is shared or exclusive. Shared cases run MOTUS_JOBS at a time
# (default 3); then each exclusive case runs with nothing else running. A
# suite's runs never overlap each other. Every run sends its requests from a
# loopback address of its own (MOTUS_TEST_SOURCE_ADDR), so per-address rate
# limits count each run apart. Prints each run's wall time as it ends, and a
# closing table, slowest first.
#
# MOTUS_SUITES="test_content test_me" runs only those suites;
# MOTUS_WEBS="nginx" only that web server; MOTUS_JOBS=1 one run at a time.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
cd "$repo"
webs=${MOTUS_WEBS:-nginx apache}
max_jobs=${MOTUS_JOBS:-3}

# The plan: one job per test case, "suite case sharing webs...".
plan=()
for suite in "$build"/tests/integration/test_*; do
    case $suite in *.*) continue ;; esac
    name=${suite##*/}
    if [ -n "${MOTUS_SUITES:-}" ]; then
        case " $MOTUS_SUITES " in *" $name "*) ;; *) continue ;; esac
    fi
    needs=$("$suite" --needs) || { echo "$name --needs failed"; exit 1; }
    case $(awk '$1 == "webs" { print $2 }' <<<"$needs") in
    none | one) suite_webs=${webs%% *} ;;
    both) suite_webs=$webs ;;
    *) echo "$name --needs names no webs: $needs"; exit 1 ;;
    esac
    while read -r word case_name sharing; do
        [ "$word" = case ] && plan+=("$name $case_name $sharing $suite_webs")
    done <<<"$needs"
done
[ "${#plan[@]}" -gt 0 ] || { echo "== integration ($build): no suite to run"; exit 1; }

# shellcheck source=../support/throwaway-stack.sh
. tests/support/throwaway-stack.sh
throwaway_start integration
out=$var/runs
mkdir -p "$out"

# Job N: the case through each of its web servers in turn. Its output goes to
# runs/N.log, and a line per run to runs/N.times: "seconds suite case web sharing ok|FAILED".
run_job() {
    local n=$1 suite case_name sharing job_webs web i=0 t0 ms result
    read -r suite case_name sharing job_webs <<<"${plan[$n]}"
    for web in $job_webs; do
        i=$((i + 1))
        t0=${EPOCHREALTIME/./}
        if MOTUS_TEST_WEB=$web MOTUS_TEST_SOURCE_ADDR=127.0.$((n % 250 + 1)).$i \
            "$build/tests/integration/$suite" --case "$case_name" >>"$out/$n.log" 2>&1; then
            result=ok
        else
            result=FAILED
        fi
        ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
        printf '%d.%d %s %s %s %s %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$suite" "$case_name" \
            "$web" "$sharing" "$result" >>"$out/$n.times"
    done
}

# What job N printed, then a line per run.
report_job() {
    local seconds suite case_name web sharing result
    cat "$1/$2.log"
    while read -r seconds suite case_name web sharing result; do
        echo "-- $suite ($case_name, $sharing) through $web: $seconds s, $result"
        [ "$result" = ok ] || failed=1
    done <"$1/$2.times"
}

# Stops the runs still going when the runner ends early, then the stack.
declare -A running=()
stop_runs() {
    local pid
    for pid in "${!running[@]}"; do kill -- "$pid" 2>/dev/null || true; done
    throwaway_cleanup
}
trap stop_runs EXIT

failed=0
started=${EPOCHREALTIME/./}
# Shared cases, max_jobs at a time.
for n in "${!plan[@]}"; do
    read -r _ _ sharing _ <<<"${plan[$n]}"
    [ "$sharing" = shared ] || continue
    while [ "${#running[@]}" -ge "$max_jobs" ]; do
        wait -n -p done_pid "${!running[@]}" || true
        report_job "$out" "${running[$done_pid]}"
        unset "running[$done_pid]"
    done
    run_job "$n" &
    running[$!]=$n
done
while [ "${#running[@]}" -gt 0 ]; do
    wait -n -p done_pid "${!running[@]}" || true
    report_job "$out" "${running[$done_pid]}"
    unset "running[$done_pid]"
done
# Exclusive cases, alone.
for n in "${!plan[@]}"; do
    read -r _ _ sharing _ <<<"${plan[$n]}"
    [ "$sharing" = exclusive ] || continue
    run_job "$n"
    report_job "$out" "$n"
done
ms=$(((${EPOCHREALTIME/./} - started) / 1000))

echo "== integration ($build): every run, slowest first"
sort -rn "$out"/*.times | awk '
    BEGIN { printf "%8s  %-20s %-34s %-7s %-10s %s\n", "seconds", "suite", "case", "web", "sharing", "result" }
    { printf "%8s  %-20s %-34s %-7s %-10s %s\n", $1, $2, $3, $4, $5, $6; sum[$5] += $1 }
    END { printf "%8.1f  in shared cases (%s at a time), %.1f in exclusive ones\n", sum["shared"], jobs, sum["exclusive"] }
' jobs="$max_jobs"
echo "== integration ($build): ${#plan[@]} test cases in $((ms / 1000)).$((ms % 1000 / 100)) s"

# A sanitizer report in a worker is a failure even when every answer was right.
throwaway_finish || failed=1
if [ "$failed" != 0 ]; then
    throwaway_logs integration
    exit 1
fi
echo "== integration ($build): all suites passed through ${webs// / and }"
