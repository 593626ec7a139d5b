#!/usr/bin/env bash
# Makes sure the independent gRPC peer used by the interop tests and the transport benchmark is installed:
# Debian's python3-grpcio (C-core) + python3-protobuf for /usr/bin/python3, and protoc.
# Idempotent: when everything is present it only runs two quick checks and exits 0.
# Optional: `--with-h2load` also makes sure h2load (nghttp2-client) is there (the benchmark needs it).
set -euo pipefail

PY=/usr/bin/python3
want_h2load=0
for arg in "$@"; do
  case "$arg" in
    --with-h2load) want_h2load=1 ;;
    *) echo "usage: $0 [--with-h2load]" >&2; exit 2 ;;
  esac
done

packages=()
if ! [ -x "$PY" ] || ! "$PY" -c 'import grpc, google.protobuf' >/dev/null 2>&1; then
  packages+=(python3 python3-grpcio python3-protobuf)
fi
if ! command -v protoc >/dev/null 2>&1; then
  packages+=(protobuf-compiler)
fi
if [ "$want_h2load" = 1 ] && ! command -v h2load >/dev/null 2>&1; then
  packages+=(nghttp2-client)
fi

if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-python-grpc: need root (or sudo) to install: ${packages[*]}" >&2
    exit 1
  fi
fi

echo "ensure-python-grpc: installing ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
# The image sometimes fails a large install once with "dpkg-split: failed to read archive": try again once.
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2; then
  echo "ensure-python-grpc: install failed, retrying once" >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2
fi

"$PY" -c 'import grpc, google.protobuf' >/dev/null
command -v protoc >/dev/null
if [ "$want_h2load" = 1 ]; then command -v h2load >/dev/null; fi
echo "ensure-python-grpc: ok" >&2
