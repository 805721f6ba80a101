#!/usr/bin/env bash
# `npm test`: every gate and every test tier. Integration and browser tests run on PGlite, and also
# on PostgreSQL when TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"; npx tsc --noEmit
echo "== lint"; npx eslint --max-warnings=0 .
echo "== format"; npx prettier --check . >/dev/null || { npx prettier --check . | tail -20; exit 1; }
bash scripts/ensure-chromium.sh
npm run build --silent
echo "== tests"; npx vitest run
