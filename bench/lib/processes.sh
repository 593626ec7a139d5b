# Shared by the process benchmarks (soak.sh, overload.sh, neighbour.sh): build into copies, free ports, waiting for a log line,
# and the routing file for three workers on chosen ports. Source it after setting $root (the repository) and $out
# (the benchmark's artifacts folder); $bench_name prefixes error messages.

# Builds the projects and copies each one's output under $out/bin/<name> (pairs: project name ...), so that a build
# during the run never rewrites a file under a running process.
build_copies() {
  local project name
  while [ $# -gt 0 ]; do
    project="$1" name="$2"; shift 2
    dotnet build "$root/$project" -c Release -nologo -clp:ErrorsOnly -v q >&2
    rm -rf "$out/bin/$name"
    cp -r "$root/$project/bin/Release/net10.0" "$out/bin/$name"
  done
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits (at most 120 s) for a line in a log file.
wait_for() {
  local file="$1" text="$2" deadline=$((SECONDS + 120))
  until grep -q "$text" "$file" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "${bench_name:-bench}: no '$text' in $file after 120 s" >&2; return 1; fi
    sleep 0.2
  done
}

# config/routing.json with the model repository's absolute path and workers 1..3 on the given ports.
routing_for_ports() {
  sed -E -e "s#\"\.\./models\"#\"$root/models\"#" \
    -e "s#127\.0\.0\.1:8001#127.0.0.1:$1#" -e "s#127\.0\.0\.1:8002#127.0.0.1:$2#" -e "s#127\.0\.0\.1:8003#127.0.0.1:$3#" \
    "$root/config/routing.json"
}

# Starts workers mnist_cnn_1..3 from $out/bin/worker on free ports, logs in $out/worker-N.log, and waits until each is
# ready; sets ports[1..3] and appends their pids to pids.
start_three_workers() {
  local i
  ports=("" "$(free_port)" "$(free_port)" "$(free_port)")
  for i in 1 2 3; do
    dotnet "$out/bin/worker/EnsembleGrpc.InferenceServer.dll" --repository "$root/models" --models "mnist_cnn_$i" \
      --host 127.0.0.1 --port "${ports[$i]}" --log-level Warning > "$out/worker-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do wait_for "$out/worker-$i.log" "EnsembleGrpc worker ready"; done
}
