#!/usr/bin/env bash
# Checks the files that are not C: operations configs, the API contract, scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

promtool check config etc/prometheus/motus.yml >/dev/null
promtool check rules etc/prometheus/motus-rules.yml >/dev/null
for f in www/openapi.json etc/grafana/motus-dashboard.json www/errors/*.json tests/oauth/package.json; do
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$f" || { echo "lint: $f is not JSON"; exit 1; }
done
for f in etc/dev/*.sh etc/pool/motus-pool tests/*.sh tests/integration/run.sh tests/bench/run.sh .ci/run; do
    bash -n "$f"
done
echo "== lint: Prometheus config and rules, JSON documents and shell scripts are well-formed"
