#!/usr/bin/env bash
# A throwaway OpenLDAP directory (slapd) on free loopback ports, for tests.
#
#   scripts/ldap-test-server.sh start  [NAME]  start (or resume) directory NAME; prints its facts as one JSON line
#   scripts/ldap-test-server.sh pause  [NAME]  stop slapd, keep data and ports (the "directory went away" fault)
#   scripts/ldap-test-server.sh freeze [NAME]  SIGSTOP slapd: connections are accepted, nothing answers (a hung directory)
#   scripts/ldap-test-server.sh thaw   [NAME]  SIGCONT it again
#   scripts/ldap-test-server.sh stop   [NAME]  stop slapd and delete everything
#   scripts/ldap-test-server.sh prune          stop and delete directories named `*-PID` whose process is gone
#
# The directory listens on ldap://127.0.0.1:PORT (StartTLS offered) and
# ldaps://127.0.0.1:PORT2, with a certificate for 127.0.0.1 and localhost
# signed by a CA made here (its PEM file is in the JSON as caFile). It holds
#   dc=example,dc=org
#     ou=services   cn=semauth (the service account semauth binds as; it may read people)
#     ou=people     uid=alice, uid=bob (inetOrgPerson with uid, cn, sn, mail, userPassword)
# Passwords are in the JSON. Anonymous clients can neither read nor search;
# the root DN (cn=admin,dc=example,dc=org) may change anything, which is
# how tests add or edit entries while slapd runs.
#
# NAME defaults to `default`. A name ending in `-PID` belongs to that process,
# so `prune` can remove what a dead test run left. Works as root (CI) and as
# an ordinary user; installs Debian's `slapd` and `ldap-utils` when missing and
# we are root. Nothing here reads stdin.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CMD=${1:-}
NAME=${2:-default}
[[ $NAME =~ ^[A-Za-z0-9_-]+$ ]] || { echo "ldap-test-server: bad name '$NAME'" >&2; exit 2; }

CHECKOUT_ID=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
BASE="${SEMAUTH_LDAP_TEST_DIR:-/tmp}/semauth-ldap-$CHECKOUT_ID-$NAME"
SLAPD=/usr/sbin/slapd
SUFFIX='dc=example,dc=org'
ROOT_DN="cn=admin,$SUFFIX"
SERVICE_DN="cn=semauth,ou=services,$SUFFIX"
# Fixed test passwords: this directory only ever listens on loopback and lives for one test file.
ROOT_PW='root-secret-1'
SERVICE_PW='service-secret-1'
ALICE_PW='alice-ldap-password'
BOB_PW='bob-ldap-password'

log() { echo "ldap-test-server[$NAME]: $*" >&2; }

ensure_binaries() {
  [[ -x $SLAPD && -x /usr/sbin/slapadd && -x /usr/bin/ldapwhoami ]] && return
  if [[ $(id -u) != 0 ]]; then
    log "slapd or ldap-utils is missing; install them (as root: apt-get install -y slapd ldap-utils)"
    exit 1
  fi
  # Test files start their directories in parallel: one of them installs, the others wait for it.
  exec 9>"${SEMAUTH_LDAP_TEST_DIR:-/tmp}/semauth-ldap-install.lock"
  flock 9
  [[ -x $SLAPD && -x /usr/sbin/slapadd && -x /usr/bin/ldapwhoami ]] && { flock -u 9; return; }
  log "installing Debian's slapd and ldap-utils"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (another checkout's tests) may hold the lock: wait for it rather than fail.
  apt-get -o DPkg::Lock::Timeout=300 update -qq </dev/null >&2
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends slapd ldap-utils </dev/null >&2
  [[ -x $SLAPD ]] || { log "still no $SLAPD after installing slapd"; exit 1; }
  flock -u 9
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

pid_of() {
  local pid
  pid=$(cat "$BASE/slapd.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/stat ]] || return 1
  [[ $(cut -d' ' -f3 "/proc/$pid/stat") != Z ]] || return 1
  echo "$pid"
}

answering() {
  [[ -f $BASE/ldap-port ]] || return 1
  /usr/bin/ldapwhoami -x -o nettimeout=2 -H "ldap://127.0.0.1:$(cat "$BASE/ldap-port")/" -D "$SERVICE_DN" -w "$SERVICE_PW" >/dev/null 2>&1 </dev/null
}

facts() {
  node -e 'console.log(JSON.stringify({
    dir: process.argv[1], host: "127.0.0.1", ldapPort: +process.argv[2], ldapsPort: +process.argv[3],
    caFile: process.argv[1] + "/tls/ca.pem", suffix: process.argv[4], peopleDn: "ou=people," + process.argv[4],
    rootDn: process.argv[5], rootPassword: process.argv[6], serviceDn: process.argv[7], servicePassword: process.argv[8],
    users: { alice: process.argv[9], bob: process.argv[10] },
  }))' "$BASE" "$(cat "$BASE/ldap-port")" "$(cat "$BASE/ldaps-port")" "$SUFFIX" "$ROOT_DN" "$ROOT_PW" "$SERVICE_DN" "$SERVICE_PW" "$ALICE_PW" "$BOB_PW"
}

make_certificates() {
  local d=$BASE/tls
  mkdir -p "$d"
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 2 \
    -subj '/CN=semauth test CA' -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -subj '/CN=localhost' \
    -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$d/server.ext"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
    -extfile "$d/server.ext" -out "$d/server.pem" 2>/dev/null
  chmod 600 "$d/server.key" "$d/ca.key"
}

write_config() {
  cat >"$BASE/slapd.conf" <<EOF
include   /etc/ldap/schema/core.schema
include   /etc/ldap/schema/cosine.schema
include   /etc/ldap/schema/inetorgperson.schema
include   /etc/ldap/schema/nis.schema
pidfile   $BASE/slapd.pid
argsfile  $BASE/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCACertificateFile  $BASE/tls/ca.pem
TLSCertificateFile    $BASE/tls/server.pem
TLSCertificateKeyFile $BASE/tls/server.key
database  mdb
maxsize   104857600
suffix    "$SUFFIX"
rootdn    "$ROOT_DN"
rootpw    $(/usr/sbin/slappasswd -s "$ROOT_PW")
directory $BASE/data
index     objectClass eq
index     uid,mail eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
EOF
}

person() { # uid cn sn mail password
  printf 'dn: uid=%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: %s\nmail: %s\nuserPassword: %s\n\n' \
    "$1" "$SUFFIX" "$1" "$2" "$3" "$4" "$(/usr/sbin/slappasswd -s "$5")"
}

seed() {
  {
    printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n' "$SUFFIX"
    printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$SUFFIX"
    printf 'dn: ou=services,%s\nobjectClass: organizationalUnit\nou: services\n\n' "$SUFFIX"
    printf 'dn: %s\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: semauth\nuserPassword: %s\n\n' \
      "$SERVICE_DN" "$(/usr/sbin/slappasswd -s "$SERVICE_PW")"
    person alice 'Alice Liddell' Liddell alice@example.org "$ALICE_PW"
    person bob 'Bob Builder' Builder bob@example.org "$BOB_PW"
  } >"$BASE/seed.ldif"
  /usr/sbin/slapadd -q -f "$BASE/slapd.conf" -l "$BASE/seed.ldif" >"$BASE/slapadd.log" 2>&1 || { cat "$BASE/slapadd.log" >&2; exit 1; }
}

init_directory() {
  stop_slapd
  rm -rf "$BASE"
  mkdir -p "$BASE/data"
  make_certificates
  write_config
  /usr/sbin/slaptest -Q -u -f "$BASE/slapd.conf" || { log "slaptest refused $BASE/slapd.conf"; exit 1; }
  seed
}

start_slapd() {
  local port sport
  port=$(cat "$BASE/ldap-port") sport=$(cat "$BASE/ldaps-port")
  rm -f "$BASE/slapd.pid"
  # Daemonizes and writes the pid file; -d 0 would keep it in the foreground.
  "$SLAPD" -f "$BASE/slapd.conf" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$sport/" </dev/null >"$BASE/slapd.log" 2>&1 || return 1
  for _ in $(seq 1 100); do
    answering && return 0
    sleep 0.1
  done
  return 1
}

stop_slapd() {
  local pid
  pid=$(pid_of) || return 0
  kill -CONT "$pid" 2>/dev/null || true # a frozen slapd cannot act on TERM
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    [[ -r /proc/$pid/stat && $(cut -d' ' -f3 "/proc/$pid/stat") != Z ]] || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

start() {
  ensure_binaries
  if pid_of >/dev/null && answering; then facts; return; fi
  if [[ -f $BASE/slapd.conf && -f $BASE/ldap-port && -f $BASE/ldaps-port && -d $BASE/data ]]; then
    # Paused, or left behind by a run that died: resume it on its old ports.
    stop_slapd
    if start_slapd; then facts; return; fi
    log "could not resume the old directory; creating a new one"
  fi
  init_directory
  # Ports are free when chosen but may be taken before slapd binds them: retry.
  for _ in 1 2 3 4 5; do
    free_port >"$BASE/ldap-port"
    free_port >"$BASE/ldaps-port"
    if start_slapd; then facts; return; fi
    stop_slapd
  done
  cat "$BASE/slapd.log" >&2 || true
  log "slapd did not start"
  exit 1
}

signal() {
  local pid
  pid=$(pid_of) || { log "not running"; exit 1; }
  kill "-$1" "$pid"
}

stop() {
  stop_slapd
  rm -rf "$BASE"
}

prune() {
  local dir name pid
  for dir in "${SEMAUTH_LDAP_TEST_DIR:-/tmp}/semauth-ldap-$CHECKOUT_ID-"*; do
    [[ -d $dir ]] || continue
    name=${dir##*/semauth-ldap-"$CHECKOUT_ID"-}
    [[ $name =~ -([0-9]+)$ ]] || continue
    pid=${BASH_REMATCH[1]}
    kill -0 "$pid" 2>/dev/null && continue
    log "removing $name, left behind by process $pid"
    bash "$ROOT/scripts/ldap-test-server.sh" stop "$name"
  done
}

case $CMD in
  start) start ;;
  pause) stop_slapd ;;
  freeze) signal STOP ;;
  thaw) signal CONT ;;
  stop) stop ;;
  prune) prune ;;
  *) echo "usage: $0 start|pause|freeze|thaw|stop [NAME] | prune" >&2; exit 2 ;;
esac
