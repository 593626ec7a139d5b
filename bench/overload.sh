#!/usr/bin/env bash
# Overload: what the router's admission control does at the saturating load and at 4x and 16x that load. Three
# workers and the router (processes on 127.0.0.1); for each admission setting a fresh router, then LoadGen closed
# loops at each concurrency: clients that send again as soon as an answer or a refusal comes back (the hardest case
# for admission), or, for a setting ending in -obey, clients that first wait out the router's retry pushback. Per step: good answers per second, refusals (RESOURCE_EXHAUSTED) per second, p50/p99 of the
# answered requests, and the router's peak RSS while the step ran. Settings alternate within each repetition, so
# they are compared side by side. See bench/README.md, "Overload".
#
#   bash bench/overload.sh [--reps 3] [--levels 128,512,2048] [--settings "long short short-obey"] [--seconds 6]
#   nice -n -10 bash bench/overload.sh            # on an otherwise idle machine
#
# A setting is a name from setting_env() below. Output: artifacts/overload/ (overload.tsv, a table on stdout, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

reps=3 levels="128,512,2048" settings="long short short-obey" seconds=6
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --levels) levels="$2"; shift 2 ;;
    --settings) settings="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "overload: unknown option $1" >&2; exit 2 ;;
  esac
done

# The settings compared: the router's environment, then LoadGen's extra flags. "long" is the queue the router had
# before refusals carried a retry pushback (2,048 deep, 2 s); "short" its default now (128, 250 ms); "-obey": the
# clients wait out the router's grpc-retry-pushback-ms after a refusal, as gRPC clients with a retry policy do.
long_queue="ENSEMBLEGRPC_Router__Admission__QueueLimit=2048 ENSEMBLEGRPC_Router__Admission__QueueTimeoutMs=2000"
short_queue="ENSEMBLEGRPC_Router__Admission__QueueLimit=128 ENSEMBLEGRPC_Router__Admission__QueueTimeoutMs=250"
setting_env() {
  case "$1" in
    long) echo "$long_queue ENSEMBLEGRPC_Router__Admission__QueueOrder=Fifo" ;;
    lifo) echo "$long_queue ENSEMBLEGRPC_Router__Admission__QueueOrder=AdaptiveLifo" ;;
    short|short-obey) echo "$short_queue ENSEMBLEGRPC_Router__Admission__QueueOrder=Fifo" ;;
    none) echo "ENSEMBLEGRPC_Router__Admission__Enabled=false" ;;
    conserve) echo "$long_queue ENSEMBLEGRPC_Router__Admission__QueueOrder=Fifo DOTNET_GCConserveMemory=7" ;;
    *) echo "overload: unknown setting $1 (long, lifo, short, short-obey, none, conserve)" >&2; exit 2 ;;
  esac
}
setting_loadgen() {
  case "$1" in
    *-obey) echo "--obey-pushback" ;;
    *) echo "" ;;
  esac
}

out="$root/artifacts/overload"
rm -rf "$out"
mkdir -p "$out/bin"
bench_name=overload
source "$root/bench/lib/processes.sh"
build_copies src/InferenceServer worker src/Router router src/LoadGen loadgen

pids=()
cleanup() { for p in "${pids[@]}" ${router_pid:-}; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_three_workers
routing_for_ports "${ports[1]}" "${ports[2]}" "${ports[3]}" > "$out/routing.json"

# The router's largest VmRSS (kB) sampled every 100 ms until the file $1.stop exists.
sample_rss() {
  local pid="$1" file="$2" max=0 kb
  while [ ! -e "$file.stop" ]; do
    kb=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${kb:-0}" -gt "$max" ] && max=$kb
    sleep 0.1
  done
  echo "$max" > "$file"
}

# The router's CPU time so far (user + system), in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

printf 'rep\tsetting\tconcurrency\tgood_per_s\trefused_per_s\tother_errors\tp50_ms\tp99_ms\trss_mib\trouter_cores\n' > "$out/overload.tsv"
IFS=, read -r -a level_list <<< "$levels"
for rep in $(seq 1 "$reps"); do
  for setting in $settings; do
    port=$(free_port)
    env $(setting_env "$setting") dotnet "$out/bin/router/EnsembleGrpc.Router.dll" --config "$out/routing.json" \
      --port "$port" --state none --watch false > "$out/router-$setting-$rep.log" 2>&1 &
    router_pid=$!
    wait_for "$out/router-$setting-$rep.log" "Now listening on"
    # Warm the new router up (JIT, tiering, connections) at the first level, unmeasured.
    dotnet "$out/bin/loadgen/EnsembleGrpc.LoadGen.dll" --target "http://127.0.0.1:$port" --model mnist --concurrency "${level_list[0]}" \
      --connections 8 --warmup 5s --measurement-window 2s --max-windows 1 --no-server-stats --no-live > /dev/null 2>&1 || true
    for c in "${level_list[@]}"; do
      step="$out/$setting-$rep-c$c"
      sample_rss "$router_pid" "$step.rss" &
      sampler=$!
      cpu_start=$(cpu_ticks "$router_pid"); wall_start=$(date +%s.%N)
      dotnet "$out/bin/loadgen/EnsembleGrpc.LoadGen.dll" --target "http://127.0.0.1:$port" --model mnist --concurrency "$c" \
        $(setting_loadgen "$setting") --connections 8 --warmup 3s --measurement-window "${seconds}s" --max-windows 1 --deadline 10s \
        --no-server-stats --no-live --output "$step" > "$step.txt" 2>&1 || true
      cores=$(awk -v a="$cpu_start" -v b="$(cpu_ticks "$router_pid")" -v t0="$wall_start" -v t1="$(date +%s.%N)" -v hz="$(getconf CLK_TCK)" \
        'BEGIN {printf "%.2f", (b - a) / hz / (t1 - t0)}')
      touch "$step.rss.stop"; wait "$sampler"
      /usr/bin/python3 - "$step.json" "$(cat "$step.rss")" "$rep" "$setting" "$c" "$cores" >> "$out/overload.tsv" <<'EOF'
import json, sys
path, rss_kb, rep, setting, c, cores = sys.argv[1:]
s = json.load(open(path))["steps"][0]
refused = s["errors"].get("ResourceExhausted", 0)
other = sum(v for k, v in s["errors"].items() if k != "ResourceExhausted")
lat = s["latency"]
print(f"{rep}\t{setting}\t{c}\t{s['throughput']:.0f}\t{refused / s['duration_seconds']:.0f}\t{other}\t"
      f"{lat['p50_ms']:.1f}\t{lat['p99_ms']:.1f}\t{int(rss_kb) / 1024:.0f}\t{cores}")
EOF
    done
    kill -TERM "$router_pid"; wait "$router_pid" 2>/dev/null || true; router_pid=""
  done
done

# Medians [ranges] over the repetitions, per setting and concurrency; goodput also as a share of the setting's peak.
/usr/bin/python3 - "$out/overload.tsv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def cell(vals, fmt="{:.0f}"):
    vals = sorted(float(v) for v in vals)
    return f"{fmt.format(statistics.median(vals))} [{fmt.format(vals[0])}-{fmt.format(vals[-1])}]"
keys = sorted({(r["setting"], int(r["concurrency"])) for r in rows})
peak = {}
for s, c in keys:
    good = statistics.median(float(r["good_per_s"]) for r in rows if r["setting"] == s and int(r["concurrency"]) == c)
    peak[s] = max(peak.get(s, 0), good) if c == min(k[1] for k in keys if k[0] == s) else peak.get(s, good)
# The peak: the best median goodput of any level of any setting in this run.
best = max(statistics.median(float(r["good_per_s"]) for r in rows if r["setting"] == s and int(r["concurrency"]) == c) for s, c in keys)
print("| setting | concurrency | good req/s | of the lowest level's | of the run's peak | refused/s | other errors | p50 ms | p99 ms (answered) | router peak RSS MiB | router cores busy |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for s, c in keys:
    sel = [r for r in rows if r["setting"] == s and int(r["concurrency"]) == c]
    good = statistics.median(float(r["good_per_s"]) for r in sel)
    print(f"| {s} | {c} | {cell(r['good_per_s'] for r in sel)} | {good / peak[s]:.2f} | {good / best:.2f} | {cell(r['refused_per_s'] for r in sel)} | "
          f"{cell(r['other_errors'] for r in sel)} | {cell((r['p50_ms'] for r in sel), '{:.1f}')} | {cell((r['p99_ms'] for r in sel), '{:.0f}')} | "
          f"{cell(r['rss_mib'] for r in sel)} | {cell((r['router_cores'] for r in sel), '{:.2f}')} |")
EOF
