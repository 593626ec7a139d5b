#!/usr/bin/env bash
# In-process ONNX Runtime Run throughput (part 1 of bench/inference.sh), an older revision's binding against this
# tree's, in one run on one machine. Creates a git worktree of the old revision under artifacts/ort-compare/,
# builds bench/OrtCompare against each tree's bench/InferenceBench/OrtThroughput.cs (the old one over the C-API
# binding src/OnnxRuntime, the new one over Microsoft.ML.OnnxRuntime.Gpu's managed API), runs the two alternately
# --reps times (each a fresh process: warm-up, then batch 1 and the batch sweep) and prints per batch: old/new p50
# per Run, old/new images/s and the paired ratios new/old, medians with min-max over the repetitions.
#   bash bench/ort-compare.sh                      # old d3ccbf4, 5 reps, 1 s per measurement (~1 min per rep)
#   bash bench/ort-compare.sh --reps 1 --seconds 0.3 --batches 8,64
# Options: --old REV (default d3ccbf4)  --reps N (5)  --seconds S (1.0)  --warmup S (0.3)  --threads N (2)
#          --batches LIST (8,16,32,64; batch 1 always)  --models LIST (mnist_cnn_1)
# The old binding's native library comes from its own fetch script (npm onnxruntime-node, cached under ~/.cache).
set -euo pipefail
cd "$(dirname "$0")/.."

OLD=d3ccbf4 REPS=5 SECONDS_PER=1.0 WARMUP=0.3 THREADS=2 BATCHES=8,16,32,64 MODELS=mnist_cnn_1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --old) OLD=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --seconds) SECONDS_PER=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --batches) BATCHES=$2; shift 2 ;;
    --models) MODELS=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

ROOT=$PWD
WORK=artifacts/ort-compare
commit=$(git rev-parse --verify --quiet "${OLD}^{commit}") || { echo "ort-compare: '$OLD' is not a commit here" >&2; exit 2; }
TREE="$WORK/tree-${commit:0:12}"
mkdir -p "$WORK"
if [[ ! -d "$TREE" ]]; then
  echo "ort-compare: git worktree of $OLD at $TREE"
  git worktree add --detach "$TREE" "$commit" >/dev/null
fi
[[ -f "$TREE/bench/InferenceBench/OrtThroughput.cs" ]] || { echo "ort-compare: $OLD has no bench/InferenceBench/OrtThroughput.cs" >&2; exit 2; }

# The driver is copied beside the old tree's build so the two builds keep separate obj/ and bin/ folders.
OLD_DRIVER="$WORK/driver-${commit:0:12}"
rm -rf "$OLD_DRIVER"; mkdir -p "$OLD_DRIVER"
cp bench/OrtCompare/*.cs bench/OrtCompare/OrtCompare.csproj "$OLD_DRIVER/"
build() { timeout 900 dotnet build "$1" -c Release -nologo -v q -clp:ErrorsOnly "${@:2}" >&2; }
echo "ort-compare: building the old driver ($OLD) and the new one (Release) ..."
build "$OLD_DRIVER/OrtCompare.csproj" -p:BenchTree="$ROOT/$TREE/"
build bench/OrtCompare/OrtCompare.csproj
OLD_DLL="$OLD_DRIVER/bin/Release/net10.0/OrtCompare.dll"
NEW_DLL="bench/OrtCompare/bin/Release/net10.0/OrtCompare.dll"

old_ort=$(grep -o '<OnnxRuntimeVersion>[^<]*' "$TREE/src/OnnxRuntime/EnsembleGrpc.OnnxRuntime.csproj" 2>/dev/null | cut -d'>' -f2 || true)
new_ort=$(grep -o 'Microsoft.ML.OnnxRuntime.Gpu" Version="[^"]*' Directory.Packages.props | grep -o '[0-9][0-9.]*$' || true)
results="$WORK/results-$(date -u +%Y%m%dT%H%M%SZ).tsv"
: > "$results"
run() { dotnet "$1" --label "$2" --rep "$3" --root "$ROOT" --models "$MODELS" --batches "$BATCHES" --threads "$THREADS" --seconds "$SECONDS_PER" --warmup "$WARMUP" >> "$results"; }
echo "ort-compare: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); old $OLD (ORT ${old_ort:-?}, C-API binding), new $(git rev-parse --short HEAD) (ORT ${new_ort:-?}, managed API); $THREADS threads, $SECONDS_PER s per measurement"
for ((rep = 1; rep <= REPS; rep++)); do
  # Alternate who goes first, so a drift in the machine's load does not always favour one side.
  if (( rep % 2 == 1 )); then run "$OLD_DLL" old "$rep"; run "$NEW_DLL" new "$rep"; else run "$NEW_DLL" new "$rep"; run "$OLD_DLL" old "$rep"; fi
  echo "ort-compare: repetition $rep/$REPS done"
done

echo
dotnet "$NEW_DLL" --table "$results" --baseline old --candidate new
echo "raw results: $results (label, rep, model, batch, p50 us, images/s, CPU us/image); load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
