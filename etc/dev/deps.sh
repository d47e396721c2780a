#!/usr/bin/env bash
# Installs the Debian packages Motus builds, runs and tests with, when missing,
# and (as root) the `motus` system user the workers and the dev Postgres run as.
# With --fuzz, only what `make fuzz` needs beyond that: clang and its libFuzzer
# runtime (make test replays the fuzz inputs with the normal compiler).
set -euo pipefail

packages=(
    build-essential pkg-config clang-format
    libfcgi-dev libfcgi-bin spawn-fcgi multiwatch
    libpq-dev postgresql postgresql-client libargon2-dev
    memcached libmemcached-dev
    libjson-c-dev libssl-dev openssl libcurl4-openssl-dev curl
    check libsubunit-dev
    nginx-light libnginx-mod-http-brotli-filter apache2 libapache2-mod-xsendfile
    wrk prometheus
    chromium
)
if [ "${1:-}" = --fuzz ]; then
    packages=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # A policy-rc.d keeps apt from starting the packaged services: Motus starts its own.
    ours=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        $sudo sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d'
        ours=1
    fi
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -z "$ours" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi
[ "${1:-}" != --fuzz ] || exit 0

# The OAuth client-library test and the browser suite run under Node (20.19 or
# newer) with packages from npm; the browser suite drives Debian's chromium.
if ! command -v node >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ ! -d "$repo/tests/oauth/node_modules/oauth4webapi" ]; then
    (cd "$repo/tests/oauth" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
if [ ! -d "$repo/tests/browser/node_modules/playwright-core" ] || [ ! -d "$repo/tests/browser/node_modules/html-validate" ]; then
    (cd "$repo/tests/browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ "$(id -u)" = 0 ] && ! id motus >/dev/null 2>&1; then
    useradd --system --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin motus
fi
