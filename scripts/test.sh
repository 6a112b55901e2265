#!/usr/bin/env bash
# The whole test suite (`npm test`): build, then every suite on SQLite, then
# the dialect-agnostic suites again on a throwaway PostgreSQL 15 cluster that
# this script starts (scripts/pg-test-cluster.sh) and always removes.
#
# Which suites run on PostgreSQL too (the "PG pass"):
#   packages/server/test/*.test.ts          top-level suites
#   packages/server/test/http/*.test.ts     HTTP integration suites
#   packages/server/test/storage/*.test.ts  the storage conformance suite
#   packages/server/test/postgres/*.test.ts PostgreSQL-only suites (multi-instance,
#                                           fault, settings); they skip themselves on SQLite
#   any other *.test.ts whose text contains the tag `@dialects sqlite postgres`
#                                           (put it in the file's header comment)
# Such suites must get their databases from freshDatabaseEnv() — directly or
# through startTestApp()/startServerProcess() — so SEMAUTH_TEST_DIALECT picks
# the engine; never a hard-coded SQLite path. Everything else runs on SQLite only.
# The LDAP suites start their own OpenLDAP per file (test/support/ldap.ts runs
# scripts/ldap-test-server.sh, which installs slapd when missing and root).
#
# The browser suites (packages/web/test/browser, SQLite pass only) drive
# Debian's Chromium: scripts/ensure-chromium.sh installs it first when they
# are selected (apt-get, as root, when /usr/bin/chromium is missing).
#
#   npm test                                  both passes
#   npm test -- packages/server/test/http     only suites under these paths, in both passes
#   SEMAUTH_TEST_DIALECTS=sqlite npm test     one pass only (sqlite or postgres)
#   SEMAUTH_TEST_PG_URL=postgres://… npm test use that server for the PG pass instead of
#                                             starting one (the fault test still starts its own)
# Arguments that are existing paths select suites; any others (e.g. -t NAME,
# --reporter=dot) are passed to vitest in both passes.
set -euo pipefail
cd "$(dirname "$0")/.."

DIALECTS=${SEMAUTH_TEST_DIALECTS:-sqlite postgres}
PG_DIRS=(packages/server/test/http packages/server/test/storage packages/server/test/postgres)
PG_TAG='@dialects sqlite postgres'

paths=() opts=()
for arg in "$@"; do
  if [[ -e $arg ]]; then arg=${arg#./}; paths+=("${arg%/}"); else opts+=("$arg"); fi
done

# The PG pass's suites, narrowed to the paths given on the command line.
pg_suites() {
  {
    shopt -s nullglob
    printf '%s\n' packages/server/test/*.test.ts
    for d in "${PG_DIRS[@]}"; do printf '%s\n' "$d"/*.test.ts; done
    grep -rlF --include='*.test.ts' --exclude-dir=node_modules "$PG_TAG" packages bench 2>/dev/null || true
  } | sort -u | while read -r f; do
    if ((${#paths[@]} == 0)); then echo "$f"; continue; fi
    for p in "${paths[@]}"; do [[ $f == "$p" || $f == "$p"/* ]] && { echo "$f"; break; }; done
  done
}

npm run build --silent

# Up front rather than in a test hook: installing can take longer than a hook may wait.
browser_suites_selected() {
  ((${#paths[@]} == 0)) && return 0
  for p in "${paths[@]}"; do
    [[ packages/web/test/browser == "$p" || packages/web/test/browser == "$p"/* || $p == packages/web/test/browser* ]] && return 0
  done
  return 1
}
if [[ $DIALECTS == *sqlite* ]] && browser_suites_selected; then
  bash scripts/ensure-chromium.sh >/dev/null || echo "=== no Chromium: the browser suites will fail (see above)"
fi

# vitest's own summary is not a format CI tools read: tally both passes and
# close with one plain `tests: N passed, N failed, N skipped` line.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary() {
  sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    /^ *Tests  / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
    END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }'
}

status=0
if [[ $DIALECTS == *sqlite* ]]; then
  echo "=== SQLite: all suites${paths:+ under ${paths[*]}}"
  SEMAUTH_TEST_DIALECT=sqlite npx vitest run "$@" 2>&1 | tee -a "$log" || status=$?
fi

if [[ $DIALECTS == *postgres* ]]; then
  mapfile -t suites < <(pg_suites)
  if ((${#suites[@]} == 0)); then
    echo "=== PostgreSQL: no dialect-agnostic suite selected"
  else
    url=${SEMAUTH_TEST_PG_URL:-}
    if [[ -z $url ]]; then
      cluster="run-$$" # our own: a parallel run in this checkout has another
      bash scripts/pg-test-cluster.sh prune
      trap 'bash scripts/pg-test-cluster.sh stop "$cluster" || true; rm -f "$log"' EXIT
      trap 'exit 130' INT
      trap 'exit 143' TERM
      url=$(bash scripts/pg-test-cluster.sh start "$cluster")
    fi
    echo "=== PostgreSQL: ${#suites[@]} dialect-agnostic suites"
    SEMAUTH_TEST_DIALECT=postgres SEMAUTH_TEST_PG_URL=$url npx vitest run "${opts[@]}" "${suites[@]}" 2>&1 | tee -a "$log" || status=$?
  fi
fi
summary
exit "$status"
