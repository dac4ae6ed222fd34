#!/usr/bin/env bash
# `npm test` runs this first (pretest): the suite needs programs npm cannot install.
# - chromium: test/ws/browser.test.ts drives Debian's Chromium (CHROMIUM_PATH overrides);
# - curl and jq: test/readme.test.ts runs the README's examples with them;
# - nats-server: test/storage/jetstream-store.test.ts and the cluster tests start NATS nodes;
# - iproute2 (ss, ip): test/http/connections.test.ts reads a listening socket's queue with ss.
# Missing ones are installed with apt-get when this runs as root on Debian/Ubuntu; otherwise it
# stops at once with the one command to run, before vitest spends minutes failing on them.
set -euo pipefail

missing=()
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# nats-server: the JetStream store's tests run a 3-node cluster (Debian installs it in /usr/sbin).
PATH="$PATH:/usr/sbin:/sbin" command -v nats-server >/dev/null 2>&1 || [ -n "${NATS_SERVER:-}" ] || missing+=(nats-server)
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "pretest: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
elif [ ! -x /usr/bin/chromium ]; then
  missing+=(chromium)
fi
PATH="$PATH:/usr/sbin:/sbin" command -v ss >/dev/null 2>&1 || missing+=(iproute2)
[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "pretest: installing ${missing[*]} (Debian packages the tests need)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "pretest: the tests need ${missing[*]}; install them with: sudo $command" >&2
else
  echo "pretest: the tests need ${missing[*]} (Debian: $command; or set CHROMIUM_PATH to a Chromium)" >&2
fi
exit 1
