#!/usr/bin/env bash
# make cluster-test: Motus scaled out over several hosts, on one machine.
#
# Builds, in network namespaces joined by one bridge on 10.77.0.0/24:
#   10.77.0.2  db       the Postgres primary
#   10.77.0.3  replica  a streaming replica of it (db_read_conninfo)
#   10.77.0.4  mc1      memcached
#   10.77.0.5  mc2      memcached (memcached_servers names both)
#   10.77.0.11 app1     nginx + the FastCGI pool + a queue worker (email) + an SMTP sink on loopback
#   10.77.0.12 app2     the same
#   10.77.0.10 front    nginx balancing app1 and app2 (passive health checks), and wrk
# and drives the front with wrk (tests/chaos/mixed.lua: idempotent reads and like writes, one user per
# connection) in phases of MOTUS_CLUSTER_SECONDS (default 8). Two seconds into a phase it does one
# thing to the cluster, and three seconds later undoes it: SIGKILL app1's pool (and start it again),
# stop mc1 (and start it), stop the replica (and start it), SIGKILL app1's queue worker with a job in
# the middle of its send (and start it). Meanwhile a producer queues test emails with their own
# idempotency keys; the queue workers of both hosts share the queue.
# It fails when any request fails (all of them are idempotent, so the front retries them on the other
# host), when a keyed job is lost or delivered twice, or when an acknowledged like write is lost.
#
# Needs root and `ip netns`; without them it says so and exits 0. Like make chaos it is not part of
# make test. Everything (namespaces, bridge, processes, the temp dir) is removed on exit.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
if [ "$(id -u)" != 0 ]; then
    echo "cluster-test: needs root (network namespaces); skipped"
    exit 0
fi
if ! ip netns list >/dev/null 2>&1; then
    echo "cluster-test: \`ip netns\` is unavailable; skipped"
    exit 0
fi
seconds=${MOTUS_CLUSTER_SECONDS:-8}
conns=${MOTUS_CLUSTER_CONNECTIONS:-16}
build=${MOTUS_BUILD:-build}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "cluster-test: PostgreSQL server binaries not found" >&2; exit 1; }

net=10.77.0
bridge=motus-cl0
nodes="db:2 replica:3 mc1:4 mc2:5 front:10 app1:11 app2:12"
if ip link show "$bridge" >/dev/null 2>&1; then
    echo "cluster-test: $bridge exists: another cluster test is running (or was killed: ip link del $bridge)" >&2
    exit 1
fi

var=$(mktemp -d /tmp/motus-cluster.XXXXXX)
chmod 0755 "$var"
mkdir -p "$var"/{log,mail,etc,run}
chown motus:motus "$var/mail" "$var/run"
touch "$var/log/postgres.log" "$var/log/postgres-replica.log"
chown motus "$var/log" "$var/log/postgres.log" "$var/log/postgres-replica.log"

producer_pid=
ns() { echo "motus-cl-$1"; }
in_ns() { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }
as_motus() { (cd / && runuser -u motus -- "$@"); }
running() { [ -r "/proc/$1/status" ] && ! grep -qs '^State:[[:space:]]*[ZX]' "/proc/$1/status"; }
alive() { [ -f "$1" ] && running "$(cat "$1")"; }
# Stops the process in a pid file (its whole process group with -g) and waits for it.
stop_pidfile() {
    local f=$1 sig=${2:-TERM} pid
    alive "$f" || { rm -f "$f"; return 0; }
    pid=$(cat "$f")
    kill "-$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do running "$pid" || break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$f"
}

cleanup() {
    set +e
    [ -n "$producer_pid" ] && kill "$producer_pid" 2>/dev/null
    local h
    for h in app1 app2; do
        [ -d "$var/$h" ] || continue
        stop_pidfile "$var/$h/run/nginx.pid" QUIT
        stop_pidfile "$var/$h/run/worker.pid"
        stop_pidfile "$var/$h/run/smtp-sink.pid"
        alive "$var/$h/run/pool.pid" && kill -KILL -- "-$(cat "$var/$h/run/pool.pid")" 2>/dev/null
    done
    stop_pidfile "$var/front/nginx.pid" QUIT
    stop_pidfile "$var/run/mc1.pid"
    stop_pidfile "$var/run/mc2.pid"
    for d in pg-replica pg; do
        [ -f "$var/$d/postmaster.pid" ] && as_motus "$pgbin/pg_ctl" -D "$var/$d" -m immediate -w stop >/dev/null 2>&1
    done
    # Anything still running in a namespace (nothing should be) goes with it.
    local n pid
    for n in $nodes; do
        for pid in $(ip netns pids "$(ns "${n%%:*}")" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
        ip netns del "$(ns "${n%%:*}")" 2>/dev/null
    done
    ip link del "$bridge" 2>/dev/null
    [ -n "${MOTUS_CLUSTER_KEEP:-}" ] && { echo "cluster-test: kept $var"; return; }
    rm -rf "$var"
}
trap cleanup EXIT
trap 'echo "cluster-test: failed at line $LINENO: $BASH_COMMAND (logs: MOTUS_CLUSTER_KEEP=1 keeps $var)" >&2' ERR
trap 'exit 130' INT TERM

# --- the network: one namespace per host, a veth pair each into the bridge -------------------------

ip link add "$bridge" type bridge
ip addr add "$net.1/24" dev "$bridge"
ip link set "$bridge" up
for n in $nodes; do
    name=${n%%:*} addr=$net.${n#*:}
    ip netns add "$(ns "$name")"
    ip link add "mcl-$name" type veth peer name eth0 netns "$(ns "$name")"
    ip link set "mcl-$name" master "$bridge" up
    in_ns "$name" ip link set lo up
    in_ns "$name" ip addr add "$addr/24" dev eth0
    in_ns "$name" ip link set eth0 up
done
# Across the bridge: a connection to a closed port of the bridge's address is refused at once (1),
# one that goes nowhere times out (124).
rc=0
in_ns front timeout 2 bash -c "exec 3<>/dev/tcp/$net.1/9" 2>/dev/null || rc=$?
[ "$rc" != 124 ] || { echo "cluster-test: the bridge does not pass traffic" >&2; exit 1; }

# --- Postgres: the primary on db, a streaming replica on replica ----------------------------------

install -d -o motus -g motus -m 0700 "$var/pg" "$var/pg-replica" "$var/pgrun" "$var/pgrun-replica"
as_motus "$pgbin/initdb" -D "$var/pg" -U motus --auth=trust -E UTF8 --locale=C.UTF-8 >"$var/log/initdb.log" 2>&1
cat >> "$var/pg/postgresql.conf" <<EOF
listen_addresses = '$net.2'
unix_socket_directories = '$var/pgrun'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
cat >> "$var/pg/pg_hba.conf" <<EOF
host all motus $net.0/24 trust
host replication motus $net.0/24 trust
EOF
in_ns db runuser -u motus -- "$pgbin/pg_ctl" -D "$var/pg" -l "$var/log/postgres.log" -w -t 60 start >/dev/null
as_motus "$pgbin/createdb" -h "$var/pgrun" -U motus motus

replica_start() {
    in_ns replica runuser -u motus -- "$pgbin/pg_ctl" -D "$var/pg-replica" -l "$var/log/postgres-replica.log" \
        -w -t 60 start >/dev/null
}
replica_stop() { as_motus "$pgbin/pg_ctl" -D "$var/pg-replica" -m fast -w stop >/dev/null; }

# --- memcached on mc1 and mc2 -----------------------------------------------------------------

memcached_start() {
    local n=$1 addr=$2
    in_ns "$n" memcached -d -l "$addr" -p 11211 -U 0 -m 64 -c 1024 -u motus -P "$var/run/$n.pid" >>"$var/log/$n.log" 2>&1
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/$addr/11211") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "cluster-test: memcached on $n did not start" >&2
    return 1
}
memcached_start mc1 "$net.4"
memcached_start mc2 "$net.5"

# --- the app hosts' settings: the same but for where each keeps its own files ------------------

issuer=http://$net.10:8080
admin_token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
media_secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
install -d -o motus -g www-data -m 2750 "$var/media" "$var/media/public" "$var/media/private"
# Copies the hosts' users (motus, www-data) can reach, whatever the checkout's parents allow.
mkdir -p "$var/bin"
cp "$build/motus-fcgi" "$build/motusctl" "$build/motus-worker" "$build/smtp-sink" "$var/bin/"
cp -r www "$var/www"
host_conf() {
    local h=$1 d=$var/$1
    mkdir -p "$d"/{etc,nginx/cache}
    install -d -o motus -g www-data -m 0750 "$d/run"
    chown -R www-data:www-data "$d/nginx"
    touch "$var/log/$h-fcgi.log" && chown motus "$var/log/$h-fcgi.log"
    {
        cat etc/motus.conf
        cat <<EOF

# --- the cluster test's host $h ---
db_conninfo = host=$net.2 dbname=motus user=motus
db_read_conninfo = host=$net.3 dbname=motus user=motus
db_connect_timeout_s = 1
db_read_retry_s = 1
memcached_servers = $net.4:11211,$net.5:11211
metrics_shm_path = $d/run/metrics
fcgi_socket = $d/run/motus.sock
migrations_dir = $repo/sql/migrations
seed_dir = $repo/sql/seed
templates_dir = $var/www/templates
admin_token = $admin_token
media_dir = $var/media
media_url_secret = $media_secret
jwt_issuer = $issuer
public_base_url = $issuer
trusted_proxies = $net.10
smtp_url = smtp://127.0.0.1:2525
mail_from = no-reply@motus.localhost
queue_lease_s = 5
EOF
    } > "$d/etc/motus.conf"
    chgrp motus "$d/etc/motus.conf" && chmod 0640 "$d/etc/motus.conf"
}
host_conf app1
host_conf app2
ctl() { MOTUS_CONFIG="$var/app1/etc/motus.conf" "$build/motusctl" "$@"; }
ctl migrate >"$var/log/migrate.log" 2>&1
ctl seed >>"$var/log/migrate.log" 2>&1
ctl keys generate >>"$var/log/migrate.log" 2>&1

as_motus "$pgbin/pg_basebackup" -h "$net.2" -U motus -D "$var/pg-replica" -R -X stream -c fast \
    >"$var/log/basebackup.log" 2>&1
cat >> "$var/pg-replica/postgresql.conf" <<EOF
listen_addresses = '$net.3'
unix_socket_directories = '$var/pgrun-replica'
EOF
replica_start

# --- an app host: its pool, its queue worker, its SMTP sink, its nginx --------------------------

pool_start() {
    local h=$1 d=$var/$1
    rm -f "$d/run/motus.sock"
    # ip itself in the background, not a function: $! is then the pool (ip and setsid exec it).
    ip netns exec "$(ns "$h")" env MOTUS_CONFIG="$d/etc/motus.conf" MOTUS_FCGI="$var/bin/motus-fcgi" \
        MOTUSCTL="$var/bin/motusctl" setsid etc/pool/motus-pool </dev/null >>"$var/log/$h-fcgi.log" 2>&1 &
    echo $! > "$d/run/pool.pid"
    disown
    local workers
    workers=$(MOTUS_CONFIG="$d/etc/motus.conf" "$build/motusctl" config get workers)
    for _ in $(seq 200); do
        [ -S "$d/run/motus.sock" ] && [ "$(pgrep -c -P "$(cat "$d/run/pool.pid")" || true)" -ge "$workers" ] && return 0
        sleep 0.05
    done
    echo "cluster-test: the pool of $h did not start" >&2
    return 1
}
pool_kill() {
    local f=$var/$1/run/pool.pid
    kill -KILL -- "-$(cat "$f")"
    for _ in $(seq 100); do running "$(cat "$f")" || break; sleep 0.02; done
}
worker_start() {
    local h=$1 d=$var/$1
    ip netns exec "$(ns "$h")" env MOTUS_CONFIG="$d/etc/motus.conf" setsid setpriv --reuid=motus --regid=motus --init-groups -- \
        "$var/bin/motus-worker" --queues email </dev/null >>"$var/log/$h-worker.log" 2>&1 &
    echo $! > "$d/run/worker.pid"
    disown
}
host_start() {
    local h=$1 d=$var/$1 addr=$2
    install -d -o motus -g motus "$var/mail/$h"
    in_ns "$h" setsid "$var/bin/smtp-sink" -p 2525 -d "$var/mail/$h" -P "$d/run/smtp-sink.pid" -u motus \
        </dev/null >>"$var/log/$h-smtp-sink.log" 2>&1 &
    disown
    pool_start "$h"
    worker_start "$h"
    sed -e "s|@REAL_IP@|set_real_ip_from $net.10; real_ip_header X-Forwarded-For; real_ip_recursive on;|" \
        -e "s|@LISTEN@|$addr:8080|" -e "s|@SOCKET@|$d/run/motus.sock|g" -e "s|@ROOT@|$var/www|" \
        -e "s|@CACHE_DIR@|$d/nginx/cache|" -e "s|@MEDIA_DIR@|$var/media|g" etc/nginx/motus.conf > "$d/etc/site.conf"
    cat > "$d/etc/nginx.conf" <<EOF
user www-data;
load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;
worker_processes 1;
pid $d/run/nginx.pid;
error_log $var/log/$h-nginx-error.log warn;
events { worker_connections 2048; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    client_body_temp_path $d/nginx/body;
    fastcgi_temp_path $d/nginx/fastcgi;
    proxy_temp_path $d/nginx/proxy;
    uwsgi_temp_path $d/nginx/uwsgi;
    scgi_temp_path $d/nginx/scgi;
    include $d/etc/site.conf;
}
EOF
    in_ns "$h" nginx -c "$d/etc/nginx.conf"
}
host_start app1 "$net.11"
host_start app2 "$net.12"

# --- the front: nginx balancing the two hosts -------------------------------------------------

mkdir -p "$var/front"
chown www-data:www-data "$var/front"
cat > "$var/front/nginx.conf" <<EOF
user www-data;
worker_processes 1;
pid $var/front/nginx.pid;
error_log $var/log/front-nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log $var/log/front-access.log;
    log_format front '\$status \$request_method \$request_uri upstream=\$upstream_addr:\$upstream_status';
    client_body_temp_path $var/front/body;
    proxy_temp_path $var/front/proxy;
    fastcgi_temp_path $var/front/fastcgi;
    uwsgi_temp_path $var/front/uwsgi;
    scgi_temp_path $var/front/scgi;
    upstream motus_hosts {
        # Passive health checks: a host that fails once is left alone for 3 s, then tried again.
        server $net.11:8080 max_fails=1 fail_timeout=3s;
        server $net.12:8080 max_fails=1 fail_timeout=3s;
        keepalive 64;
    }
    server {
        listen $net.10:8080;
        access_log $var/log/front-access.log front;
        location / {
            proxy_pass http://motus_hosts;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            # nginx never passes a non-idempotent request (POST, PATCH) to the next host once sent.
            proxy_next_upstream error timeout http_502 http_503;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 1s;
            proxy_read_timeout 10s;
        }
    }
}
EOF
in_ns front nginx -c "$var/front/nginx.conf"
base=http://$net.10:8080
for _ in $(seq 100); do
    in_ns front curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break
    sleep 0.1
done
in_ns front curl -fsS -o /dev/null "$base/readyz" || { echo "cluster-test: the front is not ready" >&2; exit 1; }

psql_db() { as_motus "$pgbin/psql" -X -q -At -h "$var/pgrun" -U motus -d motus -c "$1"; }

# --- the load: one user and one token per connection, the free items to like -------------------

tokens=$var/tokens
for id in $(psql_db "WITH u AS (INSERT INTO app_user (email, password_hash, email_verified_at)
                               SELECT 'cluster' || g || '@example.org', '!', now()
                               FROM generate_series(1, $conns) g RETURNING id, email)
                    SELECT id FROM u ORDER BY email"); do
    ctl token issue "$id" profile >> "$tokens"
done
MOTUS_CHAOS_SLUGS=$(psql_db "SELECT string_agg(slug, ',' ORDER BY slug) FROM (SELECT slug FROM content
                             WHERE status = 'published' AND access = 'free' ORDER BY slug LIMIT 12) s")
export MOTUS_BENCH_TOKENS=$tokens MOTUS_CHAOS_SLUGS

# --- the jobs: test emails with keys cluster-1, cluster-2, ..., queued from both hosts ------------

producer() {
    local n=0 h
    while [ ! -e "$var/producer.stop" ]; do
        n=$((n + 1))
        h=app$((n % 2 + 1))
        until MOTUS_CONFIG="$var/$h/etc/motus.conf" in_ns "$h" "$build/motusctl" mail test --key "cluster-$n" \
            "cluster-$n@example.org" >/dev/null 2>&1; do sleep 0.1; done
        echo "$n" >> "$var/queued"
        sleep 0.05
    done
}
producer &
producer_pid=$!

# --- the faults: each done two seconds into its phase and undone three seconds later ----------------

fault_none() { :; }
fault_pool() { pool_kill app1; sleep 3; pool_start app1; }
fault_memcached() { stop_pidfile "$var/run/mc1.pid"; sleep 3; memcached_start mc1 "$net.4"; }
# Both memcached flushed every 0.5 s meanwhile, or the catalogue reads would all be answered from the
# cache and never ask the replica.
flush_caches() {
    local a
    for a in "$net.4" "$net.5"; do
        (exec 3<>"/dev/tcp/$a/11211" && printf 'flush_all\r\n' >&3 && read -r -t 1 _ <&3) 2>/dev/null || true
    done
}
fault_replica() {
    replica_stop
    for _ in 1 2 3 4 5 6; do flush_caches; sleep 0.5; done
    replica_start
    flush_caches
}
# With a job in the middle of its send: the sinks hold their answer to MAIL FROM, so a worker is
# waiting on one when app1's is killed. The job app1's worker held is taken over when its lease ends.
fault_worker() {
    touch "$var/mail/app1/hold" "$var/mail/app2/hold"
    for _ in $(seq 50); do
        [ "$(psql_db "SELECT count(*) FROM job WHERE state = 'running'")" -gt 0 ] && break
        sleep 0.1
    done
    psql_db "SELECT count(*) FROM job WHERE state = 'running'" > "$var/in-flight"
    stop_pidfile "$var/app1/run/worker.pid" KILL
    rm -f "$var/mail/app1/hold" "$var/mail/app2/hold"
    sleep 3
    worker_start app1
}

phases=(
    "baseline:fault_none"
    "app1's pool SIGKILLed, started 3 s later:fault_pool"
    "mc1 stopped, started 3 s later:fault_memcached"
    "replica stopped (caches flushed), started 3 s later:fault_replica"
    "app1's queue worker SIGKILLed mid-send:fault_worker"
    "after:fault_none"
)

# Where each phase begins in the front's access log and the hosts' logs, to tell what each phase did.
logs="front-access app1-fcgi app2-fcgi"
marks() {
    local l
    for l in $logs; do echo "$(wc -l < "$var/log/$l.log")"; done > "$var/marks-$1"
}
# The lines log L got during phase I.
phase_lines() {
    local k from to
    k=$(($(tr ' ' '\n' <<<"$logs" | grep -nx "$1" | cut -d: -f1)))
    from=$(sed -n "${k}p" "$var/marks-$2")
    to=$(sed -n "${k}p" "$var/marks-$(($2 + 1))")
    sed -n "$((from + 1)),${to}p" "$var/log/$1.log"
}
t0=$SECONDS
i=0
for p in "${phases[@]}"; do
    i=$((i + 1))
    marks "$i"
    MOTUS_CHAOS_OUT=$var/phase-$i.out in_ns front wrk -t"$conns" -c"$conns" -d"${seconds}s" --timeout 5s --latency \
        -s tests/chaos/mixed.lua "$base" > "$var/phase-$i.wrk" &
    load=$!
    sleep 2
    "${p#*:}" >/dev/null
    wait "$load"
done
marks $((i + 1))

# --- the jobs: all delivered, each once? -------------------------------------------------------

touch "$var/producer.stop"
wait "$producer_pid" || true
producer_pid=
queued=$(wc -l < "$var/queued")
for _ in $(seq 300); do
    [ "$(psql_db "SELECT count(*) FROM job WHERE idempotency_key LIKE 'cluster-%' AND state IN ('pending', 'running')")" = 0 ] &&
        break
    sleep 0.1
done
delivered=$var/delivered
grep -h '^X-Sink-Rcpt-To: <cluster-[0-9]*@example.org>' "$var"/mail/*/*.eml 2>/dev/null |
    sed 's/.*<cluster-\([0-9]*\)@.*/\1/' | sort -n | uniq -c > "$delivered" || true
once=$(awk '$1 == 1' "$delivered" | wc -l)
twice=$(awk '$1 > 1' "$delivered" | wc -l)
lost=$(comm -23 <(sort -u "$var/queued") <(awk '{print $2}' "$delivered" | sort -u) | wc -l)
dead=$(psql_db "SELECT count(*) FROM job WHERE idempotency_key LIKE 'cluster-%' AND state = 'dead'")
again=$(psql_db "SELECT count(*) FROM job WHERE idempotency_key LIKE 'cluster-%' AND attempts > 1")
# Which host sent each message: each host's sink keeps its own directory.
by_host=""
for h in app1 app2; do
    by_host+=" $h $(cat "$var/mail/$h"/*.eml 2>/dev/null | grep -c '^X-Sink-Rcpt-To: <cluster-' || true)"
done

# --- the report -------------------------------------------------------------------------------

printf '\n%-52s %8s %7s  %-44s %8s\n' phase requests failed "failed by kind (cached/bearer/list/me/like)" "p99 ms"
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
    printf '%-52s %8s %7s  %-44s %8.1f\n' "${p%%:*}" "$total" "$((failed + sockets))" "$by_kind" \
        "$(awk -v u="$p99" 'BEGIN { print u / 1000 }')"
    # What the phase did: which host the front sent requests to, how many it sent on to the other one
    # (a 502 or a refused connection from the first), and what the hosts logged.
    phase_lines front-access "$i" | awk -v a="$net.11:8080" -v b="$net.12:8080" '
        { u = substr($0, index($0, "upstream="))
          if (index(u, ", ")) r++; else if (index(u, a ":")) n1++; else if (index(u, b ":")) n2++ }
        END { printf "    front: app1 answered %d, app2 %d, passed on to the other host %d", n1, n2, r }'
    printf '; hosts logged: replica failed %d, memcached failed %d\n' \
        "$( (phase_lines app1-fcgi "$i"; phase_lines app2-fcgi "$i") | grep -c 'read replica failed' || true)" \
        "$( (phase_lines app1-fcgi "$i"; phase_lines app2-fcgi "$i") | grep -c 'memcached .* failed' || true)"
    [ "$((failed + sockets))" -gt 0 ] || continue
    grep '^failure' "$out" | sort | uniq -c | sort -rn | head -3 | sed 's/^ */    /'
    bad=1
done
echo

# Likes: the last acknowledged write of every (user, item) against the primary.
expected=$var/likes-expected
awk -v slugs="$MOTUS_CHAOS_SLUGS" 'BEGIN { n = split(slugs, s, ",") }
    $1 == "likes" { for (j = 1; j <= n; j++) { c = substr($3, j, 1); if (c != "-") st[$2 " " s[j]] = c } }
    END { for (k in st) print k, st[k] }' "$var"/phase-*.out | sort > "$expected"
psql_db "SELECT u.n, c.slug FROM content_like l JOIN content c ON c.id = l.content_id
         JOIN (SELECT id, row_number() OVER (ORDER BY email) n FROM app_user WHERE email LIKE 'cluster%') u
         ON u.id = l.user_id" | tr '|' ' ' | sort > "$var/likes-found"
missing=$(awk '$3 == "1" { print $1, $2 }' "$expected" | sort | comm -23 - "$var/likes-found" | wc -l)
resurrected=$(awk '$3 == "0" { print $1, $2 }' "$expected" | sort | comm -12 - "$var/likes-found" | wc -l)
writes=$(awk '$1 == "count" && $3 == "like" { n += $4 } END { print n + 0 }' "$var"/phase-*.out)
echo "like writes acknowledged: $writes; acknowledged likes missing: $missing, acknowledged unlikes found: $resurrected"
echo "jobs queued (acknowledged to the producer, from both hosts): $queued; delivered once: $once;" \
    "delivered more than once: $twice; lost: $lost; dead: $dead; sent by host:$by_host"
echo "app1's queue worker SIGKILLed with $(cat "$var/in-flight") job(s) running; jobs run again after their lease ran out: $again"
echo "2 app hosts; $conns connections (one user each); ${seconds} s per phase; load and faults took $((SECONDS - t0)) s."
if [ "$missing" = 0 ] && [ "$resurrected" = 0 ] && [ "$twice" = 0 ] && [ "$lost" = 0 ] && [ "$bad" = 0 ]; then
    echo "cluster-test: passed"
else
    echo "cluster-test: FAILED (failed requests, or a write or a job lost or duplicated: see above)"
    exit 1
fi
