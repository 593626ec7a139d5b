#!/usr/bin/env bash
# Regenerates the README's screenshots of the digit page and the dashboard from a real run: the dashboard's browser
# tests (real router and worker on 127.0.0.1, Debian's chromium through Playwright) leave them in
# artifacts/page-screenshots/; this copies them to docs/page/, reduced to 256 colours when Debian's python3-pil is
# there (a third of the size, no visible loss on flat UI colours).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh
dotnet build tests/EnsembleGrpc.Router.Tests -c Release -nologo -clp:ErrorsOnly
rm -rf artifacts/page-screenshots
dotnet test tests/EnsembleGrpc.Router.Tests -c Release --no-build -nologo --filter "FullyQualifiedName~Router.Tests.Page.DashboardTests"

mkdir -p docs/page
for shot in digits dashboard dashboard-phone; do
  from="artifacts/page-screenshots/$shot.png"
  to="docs/page/$shot.png"
  if /usr/bin/python3 -c "import PIL" 2>/dev/null; then
    /usr/bin/python3 - "$from" "$to" <<'PY'
import sys
from PIL import Image
Image.open(sys.argv[1]).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(sys.argv[2], optimize=True)
PY
  else
    cp "$from" "$to"
  fi
  echo "$to: $(stat -c %s "$to") bytes"
done
