#!/usr/bin/env bash
# The old home-made gRPC layer (src/Grpc, deleted since) against grpc-dotnet, in ONE run with interleaved repetitions:
#   bash bench/transport-compare.sh [OLD_REV] [options]      OLD_REV default d3ccbf4 (the last commit with src/Grpc)
#   bash bench/transport-compare.sh --reps 3 --seq-seconds 1 --conc-seconds 2
#   bash bench/transport-compare.sh --help
# Exports OLD_REV's tree (git archive) to artifacts/transport-compare/old-<sha>/ once (reused later), builds its
# bench/TransportBench and the current one in Release, then runs `TransportBench compare --old-dll <old dll>`:
# Grpc.Net.Client -> Grpc.AspNetCore, Grpc.Net.Client -> old server, old client -> old server, h2load against each
# server. The table also goes to artifacts/bench/transport-compare-<timestamp>.txt. See bench/README.md.
# Default run: about 3 minutes after the builds (7 repetitions of ~20 s, plus warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."

old_rev=d3ccbf4
if [ $# -gt 0 ] && [[ "$1" != -* ]]; then
  old_rev=$1
  shift
fi
for arg in "$@"; do
  if [ "$arg" = -h ] || [ "$arg" = --help ]; then
    dotnet build bench/TransportBench/TransportBench.csproj -c Release -nologo -v q -clp:ErrorsOnly >&2
    exec dotnet bench/TransportBench/bin/Release/net10.0/TransportBench.dll compare --help
  fi
done

sha=$(git rev-parse --verify -q "${old_rev}^{commit}") || { echo "transport-compare: unknown revision $old_rev" >&2; exit 2; }
old_dir="artifacts/transport-compare/old-$sha"
# An export, not a git worktree: nothing registered in the shared .git, and deleting artifacts/ leaves nothing stale.
if [ ! -f "$old_dir/.exported" ]; then
  rm -rf "$old_dir"
  mkdir -p "$old_dir"
  git archive "$sha" | tar -x -C "$old_dir"
  touch "$old_dir/.exported"
fi
if [ ! -f "$old_dir/bench/TransportBench/TransportBench.csproj" ] || [ ! -d "$old_dir/src/Grpc" ]; then
  echo "transport-compare: $old_rev has no bench/TransportBench on the old layer (src/Grpc)" >&2
  exit 2
fi

bash scripts/ensure-python-grpc.sh --with-h2load

# The old bench project alone builds without the native ONNX Runtime library (only other projects need it).
echo "transport-compare: building the old bench ($old_rev = ${sha:0:12})" >&2
(cd "$old_dir" && dotnet build bench/TransportBench/TransportBench.csproj -c Release -nologo -v q -clp:ErrorsOnly)
echo "transport-compare: building the current bench" >&2
dotnet build bench/TransportBench/TransportBench.csproj -c Release -nologo -v q -clp:ErrorsOnly

mkdir -p artifacts/bench
out="artifacts/bench/transport-compare-$(date -u +%Y%m%dT%H%M%SZ).txt"
dotnet bench/TransportBench/bin/Release/net10.0/TransportBench.dll compare \
  --old-dll "$old_dir/bench/TransportBench/bin/Release/net10.0/TransportBench.dll" "$@" | tee "$out"
echo "transport-compare: table saved to $out" >&2
