#!/usr/bin/env bash
# The main job: three InferenceServer workers (one per member model of the bundled MNIST ensemble) and the Router in
# front of them, all on 127.0.0.1. Ctrl-C stops everything. Logs go to artifacts/run/.
#
#   router   127.0.0.1:${ROUTER_PORT:-8000}      virtual model "mnist" (config/routing.json)
#   workers  127.0.0.1:${WORKER_PORTS:-8001 8002 8003}   mnist_cnn_1..3
#
# Environment (all optional):
#   ROUTER_PORT=8000               the router's port
#   WORKER_PORTS="8001 8002 8003"  the three workers' ports, in model order (or WORKER_PORT_BASE=9000: 9001..9003)
#   ROUTING_CONFIG=config/routing.json
#                                  the routing file; when the worker ports are not its 8001..8003, the router gets a
#                                  copy with the ports replaced (artifacts/run/routing.json, not watched for edits)
#   ROUTER_ARGS="--state none"     extra router options (EnsembleGrpc.Router --help), e.g. --state FILE, --log-level Debug
#   LOG_FORMAT=json                console log format of every process: text (default) or json
#   CONFIGURATION=Release
# Arguments are passed to every worker (e.g. --fault-latency-ms 50 --fault-models mnist_cnn_2).
set -euo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
router_port="${ROUTER_PORT:-8000}"
config="${ROUTING_CONFIG:-config/routing.json}"
log_format="${LOG_FORMAT:-text}"
read -r -a router_args <<< "${ROUTER_ARGS:-}"
if [ -n "${WORKER_PORTS:-}" ]; then
    read -r -a worker_ports <<< "$WORKER_PORTS"
elif [ -n "${WORKER_PORT_BASE:-}" ]; then
    worker_ports=($((WORKER_PORT_BASE + 1)) $((WORKER_PORT_BASE + 2)) $((WORKER_PORT_BASE + 3)))
else
    worker_ports=(8001 8002 8003)
fi
if [ ${#worker_ports[@]} -ne 3 ]; then
    echo "WORKER_PORTS needs three ports (one per model mnist_cnn_1..3), got: ${worker_ports[*]}" >&2
    exit 2
fi
logs="artifacts/run"
mkdir -p "$logs"

# The routing file names the workers' endpoints (http://127.0.0.1:8001..8003). For other ports the router reads a copy
# with them replaced; its model_repository is made absolute (a relative one is relative to the routing file), and the
# experiment state stays beside the original file unless ROUTER_ARGS names --state.
routing="$config"
if [ "${worker_ports[*]}" != "8001 8002 8003" ]; then
    routing="$logs/routing.json"
    config_dir="$(cd "$(dirname "$config")" && pwd)"
    repository="$(sed -nE 's/.*"model_repository"[[:space:]]*:[[:space:]]*"([^"]*)".*/\1/p' "$config" | head -n 1)"
    repository="${repository:-../models}"
    [ "${repository#/}" != "$repository" ] || repository="$(realpath -m "$config_dir/$repository")"
    sed -E \
        -e "s#(127\.0\.0\.1|localhost):8001([^0-9])#\1:${worker_ports[0]}\2#g" \
        -e "s#(127\.0\.0\.1|localhost):8002([^0-9])#\1:${worker_ports[1]}\2#g" \
        -e "s#(127\.0\.0\.1|localhost):8003([^0-9])#\1:${worker_ports[2]}\2#g" \
        -e "s#(\"model_repository\"[[:space:]]*:[[:space:]]*)\"[^\"]*\"#\1\"$repository\"#" \
        "$config" >"$routing"
    grep -q '"model_repository"' "$routing" || sed -i -E "0,/\{/s##{ \"model_repository\": \"$repository\",#" "$routing"
    case " ${router_args[*]} " in
        *" --state "* | *" --state="*) ;;
        *) router_args+=(--state "$config_dir/router-state.db") ;;
    esac
    echo "routing file: $routing ($config with worker ports ${worker_ports[*]})"
fi

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
    dotnet "$worker_dll" --repository models --models "mnist_cnn_$i" --host 127.0.0.1 --port "${worker_ports[$((i - 1))]}" \
        --log-format "$log_format" "$@" >"$log" 2>&1 &
    pids+=($!)
done
for i in 1 2 3; do
    # The worker prints this plain line on stdout in either log format.
    await_line "${pids[$((i - 1))]}" "$logs/worker-$i.log" "EnsembleGrpc worker ready" "worker mnist_cnn_$i"
    echo "worker mnist_cnn_$i ready on 127.0.0.1:${worker_ports[$((i - 1))]} (log: $logs/worker-$i.log)"
done

dotnet "$router_dll" --config "$routing" --host 127.0.0.1 --port "$router_port" --log-format "$log_format" \
    ${router_args[@]+"${router_args[@]}"} >"$logs/router.log" 2>&1 &
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
