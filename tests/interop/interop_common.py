"""Shared helpers for the python grpcio interop peers (run with /usr/bin/python3, Debian python3-grpcio 1.51).

The message classes come from `protoc --python_out=<gen dir>` run on
tests/EnsembleGrpc.Interop.Tests/Protos/test_service.proto (there is no grpc_tools python plugin here, so the
service is wired with grpcio's generic API: channel.unary_unary / method_handlers_generic_handler).
"""
import base64
import importlib
import json
import sys
import threading

SERVICE = "grpc.testing.ensemble.TestService"
ECHO = "/" + SERVICE + "/Echo"
STREAM = "/" + SERVICE + "/Stream"

_print_lock = threading.Lock()


def load_messages(gen_dir):
    """Imports test_service_pb2 generated into gen_dir."""
    if gen_dir not in sys.path:
        sys.path.insert(0, gen_dir)
    return importlib.import_module("test_service_pb2")


def emit(obj):
    """Writes one JSON object as one line on stdout, flushed (the C# side reads line by line)."""
    line = json.dumps(obj, ensure_ascii=False, sort_keys=True)
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def status_code_from_int(grpc, value):
    for code in grpc.StatusCode:
        if code.value[0] == value:
            return code
    return grpc.StatusCode.UNKNOWN


def metadata_to_json(metadata):
    """[(key, value)] with binary values as {"b64": ...} so JSON can carry them."""
    out = []
    for item in metadata or ():
        key, value = item[0], item[1]
        if isinstance(value, (bytes, bytearray)):
            out.append([key, "b64:" + base64.b64encode(bytes(value)).decode("ascii")])
        else:
            out.append([key, value])
    return out


def trailer_key(key):
    """The trailer name the TestService uses when echoing request header `key` as a trailer:
    "-trailer" appended, kept before a "-bin" suffix so a binary header stays binary."""
    if key.endswith("-bin"):
        return key[: -len("-bin")] + "-trailer-bin"
    return key + "-trailer"


def pattern(size):
    """The C# TestServiceImpl.Pattern bytes: (i * 31 + 7) mod 256 (period 256, so built by repetition)."""
    cycle = bytes((i * 31 + 7) & 0xFF for i in range(256))
    return (cycle * (size // 256 + 1))[:size]
