#!/usr/bin/env bash
# Makes sure promtool (Debian package `prometheus`) is installed: the metrics tests check a real /metrics scrape with
# `promtool check metrics` and the alerting rules in deploy/prometheus/ with `promtool check rules` / `promtool test rules`.
# Idempotent: when promtool is present it exits 0 at once. The package's Prometheus server is not started.
set -euo pipefail

if command -v promtool >/dev/null 2>&1; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# A container has no init system: keep the package's service from being started by its install scripts.
policy_written=0
if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" = 0 ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  policy_written=1
fi
cleanup() { if [ "$policy_written" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

apt_install ensure-promtool prometheus

command -v promtool >/dev/null
echo "ensure-promtool: ok ($(promtool --version 2>&1 | head -1))" >&2
