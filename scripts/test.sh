#!/usr/bin/env bash
# The project's test command (README): builds the solution and runs every test project, then prints one summary
# line "N passed, N failed, N skipped". Exits non-zero when anything fails or no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

# The interop tests need an independent gRPC implementation (Debian's python3-grpcio); install it when missing.
bash scripts/ensure-python-grpc.sh || { echo "could not install python3-grpcio (needed by the interop tests)" >&2; exit 1; }
bash scripts/ensure-node-grpc.sh || { echo "could not install @grpc/grpc-js (needed by the interop tests)" >&2; exit 1; }
# promtool (Debian's prometheus) checks the /metrics scrape and the alerting rules; without it those tests fail saying so.
bash scripts/ensure-promtool.sh || echo "could not install promtool (Debian package prometheus): the metrics and alert-rule tests will fail" >&2
# chromium (Debian's) runs the page's browser tests through Playwright; without it they are skipped, saying why.
bash scripts/ensure-chromium.sh || echo "could not install chromium (Debian package chromium): the page's browser tests will be skipped" >&2
# PostgreSQL's server binaries (Debian's postgresql): the replica tests start their own server; without them they are skipped, saying why.
bash scripts/ensure-postgresql.sh || echo "could not install postgresql (Debian package postgresql): the replica tests will be skipped" >&2

dotnet build EnsembleGrpc.sln -c "$configuration" -nologo -clp:ErrorsOnly || exit 1

log="$results/dotnet-test.log"
dotnet test EnsembleGrpc.sln -c "$configuration" --no-build -nologo \
    --logger "console;verbosity=minimal" --logger trx --results-directory "$results" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the counters of every test assembly's TRX file: <Counters total=".." passed=".." failed=".." notExecuted=".." ...>
read -r assemblies passed failed skipped < <(
    find "$results" -name '*.trx' -print0 | xargs -0 -r grep -ho '<Counters [^>]*>' | awk '
        { n++
          for (i = 1; i <= NF; i++) {
              split($i, kv, "=")
              gsub(/[^0-9]/, "", kv[2])
              if (kv[1] == "passed") p += kv[2]
              else if (kv[1] == "failed" || kv[1] == "error" || kv[1] == "timeout" || kv[1] == "aborted") f += kv[2]
              else if (kv[1] == "notExecuted") s += kv[2]
          } }
        END { printf "%d %d %d %d\n", n, p, f, s }')
echo
echo "test assemblies: $assemblies"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
    exit 1
fi
