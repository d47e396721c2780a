#!/usr/bin/env bash
# Checks the files that are not C (operations configs, the API contract,
# scripts), the contract under Redocly's rules (tests/contract/lint.sh), the
# C code's formatting (make format-check) and its layering
# (tests/lint-layers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

promtool check config etc/prometheus/motus.yml >/dev/null
promtool check rules etc/prometheus/motus-rules.yml >/dev/null
promtool test rules etc/prometheus/motus-rules.test.yml >/dev/null
for f in www/openapi.json www/openapi-admin.json etc/grafana/motus-dashboard.json www/errors/*.json tests/oauth/package.json \
    tests/browser/package.json tests/contract/package.json; do
    node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$f" || { echo "lint: $f is not JSON"; exit 1; }
done
for f in etc/dev/*.sh etc/pool/motus-pool tests/*.sh tests/fuzz/*.sh tests/support/*.sh tests/integration/run.sh tests/bench/run.sh tests/chaos/run.sh tests/cluster/run.sh tests/browser/run.sh tests/contract/*.sh .ci/run; do
    bash -n "$f"
done
for f in tests/oauth/*.mjs tests/browser/*.mjs tests/contract/*.mjs; do
    node --check "$f" || { echo "lint: $f does not parse"; exit 1; }
done
echo "== lint: Prometheus config and rules, JSON documents, shell scripts and test scripts are well-formed"
tests/contract/lint.sh
make --no-print-directory -s format-check || { echo "lint: the C code is not clang-formatted (make format)"; exit 1; }
echo "== lint: the C code is clang-formatted"
tests/lint-layers.sh
