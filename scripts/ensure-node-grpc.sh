#!/usr/bin/env bash
# Makes sure the second independent gRPC peer of the interop tests is installed: Node's @grpc/grpc-js and
# @grpc/proto-loader (pure JS), at the versions tests/interop/node/package-lock.json pins, under
# tests/interop/node/node_modules (ignored by git). Idempotent: when the pinned versions are there it only checks.
# Needs node and npm on PATH (CI has them); exits non-zero with a clear message when either is missing.
set -euo pipefail

dir="$(cd "$(dirname "$0")/.." && pwd)/tests/interop/node"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "ensure-node-grpc: '$tool' is not on PATH; the interop tests need Node.js (>= 18) with npm to run the @grpc/grpc-js client in tests/interop/node" >&2
    exit 1
  fi
done

# Installed and at the pinned versions? (package.json pins exact versions.)
installed() {
  (cd "$dir" && node -e '
    const pins = require("./package.json").dependencies;
    for (const [name, version] of Object.entries(pins)) {
      if (require(`./node_modules/${name}/package.json`).version !== version) process.exit(1);
    }' >/dev/null 2>&1)
}

if installed; then
  exit 0
fi

echo "ensure-node-grpc: npm ci in tests/interop/node" >&2
(cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts >&2)
installed || { echo "ensure-node-grpc: npm ci finished but @grpc/grpc-js / @grpc/proto-loader are not at the pinned versions" >&2; exit 1; }
echo "ensure-node-grpc: ok" >&2
