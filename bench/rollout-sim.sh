#!/usr/bin/env bash
# The rollout simulator's full figures (README.md, "Canary rollouts"): A/A false rollbacks under monitoring after
# every request over 1,000 runs, and the power against a candidate 2 points worse at 10 % traffic.
#   bash bench/rollout-sim.sh            # 1,000 runs per row, A/A horizon 20,000 requests (several minutes on 2 cores)
#   bash bench/rollout-sim.sh 200 5000   # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/RolloutSim -- "$@"
