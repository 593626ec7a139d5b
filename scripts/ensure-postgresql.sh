#!/usr/bin/env bash
# Makes sure PostgreSQL's server binaries are installed (Debian package `postgresql`): the replica tests
# (tests/EnsembleGrpc.Router.Tests/Replicas) start their own server with initdb and pg_ctl in a temporary folder, on a
# free port, as `nobody` under root; no cluster of the package is used or started. Idempotent: exits 0 at once when an
# initdb is present under /usr/lib/postgresql/*/bin. Without it those tests are skipped, saying why.
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
# The package's post-install creates a cluster and may try to start it (no systemd in a container: harmless).
apt_install ensure-postgresql postgresql

compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
echo "ensure-postgresql: ok ($(ls -d /usr/lib/postgresql/*/bin | tail -1))" >&2
