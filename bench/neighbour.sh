#!/usr/bin/env bash
# Noisy neighbour: what one client's large batches do to another client's small requests. Three workers and the
# router (processes on 127.0.0.1, config/routing.json); per repetition client B alone (LoadGen, 1-row requests,
# concurrency 4), then client A (64-row batches, concurrency 64, sending again at once after a refusal) with B beside
# it. Per run: B's p50/p99 and req/s alone and beside A, A's served req/s, p50 and refusals, and the router's
# ejections. See config/README.md, "Admission control" ("Fair between clients").
#
#   bash bench/neighbour.sh [--reps 2] [--seconds 6]
#   ROUTER_DLL=/path/to/other/EnsembleGrpc.Router.dll bash bench/neighbour.sh    # another build of the router, side by side
#
# Output: artifacts/neighbour/ (neighbour.tsv, a table on stdout, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

reps=2 seconds=6
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "neighbour: unknown option $1" >&2; exit 2 ;;
  esac
done

out="$root/artifacts/neighbour"
rm -rf "$out"
mkdir -p "$out/bin"
bench_name=neighbour
source "$root/bench/lib/processes.sh"
build_copies src/InferenceServer worker src/Router router src/LoadGen loadgen
router_dll="${ROUTER_DLL:-$out/bin/router/EnsembleGrpc.Router.dll}"
loadgen="$out/bin/loadgen/EnsembleGrpc.LoadGen.dll"

pids=()
cleanup() { for p in "${pids[@]}" ${router_pid:-} ${a_pid:-}; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_three_workers
# The shadow off: the comparison is of the two clients' primary requests.
routing_for_ports "${ports[1]}" "${ports[2]}" "${ports[3]}" | sed -E 's/"sample_percent": [0-9]+/"sample_percent": 0/' > "$out/routing.json"

port=$(free_port)
dotnet "$router_dll" --config "$out/routing.json" --port "$port" --state none --watch false > "$out/router.log" 2>&1 &
router_pid=$!
wait_for "$out/router.log" "Now listening on"
target="http://127.0.0.1:$port"
run() { # output prefix, measurement seconds, then LoadGen's load flags
  local prefix="$1" window="$2"; shift 2
  dotnet "$loadgen" --target "$target" --model mnist "$@" --warmup 1s --measurement-window "${window}s" --max-windows 1 \
    --deadline 10s --no-server-stats --no-live --output "$prefix" > "$prefix.txt" 2>&1 || true
}
# Warm-up (JIT, tiering, connections), unmeasured.
run "$out/warm" 3 --concurrency 8

printf 'rep\tb_alone_p50\tb_alone_p99\tb_alone_rps\tb_beside_p50\tb_beside_p99\tb_beside_rps\tb_beside_failed\ta_rps\ta_p50\ta_refused\tejections\n' > "$out/neighbour.tsv"
for rep in $(seq 1 "$reps"); do
  ejections_before=$(grep -c "ejected for" "$out/router.log" || true)
  run "$out/b-alone-$rep" "$seconds" --concurrency 4
  # A runs from 2 s before B starts to at least 2 s after B ends.
  run "$out/a-$rep" "$((seconds + 4))" --batch-size 64 --concurrency 64 --max-step-time "$((seconds + 12))s" &
  a_pid=$!
  sleep 2
  run "$out/b-beside-$rep" "$seconds" --concurrency 4
  wait "$a_pid"; a_pid=""
  ejections=$(( $(grep -c "ejected for" "$out/router.log" || true) - ejections_before ))
  /usr/bin/python3 - "$out" "$rep" "$ejections" >> "$out/neighbour.tsv" <<'EOF'
import json, sys
out, rep, ejections = sys.argv[1:]
def step(name):
    return json.load(open(f"{out}/{name}-{rep}.json"))["steps"][0]
b, bb, a = step("b-alone"), step("b-beside"), step("a")
def lat(s, q):
    return f"{s['latency'][q]:.1f}"
print("\t".join([rep, lat(b, "p50_ms"), lat(b, "p99_ms"), f"{b['throughput']:.0f}",
                 lat(bb, "p50_ms"), lat(bb, "p99_ms"), f"{bb['throughput']:.0f}", str(bb["requests"] - bb["succeeded"]),
                 f"{a['throughput']:.0f}", lat(a, "p50_ms"), str(a["errors"].get("ResourceExhausted", 0)), ejections]))
EOF
done

/usr/bin/python3 - "$out/neighbour.tsv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("| rep | B alone p50 / p99 ms, req/s | B beside A p50 / p99 ms, req/s, failed | A req/s (64 rows), p50 ms, refused | ejections |")
print("|---|---|---|---|---|")
for r in rows:
    print(f"| {r['rep']} | {r['b_alone_p50']} / {r['b_alone_p99']}, {r['b_alone_rps']} | {r['b_beside_p50']} / {r['b_beside_p99']}, "
          f"{r['b_beside_rps']}, {r['b_beside_failed']} | {r['a_rps']}, {r['a_p50']}, {r['a_refused']} | {r['ejections']} |")
EOF
