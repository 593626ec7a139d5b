#!/usr/bin/python3
"""Python grpcio (C-core) client for the TestService interop cases: "python client -> our server".

Runs the named cases (or all) against --target and prints one JSON line per case:
  {"case": NAME, "code": "OK" | "DEADLINE_EXCEEDED" | ..., "details": "...", ...case-specific fields}
A case that fails in an unexpected way (a python exception other than grpc.RpcError) prints
  {"case": NAME, "code": "PYTHON_ERROR", "details": repr(exception)}.
The C# test (tests/EnsembleGrpc.Interop.Tests) asserts on these lines.

Synchronisation (--sync): before cancelling an in-flight call, the client prints
  {"event": "await", "case": NAME, "call_id": ID}
and waits for one line on stdin: the C# side answers once its server has seen the call (no sleeps).

Usage: interop_client.py --target 127.0.0.1:PORT --gen-dir DIR [--cases all|a,b,c] [--big-size N]
                         [--too-big-size N] [--sync] [--case-target CASE=127.0.0.1:PORT ...]
"""
import argparse
import base64
import os
import sys
import time
import uuid

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as common  # noqa: E402

NON_ASCII_MESSAGE = "Modell ungültig — 模型 %percent% \u00e9\u00e8\t\"quoted\""
STREAM_ERROR_MESSAGE = "Strom gerissen — 流 ✗"
BINARY_VALUE = bytes([0, 1, 2, 0x7F, 0x80, 0xFE, 0xFF])
LONG_TIMEOUT = 30.0  # bounds every call that is expected to complete


class Cases:
    def __init__(self, args, pb):
        self.args = args
        self.pb = pb
        self.case_targets = dict(t.split("=", 1) for t in args.case_target)
        self.channels = {}
        self.channel = self._channel(args.target)
        self.echo = self._echo(self.channel)
        self.stream = self._stream(self.channel)

    def _channel(self, target):
        if target not in self.channels:
            opts = [
                ("grpc.max_send_message_length", self.args.max_message),
                ("grpc.max_receive_message_length", self.args.max_message),
                ("grpc.enable_retries", 0),
            ]
            channel = grpc.insecure_channel(target, options=opts)
            grpc.channel_ready_future(channel).result(timeout=LONG_TIMEOUT)
            self.channels[target] = channel
        return self.channels[target]

    def _case_channel(self, case):
        """The channel for a case that has a server of its own (--case-target), else the main one."""
        return self._channel(self.case_targets.get(case, self.args.target))

    def _stream(self, channel):
        return channel.unary_stream(
            common.STREAM,
            request_serializer=self.pb.StreamRequest.SerializeToString,
            response_deserializer=self.pb.EchoReply.FromString)

    def close(self):
        for channel in self.channels.values():
            channel.close()

    def _echo(self, channel, method=common.ECHO):
        return channel.unary_unary(
            method,
            request_serializer=self.pb.EchoRequest.SerializeToString,
            response_deserializer=self.pb.EchoReply.FromString)

    def _sync(self, case, call_id):
        if not self.args.sync:
            return
        common.emit({"event": "await", "case": case, "call_id": call_id})
        line = sys.stdin.readline()
        if not line:
            raise RuntimeError("stdin closed while waiting for the go-ahead")

    @staticmethod
    def _error(e):
        return {"code": e.code().name, "details": e.details() or ""}

    # ---- cases -------------------------------------------------------------------------------------------------
    def success(self):
        reply = self.echo(self.pb.EchoRequest(payload=b"hello interop"), timeout=LONG_TIMEOUT)
        return {"code": "OK", "payload_ok": reply.payload == b"hello interop"}

    def error_non_ascii(self):
        try:
            self.echo(self.pb.EchoRequest(fail_code=3, fail_message=NON_ASCII_MESSAGE), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            r = self._error(e)
            r["expected_details"] = NON_ASCII_MESSAGE
            return r

    def unknown_exception(self):
        try:
            self.echo(self.pb.EchoRequest(throw_exception=True), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            return self._error(e)

    def deadline(self):
        start = time.monotonic()
        try:
            self._echo(self._case_channel("deadline"))(
                self.pb.EchoRequest(delay_ms=5000, ignore_cancellation=True), timeout=0.2)
            r = {"code": "OK"}
        except grpc.RpcError as e:
            r = self._error(e)
        r["elapsed_ms"] = int((time.monotonic() - start) * 1000)
        return r

    def deadline_propagated(self):
        reply = self.echo(self.pb.EchoRequest(), timeout=20.0)
        return {"code": "OK", "deadline_remaining_ms": reply.deadline_remaining_ms}

    def no_deadline(self):
        reply = self.echo(self.pb.EchoRequest())
        return {"code": "OK", "deadline_remaining_ms": reply.deadline_remaining_ms}

    def cancel_unary(self):
        call_id = "cancel-unary-" + uuid.uuid4().hex
        echo = self._echo(self._case_channel("cancel_unary"))
        fut = echo.future(self.pb.EchoRequest(delay_ms=20000), metadata=(("x-call-id", call_id),),
                          timeout=LONG_TIMEOUT)
        self._sync("cancel_unary", call_id)
        start = time.monotonic()
        cancelled = fut.cancel()
        try:
            fut.result(timeout=LONG_TIMEOUT)
            code = "OK"
        except grpc.FutureCancelledError:
            code = "CANCELLED"
        except grpc.RpcError as e:
            code = e.code().name
        return {"code": code, "cancel_returned": cancelled, "fut_code": fut.code().name, "call_id": call_id,
                "elapsed_ms": int((time.monotonic() - start) * 1000)}

    def cancel_stream(self):
        call_id = "cancel-stream-" + uuid.uuid4().hex
        stream = self._stream(self._case_channel("cancel_stream"))
        call = stream(self.pb.StreamRequest(count=100000, payload_size=8, delay_ms=20),
                      metadata=(("x-call-id", call_id),), timeout=LONG_TIMEOUT)
        first = next(call)  # the handler is running: it has sent a message
        call.cancel()
        received = 1
        try:
            for _ in call:
                received += 1
            code = "OK"
        except grpc.RpcError as e:
            code = e.code().name
        return {"code": code, "first_index": first.index, "call_id": call_id}

    def big_both_ways(self):
        payload = bytes(range(256)) * (self.args.big_size // 256) + bytes(self.args.big_size % 256)
        reply = self.echo(self.pb.EchoRequest(payload=payload), timeout=LONG_TIMEOUT)
        big_reply = self.echo(self.pb.EchoRequest(reply_size=self.args.big_size), timeout=LONG_TIMEOUT)
        return {"code": "OK", "sent": len(payload), "echoed_ok": reply.payload == payload,
                "reply_size": len(big_reply.payload),
                "reply_pattern_ok": big_reply.payload == common.pattern(self.args.big_size)}

    def too_big_request(self):
        try:
            self.echo(self.pb.EchoRequest(payload=bytes(self.args.too_big_size)), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            return self._error(e)

    def too_big_reply(self):
        # python's own receive limit (default 4 MiB) refuses a reply that our server sends.
        channel = grpc.insecure_channel(self.args.target, options=[("grpc.max_receive_message_length", 1024 * 1024)])
        try:
            self._echo(channel)(self.pb.EchoRequest(reply_size=1024 * 1024 + 1), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            return self._error(e)
        finally:
            channel.close()

    def unimplemented_method(self):
        try:
            self._echo(self.channel, "/" + common.SERVICE + "/NoSuchMethod")(self.pb.EchoRequest(), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            return self._error(e)

    def unimplemented_service(self):
        try:
            self._echo(self.channel, "/grpc.testing.ensemble.NoSuchService/Echo")(self.pb.EchoRequest(), timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            return self._error(e)

    def metadata(self):
        md = (("x-ascii", "hello ascii"), ("x-binary-bin", BINARY_VALUE))
        reply, call = self.echo.with_call(self.pb.EchoRequest(echo_metadata=True), metadata=md, timeout=LONG_TIMEOUT)
        return {"code": call.code().name,
                "seen_headers": list(reply.seen_headers),
                "initial_metadata": common.metadata_to_json(call.initial_metadata()),
                "trailing_metadata": common.metadata_to_json(call.trailing_metadata()),
                "binary_b64": base64.b64encode(BINARY_VALUE).decode("ascii")}

    def metadata_on_error(self):
        md = (("x-ascii", "on error"),)
        try:
            self.echo(self.pb.EchoRequest(echo_metadata=True, fail_code=9, fail_message="precondition"),
                      metadata=md, timeout=LONG_TIMEOUT)
            return {"code": "OK"}
        except grpc.RpcError as e:
            r = self._error(e)
            r["trailing_metadata"] = common.metadata_to_json(e.trailing_metadata())
            return r

    def stream_ok(self):
        call = self.stream(self.pb.StreamRequest(count=5, payload_size=10), timeout=LONG_TIMEOUT)
        replies = list(call)
        return {"code": call.code().name, "indexes": [r.index for r in replies],
                "sizes": [len(r.payload) for r in replies],
                "pattern_ok": all(r.payload == common.pattern(10) for r in replies)}

    def stream_error(self):
        call = self.stream(self.pb.StreamRequest(count=10, payload_size=10, fail_after=3, fail_code=10,
                                                 fail_message=STREAM_ERROR_MESSAGE), timeout=LONG_TIMEOUT)
        indexes = []
        try:
            for r in call:
                indexes.append(r.index)
            return {"code": "OK", "indexes": indexes}
        except grpc.RpcError as e:
            r = self._error(e)
            r["indexes"] = indexes
            r["expected_details"] = STREAM_ERROR_MESSAGE
            return r

    def gzip(self):
        channel = grpc.insecure_channel(self.args.target, compression=grpc.Compression.Gzip,
                                        options=[("grpc.max_receive_message_length", self.args.max_message),
                                                 ("grpc.max_send_message_length", self.args.max_message)])
        try:
            payload = (b"compressible " * 8000)
            stub = self._echo(channel)
            reply = stub(self.pb.EchoRequest(payload=payload), timeout=LONG_TIMEOUT)
            big = bytes(self.args.big_size)
            big_reply = stub(self.pb.EchoRequest(payload=big), timeout=LONG_TIMEOUT)
            return {"code": "OK", "payload_ok": reply.payload == payload, "big_ok": big_reply.payload == big}
        finally:
            channel.close()


ALL = ["success", "error_non_ascii", "unknown_exception", "deadline", "deadline_propagated", "no_deadline",
       "cancel_unary", "cancel_stream", "big_both_ways", "too_big_request", "too_big_reply", "unimplemented_method",
       "unimplemented_service", "metadata", "metadata_on_error", "stream_ok", "stream_error", "gzip"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--cases", default="all")
    parser.add_argument("--big-size", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--too-big-size", type=int, default=5 * 1024 * 1024)
    parser.add_argument("--max-message", type=int, default=16 * 1024 * 1024)
    parser.add_argument("--sync", action="store_true")
    parser.add_argument("--case-target", action="append", default=[],
                        help="CASE=HOST:PORT: run that case against its own server (e.g. to observe its handler)")
    args = parser.parse_args()

    pb = common.load_messages(args.gen_dir)
    cases = Cases(args, pb)
    names = ALL if args.cases == "all" else [c for c in args.cases.split(",") if c]
    for name in names:
        start = time.monotonic()
        try:
            result = getattr(cases, name)()
        except grpc.RpcError as e:
            result = {"code": e.code().name, "details": e.details() or "", "unexpected": True}
        except Exception as e:  # noqa: BLE001 - reported to the C# side, which fails the case
            result = {"code": "PYTHON_ERROR", "details": repr(e)}
        result["case"] = name
        result["case_ms"] = int((time.monotonic() - start) * 1000)
        common.emit(result)
    cases.close()


if __name__ == "__main__":
    main()
