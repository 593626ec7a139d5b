#!/usr/bin/python3
"""Accuracy per test set x member and strategy, measured through the router over gRPC with UINT8 images.

    /usr/bin/python3 tools/handwriting/measure.py [--label after] [--json out.json]
        [--models-dir models] [--router-dll ...] [--worker-dll ...]
    /usr/bin/python3 tools/handwriting/measure.py --table before.json after.json   # the markdown table

Builds nothing: it runs the Release builds of this checkout (dotnet build src/Router src/InferenceServer -c Release)
unless --router-dll / --worker-dll name others (e.g. a build of main, for the "before" column). It starts one worker
per member (mnist_cnn_1..3 from --models-dir) and a router on free 127.0.0.1 ports, with a routing file of its own:
the ensemble "mnist" (every strategy, chosen per request with ensemble_strategy) and one single-member ensemble per
member (bagging over one member is that member's own answer), so members are measured through the router's
preprocessing too. Every set (models/data/mnist-test.bin and models/data/foreign-*.bin) is sent as UINT8 [N,28,28]
raw contents, 50 images per request; accuracy is argmax of the `predictions` output against the labels.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tools", "client"))
import ensemble  # noqa: E402  (tools/client: generated messages, EGDS reader, the grpcio client)

MEMBERS = ["mnist_cnn_1", "mnist_cnn_2", "mnist_cnn_3"]
STRATEGIES = ["bagging", "boosting", "stacking", "vote", "best"]
SETS = ["mnist-test", "foreign-fonts", "foreign-strokes", "foreign-dark-on-light", "foreign-low-contrast",
        "foreign-noisy", "foreign-low-res"]
BATCH = 50


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def routing_file(models_dir, ports, directory):
    """The measuring router's configuration: 'mnist' with every strategy, and one ensemble per member."""
    def member(i):
        return {"name": MEMBERS[i], "endpoints": [f"http://127.0.0.1:{ports[i]}"]}
    base = {"quorum": 1, "timeout_ms": 10000}
    ensembles = [dict(base, name="mnist", members=[member(i) for i in range(3)], arms=[
        {"name": s, "strategy": s, "weight": 1, **({"parameters": {"meta_model": "mnist_stacker"}} if s == "stacking" else {})}
        for s in STRATEGIES])]
    ensembles += [dict(base, name=name, members=[member(i)], arms=[{"name": "only", "strategy": "bagging", "weight": 1}])
                  for i, name in enumerate(MEMBERS)]
    path = os.path.join(directory, "routing.json")
    with open(path, "w") as f:
        json.dump({"model_repository": os.path.abspath(models_dir), "ensembles": ensembles}, f, indent=1)
    return path


def start(command, log_path, ready, timeout=120):
    """Start a process logging to a file and wait for its ready line."""
    log = open(log_path, "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[1]} exited; log: {log_path}\n" + open(log_path).read()[-2000:])
        if ready in open(log_path).read():
            return process
        time.sleep(0.5)
    process.kill()
    raise SystemExit(f"{command[1]} not ready in {timeout} s; log: {log_path}")


def accuracy(client, model, strategy, images, labels):
    """Share of right predictions over the set, sent in batches of BATCH as UINT8 [N,28,28]."""
    pb = client.pb
    correct = 0
    for start_index in range(0, len(images), BATCH):
        batch = images[start_index:start_index + BATCH]
        request = pb.ModelInferRequest(model_name=model)
        tensor = request.inputs.add(name="image", datatype="UINT8")
        tensor.shape[:] = [len(batch), 28, 28]
        request.raw_input_contents.append(b"".join(batch))
        if strategy:
            request.parameters["ensemble_strategy"].string_param = strategy
        response = client.infer("ModelInfer", request, pb.ModelInferResponse)
        predictions = ensemble.output_array(response, "predictions")
        correct += sum(1 for p, t in zip(predictions, labels[start_index:start_index + BATCH]) if p == t)
    return correct / len(images)


def measure(client, data_dir):
    """{set: {column: accuracy}} for every member and strategy."""
    results = {}
    for name in SETS:
        _, _, images, labels = ensemble.read_egds(os.path.join(data_dir, name + ".bin"))
        row = {m: accuracy(client, m, None, images, labels) for m in MEMBERS}
        row.update({s: accuracy(client, "mnist", s, images, labels) for s in STRATEGIES})
        results[name] = row
        print(f"{name:24} " + " ".join(f"{k}={v:.4f}" for k, v in row.items()), flush=True)
    return results


def table(before_path, after_path):
    """Markdown: one row per set, 'before -> after' per column (percent, one decimal), best member marked."""
    before, after = (json.load(open(p))["results"] for p in (before_path, after_path))
    columns = MEMBERS + STRATEGIES
    lines = ["| test set | " + " | ".join(c.replace("mnist_cnn_", "cnn_") for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for name in SETS:
        cells = [f"{100 * before[name][c]:.1f} → **{100 * after[name][c]:.1f}**" for c in columns]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    print("\n".join(lines))


def main(argv):
    if argv[:1] == ["--table"]:
        table(*argv[1:3])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", default=os.path.join(REPO, "models"))
    parser.add_argument("--data-dir", default=os.path.join(REPO, "models", "data"))
    parser.add_argument("--router-dll", default=os.path.join(REPO, "src/Router/bin/Release/net10.0/EnsembleGrpc.Router.dll"))
    parser.add_argument("--worker-dll", default=os.path.join(REPO, "src/InferenceServer/bin/Release/net10.0/EnsembleGrpc.InferenceServer.dll"))
    parser.add_argument("--label", default="measured")
    parser.add_argument("--json", help="write {label, results} here")
    args = parser.parse_args(argv)
    processes = []
    with tempfile.TemporaryDirectory(prefix="measure-") as directory:
        try:
            ports = [free_port() for _ in MEMBERS]
            for member, port in zip(MEMBERS, ports):
                processes.append(start(["dotnet", args.worker_dll, "--repository", os.path.abspath(args.models_dir),
                                        "--models", member, "--port", str(port)],
                                       os.path.join(directory, member + ".log"), "EnsembleGrpc worker ready"))
            router_port = free_port()
            processes.append(start(["dotnet", args.router_dll, "--config", routing_file(args.models_dir, ports, directory),
                                    "--state", "none", "--watch", "false", "--port", str(router_port)],
                                   os.path.join(directory, "router.log"), "Now listening on"))
            client = ensemble.Client(f"127.0.0.1:{router_port}", timeout=60)
            results = measure(client, args.data_dir)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=30)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"label": args.label, "results": results}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
