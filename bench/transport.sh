#!/usr/bin/env bash
# Transport benchmark on grpc-dotnet: builds bench/TransportBench in Release and runs it. One run measures, against a
# Grpc.AspNetCore server (a separate process: Kestrel h2c, TestService/Echo with a small payload):
#   a. Grpc.Net.Client -> it (sequential p50/p99, throughput at 64 concurrent calls)
#   b. h2load (nghttp2-client) -> it with the same request body, 1 and 4 connections
#   c. python grpcio (C-core) client -> it
# and prints a table with allocations and CPU per call on each side plus the ratios. Options go to the benchmark
# (bash bench/transport.sh --help). Default run: about 1-2 minutes after the build.
# The old home-made layer against grpc-dotnet, side by side: bench/transport-compare.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-python-grpc.sh --with-h2load

dotnet build bench/TransportBench/TransportBench.csproj -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet bench/TransportBench/bin/Release/net10.0/TransportBench.dll run "$@"
