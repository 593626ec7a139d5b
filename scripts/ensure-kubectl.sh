#!/usr/bin/env bash
# Makes sure kubectl is on PATH for the deploy tests, which only run `kubectl kustomize deploy/k8s` (offline, no
# cluster). Installs Debian's kubernetes-client when it is missing (its kubectl 1.20 embeds a kustomize that renders
# deploy/k8s the same way as current ones). Idempotent: when kubectl is there it exits 0 at once.
set -euo pipefail

if command -v kubectl >/dev/null 2>&1; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-kubectl kubernetes-client

command -v kubectl >/dev/null
echo "ensure-kubectl: ok" >&2
