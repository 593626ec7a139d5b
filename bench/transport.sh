#!/usr/bin/env bash
# Transport benchmark: builds bench/TransportBench in Release and runs it. One run measures, against OUR server
# (a separate process) serving TestService/Echo with a small payload:
#   a. our client -> our server (sequential p50/p99, throughput at 64 concurrent calls)
#   b. h2load (nghttp2-client) -> our server with the same request body
#   c. python grpcio (C-core) client -> our server
# and prints a table with allocations per call on each side plus the ratios. Options go to the benchmark
# (bash bench/transport.sh --help). Default run: about 1-2 minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-python-grpc.sh --with-h2load

dotnet build bench/TransportBench/TransportBench.csproj -c Release -nologo -v q -clp:ErrorsOnly
exec dotnet bench/TransportBench/bin/Release/net10.0/TransportBench.dll run "$@"
