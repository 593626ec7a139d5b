#!/bin/sh
# Retrain every model in models/ from the pinned data sets (see tools/train/README.md).
# Uses Debian's python3 (/usr/bin/python3), which sees python3-torch, -sklearn and -onnx.
set -eu
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 tools/train/train.py "$@"
