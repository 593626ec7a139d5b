#!/usr/bin/env bash
# Inference benchmark: builds bench/InferenceBench (and with it the worker, LoadGen and the router) in Release and
# runs it. One run measures, side by side on this machine, with medians of several repetitions:
#   1. in-process ONNX Runtime throughput of each member model at batch 1 and at its best batch (the limit);
#   2. one worker served through gRPC (LoadGen, batch-1 requests, concurrency 1/8/32/64) with its ModelStatistics;
#   3. h2load against the same worker with the same framed ModelInfer request;
#   4. the router's ensemble (bagging over 3 workers) at a few concurrencies, its CPU and RSS (from /proc);
#   5. the router in open loop (Poisson) at half its peak, without and with shadow arms (hot-reloaded routing file);
# then prints the ratios and the issue's goals (meets / misses) and writes artifacts/bench/inference-<timestamp>.json.
# Everything listens on 127.0.0.1 only. Every process started is stopped on exit (also on Ctrl-C or a timeout).
#   bash bench/inference.sh            # full run, about 9-11 minutes after the build on 2 busy cores
#   bash bench/inference.sh --quick    # about 3 minutes after the build
#   bash bench/inference.sh --help     # every option
set -euo pipefail
cd "$(dirname "$0")/.."

PROJECT=bench/InferenceBench/InferenceBench.csproj
DLL=bench/InferenceBench/bin/Release/net10.0/InferenceBench.dll
LIMIT_S=${INFERENCE_BENCH_LIMIT_S:-1500}   # hard bound on the measuring part (the build has its own)
EXTRA=()

for arg in "$@"; do
  if [[ "$arg" == "-h" || "$arg" == "--help" ]]; then
    [[ -f "$DLL" ]] && exec dotnet "$DLL" --help
    sed -n '2,14p' "$0"; exit 0
  fi
done

# h2load (Debian nghttp2-client): installed when missing; without it the h2load part is skipped, loudly.
if ! command -v h2load >/dev/null 2>&1; then
  SUDO=""; [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1 && SUDO="sudo -n"
  echo "h2load not found: installing nghttp2-client" >&2
  if ! { timeout 300 $SUDO apt-get update -qq && timeout 300 $SUDO apt-get install -y -qq nghttp2-client >/dev/null \
         || timeout 300 $SUDO apt-get install -y -qq nghttp2-client >/dev/null; }; then
    echo "WARNING: could not install nghttp2-client; the h2load part is skipped" >&2
  fi
  command -v h2load >/dev/null 2>&1 || EXTRA+=(--skip-h2load)
fi

# Build. Other engineers build in this tree too: a busy file is retried. When the router does not build (yet),
# the rest is built without it and the router part is skipped with the reason.
build() {
  local attempt
  for attempt in 1 2 3; do
    if timeout 900 dotnet build "$PROJECT" -c Release -nologo -v q -clp:ErrorsOnly "$@"; then return 0; fi
    echo "build attempt $attempt failed; retrying" >&2; sleep 3
  done
  return 1
}
echo "building $PROJECT (Release) with the worker, LoadGen and the router ..."
if ! build; then
  echo "the build with the router failed; building without it" >&2
  build -p:InferenceBenchRouter=false
  EXTRA+=(--skip-router "the router did not build (dotnet build src/Router -c Release shows why)")
fi

PIDS=$(mktemp "${TMPDIR:-/tmp}/inference-bench-pids.XXXXXX")
DRIVER=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n "$DRIVER" ]] && kill -0 "$DRIVER" 2>/dev/null; then
    kill -TERM "$DRIVER" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$DRIVER" 2>/dev/null || break; sleep 0.5; done
  fi
  # Whatever the driver started and did not stop (it normally stops everything itself).
  local pid
  while read -r pid; do
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done < "$PIDS"
  sleep 1
  while read -r pid; do
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done < "$PIDS"
  rm -f "$PIDS"
  exit "$code"
}
trap cleanup EXIT INT TERM

timeout --signal=TERM --kill-after=30 "$LIMIT_S" dotnet "$DLL" --repo-root "$PWD" --pid-file "$PIDS" ${EXTRA[@]+"${EXTRA[@]}"} "$@" &
DRIVER=$!
wait "$DRIVER"
