#!/usr/bin/env bash
# stack.sh: the whole Motus stack on one machine, in one directory: its own
# Postgres cluster (unix socket only), memcached on loopback, the FastCGI
# pool (spawn-fcgi + multiwatch) and nginx and/or Apache in front, the
# queue workers (motus-worker, one per queue group) and a local SMTP sink
# that stores every mail as a file in $var/mail.
# `make run` uses ./var; the tests and benchmarks use a temp dir and free ports.
#
#   stack.sh start | stop | status | env
#   stack.sh memcached-stop | memcached-start | pg-restart | pool-pids | pool-reload
#   stack.sh replica-stop | replica-start | replica-pause | replica-resume   (its WAL replay)
#   stack.sh worker-kill [GROUP] | worker-start | worker-pids [GROUP]   (SIGKILL / start motus-worker)
#   stack.sh smtp-refuse on|off | smtp-hold on|off | smtp-slow on|off
#            (the sink answers MAIL FROM with 451 / not until hold is off / after 100 ms)
#
# Environment:
#   MOTUS_VAR_DIR    where everything lives (default: ./var of the checkout)
#   MOTUS_BUILD      build directory to take binaries from (build or build-asan)
#   MOTUS_WEB        nginx (default), apache or both
#   MOTUS_PORTS=auto pick free loopback ports (tests)
#   MOTUS_PG_FAST=1  fsync off: a throwaway cluster
#   MOTUS_PG_REPLICA=1  a streaming replica of it too (its own socket directory),
#                    which catalogue reads use (db_read_conninfo)
#   MOTUS_TEST_CLOCK=1  a test clock (throwaway test stacks only): Postgres's now()
#                    and the app's clock_unix() run ahead by the seconds in
#                    $var/etc/test-clock, which tests move (harness_clock_advance)
#   MOTUS_WORKER_GROUPS  queue groups, one motus-worker each (default: "email email_attachments outbound scheduled")
#   MOTUS_<SETTING>  any setting of etc/motus.conf (MOTUS_HTTP_PORT, MOTUS_WORKERS, ...)
# What a stack was started with is remembered in $var/stack.env; what a run is given wins (and is said).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
var=${MOTUS_VAR_DIR:-$repo/var}
mkdir -p "$var"
var=$(cd "$var" && pwd)
build=${MOTUS_BUILD:-build}
web=${MOTUS_WEB:-nginx}
# What this run was given: it wins over what an earlier run of the stack remembered (load_settings).
given_web=${MOTUS_WEB:-} given_build=${MOTUS_BUILD:-} given_workers=${MOTUS_WORKERS:-}
given_http_port=${MOTUS_HTTP_PORT:-} given_apache_port=${MOTUS_APACHE_PORT:-}
given_memcached_port=${MOTUS_MEMCACHED_PORT:-} given_smtp_sink_port=${MOTUS_SMTP_SINK_PORT:-}
given_test_clock=${MOTUS_TEST_CLOCK:-} given_pg_replica=${MOTUS_PG_REPLICA:-}
# Queue groups to run workers for; only a list given here is remembered by the
# stack, so a stack started before a new group existed picks it up on restart.
default_worker_groups="email email_attachments outbound scheduled"
worker_groups_given=${MOTUS_WORKER_GROUPS:-}
worker_groups=${worker_groups_given:-$default_worker_groups}
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
root=0
[ "$(id -u)" = 0 ] && root=1

say() { printf '%s\n' "$*"; }
die() { printf 'stack: %s\n' "$*" >&2; exit 1; }

# Runs a command as the user that owns the stack's data (motus when we are root).
as_owner() {
    # From /: the caller's working directory may be private to root.
    if ((root)); then (cd / && runuser -u motus -- "$@"); else "$@"; fi
}

# A process that has not exited. Not `kill -0`: an exited daemon of ours is
# init's child, and stays a zombie (which kill -0 still finds) until init
# reaps it, up to seconds later on some machines.
running() { [ -r "/proc/$1/status" ] && ! grep -qs '^State:[[:space:]]*[ZX]' "/proc/$1/status"; }

alive() { [ -f "$1" ] && running "$(cat "$1")"; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 12000)) # below 32768: never a port the kernel hands to outgoing connections
        port_free "$p" && { echo "$p"; return; }
    done
    die "no free port found"
}

# --- settings ---------------------------------------------------------------

ctl() { MOTUS_CONFIG="$var/etc/motus.conf" "$repo/$build/motusctl" "$@"; }
setting() { MOTUS_CONFIG="$repo/etc/motus.conf" "$repo/$build/motusctl" config get "$1"; }

# A value given for this run (MOTUS_<NAME>, non-empty) replaces the one the stack remembered, and the run
# says so: `MOTUS_WEB=both make run` after a plain `make run` serves through both.
take_given() {
    local label=$1 name=$2 value=$3
    [ -n "$value" ] && [ "${!name}" != "$value" ] || return 0
    say "stack: $label=$value given; this stack had ${!name:-none}"
    printf -v "$name" '%s' "$value"
}

load_settings() {
    if [ -f "$var/stack.env" ]; then
        # shellcheck disable=SC1091
        . "$var/stack.env"
        worker_groups=${MOTUS_WORKER_GROUPS:-${worker_groups_given:-$default_worker_groups}}
        # A stack started by an older stack.sh has no sink port yet, nor a test clock.
        smtp_sink_port=${smtp_sink_port:-$(setting smtp_sink_port)}
        test_clock=${test_clock:-}
        pg_replica=${pg_replica:-}
        if [ "${1:-}" = start ]; then
            take_given MOTUS_WEB web "$given_web"
            take_given MOTUS_BUILD build "$given_build"
            take_given MOTUS_WORKERS workers "$given_workers"
            take_given MOTUS_HTTP_PORT http_port "$given_http_port"
            take_given MOTUS_APACHE_PORT apache_port "$given_apache_port"
            take_given MOTUS_MEMCACHED_PORT memcached_port "$given_memcached_port"
            take_given MOTUS_SMTP_SINK_PORT smtp_sink_port "$given_smtp_sink_port"
            take_given MOTUS_TEST_CLOCK test_clock "$given_test_clock"
            take_given MOTUS_PG_REPLICA pg_replica "$given_pg_replica"
        fi
        [ -x "$repo/$build/motusctl" ] || die "$build/motusctl is missing: run make first"
        return
    fi
    [ -x "$repo/$build/motusctl" ] || die "$build/motusctl is missing: run make first"
    if [ "${MOTUS_PORTS:-}" = auto ]; then
        # Free ports, but a port given for this run is that port (and ports_free checks it).
        http_port=${given_http_port:-$(free_port)}; apache_port=${given_apache_port:-$(free_port)}
        memcached_port=${given_memcached_port:-$(free_port)}; smtp_sink_port=${given_smtp_sink_port:-$(free_port)}
    else
        http_port=$(setting http_port); apache_port=$(setting apache_port); memcached_port=$(setting memcached_port)
        smtp_sink_port=$(setting smtp_sink_port)
    fi
    workers=$(setting workers)
    test_clock=${MOTUS_TEST_CLOCK:-}
    pg_replica=${MOTUS_PG_REPLICA:-}
}

write_env() {
    cat > "$var/stack.env" <<EOF
# Written by etc/dev/stack.sh: what this stack is and where it listens.
http_port=$http_port
apache_port=$apache_port
memcached_port=$memcached_port
smtp_sink_port=$smtp_sink_port
worker_groups_given="$worker_groups_given"
test_clock=$test_clock
pg_replica=$pg_replica
workers=$workers
web=$web
build=$build
MOTUS_CONFIG=$var/etc/motus.conf
MOTUS_NGINX_URL=http://127.0.0.1:$http_port
MOTUS_APACHE_URL=http://127.0.0.1:$apache_port
MOTUS_ADMIN_TOKEN=$admin_token
MOTUS_JWT_ISSUER=$issuer
MOTUS_MAIL_DIR=$var/mail
MOTUS_MEDIA_DIR=$var/media
EOF
}

# Every MOTUS_<SETTING> given when the stack starts, as config lines, so that
# later commands (motusctl, a pool reload) see the same values without it.
baked_overrides() {
    local k v name
    echo "# Settings given as MOTUS_<NAME> when the stack started:"
    while IFS='=' read -r k v; do
        name=$(printf '%s' "${k#MOTUS_}" | tr '[:upper:]' '[:lower:]')
        setting "$name" >/dev/null 2>&1 && printf '%s = %s\n' "$name" "$v"
    done < <(env | LC_ALL=C sort | grep -E '^MOTUS_[A-Z0-9_]+=')
    echo "# The stack's own:"
}

# --- layout -----------------------------------------------------------------

prepare() {
    chmod 0755 "$var"
    mkdir -p "$var"/{etc,log,bin,www,nginx,apache,mail}
    # run/: the FastCGI socket and metrics, reachable by the web server's group only.
    # pgrun/: the Postgres socket (trust auth), reachable by the stack's owner only.
    install -d -m 0750 "$var/run"
    install -d -m 0700 "$var/pgrun" "$var/pgrun-replica"
    if ((root)); then
        runuser -u motus -- test -x "$var" 2>/dev/null ||
            die "$var must be reachable by the motus user (a parent directory is private); set MOTUS_VAR_DIR"
        chown motus:www-data "$var/run"
        chown motus:motus "$var/pgrun" "$var/pgrun-replica"
        chown www-data:www-data "$var/nginx" "$var/apache"
        touch "$var/log/motus-fcgi.log" && chown motus "$var/log/motus-fcgi.log"
        chown motus:motus "$var/mail"
    fi
    # media/: written by the workers (motus), read by the web server (group www-data):
    # setgid, so every file stored there keeps the web server's group.
    local d
    for d in "$var/media" "$var/media/public" "$var/media/private"; do
        if ((root)); then install -d -o motus -g www-data -m 2750 "$d"; else install -d -m 2750 "$d"; fi
    done
    # Copies, swapped in by rename: a running pool keeps its old binary until reloaded.
    for b in motus-fcgi motusctl; do
        cp "$repo/$build/$b" "$var/bin/.$b.new" && mv -f "$var/bin/.$b.new" "$var/bin/$b"
    done
    # Replaced only when changed: a running worker or sink whose binary was replaced is restarted.
    for b in motus-worker smtp-sink; do
        cmp -s "$repo/$build/$b" "$var/bin/$b" ||
            { cp "$repo/$build/$b" "$var/bin/.$b.new" && mv -f "$var/bin/.$b.new" "$var/bin/$b"; }
    done
    rm -rf "$var/www.new" && cp -r "$repo/www" "$var/www.new" && rm -rf "$var/www" && mv "$var/www.new" "$var/www"

    [ -f "$var/etc/admin_token" ] || (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$var/etc/admin_token")
    admin_token=$(cat "$var/etc/admin_token")
    # The key of signed media URLs: the one given (the tests know theirs), else the stack's own.
    [ -f "$var/etc/media_url_secret" ] || (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' > "$var/etc/media_url_secret")
    media_url_secret=${MOTUS_MEDIA_URL_SECRET:-$(cat "$var/etc/media_url_secret")}
    # Tokens name the stack's own public URL as their issuer.
    issuer=http://127.0.0.1:$http_port
    wants nginx || issuer=http://127.0.0.1:$apache_port
    {
        cat "$repo/etc/motus.conf"
        cat <<EOF

# --- written by etc/dev/stack.sh for the stack in $var ---
$(baked_overrides)
db_conninfo = host=$var/pgrun dbname=motus user=motus
memcached_servers = 127.0.0.1:$memcached_port
metrics_shm_path = $var/run/metrics
fcgi_socket = $var/run/motus.sock
migrations_dir = $repo/sql/migrations
seed_dir = $repo/sql/seed
templates_dir = $var/www/templates
admin_token = $admin_token
media_dir = $var/media
media_url_secret = $media_url_secret
jwt_issuer = $issuer
public_base_url = $issuer
workers = $workers
http_port = $http_port
apache_port = $apache_port
memcached_port = $memcached_port
smtp_sink_port = $smtp_sink_port
smtp_url = smtp://127.0.0.1:$smtp_sink_port
mail_from = no-reply@motus.localhost
EOF
        if [ "$test_clock" = 1 ]; then echo "test_clock_file = $var/etc/test-clock"; fi
        if [ "$pg_replica" = 1 ]; then echo "db_read_conninfo = host=$var/pgrun-replica dbname=motus user=motus"; fi
    } > "$var/etc/motus.conf.new"
    chmod 0640 "$var/etc/motus.conf.new"
    ((root)) && chgrp motus "$var/etc/motus.conf.new"
    install_conf
    write_env
}

# The generated etc/motus.conf.new replaces etc/motus.conf, unless that was edited by hand since the stack
# wrote it (its digest is not the one kept in etc/motus.conf.sha256): then it stays, the generated one is
# left beside it as etc/motus.conf.generated, and the run says so.
install_conf() {
    local conf="$var/etc/motus.conf" digest="$var/etc/motus.conf.sha256"
    if [ -f "$conf" ] && [ -f "$digest" ] && ! (cd "$var/etc" && sha256sum --status -c motus.conf.sha256 2>/dev/null); then
        if cmp -s "$conf.new" "$conf"; then
            rm -f "$conf.new"
        else
            mv -f "$conf.new" "$conf.generated"
            say "stack: $conf was edited by hand, so it is kept; what this run would have written is in $conf.generated"
        fi
        return
    fi
    mv -f "$conf.new" "$conf"
    rm -f "$conf.generated"
    (cd "$var/etc" && sha256sum motus.conf > "$digest")
}

# Every port the stack listens on is free or already its own; otherwise one line names the port, before
# anything is started, so a taken port leaves nothing running.
ports_free() {
    local name port pidfile
    for name in http_port apache_port memcached_port smtp_sink_port; do
        port=${!name}
        case $name in
        http_port) wants nginx || continue; pidfile=nginx.pid ;;
        apache_port) wants apache || continue; pidfile=apache.pid ;;
        memcached_port) pidfile=memcached.pid ;;
        smtp_sink_port) pidfile=smtp-sink.pid ;;
        esac
        alive "$var/run/$pidfile" && ! port_free "$port" && continue
        port_free "$port" ||
            die "port $port ($name) is taken by another program: stop it, or give the stack another (MOTUS_${name^^}=PORT)"
    done
}

# --- Postgres -----------------------------------------------------------------

pg_start() {
    if [ ! -f "$var/pg/PG_VERSION" ]; then
        install -d -m 0700 "$var/pg"
        ((root)) && chown motus:motus "$var/pg"
        as_owner "$pgbin/initdb" -D "$var/pg" -U motus --auth=trust -E UTF8 --locale=C.UTF-8 >"$var/log/initdb.log" 2>&1 ||
            die "initdb failed: see $var/log/initdb.log"
        {
            echo "listen_addresses = ''"
            echo "unix_socket_directories = '$var/pgrun'"
            echo "max_connections = 200"
            if [ "${MOTUS_PG_FAST:-}" = 1 ]; then
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } >> "$var/pg/postgresql.conf"
    fi
    if as_owner "$pgbin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1; then
        return
    fi
    ((root)) && { touch "$var/log/postgres.log"; chown motus "$var/log/postgres.log"; }
    as_owner "$pgbin/pg_ctl" -D "$var/pg" -l "$var/log/postgres.log" -w -t 60 start >/dev/null ||
        die "Postgres did not start: see $var/log/postgres.log"
    as_owner "$pgbin/psql" -h "$var/pgrun" -U motus -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = 'motus'" |
        grep -q 1 || as_owner "$pgbin/createdb" -h "$var/pgrun" -U motus motus
}

pg_stop() {
    [ -f "$var/pg/PG_VERSION" ] || return 0
    as_owner "$pgbin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1 || return 0
    as_owner "$pgbin/pg_ctl" -D "$var/pg" -m fast -w stop >/dev/null
}

pg_restart() {
    as_owner "$pgbin/pg_ctl" -D "$var/pg" -l "$var/log/postgres.log" -m fast -w -t 60 restart >/dev/null
}

# The streaming replica (pg_replica=1): a base backup of the primary that follows its WAL (taken
# after a fast checkpoint: a spread one kept a fresh stack waiting for minutes).
replica_start() {
    [ "$pg_replica" = 1 ] || return 0
    if [ ! -f "$var/pg-replica/PG_VERSION" ]; then
        install -d -m 0700 "$var/pg-replica"
        ((root)) && chown motus:motus "$var/pg-replica"
        as_owner "$pgbin/pg_basebackup" -h "$var/pgrun" -U motus -D "$var/pg-replica" -R -X stream -c fast \
            >"$var/log/basebackup.log" 2>&1 || die "the replica's base backup failed: see $var/log/basebackup.log"
        echo "unix_socket_directories = '$var/pgrun-replica'" >> "$var/pg-replica/postgresql.conf"
    fi
    as_owner "$pgbin/pg_ctl" -D "$var/pg-replica" status >/dev/null 2>&1 && return
    ((root)) && { touch "$var/log/postgres-replica.log"; chown motus "$var/log/postgres-replica.log"; }
    as_owner "$pgbin/pg_ctl" -D "$var/pg-replica" -l "$var/log/postgres-replica.log" -w -t 60 start >/dev/null ||
        die "the replica did not start: see $var/log/postgres-replica.log"
}

replica_stop() {
    [ -f "$var/pg-replica/PG_VERSION" ] || return 0
    as_owner "$pgbin/pg_ctl" -D "$var/pg-replica" status >/dev/null 2>&1 || return 0
    as_owner "$pgbin/pg_ctl" -D "$var/pg-replica" -m fast -w stop >/dev/null
}

# Pauses or resumes the replica's WAL replay: it stays up, serving what it has, and falls behind.
replica_replay() {
    as_owner "$pgbin/psql" -X -q -At -h "$var/pgrun-replica" -U motus -d motus -c "SELECT pg_wal_replay_$1()" >/dev/null
}

# The test clock (test_clock=1): every session of the database resolves now() to
# test_clock.now(), pg_catalog.now() plus the seconds in test_clock.shift, through
# the database's search_path; etc/test-clock holds the same seconds for the app's
# clock_unix(). Set up before the migrations (column defaults bind to the function
# they name) and before the pool starts (search_path reaches new sessions only).
pg_test_clock() {
    [ "$test_clock" = 1 ] || return 0
    as_owner "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$var/pgrun" -U motus -d motus >/dev/null <<'SQL'
CREATE SCHEMA IF NOT EXISTS test_clock;
CREATE TABLE IF NOT EXISTS test_clock.shift (
    single boolean PRIMARY KEY DEFAULT true CHECK (single),
    seconds bigint NOT NULL DEFAULT 0);
INSERT INTO test_clock.shift DEFAULT VALUES ON CONFLICT DO NOTHING;
CREATE OR REPLACE FUNCTION test_clock.now() RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT pg_catalog.now() + (SELECT seconds FROM test_clock.shift) * interval '1 second' $$;
-- After public, so tables are still created there; before pg_catalog, so now() is ours.
ALTER DATABASE motus SET search_path = "$user", public, test_clock, pg_catalog;
SQL
    as_owner "$pgbin/psql" -X -Atq -h "$var/pgrun" -U motus -d motus -c "SELECT seconds FROM test_clock.shift" \
        > "$var/etc/test-clock.new"
    chmod 0644 "$var/etc/test-clock.new"
    mv -f "$var/etc/test-clock.new" "$var/etc/test-clock"
}

# --- memcached ----------------------------------------------------------------

memcached_start() {
    # Running, and on its port (a run given another port starts it there).
    if alive "$var/run/memcached.pid"; then
        port_free "$memcached_port" || return 0
        memcached_stop
    fi
    local user=()
    ((root)) && user=(-u motus)
    memcached -d -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 -c 1024 "${user[@]}" -P "$var/run/memcached.pid" \
        >>"$var/log/memcached.log" 2>&1
    for _ in $(seq 100); do
        port_free "$memcached_port" || return 0
        sleep 0.05
    done
    die "memcached did not start on port $memcached_port"
}

memcached_stop() {
    alive "$var/run/memcached.pid" || return 0
    local pid
    pid=$(cat "$var/run/memcached.pid")
    kill "$pid"
    for _ in $(seq 100); do
        running "$pid" || break
        sleep 0.05
    done
    rm -f "$var/run/memcached.pid"
}

# --- the FastCGI pool -----------------------------------------------------------

pool_start() {
    if alive "$var/run/pool.pid"; then
        pool_reload
        return
    fi
    rm -f "$var/run/motus.sock"
    MOTUS_CONFIG="$var/etc/motus.conf" MOTUS_FCGI="$var/bin/motus-fcgi" MOTUSCTL="$var/bin/motusctl" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        setsid "$repo/etc/pool/motus-pool" </dev/null >>"$var/log/motus-fcgi.log" 2>&1 &
    echo $! > "$var/run/pool.pid"
    for _ in $(seq 200); do
        if [ -S "$var/run/motus.sock" ] && [ "$(pgrep -c -P "$(cat "$var/run/pool.pid")" || true)" -ge "$workers" ]; then
            return
        fi
        alive "$var/run/pool.pid" || break
        sleep 0.05
    done
    die "the worker pool did not start: see $var/log/motus-fcgi.log"
}

pool_reload() {
    MOTUS_POOL_PIDFILE="$var/run/pool.pid" "$repo/etc/pool/motus-pool" reload || true
}

pool_stop() {
    alive "$var/run/pool.pid" || return 0
    local pid
    pid=$(cat "$var/run/pool.pid")
    kill -TERM "$pid"
    for _ in $(seq 200); do
        running "$pid" || break
        sleep 0.05
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$var/run/pool.pid" "$var/run/motus.sock"
}

# --- the SMTP sink --------------------------------------------------------------------

# A running process whose binary was replaced on disk since it started.
stale() { [ -f "$1" ] && readlink "/proc/$(cat "$1")/exe" 2>/dev/null | grep -q ' (deleted)$'; }

sink_start() {
    stale "$var/run/smtp-sink.pid" && sink_stop
    alive "$var/run/smtp-sink.pid" && port_free "$smtp_sink_port" && sink_stop
    alive "$var/run/smtp-sink.pid" && return
    local user=()
    ((root)) && user=(-u motus)
    rm -f "$var/run/smtp-sink.pid"
    setsid "$var/bin/smtp-sink" -p "$smtp_sink_port" -d "$var/mail" -P "$var/run/smtp-sink.pid" "${user[@]}" \
        </dev/null >>"$var/log/smtp-sink.log" 2>&1 &
    for _ in $(seq 100); do
        [ -s "$var/run/smtp-sink.pid" ] && ! port_free "$smtp_sink_port" && return 0
        sleep 0.05
    done
    die "the SMTP sink did not start on port $smtp_sink_port: see $var/log/smtp-sink.log"
}

sink_stop() {
    alive "$var/run/smtp-sink.pid" || return 0
    kill "$(cat "$var/run/smtp-sink.pid")" 2>/dev/null || true
    rm -f "$var/run/smtp-sink.pid"
}

# Fault controls: a file in the mail directory the sink looks at for every MAIL FROM.
sink_control() {
    case "${2:-}" in
    on) touch "$var/mail/$1" ;;
    off) rm -f "$var/mail/$1" ;;
    *) die "usage: stack.sh smtp-$1 on|off" ;;
    esac
}

# --- queue workers (motus-worker, one per queue group) ----------------------------------

worker_pidfile() { echo "$var/run/motus-worker.${1//,/+}.pid"; }

worker_start_one() {
    local group=$1 pidfile
    pidfile=$(worker_pidfile "$group")
    if stale "$pidfile"; then worker_stop_one "$group"; fi
    alive "$pidfile" && return
    local run=()
    ((root)) && run=(setpriv --reuid=motus --regid=motus --init-groups --)
    MOTUS_CONFIG="$var/etc/motus.conf" \
        ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        setsid "${run[@]}" "$var/bin/motus-worker" --queues "$group" </dev/null >>"$var/log/motus-worker.log" 2>&1 &
    echo $! > "$pidfile"
}

workers_start() {
    local g
    for g in $worker_groups; do worker_start_one "$g"; done
    sleep 0.2
    for g in $worker_groups; do
        alive "$(worker_pidfile "$g")" || die "motus-worker --queues $g did not start: see $var/log/motus-worker.log"
    done
}

# Graceful: the job in flight finishes (at most smtp_timeout_s), then the worker exits.
worker_stop_one() {
    local pidfile pid
    pidfile=$(worker_pidfile "$1")
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1200); do
        running "$pid" || break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

workers_stop() {
    local g
    for g in $worker_groups; do worker_stop_one "$g"; done
}

# SIGKILL, as a crash would: jobs in flight stay leased until their lease expires.
workers_kill() {
    local g pidfile
    for g in ${1:-$worker_groups}; do
        pidfile=$(worker_pidfile "$g")
        if alive "$pidfile"; then
            local pid
            pid=$(cat "$pidfile")
            kill -KILL "$pid"
            for _ in $(seq 100); do running "$pid" || break; sleep 0.02; done
        fi
        rm -f "$pidfile"
    done
}

workers_pids() {
    local g
    for g in ${1:-$worker_groups}; do
        alive "$(worker_pidfile "$g")" && cat "$(worker_pidfile "$g")"
    done
    return 0
}

# --- nginx --------------------------------------------------------------------------

nginx_conf() {
    local user="" site="$var/etc/nginx-site.conf"
    ((root)) && user="user www-data;"
    mkdir -p "$var/nginx/cache"
    ((root)) && chown -R www-data:www-data "$var/nginx"
    local real="" p
    for p in $(setting trusted_proxies | tr ',' ' '); do real+="set_real_ip_from $p; "; done
    [ -n "$real" ] && real+="real_ip_header X-Forwarded-For; real_ip_recursive on;"
    sed -e "s|@REAL_IP@|$real|" -e "s|@LISTEN@|127.0.0.1:$http_port|" -e "s|@SOCKET@|$var/run/motus.sock|g" \
        -e "s|@ROOT@|$var/www|" -e "s|@CACHE_DIR@|$var/nginx/cache|" -e "s|@MEDIA_DIR@|$var/media|g" \
        "$repo/etc/nginx/motus.conf" > "$site"
    cat > "$var/etc/nginx.conf" <<EOF
# Written by etc/dev/stack.sh.
$user
load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;
worker_processes 1;
pid $var/run/nginx.pid;
error_log $var/log/nginx-error.log warn;
events { worker_connections 2048; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format motus '\$remote_addr [\$time_iso8601] "\$request" \$status \$body_bytes_sent \$request_time "\$upstream_cache_status"';
    access_log $var/log/nginx-access.log motus;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    client_body_temp_path $var/nginx/body;
    fastcgi_temp_path $var/nginx/fastcgi;
    proxy_temp_path $var/nginx/proxy;
    uwsgi_temp_path $var/nginx/uwsgi;
    scgi_temp_path $var/nginx/scgi;
    include $site;
}
EOF
    nginx -t -q -c "$var/etc/nginx.conf" 2>"$var/log/nginx-test.log" || die "nginx config invalid: $(cat "$var/log/nginx-test.log")"
}

nginx_start() {
    nginx_conf
    if alive "$var/run/nginx.pid"; then
        nginx -c "$var/etc/nginx.conf" -s reload
    else
        nginx -c "$var/etc/nginx.conf"
    fi
}

nginx_stop() {
    alive "$var/run/nginx.pid" || return 0
    local pid
    pid=$(cat "$var/run/nginx.pid")
    kill -QUIT "$pid"
    for _ in $(seq 100); do
        running "$pid" || return 0
        sleep 0.05
    done
    kill -TERM "$pid" 2>/dev/null || true
}

# --- Apache -------------------------------------------------------------------------

apache_start() {
    local mods=/usr/lib/apache2/modules user="" trusted=""
    trusted=$(setting trusted_proxies | tr ',' ' ')
    [ -n "$trusted" ] && trusted="Define MOTUS_TRUSTED_PROXIES \"$trusted\""
    ((root)) && user=$'User www-data\nGroup www-data'
    cat > "$var/etc/apache2.conf" <<EOF
# Written by etc/dev/stack.sh.
ServerRoot /etc/apache2
ServerName localhost
DefaultRuntimeDir $var/apache
PidFile $var/run/apache.pid
Mutex file:$var/apache default
Listen 127.0.0.1:$apache_port
$user
LoadModule mpm_event_module $mods/mod_mpm_event.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule mime_module $mods/mod_mime.so
LoadModule headers_module $mods/mod_headers.so
LoadModule proxy_module $mods/mod_proxy.so
LoadModule proxy_fcgi_module $mods/mod_proxy_fcgi.so
LoadModule alias_module $mods/mod_alias.so
LoadModule env_module $mods/mod_env.so
LoadModule buffer_module $mods/mod_buffer.so
LoadModule reqtimeout_module $mods/mod_reqtimeout.so
LoadModule rewrite_module $mods/mod_rewrite.so
LoadModule remoteip_module $mods/mod_remoteip.so
LoadModule xsendfile_module $mods/mod_xsendfile.so
LoadModule filter_module $mods/mod_filter.so
LoadModule deflate_module $mods/mod_deflate.so
LoadModule brotli_module $mods/mod_brotli.so
TypesConfig /etc/mime.types
ErrorLog $var/log/apache-error.log
LogLevel warn
LogFormat "%a %t \"%r\" %>s %B %D" motus
CustomLog $var/log/apache-access.log motus
ServerTokens Prod
KeepAlive On
Timeout 30
StartServers 1
ServerLimit 2
ThreadsPerChild 64
MaxRequestWorkers 128
Define MOTUS_APACHE_LISTEN 127.0.0.1:$apache_port
Define MOTUS_SOCKET $var/run/motus.sock
Define MOTUS_WWW $var/www
Define MOTUS_MEDIA_DIR $var/media
$trusted
Include $repo/etc/apache/motus.conf
EOF
    apache2 -t -f "$var/etc/apache2.conf" >"$var/log/apache-test.log" 2>&1 ||
        die "Apache config invalid: $(cat "$var/log/apache-test.log")"
    if alive "$var/run/apache.pid"; then
        apache2 -f "$var/etc/apache2.conf" -k graceful
    else
        apache2 -f "$var/etc/apache2.conf" -k start
    fi
    for _ in $(seq 100); do
        port_free "$apache_port" || return 0
        sleep 0.05
    done
    die "Apache did not start: see $var/log/apache-error.log"
}

apache_stop() {
    alive "$var/run/apache.pid" || return 0
    local pid
    pid=$(cat "$var/run/apache.pid")
    apache2 -f "$var/etc/apache2.conf" -k stop 2>/dev/null || kill "$pid"
    for _ in $(seq 100); do
        running "$pid" || return 0
        sleep 0.05
    done
}

# --- commands -----------------------------------------------------------------------

wants() { [ "$web" = both ] || [ "$web" = "$1" ]; }

start() {
    [ -n "$pgbin" ] || die "PostgreSQL server binaries not found: run etc/dev/deps.sh"
    load_settings start
    ports_free
    prepare
    pg_start
    pg_test_clock
    memcached_start
    ctl migrate >"$var/log/migrate.log" 2>&1 || die "migrations failed: $(cat "$var/log/migrate.log")"
    ctl seed >>"$var/log/migrate.log" 2>&1 || die "seeding failed: $(cat "$var/log/migrate.log")"
    # A fresh stack gets its first token signing key; later starts keep the active one.
    ctl keys generate >>"$var/log/migrate.log" 2>&1 || die "signing key generation failed: $(cat "$var/log/migrate.log")"
    replica_start
    demo_staff
    pool_start
    sink_start
    workers_start
    if wants nginx; then nginx_start; else nginx_stop; fi
    if wants apache; then apache_start; else apache_stop; fi
    report
}

# A demo editor and a demo admin for the CMS, once per stack; their passwords
# (generated by motusctl) are kept in etc/demo-staff for the report.
demo_staff() {
    local f="$var/etc/demo-staff" role email out
    [ -s "$f" ] && return 0
    (umask 077 && : > "$f.new")
    for role in editor admin; do
        email="demo-$role@motus.localhost"
        # An account left from an earlier stack gets a new password instead.
        out=$(ctl staff add "$email" "$role" "Demo $role" </dev/null 2>/dev/null) ||
            out=$(ctl staff password "$email" </dev/null) || die "could not create the demo $role"
        printf '%s %s %s\n' "$role" "$email" "$(sed -n 's/^password: //p' <<<"$out")" >> "$f.new"
    done
    mv -f "$f.new" "$f"
}

report() {
    say "Motus is running (stack in $var)."
    wants nginx && say "  API via nginx:   http://127.0.0.1:$http_port/v1/config?platform=ios&version=2.3.0"
    wants apache && say "  API via Apache:  http://127.0.0.1:$apache_port/v1/config?platform=ios&version=2.3.0"
    local base="http://127.0.0.1:$http_port"
    wants nginx || base="http://127.0.0.1:$apache_port"
    say "  health:          $base/healthz  $base/readyz  $base/metrics"
    say "  API contract:    $base/openapi.json"
    say "  token keys:      $base/.well-known/jwks.json  $base/.well-known/oauth-authorization-server"
    say "  accounts:        POST $base/v1/auth/signup, then follow the link in the email (see mail: below);"
    say "                   log-in page: $base/oauth/authorize (code flow with PKCE; clients: motusctl client list)"
    say "  CMS:             $base/admin/ (staff log-in; make more with: motusctl staff add EMAIL editor|admin)"
    local role email pw
    while read -r role email pw; do
        say "                   $role: $email  password: $pw"
    done < "$var/etc/demo-staff"
    say "  a test token:    MOTUS_CONFIG=$var/etc/motus.conf $build/motusctl token issue SUBJECT [SCOPE...]"
    say "  workers:         $workers FastCGI workers on $var/run/motus.sock"
    say "  Postgres:        psql -h $var/pgrun -U motus motus"
    say "  memcached:       127.0.0.1:$memcached_port"
    say "  queue workers:   motus-worker --queues ${worker_groups// /, --queues } (log: $var/log/motus-worker.log)"
    say "  mail:            sent to the SMTP sink on 127.0.0.1:$smtp_sink_port; every message lands as a file in $var/mail/"
    say "                   try: MOTUS_CONFIG=$var/etc/motus.conf $build/motusctl mail test you@example.com"
    say "  logs:            $var/log/ (motus-fcgi.log: one JSON line per request, motus-worker.log: one per job)"
    say "  motusctl:        MOTUS_CONFIG=$var/etc/motus.conf $build/motusctl --help"
    say "  media:           stored in $var/media; add one: MOTUS_CONFIG=$var/etc/motus.conf $build/motusctl media add FILE"
    say "  ops token:       $var/etc/admin_token"
    say "  stop with:       make stop"
}

stop() {
    [ -f "$var/stack.env" ] && load_settings
    apache_stop
    nginx_stop
    workers_stop
    sink_stop
    pool_stop
    memcached_stop
    replica_stop
    pg_stop
    say "Motus stack in $var stopped."
}

status() {
    local s
    for s in pool memcached nginx apache smtp-sink; do
        if alive "$var/run/$s.pid"; then say "$s: running (pid $(cat "$var/run/$s.pid"))"; else say "$s: stopped"; fi
    done
    [ -f "$var/stack.env" ] && load_settings
    local g
    for g in $worker_groups; do
        if alive "$(worker_pidfile "$g")"; then
            say "motus-worker $g: running (pid $(cat "$(worker_pidfile "$g")"))"
        else
            say "motus-worker $g: stopped"
        fi
    done
    if [ -f "$var/pg/PG_VERSION" ] && as_owner "$pgbin/pg_ctl" -D "$var/pg" status >/dev/null 2>&1; then
        say "postgres: running"
    else
        say "postgres: stopped"
    fi
}

case "${1:-}" in
start) start ;;
stop) stop ;;
status) status ;;
env) cat "$var/stack.env" ;;
memcached-stop) load_settings; memcached_stop ;;
memcached-start) load_settings; memcached_start ;;
pg-restart) pg_restart ;;
replica-stop) replica_stop ;;
replica-start) load_settings; replica_start ;;
replica-pause) replica_replay pause ;;
replica-resume) replica_replay resume ;;
pool-pids) pgrep -P "$(cat "$var/run/pool.pid")" ;;
pool-reload) pool_reload ;;
worker-kill) load_settings; workers_kill "${2:-}" ;;
worker-start) load_settings; workers_start ;;
worker-pids) load_settings; workers_pids "${2:-}" ;;
smtp-refuse) sink_control refuse "${2:-}" ;;
smtp-hold) sink_control hold "${2:-}" ;;
smtp-slow) sink_control slow "${2:-}" ;;
*) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
