#!/usr/bin/env bash
# The main job: three InferenceServer workers (one per member model of the bundled MNIST ensemble) and the Router in
# front of them, all on 127.0.0.1. Ctrl-C stops everything.
#
#   router   127.0.0.1:${ROUTER_PORT:-8000}   virtual model "mnist" (config/routing.json)
#   workers  127.0.0.1:8001..8003            mnist_cnn_1..3
#
# Extra arguments are passed to every worker (e.g. --fault-latency-ms 50 --fault-models mnist_cnn_2).
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
router_port="${ROUTER_PORT:-8000}"
config="${ROUTING_CONFIG:-config/routing.json}"
logs="artifacts/run"
mkdir -p "$logs"

dotnet build src/InferenceServer -c "$configuration" -nologo -clp:ErrorsOnly
dotnet build src/Router -c "$configuration" -nologo -clp:ErrorsOnly

pids=()
cleanup() {
    trap - EXIT INT TERM
    [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Waits (bounded) until a process's log shows its ready line; fails fast if the process died.
await_line() {
    local pid=$1 log=$2 pattern=$3 name=$4
    for _ in $(seq 1 600); do
        grep -q "$pattern" "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || { echo "$name exited; its log:" >&2; cat "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "$name not ready after 60 s; its log: $log" >&2
    return 1
}

worker_dll="src/InferenceServer/bin/$configuration/net10.0/EnsembleGrpc.InferenceServer.dll"
router_dll="src/Router/bin/$configuration/net10.0/EnsembleGrpc.Router.dll"

for i in 1 2 3; do
    log="$logs/worker-$i.log"
    dotnet "$worker_dll" --repository models --models "mnist_cnn_$i" --host 127.0.0.1 --port "800$i" "$@" >"$log" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    await_line "${pids[$((i - 1))]}" "$logs/worker-$i.log" "worker ready" "worker mnist_cnn_$i"
    echo "worker mnist_cnn_$i ready on 127.0.0.1:800$i (log: $logs/worker-$i.log)"
done

dotnet "$router_dll" --config "$config" --host 127.0.0.1 --port "$router_port" >"$logs/router.log" 2>&1 &
pids+=($!)
await_line "${pids[3]}" "$logs/router.log" "Now listening on" "router"
echo "router ready on 127.0.0.1:$router_port (log: $logs/router.log): model 'mnist', strategies bagging|boosting|stacking|vote|best"
echo "try: /usr/bin/python3 tools/client/ensemble.py infer --target 127.0.0.1:$router_port --strategy stacking"
echo "Ctrl-C stops the workers and the router."

# Serve until the router exits. A worker that dies (or is killed to watch the fallback) is reported once; the router
# keeps answering with the members that are left, and a worker restarted by hand on its port is picked up again.
router_pid=${pids[3]}
reported=()
while kill -0 "$router_pid" 2>/dev/null; do
    for i in 1 2 3; do
        if [ -z "${reported[$i]:-}" ] && ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
            echo "worker mnist_cnn_$i exited (log: $logs/worker-$i.log); the router falls back to the members still up" >&2
            reported[$i]=1
        fi
    done
    sleep 1
done
echo "router exited (log: $logs/router.log)" >&2
exit 1
