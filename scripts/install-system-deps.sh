#!/usr/bin/env bash
# Installs the Debian packages some tests drive for real: promtool (package prometheus) checks every metrics endpoint
# and the alert rules, Chromium renders the demo's Web UI, RabbitMQ plays the appliance's State-Change Message Bus.
# Nothing happens when all are present. Without root or sudo
# it says what to install and fails, rather than letting those tests fail later with a vaguer message.
# Arguments name the packages wanted (`install-system-deps.sh rabbitmq-server`: the demo's message bus); none means all.
set -euo pipefail
wanted() { [ ${#selected[@]} -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }
selected=("$@")
missing=()
if wanted prometheus; then command -v promtool >/dev/null 2>&1 || missing+=(prometheus); fi
if wanted chromium; then
  [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
if wanted rabbitmq-server; then
  [ -x "${RABBITMQ_SBIN:-/usr/lib/rabbitmq/bin}/rabbitmq-server" ] || missing+=(rabbitmq-server)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "install-system-deps: please install the Debian packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: no apt-get here; install promtool, Chromium (set CHROMIUM_PATH) and RabbitMQ (set RABBITMQ_SBIN) by other means" >&2
  exit 1
fi
echo "install-system-deps: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
# Tests start their own throw-away brokers; the package must not start a system one (policy-rc.d 101 = "not now").
policy=/usr/sbin/policy-rc.d
added_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod +x "$policy"
  added_policy=1
fi
trap 'if [ -n "$added_policy" ]; then "${sudo[@]}" rm -f "$policy"; fi' EXIT
"${sudo[@]}" apt-get update -qq >&2
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
