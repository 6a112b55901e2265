#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the browser tests
# (packages/web/test/browser): `apt-get install -y chromium` when
# /usr/bin/chromium is missing and we are root (CI runs as root, on a fresh
# machine, with no stdin). Never a browser downloaded by a test tool: those
# fetch binaries from outside the package registries.
#
#   scripts/ensure-chromium.sh        prints the browser's path, or fails saying how to install it
#
# SEMAUTH_CHROMIUM=/path/to/chromium uses that browser instead (and installs nothing).
set -euo pipefail

BROWSER=${SEMAUTH_CHROMIUM:-/usr/bin/chromium}
log() { echo "ensure-chromium: $*" >&2; }

if [[ -x $BROWSER ]]; then echo "$BROWSER"; exit 0; fi
if [[ -n ${SEMAUTH_CHROMIUM:-} ]]; then log "SEMAUTH_CHROMIUM=$BROWSER is not an executable"; exit 1; fi
if [[ $(id -u) != 0 ]]; then
  log "$BROWSER is missing; install Debian's chromium package (as root: apt-get install -y chromium)"
  exit 1
fi
log "installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >&2
apt-get install -y -qq --no-install-recommends chromium </dev/null >&2
[[ -x $BROWSER ]] || { log "still no $BROWSER after installing chromium"; exit 1; }
echo "$BROWSER"
