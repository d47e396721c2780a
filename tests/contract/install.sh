#!/usr/bin/env bash
# Installs the contract tools (Redocly CLI, ajv) with npm ci from
# tests/contract/package-lock.json when one is missing or not the version package.json names.
set -euo pipefail
cd "$(dirname "$0")"
node -e '
const deps = require("./package.json").dependencies;
for (const [name, version] of Object.entries(deps)) {
  let have;
  try { have = require(`./node_modules/${name}/package.json`).version; } catch { process.exit(1); }
  if (have !== version) process.exit(1);
}' 2>/dev/null || npm ci --no-audit --no-fund --loglevel=error >/dev/null
