#!/usr/bin/python3
"""A TestService (grpc.testing.ensemble) served by python grpcio (C-core): the peer for "our client -> python server".

Semantics mirror the C# TestService (tests/EnsembleGrpc.Interop.Tests/TestServices/):
  Echo   - echo_metadata ("x-" request headers echoed as response headers, and as trailers named with "-trailer"
           before any "-bin"), delay_ms (honouring cancellation unless ignore_cancellation), throw_exception,
           fail_code/fail_message, reply_size (pattern bytes), seen_headers, deadline_remaining_ms.
  Stream - count replies of payload_size pattern bytes (index 0..), delay_ms before each (honouring cancellation),
           fail_code/fail_message once fail_after replies were sent (fail_after == count: after the last).

Protocol with the parent process (all on stdout, one JSON object per line):
  {"event": "listening", "port": N}                    once the server is serving on 127.0.0.1:N
  {"event": "started", "method": M, "call_id": ID}    when a handler starts a call that carries x-call-id
  {"event": "cancelled", "method": M, "call_id": ID}  when a handler observes that its call was cancelled
                                                       (ID from the request header x-call-id)
  {"event": "deadline", "method": M, "call_id": ID}   when a handler observes that its deadline passed
The server stops when its stdin reaches EOF (so it never outlives the test process) or on SIGTERM.

Usage: interop_server.py --gen-dir DIR [--max-receive BYTES] [--max-send BYTES] [--workers N]
"""
import argparse
import base64
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import interop_common as common  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gen-dir", required=True)
    parser.add_argument("--max-receive", type=int, default=4 * 1024 * 1024)
    parser.add_argument("--max-send", type=int, default=16 * 1024 * 1024)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()

    pb = common.load_messages(args.gen_dir)

    def call_id(context):
        for item in context.invocation_metadata():
            if item[0] == "x-call-id":
                return item[1]
        return ""

    class Call:
        """One handler invocation: reports its start, and reports its end when the call ended before the handler
        finished (cancelled by the client or deadline passed), from grpcio's termination callback, so the report
        does not depend on where the handler was when the call ended (sleeping, or between stream messages)."""

        def __init__(self, context, method):
            self.context = context
            self.method = method
            self.call_id = call_id(context)
            self.finished = False
            self.ended = threading.Event()
            if self.call_id:
                common.emit({"event": "started", "method": method, "call_id": self.call_id})
            if not context.add_callback(self._on_end):
                self.ended.set()

        def _on_end(self):
            self.ended.set()
            if self.finished or not self.call_id:
                return
            remaining = self.context.time_remaining()
            kind = "deadline" if remaining is not None and remaining <= 0.001 else "cancelled"
            common.emit({"event": kind, "method": self.method, "call_id": self.call_id})

        def wait(self, seconds, ignore_cancellation=False):
            """Waits `seconds`; False when the call ended first (never early when ignoring cancellation)."""
            if seconds > 0:
                if ignore_cancellation:
                    time.sleep(seconds)
                    return True
                self.ended.wait(seconds)
            return self.context.is_active()

        def abort(self, code, message):
            self.finished = True
            self.context.abort(common.status_code_from_int(grpc, code), message)

    def echo(request, context):
        # Same order as the C# TestServiceImpl: headers seen / echoed, delay, throw, fail, reply.
        call = Call(context, "Echo")
        remaining = context.time_remaining()  # a huge number (not None) when the client set no deadline
        seen = []
        echoed = []
        for item in context.invocation_metadata():
            key, value = item[0], item[1]
            if not key.startswith("x-"):
                continue
            if isinstance(value, (bytes, bytearray)):
                seen.append(key + "=" + base64.b64encode(bytes(value)).decode("ascii"))
            else:
                seen.append(key + "=" + value)
            echoed.append((key, value))
        if request.echo_metadata:
            context.send_initial_metadata(tuple(echoed))
            context.set_trailing_metadata(tuple((common.trailer_key(k), v) for k, v in echoed))

        if not call.wait(request.delay_ms / 1000.0, request.ignore_cancellation):
            return pb.EchoReply()

        if request.throw_exception:
            call.finished = True
            raise RuntimeError("Handler failure: " + request.fail_message)

        if request.fail_code != 0:
            call.abort(request.fail_code, request.fail_message)

        call.finished = True
        return pb.EchoReply(
            payload=request.payload if request.reply_size <= 0 else common.pattern(request.reply_size),
            seen_headers=seen,
            deadline_remaining_ms=-1 if remaining is None or remaining > 1e8 else int(remaining * 1000),
        )

    def stream(request, context):
        call = Call(context, "Stream")
        for i in range(request.count):
            if request.fail_code != 0 and i == request.fail_after:
                call.abort(request.fail_code, request.fail_message)
            if not call.wait(request.delay_ms / 1000.0):
                return
            yield pb.EchoReply(payload=common.pattern(request.payload_size), index=i)
        if request.fail_code != 0 and request.fail_after == request.count:
            call.abort(request.fail_code, request.fail_message)
        call.finished = True

    handlers = {
        "Echo": grpc.unary_unary_rpc_method_handler(
            echo,
            request_deserializer=pb.EchoRequest.FromString,
            response_serializer=pb.EchoReply.SerializeToString),
        "Stream": grpc.unary_stream_rpc_method_handler(
            stream,
            request_deserializer=pb.StreamRequest.FromString,
            response_serializer=pb.EchoReply.SerializeToString),
    }
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=args.workers),
        handlers=[grpc.method_handlers_generic_handler(common.SERVICE, handlers)],
        options=[
            ("grpc.max_receive_message_length", args.max_receive),
            ("grpc.max_send_message_length", args.max_send),
            ("grpc.so_reuseport", 0),
        ],
    )
    port = server.add_insecure_port("127.0.0.1:0")
    if port == 0:
        print("could not bind 127.0.0.1:0", file=sys.stderr)
        sys.exit(1)
    server.start()
    common.emit({"event": "listening", "port": port})

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            stop.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    stop.wait()
    server.stop(grace=None).wait(5)
    sys.stdout.flush()
    # Handlers that ignore cancellation may still sleep in pool threads: don't wait for them at exit.
    os._exit(0)


if __name__ == "__main__":
    main()
