#!/usr/bin/env bash
# Makes sure a chromium is installed (Debian package `chromium`): the page's browser tests (tests/EnsembleGrpc.Router.Tests/Page)
# drive it through Playwright's ExecutablePath, because Playwright's own browser download is not reachable. Playwright's
# driver (node) ships inside its NuGet package and needs nothing else. Idempotent: exits 0 at once when chromium is
# present (or CHROMIUM_PATH names one). Without it the browser tests are skipped, saying why.
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  exit 0
fi

# shellcheck source=lib/apt-install.sh
source "$(dirname "$0")/lib/apt-install.sh"
apt_install ensure-chromium chromium

command -v chromium >/dev/null
echo "ensure-chromium: ok ($(chromium --version 2>/dev/null | head -1))" >&2
