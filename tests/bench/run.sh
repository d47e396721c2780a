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
# The log-in scenario posts the same account's form thousands of times: lift its limits.
export MOTUS_LOGIN_LIMIT_ACCOUNT=100000 MOTUS_LOGIN_LIMIT_IP=100000 MOTUS_LOGIN_LIMIT_ACCOUNT_IP=100000
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

# run URL CONNS [HEADER] [SCRIPT] [THREADS] -> "rps p50 p99"
run() {
    local url=$1 conns=$2 out
    local args=(-t "${5:-$threads}" -c "$conns" -d "${seconds}s" --latency)
    [ -n "${3:-}" ] && args+=(-H "$3")
    [ -n "${4:-}" ] && args+=(-s "$4")
    out=$(wrk "${args[@]}" "$url")
    if [ "${4:-}" != tests/bench/login.lua ] && grep -q "Non-2xx" <<<"$out"; then
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

printf '%-52s %5s %10s %8s %8s %12s %7s\n' scenario conns "req/s" "p50 ms" "p99 ms" "static req/s" ratio
row() {
    printf '%-52s %5s %10s %8s %8s %12s %7s\n' "$1" "$2" "$3" "$4" "$5" "$6" \
        "$(awk -v a="$3" -v b="$6" 'BEGIN { printf "%.2f", a / b }')"
}

scenario() {
    local label=$1 url=$2 header=${3:-} twin
    twin=$(static_twin "$url" "$header")
    warm "$url" "$header"
    warm "$twin"
    for conns in 16 64; do
        read -r rps p50 p99 < <(run "$url" "$conns" "$header")
        read -r srps _ _ < <(run "$twin" "$conns")
        row "$label" "$conns" "$rps" "$p50" "$p99" "$srps"
    done
}

# --- an account and its tokens, the way an app gets them -------------------------------

psql_stack() { psql -X -q -At -h "$var/pgrun" -U motus -d motus -c "$1"; }
email=bench@example.org
password="correct horse battery"
redirect=http://127.0.0.1/oauth/callback
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/v1/auth/signup"
psql_stack "UPDATE app_user SET email_verified_at = now() WHERE email = '$email'" # the emailed link, skipped

# Prints "query cookie csrf verifier": a log-in page loaded, with its PKCE pair.
login_page() {
    local verifier challenge q hdr page
    verifier=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
    q="response_type=code&client_id=motus-cli&redirect_uri=$(printf %s "$redirect" | sed 's|:|%3A|g; s|/|%2F|g')"
    q="$q&code_challenge=$challenge&code_challenge_method=S256&state=bench"
    hdr=$(mktemp)
    page=$(curl -s -D "$hdr" "$base/oauth/authorize?$q")
    echo "$q $(grep -i '^set-cookie:' "$hdr" | sed 's/^[^:]*: //; s/;.*//' | tr -d '\r') $(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | sed 's/.*value="//; s/"$//') $verifier"
    rm -f "$hdr"
}

# Prints "access refresh" after a whole log-in.
login_tokens() {
    local q cookie csrf verifier loc code tok
    read -r q cookie csrf verifier < <(login_page)
    loc=$(curl -s -o /dev/null -w '%{redirect_url}' -H "Cookie: $cookie" \
        --data "$q&csrf_token=$csrf&email=bench%40example.org&password=correct+horse+battery" "$base/oauth/authorize")
    code=$(sed 's/.*[?&]code=\([^&]*\).*/\1/' <<<"$loc")
    tok=$(curl -s --data "grant_type=authorization_code&code=$code&client_id=motus-cli&code_verifier=$verifier&redirect_uri=$(printf %s "$redirect" | sed 's|:|%3A|g; s|/|%2F|g')" "$base/oauth/token")
    grep -q '"refresh_token":"[0-9a-f]*"' <<<"$tok" || { echo "bench: a log-in gave no tokens: $tok" >&2; exit 1; }
    echo "$(sed 's/.*"access_token":"\([^"]*\)".*/\1/' <<<"$tok") $(sed 's/.*"refresh_token":"\([^"]*\)".*/\1/' <<<"$tok")"
}

config="$base/v1/config?platform=ios&version=2.3.0"
scenario "GET /v1/config (worker, memcached hit)" "$config" "Authorization: Bearer bench-bypasses-micro-cache"
scenario "GET /v1/config (nginx micro-cache hit)" "$config"
scenario "GET /healthz (worker)" "$base/healthz"

read -r access _ < <(login_tokens)
scenario "GET /v1/me (bearer JWT, worker)" "$base/v1/me" "Authorization: Bearer $access"

# The catalogue: a token (no premium scope) skips nginx and shares the anonymous memcached entry,
# so these measure the worker's hit path with JWT verification; the last one nginx's micro-cache.
item="$base/v1/content/chicken-quinoa-bowl"
list="$base/v1/content?kind=recipe&meal=dinner&limit=20"
scenario "GET /v1/content/{slug} (bearer, memcached hit)" "$item" "Authorization: Bearer $access"
scenario "GET /v1/content list page (bearer, memcached hit)" "$list" "Authorization: Bearer $access"
scenario "GET /v1/content/{slug} (nginx micro-cache hit)" "$item"

# Popular: likes from 300 users spread over the last 40 days, then the 7-day ranking through the worker.
psql_stack "WITH u AS (INSERT INTO app_user (email, password_hash, email_verified_at)
                       SELECT 'liker' || g || '@example.org', '!', now() FROM generate_series(1, 300) g RETURNING id),
                 c AS (SELECT id, row_number() OVER (ORDER BY id) n FROM content WHERE status = 'published')
            INSERT INTO content_like (user_id, content_id, created_at)
            SELECT u.id, c.id, now() - random() * interval '40 days' FROM u, c
            WHERE random() < 1.0 / (1 + c.n % 7) ON CONFLICT DO NOTHING"
scenario "GET /v1/content/popular (bearer, memcached hit)" "$base/v1/content/popular?kind=recipe&window=7d" \
    "Authorization: Bearer $access"

# Like toggle: one wrk thread per connection, each a different user PUTting and DELETEing its like.
twin=$(static_twin "$base/healthz")
for conns in 16 64; do
    tokens=$(mktemp)
    for id in $(psql_stack "SELECT id FROM app_user WHERE email LIKE 'liker%' ORDER BY email LIMIT $conns"); do
        MOTUS_CONFIG="$var/etc/motus.conf" build/motusctl token issue "$id" profile >> "$tokens"
    done
    read -r rps p50 p99 < <(MOTUS_BENCH_TOKENS=$tokens run "$item/like" "$conns" "" tests/bench/like.lua "$conns")
    read -r srps _ _ < <(run "$twin" "$conns")
    row "PUT/DELETE /v1/content/{slug}/like (toggle)" "$conns" "$rps" "$p50" "$p99" "$srps"
    rm -f "$tokens"
done

# The miss path: memcached stopped, so every read is built by Postgres (query + JSON) in the worker.
etc/dev/stack.sh memcached-stop >/dev/null
scenario "GET /v1/content/{slug} (miss: built by Postgres)" "$item" "Authorization: Bearer $access"
scenario "GET /v1/content list page (miss: built by Postgres)" "$list" "Authorization: Bearer $access"
etc/dev/stack.sh memcached-start >/dev/null

# The refresh grant: one wrk thread per connection, each with its own token family.
twin=$(static_twin "$base/healthz")
for conns in 16 64; do
    tokens=$(mktemp)
    for _ in $(seq "$conns"); do login_tokens | cut -d' ' -f2 >> "$tokens"; done
    read -r rps p50 p99 < <(MOTUS_BENCH_TOKENS=$tokens run "$base/oauth/token" "$conns" "" tests/bench/refresh.lua "$conns")
    read -r srps _ _ < <(run "$twin" "$conns")
    row "POST /oauth/token (refresh grant, rotation)" "$conns" "$rps" "$p50" "$p99" "$srps"
    rm -f "$tokens"
done

# Log-in: each request verifies an argon2id hash (OWASP: 19 MiB, 2 passes) and issues a code.
read -r q cookie csrf _ < <(login_page)
export MOTUS_BENCH_COOKIE=$cookie
export MOTUS_BENCH_FORM="$q&csrf_token=$csrf&email=bench%40example.org&password=correct+horse+battery"
echo
echo "log-in (POST /oauth/authorize, argon2id verification + code), separately: it is slow by design"
for conns in 1 "$workers"; do
    read -r rps p50 p99 < <(run "$base/oauth/authorize" "$conns" "" tests/bench/login.lua 1)
    printf '  %2s connection(s): %6s log-ins/s, p50 %s ms, p99 %s ms\n' "$conns" "$rps" "$p50" "$p99"
done
echo "  (1 connection keeps one worker busy: that is what one worker sustains)"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" --data "$MOTUS_BENCH_FORM" "$base/oauth/authorize")" = 303 ] ||
    { echo "bench: the log-in form stopped answering 303" >&2; exit 1; }

echo
echo "$(nproc) cores; $workers FastCGI workers; wrk -t$threads, ${seconds}s per run; ratio = req/s / static req/s."
hits=$(curl -s "$base/metrics" | awk '/^motus_cache_requests_total\{result="hit"\}/ {print $2}')
echo "memcached hits counted by the workers: ${hits:-0}"
