#!/usr/bin/env bash
# Soak: the router and three workers (processes) under a steady open-loop load for --minutes, one worker restarted
# (SIGTERM, then started again on its port) every --restart-every-s seconds in turn. bench/SoakDriver counts every
# request's fate (full answer, flagged fallback, each status, none) and samples the router's RSS; a request with no
# answer and no status is lost, and the script exits 1 if any is. See bench/README.md, "Soak".
#
#   bash bench/soak.sh [--minutes 10] [--rate 40] [--restart-every-s 60]
#   nice -n 10 bash bench/soak.sh --minutes 10        # on a shared machine
#
# Output and logs: artifacts/soak/ (soak.txt, router.log, worker-N.log, restarts.log).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

minutes=10 rate=40 restart_every=60
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --restart-every-s) restart_every="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "soak: unknown option $1" >&2; exit 2 ;;
  esac
done

out="$root/artifacts/soak"
rm -rf "$out"
mkdir -p "$out/bin"
bench_name=soak
source "$root/bench/lib/processes.sh"
build_copies src/InferenceServer worker src/Router router bench/SoakDriver driver
router_port=$(free_port)
ports=("" "$(free_port)" "$(free_port)" "$(free_port)")

start_worker() {
  local i="$1"
  : > "$out/worker-$i.current.log"
  dotnet "$out/bin/worker/EnsembleGrpc.InferenceServer.dll" --repository "$root/models" --models "mnist_cnn_$i" \
    --host 127.0.0.1 --port "${ports[$i]}" --log-level Warning --shutdown-timeout-s 10 > "$out/worker-$i.current.log" 2>&1 &
  echo $! > "$out/worker-$i.pid"
  wait_for "$out/worker-$i.current.log" "EnsembleGrpc worker ready"
}

stop_worker() {
  local i="$1" pid
  pid=$(cat "$out/worker-$i.pid")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  cat "$out/worker-$i.current.log" >> "$out/worker-$i.log"
}

cleanup() {
  [ -n "${restarter:-}" ] && kill "$restarter" 2>/dev/null || true
  [ -n "${router_pid:-}" ] && kill -TERM "$router_pid" 2>/dev/null || true
  for i in 1 2 3; do
    [ -f "$out/worker-$i.pid" ] && kill -TERM "$(cat "$out/worker-$i.pid")" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

for i in 1 2 3; do start_worker "$i" & done
wait
routing_for_ports "${ports[1]}" "${ports[2]}" "${ports[3]}" > "$out/routing.json"
dotnet "$out/bin/router/EnsembleGrpc.Router.dll" --config "$out/routing.json" --port "$router_port" --state none --watch false > "$out/router.log" 2>&1 &
router_pid=$!
wait_for "$out/router.log" "Now listening on"

# One worker at a time, in turn: SIGTERM (it drains and exits), then a new process on the same port.
(
  k=0
  while true; do
    sleep "$restart_every"
    i=$((k % 3 + 1))
    t0=$SECONDS
    stop_worker "$i"
    start_worker "$i"
    echo "restart $((k + 1)): mnist_cnn_$i down and back in $((SECONDS - t0)) s" >> "$out/restarts.log"
    k=$((k + 1))
  done
) &
restarter=$!

status=0
dotnet "$out/bin/driver/SoakDriver.dll" --target "http://127.0.0.1:$router_port" --model mnist --rate "$rate" \
  --seconds $((minutes * 60)) --router-pid "$router_pid" --dataset "$root/models/data/mnist-test.bin" | tee "$out/soak.txt" || status=$?
echo "worker restarts: $(wc -l < "$out/restarts.log" 2>/dev/null || echo 0)" | tee -a "$out/soak.txt"
cat "$out/restarts.log" 2>/dev/null | tee -a "$out/soak.txt" || true
exit "$status"
