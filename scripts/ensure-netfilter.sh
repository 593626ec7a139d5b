#!/usr/bin/env bash
# Makes sure the multi-host fault test can fake a bad link on a kernel built without sch_netem (a micro-VM's, CI's):
# iptables (the `statistic` match drops 5% of a host's packets at random, DROP black-holes it for the partition) and
# libnetfilter-queue-dev with gcc (the test compiles tests/EnsembleGrpc.Router.Tests/MultiHost/nfq-delay.c, which holds
# each queued packet for 50 ms). Idempotent: exits 0 at once when all are present. Without them, on such a kernel, the
# test fails saying what is missing.
set -euo pipefail

have_all() {
  command -v iptables >/dev/null 2>&1 && command -v gcc >/dev/null 2>&1 \
    && [ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ]
}

if have_all; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-netfilter iptables libnetfilter-queue-dev gcc libc6-dev

have_all
echo "ensure-netfilter: ok ($(iptables -V 2>&1 | head -1))" >&2
