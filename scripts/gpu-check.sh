#!/usr/bin/env bash
# GPU check in one go, for a machine with an NVIDIA GPU: builds the worker and the part-1 driver (Release), lists the
# GPUs, starts a worker with --device cuda on 127.0.0.1 and prints the execution provider its model runs on, then
# compares in-process Run throughput at batch 1/16/64 on CUDA vs the CPU of the same machine (bench/OrtCompare, the
# code of part 1 of bench/inference.sh). Where the CUDA provider cannot load it says why (the worker's one-line
# reason and the provider library's missing dependencies from ldd) and exits 1.
#   bash scripts/gpu-check.sh [--seconds S (default 2)] [--model NAME (default mnist_cnn_1)] [--gpu N (default 0)]
# Exit codes: 0 CUDA works (table printed), 1 CUDA unavailable (reason printed), 2 build or usage error.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER=2 MODEL=mnist_cnn_1 GPU=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER=$2; shift 2 ;;
    --model) MODEL=$2; shift 2 ;;
    --gpu) GPU=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

say() { echo "gpu-check: $*"; }
WORKER_DLL=src/InferenceServer/bin/Release/net10.0/EnsembleGrpc.InferenceServer.dll
DRIVER_DLL=bench/OrtCompare/bin/Release/net10.0/OrtCompare.dll
WORK=artifacts/gpu-check
mkdir -p "$WORK"

say "building the worker and bench/OrtCompare (Release) ..."
for project in src/InferenceServer bench/OrtCompare; do
  timeout 900 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; say "build of $project failed"; exit 2; }
done

if command -v nvidia-smi >/dev/null 2>&1; then
  say "nvidia-smi -L:"; nvidia-smi -L 2>&1 | sed 's/^/  /'
else
  say "nvidia-smi not found (no NVIDIA driver on this machine?)"
fi

# The CUDA provider library as restored by NuGet (and as copied beside the worker), and what it cannot find.
ort_version=$(grep -o 'Microsoft.ML.OnnxRuntime.Gpu" Version="[^"]*' Directory.Packages.props | grep -o '[0-9][0-9.]*$')
provider="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.onnxruntime.gpu.linux/${ort_version}/runtimes/linux-x64/native/libonnxruntime_providers_cuda.so"
missing_libraries() {
  if [[ ! -f "$provider" ]]; then
    say "  $provider is not there (restore did not bring Microsoft.ML.OnnxRuntime.Gpu.Linux $ort_version?)"
    return
  fi
  local missing
  missing=$(ldd "$provider" 2>&1 | awk '/not found/ {print $1}' | sort -u)
  if [[ -n "$missing" ]]; then
    say "  libraries $(basename "$provider") needs that the loader cannot find (ldd):"
    echo "$missing" | sed 's/^/    /'
    say "  install the NVIDIA driver, CUDA and cuDNN versions ONNX Runtime $ort_version's CUDA provider is built for (or put them on LD_LIBRARY_PATH)"
  else
    say "  ldd finds every library of $(basename "$provider"); the failure is elsewhere (driver, no GPU visible, device index)"
  fi
}

say "starting a worker with --device cuda:$GPU on 127.0.0.1 (model $MODEL) ..."
log="$WORK/worker.log"
dotnet "$WORKER_DLL" --repository models --models "$MODEL" --host 127.0.0.1 --port 0 --device "cuda:$GPU" >"$log" 2>&1 &
worker=$!
status=""
for _ in $(seq 1 240); do
  if grep -q "EnsembleGrpc worker ready:" "$log"; then status=ready; break; fi
  if ! kill -0 "$worker" 2>/dev/null; then status=exited; break; fi
  sleep 0.5
done
if [[ "$status" == ready ]]; then
  say "worker: $(grep -o "Model $MODEL version [0-9]* runs on execution provider [a-z0-9:]*" "$log" | head -1)"
  kill -TERM "$worker" 2>/dev/null; wait "$worker" 2>/dev/null
else
  if [[ -z "$status" ]]; then kill -TERM "$worker" 2>/dev/null; fi
  wait "$worker" 2>/dev/null; code=$?
  say "CUDA is unavailable: the worker with --device cuda:$GPU did not start (exit code $code). Its reason:"
  grep -E -- "--device|CUDA|cuda|failed to load" "$log" | sed 's/^/  /' | head -5
  missing_libraries
  say "full worker output: $log"
  exit 1
fi

say "in-process Run throughput, $MODEL, batch 1/16/64, 2 threads, ${SECONDS_PER} s each: CPU then CUDA"
results="$WORK/throughput.tsv"
: >"$results"
dotnet "$DRIVER_DLL" --label cpu --root . --models "$MODEL" --batches 16,64 --seconds "$SECONDS_PER" --device cpu >>"$results" || { say "CPU measurement failed"; exit 2; }
if ! dotnet "$DRIVER_DLL" --label cuda --root . --models "$MODEL" --batches 16,64 --seconds "$SECONDS_PER" --device "cuda:$GPU" >>"$results" 2>"$WORK/cuda-bench.err"; then
  say "CUDA measurement failed: $(grep -m1 -E 'Exception|error' "$WORK/cuda-bench.err")"
  missing_libraries
  exit 1
fi
dotnet "$DRIVER_DLL" --table "$results" --baseline cpu --candidate cuda
say "CUDA works."
