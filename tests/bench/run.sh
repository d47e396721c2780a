#!/usr/bin/env bash
# make bench: starts a throwaway stack, warms it and drives each scenario with
# wrk at 16 and 64 connections, next to nginx serving a static file of the
# same size in the same run (the ceiling on this machine), with the ratio.
# Benchmarks are measurements, not tests: nothing here passes or fails on speed.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
seconds=${MOTUS_BENCH_SECONDS:-5}
threads=${MOTUS_BENCH_THREADS:-2}

var=$(mktemp -d /tmp/motus-bench.XXXXXX)
chmod 0755 "$var"
export MOTUS_VAR_DIR=$var MOTUS_BUILD=build MOTUS_WEB=nginx MOTUS_PORTS=auto MOTUS_PG_FAST=1
trap 'etc/dev/stack.sh stop >/dev/null 2>&1 || true; rm -rf "$var"' EXIT
etc/dev/stack.sh start >/dev/null
# shellcheck disable=SC1091
. "$var/stack.env"
base=$MOTUS_NGINX_URL

# wrk's latency figures in ms, whatever unit it printed.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.2f", n }'
}

# run URL CONNS [HEADER] -> "rps p50 p99"
run() {
    local url=$1 conns=$2 out
    local args=(-t "$threads" -c "$conns" -d "${seconds}s" --latency)
    [ -n "${3:-}" ] && args+=(-H "$3")
    out=$(wrk "${args[@]}" "$url")
    if grep -q "Non-2xx" <<<"$out"; then
        echo "bench: non-2xx answers from $url:" >&2
        echo "$out" >&2
        exit 1
    fi
    local rps p50 p99
    rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    echo "$rps $p50 $p99"
}

# A static file of the same size as the scenario's body: the ceiling it is compared with.
static_twin() {
    local url=$1 header=${2:-} size name
    size=$(curl -s ${header:+-H "$header"} "$url" | wc -c)
    name="bench-$size.json"
    head -c "$size" /dev/zero | tr '\0' 'x' > "$var/www/static/$name"
    echo "$base/static/$name"
}

warm() {
    wrk -t1 -c8 -d1s ${2:+-H "$2"} "$1" >/dev/null
}

printf '%-44s %5s %10s %8s %8s %12s %7s\n' scenario conns "req/s" "p50 ms" "p99 ms" "static req/s" ratio
scenario() {
    local label=$1 url=$2 header=${3:-} twin
    twin=$(static_twin "$url" "$header")
    warm "$url" "$header"
    warm "$twin"
    for conns in 16 64; do
        read -r rps p50 p99 < <(run "$url" "$conns" "$header")
        read -r srps _ _ < <(run "$twin" "$conns")
        printf '%-44s %5s %10s %8s %8s %12s %7s\n' "$label" "$conns" "$rps" "$p50" "$p99" "$srps" \
            "$(awk -v a="$rps" -v b="$srps" 'BEGIN { printf "%.2f", a / b }')"
    done
}

config="$base/v1/config?platform=ios&version=2.3.0"
scenario "GET /v1/config (worker, memcached hit)" "$config" "Authorization: Bearer bench-bypasses-micro-cache"
scenario "GET /v1/config (nginx micro-cache hit)" "$config"
scenario "GET /healthz (worker)" "$base/healthz"

echo
echo "$(nproc) cores; $workers FastCGI workers; wrk -t$threads, ${seconds}s per run; ratio = req/s / static req/s."
hits=$(curl -s "$base/metrics" | awk '/^motus_cache_requests_total\{result="hit"\}/ {print $2}')
echo "memcached hits counted by the workers: ${hits:-0}"
