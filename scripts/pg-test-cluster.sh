#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on a free loopback port, for tests.
#
#   scripts/pg-test-cluster.sh start [NAME]   start (or reuse/resume) cluster NAME; prints its admin URL
#   scripts/pg-test-cluster.sh pause [NAME]   stop the server, keep the data (the "database went away" fault)
#   scripts/pg-test-cluster.sh stop  [NAME]   stop the server and delete the cluster
#   scripts/pg-test-cluster.sh url   [NAME]   print the admin URL of a started cluster
#   scripts/pg-test-cluster.sh freeze [NAME]  SIGSTOP the server and its backends: the database
#                                             hangs without closing a connection (a "vanished" host)
#   scripts/pg-test-cluster.sh thaw  [NAME]   SIGCONT them: it answers again
#   scripts/pg-test-cluster.sh prune          stop and delete clusters named `*-PID` whose process is gone
#
# NAME defaults to `default`; separate names are separate clusters (the fault
# test pauses its own so it never kills the one other suites use). A name
# ending in `-PID` belongs to that process: scripts/test.sh uses `run-$$`, so
# two test runs in one checkout never share (or stop) each other's cluster,
# and `prune` clears those whose process died without cleaning up. The URL is
# also written to .tmp/pg-test/NAME/url, and for `default` to .tmp/pg-test-url.
#
# Works as root (CI: initdb refuses root, so it runs as `postgres` via
# runuser) and as an ordinary user. Installs Debian's `postgresql` when the
# binaries are missing and we are root. Nothing here reads stdin.
#
# The data directory lives under /tmp, at a name derived from this
# checkout and NAME, so a run that died without `stop` is found and reused
# or cleaned by the next one even if .tmp/ was deleted in between.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMD=${1:-}
NAME=${2:-default}
[[ $NAME =~ ^[A-Za-z0-9_-]+$ ]] || { echo "pg-test-cluster: bad cluster name '$NAME'" >&2; exit 2; }

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
STATE="$ROOT/.tmp/pg-test/$NAME"
CHECKOUT_ID=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
# Not $TMPDIR: as root, the postgres user must be able to traverse every parent.
BASE="${SEMAUTH_PG_TEST_DIR:-/tmp}/semauth-pg-$CHECKOUT_ID-$NAME"
DATA="$BASE/data"

log() { echo "pg-test-cluster[$NAME]: $*" >&2; }

# Run a PostgreSQL binary as the cluster's owner.
as_owner() {
  if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@" </dev/null; else "$@" </dev/null; fi
}

ensure_binaries() {
  [[ -x $PGBIN/initdb ]] && return
  if [[ $(id -u) != 0 ]]; then
    log "$PGBIN/initdb is missing; install Debian's postgresql package (as root: apt-get install -y postgresql)"
    exit 1
  fi
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >&2
  apt-get install -y -qq --no-install-recommends postgresql </dev/null >&2
  [[ -x $PGBIN/initdb ]] || { log "still no $PGBIN/initdb after installing postgresql"; exit 1; }
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Accepting connections on its port. (Not `pg_ctl status`: a postmaster
# killed with -9 can linger as a zombie when PID 1 does not reap, and
# `pg_ctl status` then says "running" for a server that is gone.)
running() {
  [[ -f $DATA/PG_VERSION && -f $BASE/port ]] && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$BASE/port")" -t 3 </dev/null
}

# The postmaster of the lock file, if it is a live process (not a zombie).
postmaster_pid() {
  local pid
  pid=$(head -1 "$DATA/postmaster.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
  [[ $(cut -d' ' -f3 "/proc/$pid/stat") != Z ]] || return 1
  echo "$pid"
}

# A server that is not answering (wedged, half started, or a dead one's lock file): clear it away.
kill_leftover() {
  local pid
  if pid=$(postmaster_pid); then kill -9 "$pid" 2>/dev/null || true; sleep 0.2; fi
  rm -f "$DATA/postmaster.pid"
}

url() { echo "postgres://postgres:$(cat "$BASE/password")@127.0.0.1:$(cat "$BASE/port")/postgres"; }

publish() {
  mkdir -p "$STATE"
  url >"$STATE/url"
  [[ $NAME == default ]] && url >"$ROOT/.tmp/pg-test-url"
  url
}

# Start the server on the cluster's recorded port; the data directory exists.
pg_start() {
  local port; port=$(cat "$BASE/port")
  # -F: no fsync — a test cluster trades durability for speed; a clean
  # `pg_ctl stop` (what the fault test does) still loses nothing.
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$BASE/log" -w -t 30 \
    -o "-F -c listen_addresses=127.0.0.1 -p $port -k $BASE -c max_connections=300" start >/dev/null
}

init_cluster() {
  [[ -d $DATA ]] && kill_leftover
  rm -rf "$BASE"
  mkdir -p "$BASE"
  chmod 755 "$BASE" # the postgres user must reach its data and socket
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$BASE"
  od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$BASE/password"
  chmod 600 "$BASE/password"
  [[ $(id -u) == 0 ]] && chown postgres "$BASE/password"
  as_owner "$PGBIN/initdb" -D "$DATA" -U postgres --pwfile="$BASE/password" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 ||
    { cat "$BASE/initdb.log" >&2; exit 1; }
}

start() {
  ensure_binaries
  if running; then publish; return; fi
  if [[ -f $DATA/PG_VERSION && -f $BASE/port && -f $BASE/password ]]; then
    # Paused, or left behind by a run that died: resume it on its old port.
    kill_leftover
    if pg_start; then publish; return; fi
    log "could not resume the old cluster; creating a new one"
  fi
  init_cluster
  # The port is free when chosen but may be taken before PostgreSQL binds it: retry.
  for _ in 1 2 3 4 5; do
    free_port >"$BASE/port"
    if pg_start; then publish; return; fi
  done
  cat "$BASE/log" >&2 || true
  log "PostgreSQL did not start"
  exit 1
}

pause() {
  running && as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  return 0
}

stop() {
  if [[ -f $DATA/PG_VERSION ]] && postmaster_pid >/dev/null; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w -t 10 stop >/dev/null 2>&1 || kill_leftover
  fi
  rm -rf "$BASE" "$STATE"
  [[ $NAME == default ]] && rm -f "$ROOT/.tmp/pg-test-url"
  return 0
}

# The postmaster and every process it forked (backends, background workers).
cluster_pids() {
  local pid
  pid=$(postmaster_pid) || { log "not running"; exit 1; }
  local stat line rest
  echo "$pid"
  for stat in /proc/[0-9]*/stat; do
    read -r line <"$stat" 2>/dev/null || continue
    rest=${line##*) } # after the command name, which may hold spaces: state ppid …
    set -- $rest
    [[ ${2:-} == "$pid" ]] && { stat=${stat#/proc/}; echo "${stat%/stat}"; }
  done
  return 0
}

freeze() { kill -STOP $(cluster_pids); }
thaw() { kill -CONT $(cluster_pids); }

prune() {
  local dir name pid
  for dir in "${SEMAUTH_PG_TEST_DIR:-/tmp}/semauth-pg-$CHECKOUT_ID-"*; do
    [[ -d $dir ]] || continue
    name=${dir##*/semauth-pg-"$CHECKOUT_ID"-}
    [[ $name =~ -([0-9]+)$ ]] || continue
    pid=${BASH_REMATCH[1]}
    kill -0 "$pid" 2>/dev/null && continue
    log "removing $name, left behind by process $pid"
    bash "$ROOT/scripts/pg-test-cluster.sh" stop "$name"
  done
}

case $CMD in
  start) start ;;
  pause) pause ;;
  stop) stop ;;
  url) running || { log "not running"; exit 1; }; url ;;
  freeze) freeze ;;
  thaw) thaw ;;
  prune) prune ;;
  *) echo "usage: $0 start|pause|stop|url|freeze|thaw [NAME] | prune" >&2; exit 2 ;;
esac
