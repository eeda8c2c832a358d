#!/usr/bin/env bash
# Installs the engines the fleet tests start themselves (tests/fleet/conftest.py): Debian's prometheus and
# prometheus-pushgateway, and postgresql when no initdb/pg_ctl is found. The tests start throw-away
# servers in temporary folders; nothing here starts or enables a service. Idempotent; quiet when all is
# there. Without root (and sudo) it says what is missing; the tests needing it then skip, naming this script.
set -euo pipefail
missing=()
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-pushgateway >/dev/null 2>&1 || missing+=(prometheus-pushgateway)
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "install_engines: ${missing[*]} missing and not root; the fleet tests needing them will be skipped" >&2
  exit 0
fi
SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
# policy-rc.d 101: the packages' post-install scripts must not start services (the tests start their own)
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
command -v prometheus prometheus-pushgateway
