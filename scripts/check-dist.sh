#!/usr/bin/env bash
# Rebuilds dist/ from scratch and fails when it differs from the committed bundle,
# so dist/ always matches the sources it was built from.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
rm -rf dist lib
npm run bundle >/dev/null
if ! git diff --quiet --exit-code -- dist || [ -n "$(git ls-files --others --exclude-standard -- dist)" ]; then
  echo "dist/ differs from the committed bundle. Run 'npm run bundle' and commit dist/." >&2
  git status --short -- dist >&2
  exit 1
fi
echo "dist/ matches the sources"
