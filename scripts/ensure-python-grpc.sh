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

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-python-grpc "${packages[@]}"

"$PY" -c 'import grpc, google.protobuf' >/dev/null
command -v protoc >/dev/null
if [ "$want_h2load" = 1 ]; then command -v h2load >/dev/null; fi
echo "ensure-python-grpc: ok" >&2
