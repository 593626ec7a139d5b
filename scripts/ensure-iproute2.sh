#!/usr/bin/env bash
# Makes sure iproute2 (`ip netns`, `tc`) is installed: the multi-host fault test builds its hosts as network namespaces
# on a private bridge and breaks one host's link with tc. Without it (or without root) that test is skipped, saying why.
# Idempotent: when `ip` and `tc` are present it exits 0 at once.
set -euo pipefail

if command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-iproute2 iproute2

command -v ip >/dev/null && command -v tc >/dev/null
echo "ensure-iproute2: ok ($(ip -V 2>&1 | head -1))" >&2
