#!/usr/bin/env bash
# Runs the whole test suite: installs dependencies, starts the test bed (Pebble and
# BIND on loopback, installed from Debian's packages on first use), type-checks,
# then runs vitest. Extra arguments go to vitest, for example a test file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node testbed/testbed.mjs start
npx tsc --noEmit -p tsconfig.test.json
npx tsc -p tsconfig.json
npx vitest run "$@"
