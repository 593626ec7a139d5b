#!/usr/bin/python3
"""python grpcio (C-core) client for the transport benchmark (bench/TransportBench runs it).

Measures, against the TestService Echo of --target, per repetition:
  seq  - sequential blocking calls for --seq-seconds: calls/s, p50/p99 latency (µs)
  conc - --concurrency calls kept in flight with futures (completion callbacks start the next call) for
         --conc-seconds: calls/s
With --sync, before each measured phase it prints {"event": "phase", ...} and waits for a line on stdin, so the
driver can read the server's counters exactly around the phase. Results: one JSON line per phase
({"mode": "seq"|"conc", ...}).
"""
import argparse
import importlib
import json
import sys
import threading
import time

import grpc

# The method, by name: there is no grpc_tools python plugin here, so the call goes through grpcio's generic API
# (channel.unary_unary) with the message classes of `protoc --python_out` (bench/TransportBench/Protos/).
ECHO = "/grpc.testing.ensemble.TestService/Echo"


def load_messages(gen_dir):
    """Imports test_service_pb2 generated into gen_dir."""
    if gen_dir not in sys.path:
        sys.path.insert(0, gen_dir)
    return importlib.import_module("test_service_pb2")


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--payload", type=int, default=16)
    parser.add_argument("--warmup-seconds", type=float, default=1.0)
    parser.add_argument("--seq-seconds", type=float, default=1.0)
    parser.add_argument("--conc-seconds", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--sync", action="store_true")
    args = parser.parse_args()

    pb = load_messages(args.gen_dir)
    channel = grpc.insecure_channel(args.target, options=[("grpc.enable_retries", 0)])
    grpc.channel_ready_future(channel).result(timeout=30)
    echo = channel.unary_unary(ECHO, request_serializer=pb.EchoRequest.SerializeToString,
                               response_deserializer=pb.EchoReply.FromString)
    request = pb.EchoRequest(payload=b"x" * args.payload)

    def emit(obj):
        sys.stdout.write(json.dumps(obj) + "\n")
        sys.stdout.flush()

    def phase(name, rep):
        if args.sync:
            emit({"event": "phase", "name": name, "rep": rep})
            if not sys.stdin.readline():
                sys.exit(1)

    def sequential(seconds):
        lat = []
        end = time.perf_counter() + seconds
        start = time.perf_counter()
        while True:
            t0 = time.perf_counter_ns()
            echo(request, timeout=30)
            lat.append(time.perf_counter_ns() - t0)
            if time.perf_counter() >= end:
                break
        elapsed = time.perf_counter() - start
        return lat, elapsed

    def concurrent(seconds, concurrency):
        lock = threading.Lock()
        state = {"done": 0, "failed": 0, "outstanding": 0}
        finished = threading.Event()
        stop_at = time.perf_counter() + seconds

        def start_one():
            fut = echo.future(request, timeout=30)
            fut.add_done_callback(on_done)

        def on_done(fut):
            ok = fut.code() == grpc.StatusCode.OK
            again = time.perf_counter() < stop_at
            with lock:
                state["done" if ok else "failed"] += 1
                if not again:
                    state["outstanding"] -= 1
                    if state["outstanding"] == 0:
                        finished.set()
            if again:
                start_one()

        start = time.perf_counter()
        with lock:
            state["outstanding"] = concurrency
        for _ in range(concurrency):
            start_one()
        if not finished.wait(seconds + 60):
            raise RuntimeError("concurrent phase did not finish")
        elapsed = time.perf_counter() - start
        return state["done"], state["failed"], elapsed

    # Warm-up (connection, C-core and python paths).
    sequential(args.warmup_seconds / 2)
    concurrent(args.warmup_seconds / 2, args.concurrency)

    for rep in range(args.reps):
        phase("seq", rep)
        lat, elapsed = sequential(args.seq_seconds)
        lat.sort()
        emit({"mode": "seq", "rep": rep, "calls": len(lat), "rps": len(lat) / elapsed,
              "p50_us": percentile(lat, 50) / 1000.0, "p99_us": percentile(lat, 99) / 1000.0})
        phase("conc", rep)
        done, failed, elapsed = concurrent(args.conc_seconds, args.concurrency)
        emit({"mode": "conc", "rep": rep, "calls": done, "failed": failed, "rps": done / elapsed})

    channel.close()


if __name__ == "__main__":
    main()
