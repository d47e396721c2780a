#!/usr/bin/env bash
# make chaos: the faults an operator meets, one after another, under load.
#
# Starts a throwaway stack (nginx, the worker pool, Postgres, memcached, the
# queue workers, the SMTP sink), drives it with wrk (tests/chaos/mixed.lua:
# idempotent reads and like writes, one user per connection) in phases of
# MOTUS_CHAOS_SECONDS (default 8), and two seconds into each phase does one
# thing to it: SIGKILL FastCGI workers, stop memcached, start it again,
# restart Postgres, reload the pool, SIGKILL the queue workers. Meanwhile a
# producer queues test emails through motusctl, each with its own idempotency
# key, retrying a key until it is acknowledged. At the end it prints, per
# phase, requests sent and failed by kind and the p99, then the jobs queued
# and delivered (by key, from the sink's files) and the like writes
# acknowledged and found in the database. It exits non-zero when an
# acknowledged write or a job is lost or duplicated, or when a request fails
# outside the window in which Postgres is down.
#
# Like make bench, this measures; it is not part of make test.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
seconds=${MOTUS_CHAOS_SECONDS:-8}
conns=${MOTUS_CHAOS_CONNECTIONS:-16}

var=$(mktemp -d /tmp/motus-chaos.XXXXXX)
chmod 0755 "$var"
export MOTUS_VAR_DIR=$var MOTUS_BUILD=build MOTUS_WEB=nginx MOTUS_PORTS=auto
# A job whose queue worker was killed is claimed again when its lease ends: 5 s instead of 120, so
# the run need not wait two minutes for the last of them.
export MOTUS_QUEUE_LEASE_S=5
producer_pid=
cleanup() {
    [ -n "$producer_pid" ] && kill "$producer_pid" 2>/dev/null
    etc/dev/stack.sh stop >/dev/null 2>&1 || true
    [ -n "${MOTUS_CHAOS_KEEP:-}" ] && { echo "chaos: kept $var"; return; }
    rm -rf "$var"
}
trap cleanup EXIT
stack() { etc/dev/stack.sh "$@"; }
stack start >/dev/null
# shellcheck disable=SC1091
. "$var/stack.env"
base=$MOTUS_NGINX_URL
workers=${workers:?stack.env names the pool size}
psql_stack() { psql -X -q -At -h "$var/pgrun" -U motus -d motus -c "$1"; }
ctl() { MOTUS_CONFIG="$var/etc/motus.conf" build/motusctl "$@"; }
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# --- the load: one user and one token per connection, the free items to like -------

tokens=$var/tokens
for id in $(psql_stack "WITH u AS (INSERT INTO app_user (email, password_hash, email_verified_at)
                                   SELECT 'chaos' || g || '@example.org', '!', now()
                                   FROM generate_series(1, $conns) g RETURNING id, email)
                        SELECT id FROM u ORDER BY email"); do
    ctl token issue "$id" profile >> "$tokens"
done
MOTUS_CHAOS_SLUGS=$(psql_stack "SELECT string_agg(slug, ',' ORDER BY slug) FROM (SELECT slug FROM content
                                WHERE status = 'published' AND access = 'free' ORDER BY slug LIMIT 12) s")
export MOTUS_BENCH_TOKENS=$tokens MOTUS_CHAOS_SLUGS

# --- the jobs: test emails with keys chaos-1, chaos-2, ..., each retried until queued -----

producer() {
    local n=0
    while [ ! -e "$var/producer.stop" ]; do
        n=$((n + 1))
        until ctl mail test --key "chaos-$n" "chaos-$n@example.org" >/dev/null 2>&1; do sleep 0.1; done
        echo "$n" >> "$var/queued"
        sleep 0.05
    done
}
producer &
producer_pid=$!

# --- the faults ----------------------------------------------------------------------------

fault_none() { :; }
fault_kill_workers() {
    local i pid
    for i in $(seq $((workers * 2))); do
        pid=$(stack pool-pids | shuf -n 1)
        kill -KILL "$pid"
        echo "SIGKILL worker $pid" >> "$var/events"
        sleep 0.4
    done
}
fault_memcached_stop() { stack memcached-stop; }
fault_memcached_start() { stack memcached-start; }
fault_pg_restart() {
    local t0 t1
    t0=$(now_ms)
    stack pg-restart
    t1=$(now_ms)
    echo "$t0 $t1" > "$var/pg-window"
}
fault_pool_reload() { stack pool-reload; sleep 2; stack pool-reload; }
# Twice, each time with a job in the middle of its send: the sink holds its answer to MAIL FROM, so
# the email worker is waiting on it when it is killed. A supervisor (systemd's Restart=always) starts
# the workers again; here the script does, right away. The held job is taken over once its lease ends.
fault_kill_queue_workers() {
    for _ in 1 2; do
        stack smtp-hold on
        for _ in $(seq 50); do
            [ "$(psql_stack "SELECT count(*) FROM job WHERE state = 'running'")" -gt 0 ] && break
            sleep 0.1
        done
        psql_stack "SELECT count(*) FROM job WHERE state = 'running'" >> "$var/in-flight"
        stack worker-kill
        stack worker-start
        stack smtp-hold off
        sleep 0.5
    done
}

phases=(
    "baseline:fault_none"
    "SIGKILL a FastCGI worker every 0.4 s:fault_kill_workers"
    "memcached stopped:fault_memcached_stop"
    "memcached started again:fault_memcached_start"
    "Postgres restarted:fault_pg_restart"
    "pool reloaded twice (graceful):fault_pool_reload"
    "queue workers SIGKILLed and restarted:fault_kill_queue_workers"
    "after:fault_none"
)

i=0
for p in "${phases[@]}"; do
    i=$((i + 1))
    MOTUS_CHAOS_OUT=$var/phase-$i.out wrk -t"$conns" -c"$conns" -d"${seconds}s" --timeout 5s --latency \
        -s tests/chaos/mixed.lua "$base" > "$var/phase-$i.wrk" &
    load=$!
    sleep 2
    "${p#*:}" >/dev/null
    wait "$load"
done

# --- the jobs: all delivered? ------------------------------------------------------------------

touch "$var/producer.stop"
wait "$producer_pid" || true
producer_pid=
queued=$(wc -l < "$var/queued")
for _ in $(seq 600); do
    [ "$(psql_stack "SELECT count(*) FROM job WHERE idempotency_key LIKE 'chaos-%' AND state IN ('pending', 'running')")" = 0 ] &&
        break
    sleep 0.1
done
# One file per message the sink accepted; its envelope names the key's address.
delivered=$var/delivered
grep -h '^X-Sink-Rcpt-To: <chaos-[0-9]*@example.org>' "$var"/mail/*.eml 2>/dev/null |
    sed 's/.*<chaos-\([0-9]*\)@.*/\1/' | sort -n | uniq -c > "$delivered" || true
once=$(awk '$1 == 1' "$delivered" | wc -l)
twice=$(awk '$1 > 1' "$delivered" | wc -l)
lost=$(comm -23 <(sort -u "$var/queued") <(awk '{print $2}' "$delivered" | sort -u) | wc -l)
dead=$(psql_stack "SELECT count(*) FROM job WHERE idempotency_key LIKE 'chaos-%' AND state = 'dead'")
again=$(psql_stack "SELECT count(*) FROM job WHERE idempotency_key LIKE 'chaos-%' AND attempts > 1")

# --- the report ---------------------------------------------------------------------------------

printf '\n%-40s %8s %7s  %-44s %8s\n' phase requests failed "failed by kind (cached/bearer/list/me/like)" "p99 ms"
bad=0
i=0
for p in "${phases[@]}"; do
    i=$((i + 1))
    out=$var/phase-$i.out
    read -r _ _ p99 _ < <(grep '^latency' "$out")
    read -r _ total _ < <(grep '^total' "$out")
    read -r _ e_connect e_read e_write _ e_timeout < <(grep '^socket' "$out")
    by_kind=$(awk '$1 == "count" { f[$3] += $5 } END {
        printf "%d/%d/%d/%d/%d", f["cached"], f["bearer"], f["list"], f["me"], f["like"] }' "$out")
    failed=$(awk '$1 == "count" { f += $5 } END { print f + 0 }' "$out")
    sockets=$((e_connect + e_read + e_write + e_timeout))
    [ "$sockets" -gt 0 ] && by_kind="$by_kind + $sockets socket errors"
    printf '%-40s %8s %7s  %-44s %8.1f\n' "${p%%:*}" "$total" "$((failed + sockets))" "$by_kind" \
        "$(awk -v u="$p99" 'BEGIN { print u / 1000 }')"
    [ "$((failed + sockets))" -gt 0 ] || continue
    grep '^failure' "$out" | sort | uniq -c | sort -rn | head -3 | sed 's/^ */    /'
    # Failures are expected only while Postgres is down, give or take the 100 ms a worker's answer takes.
    read -r from to < <(awk '$1 == "failed_between" { if (!f || $2 < f) f = $2; if ($3 > t) t = $3 }
                             END { printf "%.0f %.0f\n", f, t }' "$out")
    read -r down up < "$var/pg-window"
    case $p in
    "Postgres restarted:"*)
        echo "    failures from $((from - down)) ms to $((to - down)) ms after the restart began"
        [ "$sockets" = 0 ] && [ "$from" -ge "$down" ] && [ "$to" -le $((up + 100)) ] || bad=1 ;;
    *) bad=1 ;;
    esac
done
echo
read -r down up < "$var/pg-window"
echo "Postgres was down for $((up - down)) ms (pg_ctl restart -m fast: from the stop to accepting again)."

# Likes: the last acknowledged write of every (user, item) against the database; a pair whose last
# write failed ('?') may be either way and is only counted.
expected=$var/likes-expected
awk -v slugs="$MOTUS_CHAOS_SLUGS" 'BEGIN { n = split(slugs, s, ",") }
    $1 == "likes" { for (j = 1; j <= n; j++) { c = substr($3, j, 1); if (c != "-") st[$2 " " s[j]] = c } }
    END { for (k in st) print k, st[k] }' "$var"/phase-*.out | sort > "$expected"
psql_stack "SELECT u.n, c.slug FROM content_like l JOIN content c ON c.id = l.content_id
            JOIN (SELECT id, row_number() OVER (ORDER BY email) n FROM app_user WHERE email LIKE 'chaos%') u
            ON u.id = l.user_id" | tr '|' ' ' | sort > "$var/likes-found"
acked_on=$(awk '$3 == "1"' "$expected" | wc -l)
acked_off=$(awk '$3 == "0"' "$expected" | wc -l)
doubt=$(awk '$3 == "?"' "$expected" | wc -l)
missing=$(awk '$3 == "1" { print $1, $2 }' "$expected" | sort | comm -23 - "$var/likes-found" | wc -l)
resurrected=$(awk '$3 == "0" { print $1, $2 }' "$expected" | sort | comm -12 - "$var/likes-found" | wc -l)
writes=$(awk '$1 == "count" && $3 == "like" { n += $4 } END { print n + 0 }' "$var"/phase-*.out)
echo "like writes acknowledged: $writes; final states checked: $((acked_on + acked_off)) pairs" \
    "($acked_on liked, $acked_off not), $doubt left in doubt (the last write failed or was cut off by the end of a phase);" \
    "acknowledged likes missing: $missing, acknowledged unlikes found: $resurrected"
echo "jobs queued (acknowledged to the producer): $queued; delivered once: $once; delivered more than once: $twice;" \
    "lost: $lost; dead: $dead"
echo "queue workers SIGKILLed twice in the middle of a send (jobs running at the kills:" \
    "$(paste -sd+ "$var/in-flight" | sed 's/+/ and /')); jobs run again after their lease ran out: $again"
echo "$(nproc) cores; $workers FastCGI workers; $conns connections (one user each); ${seconds} s per phase;" \
    "queue lease 5 s."
[ "$missing" = 0 ] && [ "$resurrected" = 0 ] && [ "$twice" = 0 ] && [ "$lost" = 0 ] && [ "$bad" = 0 ]
