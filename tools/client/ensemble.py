#!/usr/bin/python3
"""A small command-line client for the EnsembleGrpc router (and its workers), over python grpcio.

Runs with Debian's /usr/bin/python3 + python3-grpcio + python3-protobuf (scripts/ensure-python-grpc.sh installs them)
and `protoc`: the message modules are generated from protos/ into tools/client/.gen/ on first use. There is no
grpc_tools plugin here, so the services are called through grpcio's generic API (channel.unary_unary).

  ensemble.py health   [--target H:P] [--model mnist]
  ensemble.py infer    [--target H:P] [--model mnist] [--strategy S] [--routing-key K[,K2,...]] [--count N]
                       [--batch B] [--image-index I] [--invert] [--size PX] [--fp32] [--quiet] [--save-ids FILE]
  ensemble.py feedback [--target H:P] [--ids FILE] [--token T]  true labels of the requests `infer` saved
  ensemble.py stats    [--target H:P] [--ensemble mnist]
  ensemble.py config   [--target H:P]
  ensemble.py split    [--target H:P] [--ensemble mnist] --weights bagging=50,stacking=50,... [--token T]
  ensemble.py rollout  start|status|watch|wait|pause|resume|abort|promote|report [--ensemble mnist]
                       [--canary JSON|FILE] [--token T] [--json FILE] [--interval S] [--wait-timeout S]
                       `wait` exits 0 when promoted, 3 rolled back, 4 aborted, 5 still running at the timeout

Images come from models/data/mnist-test.bin (EGDS). By default they are sent as UINT8 [N,H,W] so the router's
preprocessing runs (--invert: dark digits on light paper; --size: resized to PX x PX); --fp32 sends the model's own
FP32 [N,1,28,28] input instead (also what a worker accepts directly).
"""
import argparse
import json
import os
import signal
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PROTOS = os.path.join(REPO, "protos")
GEN = os.path.join(HERE, ".gen")
DEFAULT_DATA = os.path.join(REPO, "models", "data", "mnist-test.bin")
DEFAULT_IDS = os.path.join(GEN, "last-requests.jsonl")

INFER_SERVICE = "/inference.GRPCInferenceService/"
ADMIN_SERVICE = "/ensemblegrpc.router.RouterAdmin/"

try:
    import grpc
except ImportError:  # pragma: no cover - environment problem, explained once
    sys.exit("python grpcio is missing: run with /usr/bin/python3 (Debian python3-grpcio; scripts/ensure-python-grpc.sh)")


# ---------------------------------------------------------------------------------------------------------- messages

def load_messages():
    """Generates inference_pb2 / router_admin_pb2 from protos/ (when missing or older than the protos) and imports them."""
    protos = ["inference.proto", "model_config.proto", "router_admin.proto"]
    outputs = [os.path.join(GEN, p.replace(".proto", "_pb2.py")) for p in protos]
    newest_proto = max(os.path.getmtime(os.path.join(PROTOS, p)) for p in protos)
    if not all(os.path.exists(o) and os.path.getmtime(o) >= newest_proto for o in outputs):
        os.makedirs(GEN, exist_ok=True)
        cmd = ["protoc", "--python_out=" + GEN, "-I", PROTOS] + [os.path.join(PROTOS, p) for p in protos]
        try:
            subprocess.run(cmd, check=True)
        except (OSError, subprocess.CalledProcessError) as e:
            sys.exit(f"could not generate the message modules ({' '.join(cmd)}): {e}; is protobuf-compiler installed?")
    if GEN not in sys.path:
        sys.path.insert(0, GEN)
    import inference_pb2
    import router_admin_pb2
    return inference_pb2, router_admin_pb2


class Client:
    """The two services over one channel, wired with grpcio's generic API."""

    def __init__(self, target, timeout, ca=None):
        self.pb, self.admin_pb = load_messages()
        self.timeout = timeout
        options = [("grpc.max_send_message_length", 64 << 20), ("grpc.max_receive_message_length", 64 << 20),
                   ("grpc.enable_retries", 0)]
        if ca:
            # A router started with --tls-cert: TLS, trusting the CA that issued its certificate.
            with open(ca, "rb") as f:
                credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            self.channel = grpc.secure_channel(target, credentials, options=options)
        else:
            self.channel = grpc.insecure_channel(target, options=options)

    def _call(self, service, method, request, response_type, metadata=None):
        stub = self.channel.unary_unary(service + method, request_serializer=type(request).SerializeToString,
                                        response_deserializer=response_type.FromString)
        return stub(request, timeout=self.timeout, metadata=metadata)

    def infer(self, method, request, response_type, metadata=None):
        return self._call(INFER_SERVICE, method, request, response_type, metadata)

    def admin(self, method, request, response_type, metadata=None):
        return self._call(ADMIN_SERVICE, method, request, response_type, metadata)


def rpc_error(e):
    return f"{e.code().name}: {e.details()}"


# -------------------------------------------------------------------------------------------------------------- data

def read_egds(path):
    """(rows, cols, images as bytes objects, labels) from an EGDS test file (see models/README.md)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"EGDS":
        sys.exit(f"{path}: not an EGDS file")
    version, count, rows, cols = struct.unpack_from("<4I", data, 4)
    if version != 1 or len(data) != 20 + count * (rows * cols + 1):
        sys.exit(f"{path}: unexpected version {version} or size {len(data)}")
    size = rows * cols
    images = [data[20 + i * size: 20 + (i + 1) * size] for i in range(count)]
    labels = list(data[20 + count * size:])
    return rows, cols, images, labels


def transform(image, rows, cols, invert, size):
    """Optionally inverts (dark digit on light paper) and resizes (nearest neighbour) one uint8 image."""
    if invert:
        image = bytes(255 - p for p in image)
    if size and size != rows:
        image = bytes(image[(y * rows // size) * cols + (x * cols // size)] for y in range(size) for x in range(size))
        rows = cols = size
    return image, rows, cols


# ------------------------------------------------------------------------------------------------------------ helpers

def param_value(p):
    kind = p.WhichOneof("parameter_choice")
    return getattr(p, kind) if kind else None


def output_array(response, name):
    """An output tensor as a flat python list (raw contents or typed contents), or None when absent."""
    for i, tensor in enumerate(response.outputs):
        if tensor.name != name:
            continue
        if i < len(response.raw_output_contents):
            raw = response.raw_output_contents[i]
            fmt = {"FP32": "f", "INT64": "q", "INT32": "i"}[tensor.datatype]
            return list(struct.unpack("<%d%s" % (len(raw) // struct.calcsize(fmt), fmt), raw))
        c = tensor.contents
        return list(c.fp32_contents or c.int64_contents or c.int_contents)
    return None


def percentile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100.0 * (len(ordered) - 1))))]


def counts(d):
    return ", ".join(f"{k}: {v}" for k, v in sorted(d.items()))


def bearer(token):
    return [("authorization", "Bearer " + token)] if token else None


# ----------------------------------------------------------------------------------------------------------- commands

def cmd_health(client, args):
    pb = client.pb
    rows = [
        ("ServerLive", lambda: client.infer("ServerLive", pb.ServerLiveRequest(), pb.ServerLiveResponse).live),
        ("ServerReady", lambda: client.infer("ServerReady", pb.ServerReadyRequest(), pb.ServerReadyResponse).ready),
        ("ServerMetadata", lambda: (lambda r: f"{r.name} {r.version} extensions={list(r.extensions)}")(
            client.infer("ServerMetadata", pb.ServerMetadataRequest(), pb.ServerMetadataResponse))),
        (f"ModelReady({args.model})", lambda: client.infer(
            "ModelReady", pb.ModelReadyRequest(name=args.model), pb.ModelReadyResponse).ready),
    ]
    ok = True
    for name, call in rows:
        try:
            print(f"{name:<22} {call()}")
        except grpc.RpcError as e:
            ok = False
            print(f"{name:<22} {rpc_error(e)}")
    try:
        m = client.infer("ModelMetadata", pb.ModelMetadataRequest(name=args.model), pb.ModelMetadataResponse)
        tensors = lambda ts: ", ".join(f"{t.name} {t.datatype} {list(t.shape)}" for t in ts)
        print(f"{'ModelMetadata':<22} {m.name} versions={list(m.versions)} platform={m.platform}")
        print(f"{'  inputs':<22} {tensors(m.inputs)}")
        print(f"{'  outputs':<22} {tensors(m.outputs)}")
    except grpc.RpcError as e:
        ok = False
        print(f"{'ModelMetadata':<22} {rpc_error(e)}")
    return 0 if ok else 1


def cmd_infer(client, args):
    pb = client.pb
    rows, cols, images, labels = read_egds(args.data)
    if args.fp32 and (args.invert or args.size):
        sys.exit("--fp32 sends the model's own normalised input; --invert/--size only apply to uint8 images")
    keys = [k for k in (args.routing_key or "").split(",") if k]
    saved = open(args.save_ids, "w") if args.save_ids else None
    latencies, correct, total, errors, fallbacks = [], 0, 0, 0, {}
    served_by = {}
    start = args.image_index
    for r in range(args.count):
        idx = [(start + r * args.batch + j) % len(images) for j in range(args.batch)]
        batch = [transform(images[i], rows, cols, args.invert, args.size) for i in idx]
        h, w = batch[0][1], batch[0][2]
        request = pb.ModelInferRequest(model_name=args.model, id=f"{args.id_prefix}{r}" if args.id_prefix else "")
        tensor = request.inputs.add(name=args.input_name or ("input" if args.fp32 else "image"))
        if args.fp32:
            tensor.datatype, tensor.shape[:] = "FP32", [len(idx), 1, h, w]
            request.raw_input_contents.append(b"".join(
                struct.pack("<%df" % len(img), *[p / 255.0 for p in img]) for img, _, _ in batch))
        else:
            tensor.datatype, tensor.shape[:] = "UINT8", [len(idx), h, w]
            request.raw_input_contents.append(b"".join(img for img, _, _ in batch))
        if args.strategy:
            request.parameters["ensemble_strategy"].string_param = args.strategy
        key = keys[r % len(keys)] if keys else None
        if key:
            request.parameters["routing_key"].string_param = key
        truth = [labels[i] for i in idx]
        t0 = time.perf_counter()
        try:
            response = client.infer("ModelInfer", request, pb.ModelInferResponse)
        except grpc.RpcError as e:
            errors += 1
            print(f"#{r:<3} image {idx[0]:>4} label {truth[0]}  ERROR {rpc_error(e)}")
            continue
        ms = (time.perf_counter() - t0) * 1000.0
        latencies.append(ms)
        params = {k: param_value(v) for k, v in response.parameters.items()}
        probs = output_array(response, "probabilities") or []
        preds = output_array(response, "predictions")
        if preds is None:  # a worker answers probabilities only
            preds = [max(range(10), key=lambda c: probs[n * 10 + c]) for n in range(len(idx))]
        good = sum(1 for p, t in zip(preds, truth) if p == t)
        correct, total = correct + good, total + len(idx)
        strategy = params.get("ensemble_strategy", "-")
        served_by[strategy] = served_by.get(strategy, 0) + 1
        if params.get("fallback"):
            reason = params.get("fallback_reason") or "?"
            fallbacks[reason] = fallbacks.get(reason, 0) + 1
        if saved:
            saved.write(json.dumps({"id": response.id, "labels": truth, "routing_key": key}) + "\n")
        if not args.quiet:
            p = probs[preds[0]] if probs else float("nan")
            flag = f"yes ({params.get('fallback_reason')})" if params.get("fallback") else "no"
            extra = f" arm={params['arm']}" if "arm" in params else ""
            extra += f" key={key}" if key else ""
            more = f" (+{len(idx) - 1} rows, {good}/{len(idx)} right)" if len(idx) > 1 else ""
            print(f"#{r:<3} image {idx[0]:>4} label {truth[0]} -> {preds[0]} p={p:.3f}{more}  "
                  f"strategy={strategy} fallback={flag} members={params.get('members_answered', '-')}{extra}  "
                  f"{ms:6.1f} ms  id={response.id}")
    if saved:
        saved.close()
    fb = sum(fallbacks.values())
    print(f"-- {args.count} requests ({total} images): accuracy {correct}/{total} = "
          f"{(correct / total if total else 0):.4f}; errors {errors}; fallbacks {fb}"
          + (f" ({counts(fallbacks)})" if fb else "") + f"; answered by {counts(served_by)}; "
          f"latency p50 {percentile(latencies, 50):.1f} ms p99 {percentile(latencies, 99):.1f} ms"
          + (f"; request ids -> {os.path.relpath(args.save_ids)}" if saved else ""))
    return 0 if errors == 0 else 1


def cmd_feedback(client, args):
    apb = client.admin_pb
    with open(args.ids) as f:
        entries = [json.loads(line) for line in f if line.strip()]
    if not entries:
        sys.exit(f"{args.ids}: no request ids (run `infer --save-ids {args.ids}` first)")
    arms, failures = {}, 0
    token = args.token or os.environ.get("ENSEMBLEGRPC_ADMIN_TOKEN", "")
    for e in entries:
        try:
            r = client.admin("SubmitFeedback", apb.SubmitFeedbackRequest(request_id=e["id"], labels=e["labels"]),
                             apb.SubmitFeedbackResponse, metadata=bearer(token))
        except grpc.RpcError as err:
            failures += 1
            print(f"{e['id']}: {rpc_error(err)}")
            # A refused token (or the lockout it leads to) refuses every other id too, and each further try would
            # count as one more failed attempt from this address: stop at the first.
            if err.code() in (grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.RESOURCE_EXHAUSTED):
                print(f"-- stopped: {len(entries) - failures} request id(s) not sent (give the admin token with --token "
                      f"or $ENSEMBLEGRPC_ADMIN_TOKEN)")
                return 1
            continue
        arms.setdefault(r.arm or "(forwarded)", []).append(e.get("routing_key"))
        if not args.quiet:
            key = f" key={e['routing_key']}" if e.get("routing_key") else ""
            if r.forwarded:
                # Router replicas on one PostgreSQL store: another replica answered; it scores the labels.
                print(f"{e['id']}{key}: forwarded to the replica that answered it ({r.total} label(s))")
            else:
                print(f"{e['id']}{key}: arm={r.arm} correct {r.correct}/{r.total}  "
                      f"(arm online accuracy now {r.arm_online_accuracy:.4f})")
    for arm, keys in sorted(arms.items()):
        named = sorted({k for k in keys if k})
        print(f"-- arm {arm}: {len(keys)} request(s)" + (f", keys {', '.join(named)}" if named else ""))
    return 0 if failures == 0 else 1


def fmt_latency(lat):
    return f"{lat.p50_ms:.1f}/{lat.p90_ms:.1f}/{lat.p99_ms:.1f}/{lat.max_ms:.1f}" if lat.count else "-"


def cmd_stats(client, args):
    apb = client.admin_pb
    response = client.admin("GetStatistics", apb.GetStatisticsRequest(ensemble=args.ensemble), apb.GetStatisticsResponse)
    for e in response.ensembles:
        print(f"ensemble {e.name}")
        print(f"  {'arm':<9} {'strategy':<9} {'weight':>6} {'requests':>8} {'errors':>6} {'fallbacks':>9} "
              f"{'p50/p90/p99/max ms':>22} {'online acc':>14}  fallback reasons")
        for a in e.arms:
            acc = f"{a.online_accuracy:.4f} ({a.feedback_rows})" if a.feedback_rows else "-"
            reasons = ", ".join(f"{k}: {v}" for k, v in sorted(a.fallback_reasons.items())) or "-"
            print(f"  {a.name:<9} {a.strategy:<9} {a.weight:>6} {a.requests:>8} {a.errors:>6} {a.fallbacks:>9} "
                  f"{fmt_latency(a.latency):>22} {acc:>14}  {reasons}")
        s = e.shadow
        if s.arm:
            print(f"  shadow arm {s.arm} ({s.sample_percent:g}% sampled): enqueued {s.enqueued}, completed {s.completed}, "
                  f"dropped {s.dropped}, errors {s.errors}; agreement {s.agreed_rows}/{s.compared_rows} = "
                  f"{s.agreement:.4f}; latency p50/p90/p99/max {fmt_latency(s.latency)} ms")
            causes = ", ".join(f"{k}: {v}" for k, v in sorted(s.errors_by_cause.items())) or "-"
            rejected = ", ".join(f"{k}: {v}" for k, v in sorted(s.rejected_by_cause.items())) or "-"
            print(f"  shadow shed {s.shed} (of the dropped); errors by cause: {causes}; rejected {s.rejected}: {rejected}")
        print(f"  {'member':<12} {'failures':>8}  endpoint               {'breaker':<9} {'ok':>6} {'failed':>6} "
              f"{'in flight':>9}  failures by kind")
        for m in e.members:
            for ep in m.endpoints:
                kinds = ", ".join(f"{k}: {v}" for k, v in sorted(ep.failures_by_kind.items())) or "-"
                print(f"  {m.name:<12} {m.failures:>8}  {ep.address:<22} {ep.breaker_state:<9} {ep.successes:>6} "
                      f"{ep.failures:>6} {ep.in_flight:>9}  {kinds}")
            for ep in m.shadow_endpoints:
                kinds = ", ".join(f"{k}: {v}" for k, v in sorted(ep.failures_by_kind.items())) or "-"
                print(f"  {m.name:<12} {'(shadow)':>8}  {ep.address:<22} {ep.breaker_state:<9} {ep.successes:>6} "
                      f"{ep.failures:>6} {ep.in_flight:>9}  {kinds}")
    return 0


def cmd_config(client, args):
    apb = client.admin_pb
    r = client.admin("GetConfig", apb.GetConfigRequest(), apb.GetConfigResponse)
    print(f"version {r.version}, source {r.source}")
    try:
        print(json.dumps(json.loads(r.config_json), indent=2))
    except ValueError:
        print(r.config_json)
    return 0


def cmd_split(client, args):
    apb = client.admin_pb
    weights = {}
    for item in args.weights.split(","):
        name, _, value = item.partition("=")
        if not name or not value.strip().lstrip("-").isdigit():
            sys.exit(f"--weights: expected arm=weight,..., got '{item}'")
        weights[name.strip()] = int(value)
    token = args.token or os.environ.get("ENSEMBLEGRPC_ADMIN_TOKEN", "")
    r = client.admin("SetTrafficSplit", apb.SetTrafficSplitRequest(ensemble=args.ensemble, weights=weights),
                     apb.SetTrafficSplitResponse, metadata=bearer(token))
    print(f"split of '{args.ensemble}' is now {dict(sorted(r.weights.items()))} (config version {r.version})")
    return 0


# ----------------------------------------------------------------------------------------------------------- rollout

# Exit codes of `rollout wait`, for CI/CD gates: 0 promoted; the others mean "do not ship".
WAIT_EXIT = {"promoted": 0, "rolled_back": 3, "aborted": 4}
WAIT_TIMEOUT_EXIT = 5


def rollout_summary(r):
    """One readable block: the step, then each guardrail with its estimate, interval and Holm-adjusted p-value."""
    lines = [f"rollout {r.id} of '{r.ensemble}': {r.status}, candidate '{r.candidate}' at {r.candidate_percent}% "
             f"(step {r.step_index + 1} of {list(r.steps)}), baseline '{r.baseline}', {r.decisions} decision(s)"]
    if r.hold_reason:
        lines.append(f"  held: {r.hold_reason}")
    for g in r.guardrails:
        lines.append(f"  {g.name:<22} {g.verdict:<17} estimate {g.estimate:.5g} in [{g.lower:.5g}, {g.upper:.5g}] "
                     f"threshold {g.threshold:g}  p {g.p_value:.4g} (Holm {g.adjusted_p_value:.4g})  {g.method}")
    if r.evidence_json:
        ev = json.loads(r.evidence_json)
        for arm in ("baseline", "candidate"):
            t = ev.get(f"{arm}_total", {})
            rows = t.get("feedback_rows", 0)
            acc = f"{t.get('feedback_correct', 0) / rows:.4f}" if rows else "n/a"
            lines.append(f"  {arm:<9} requests {t.get('requests', 0)}, errors {t.get('errors', 0)}, "
                         f"fallbacks {t.get('fallbacks', 0)}, accuracy {acc} over {rows} labelled row(s)")
        p_better = ev.get("probability_candidate_better")
        if isinstance(p_better, (int, float)):
            lines.append(f"  bayesian: P(candidate more accurate) {p_better:.3f}, "
                         f"expected accuracy loss {ev.get('expected_accuracy_loss', float('nan')):.5f} (reported, not deciding)")
        srm = ev.get("srm", {})
        if srm.get("ran"):
            lines.append(f"  sample ratio: chi2 {srm['chi_square']:.3f}, p {srm['p_value']:.4g}"
                         f"{' MISMATCH' if srm.get('mismatch') else ''}")
    for d in r.decision_log:
        lines.append(f"  #{d.sequence} {d.at} {d.kind}: {d.from_percent}% -> {d.to_percent}% by {d.by}: {d.reason}")
    return "\n".join(lines)


def rollout_report(r):
    """The experiment report as JSON: the status message with the evidence blobs parsed."""
    from google.protobuf import json_format
    report = json_format.MessageToDict(r, preserving_proto_field_name=True)
    if r.evidence_json:
        report["evidence"] = json.loads(r.evidence_json)
        report.pop("evidence_json", None)
    for d in report.get("decision_log", []):
        if d.get("evidence_json"):
            d["evidence"] = json.loads(d.pop("evidence_json"))
    return report


def cmd_rollout(client, args):
    apb = client.admin_pb
    token = args.token or os.environ.get("ENSEMBLEGRPC_ADMIN_TOKEN", "")
    get = lambda: client.admin("GetRollout", apb.GetRolloutRequest(ensemble=args.ensemble), apb.RolloutInfo)
    if args.action == "start":
        canary = args.canary
        if canary and os.path.exists(canary):
            with open(canary) as f:
                canary = f.read()
        r = client.admin("StartRollout", apb.StartRolloutRequest(ensemble=args.ensemble, canary_json=canary or "{}"),
                         apb.RolloutInfo, metadata=bearer(token))
    elif args.action in ("pause", "resume", "abort", "promote"):
        action = getattr(apb, "ROLLOUT_ACTION_" + args.action.upper())
        r = client.admin("ControlRollout", apb.ControlRolloutRequest(ensemble=args.ensemble, action=action),
                         apb.RolloutInfo, metadata=bearer(token))
    elif args.action == "report":
        r = get()
        report = rollout_report(r)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=2)
        print(json.dumps(report, indent=2) if not args.json else rollout_summary(r))
        return 0
    elif args.action in ("watch", "wait"):
        return watch_rollout(get, args)
    else:
        r = get()
    print(rollout_summary(r))
    return 0


def watch_rollout(get, args):
    """Polls GetRollout; `watch` prints each change, `wait` also exits with the final state's code (WAIT_EXIT)."""
    deadline = time.monotonic() + args.wait_timeout
    last = None
    while True:
        r = get()
        if args.action == "watch" and (r.decisions, r.candidate_percent) != last:
            print(rollout_summary(r), flush=True)
            last = (r.decisions, r.candidate_percent)
        if r.status in WAIT_EXIT:
            if args.action == "wait":
                print(rollout_summary(r))
                return WAIT_EXIT[r.status]
            return 0
        if time.monotonic() >= deadline:
            print(f"rollout of '{args.ensemble}' still {r.status} at {r.candidate_percent}% after {args.wait_timeout:g} s",
                  file=sys.stderr)
            return WAIT_TIMEOUT_EXIT
        time.sleep(args.interval)


# --------------------------------------------------------------------------------------------------------------- main

def main(argv=None):
    parser = argparse.ArgumentParser(description="Command-line client for the EnsembleGrpc router (python grpcio).")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--target", default="127.0.0.1:8000", help="host:port of the router (or a worker)")
    common.add_argument("--timeout", type=float, default=10.0, help="deadline per call, seconds")
    common.add_argument("--ca", help="PEM CA file: connect over TLS trusting it (a router or worker with --tls-cert)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("health", parents=[common], help="ServerLive/Ready/Metadata, ModelReady/ModelMetadata")
    p.add_argument("--model", default="mnist")
    p.set_defaults(func=cmd_health)

    p = sub.add_parser("infer", parents=[common], help="classify digits from the test split, one request each")
    p.add_argument("--model", default="mnist")
    p.add_argument("--strategy", help="request parameter ensemble_strategy (bagging|boosting|stacking|vote|best); "
                                      "omitted: the traffic split decides")
    p.add_argument("--routing-key", help="request parameter routing_key; a comma list is used round robin")
    p.add_argument("--count", type=int, default=10, help="number of requests")
    p.add_argument("--batch", type=int, default=1, help="images per request")
    p.add_argument("--image-index", type=int, default=0, help="first image of the test split")
    p.add_argument("--invert", action="store_true", help="send dark digits on light paper")
    p.add_argument("--size", type=int, default=0, help="resize the 28x28 digits to SIZE x SIZE before sending")
    p.add_argument("--fp32", action="store_true", help="send FP32 [N,1,28,28] (pixel/255) instead of UINT8 [N,H,W]")
    p.add_argument("--input-name", help="input tensor name (default: 'image' for UINT8, 'input' with --fp32)")
    p.add_argument("--id-prefix", default="", help="request ids PREFIX0, PREFIX1, ... (default: the router assigns)")
    p.add_argument("--save-ids", nargs="?", const=DEFAULT_IDS, help=f"save request ids + labels for `feedback` "
                                                                    f"(default file {os.path.relpath(DEFAULT_IDS)})")
    p.add_argument("--quiet", action="store_true", help="summary only")
    p.add_argument("--data", default=DEFAULT_DATA)
    p.set_defaults(func=cmd_infer)

    p = sub.add_parser("feedback", parents=[common], help="SubmitFeedback: the true labels of saved requests (bearer token)")
    p.add_argument("--ids", default=DEFAULT_IDS)
    p.add_argument("--quiet", action="store_true", help="per-arm summary only")
    p.add_argument("--token", help="admin token (default: $ENSEMBLEGRPC_ADMIN_TOKEN)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("stats", parents=[common], help="GetStatistics as a table")
    p.add_argument("--ensemble", default="")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("config", parents=[common], help="GetConfig")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("split", parents=[common], help="SetTrafficSplit (bearer token)")
    p.add_argument("--ensemble", default="mnist")
    p.add_argument("--weights", required=True, help="arm=weight,... naming every arm")
    p.add_argument("--token", help="admin token (default: $ENSEMBLEGRPC_ADMIN_TOKEN)")
    p.set_defaults(func=cmd_split)

    p = sub.add_parser("rollout", parents=[common], help="canary rollouts: start, status, watch, wait, pause, resume, "
                                                         "abort, promote, report (writes need the bearer token)")
    p.add_argument("action", choices=["start", "status", "watch", "wait", "pause", "resume", "abort", "promote", "report"])
    p.add_argument("--ensemble", default="mnist")
    p.add_argument("--canary", help="start: the settings as JSON, or a file holding them (the routing file's canary block)")
    p.add_argument("--interval", type=float, default=2.0, help="watch/wait: seconds between polls")
    p.add_argument("--wait-timeout", type=float, default=3600.0, help="watch/wait: give up after this many seconds "
                                                                      f"(wait exits {WAIT_TIMEOUT_EXIT})")
    p.add_argument("--json", help="report: write the JSON report to this file and print the readable summary")
    p.add_argument("--token", help="admin token (default: $ENSEMBLEGRPC_ADMIN_TOKEN)")
    p.set_defaults(func=cmd_rollout)

    args = parser.parse_args(argv)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    client = Client(args.target, args.timeout, args.ca)
    try:
        return args.func(client, args)
    except grpc.RpcError as e:
        print(f"{args.command}: {rpc_error(e)}", file=sys.stderr)
        return 2
    finally:
        client.channel.close()


if __name__ == "__main__":
    sys.exit(main())
