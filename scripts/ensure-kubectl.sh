#!/usr/bin/env bash
# Makes sure kubectl is on PATH for the deploy tests, which only run `kubectl kustomize deploy/k8s` (offline, no
# cluster). Installs Debian's kubernetes-client when it is missing (its kubectl 1.20 embeds a kustomize that renders
# deploy/k8s the same way as current ones). Idempotent: when kubectl is there it exits 0 at once.
set -euo pipefail

if command -v kubectl >/dev/null 2>&1; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-kubectl: need root (or sudo) to install kubernetes-client" >&2
    exit 1
  fi
fi

echo "ensure-kubectl: installing kubernetes-client" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
# The image sometimes fails an install once with "dpkg-split: failed to read archive": try again once.
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends kubernetes-client >&2; then
  echo "ensure-kubectl: install failed, retrying once" >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends kubernetes-client >&2
fi

command -v kubectl >/dev/null
echo "ensure-kubectl: ok" >&2
