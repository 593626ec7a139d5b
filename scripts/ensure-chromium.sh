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

SUDO=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-chromium: need root (or sudo) to install chromium" >&2
    exit 1
  fi
fi

echo "ensure-chromium: installing chromium (for the page's browser tests)" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >&2
if ! "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >&2; then
  echo "ensure-chromium: install failed, retrying once" >&2
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >&2
fi

command -v chromium >/dev/null
echo "ensure-chromium: ok ($(chromium --version 2>/dev/null | head -1))" >&2
