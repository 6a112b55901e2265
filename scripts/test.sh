#!/usr/bin/env bash
# The whole test suite (`npm test`): build, then every suite on SQLite, then
# the storage and HTTP suites again on a throwaway PostgreSQL 15 cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build --silent
npx vitest run "$@"
