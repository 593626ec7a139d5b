#!/usr/bin/env bash
# Makes sure iproute2 (`ip netns`, `tc`) is installed: the multi-host fault test builds its hosts as network namespaces
# on a private bridge and breaks one host's link with tc. Without it (or without root) that test is skipped, saying why.
# Idempotent: when `ip` and `tc` are present it exits 0 at once.
set -euo pipefail

if command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-iproute2: need root (or sudo) to install iproute2" >&2
    exit 1
  fi
fi

echo "ensure-iproute2: installing iproute2" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends iproute2 >&2; then
  echo "ensure-iproute2: install failed, retrying once" >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends iproute2 >&2
fi

command -v ip >/dev/null && command -v tc >/dev/null
echo "ensure-iproute2: ok ($(ip -V 2>&1 | head -1))" >&2
