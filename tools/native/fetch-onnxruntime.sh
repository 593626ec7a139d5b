#!/usr/bin/env bash
# Fetches the ONNX Runtime native library (Linux x64) into a cache outside the clone and prints its path.
#
# Microsoft.ML.OnnxRuntime is not obtainable here, so the library comes from the npm package onnxruntime-node,
# which ships the plain C-API library. The package (113 MB, all platforms) is fetched by name with the
# ordinary npm client; only the one file we need is extracted, its sha256 is checked, and it is moved into
# the cache atomically so concurrent builds never see a partial file. Nothing of the package is executed.
#
# Cache: ${ENSEMBLEGRPC_CACHE:-$HOME/.cache/ensemblegrpc}/onnxruntime/<version>/libonnxruntime.so.1
# Offline: set ONNXRUNTIME_NODE_TGZ to an already downloaded onnxruntime-node-<version>.tgz to skip npm.
set -euo pipefail

readonly ORT_VERSION="1.30.0"
readonly ORT_SHA256="ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"
readonly MEMBER="package/bin/napi-v6/linux/x64/libonnxruntime.so.1"

cache_root="${ENSEMBLEGRPC_CACHE:-${HOME:?HOME is not set}/.cache/ensemblegrpc}"
cache_dir="${cache_root}/onnxruntime/${ORT_VERSION}"
target="${cache_dir}/libonnxruntime.so.1"

sha_ok() { [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "${ORT_SHA256}" ]]; }

if sha_ok "${target}"; then
  echo "${target}"
  exit 0
fi

mkdir -p "${cache_dir}"
# The work dir lives inside the cache dir so the final mv is a same-filesystem rename (atomic).
work="$(mktemp -d "${cache_dir}/.fetch.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

if [[ -n "${ONNXRUNTIME_NODE_TGZ:-}" ]]; then
  tgz="${ONNXRUNTIME_NODE_TGZ}"
else
  echo "fetch-onnxruntime: downloading onnxruntime-node@${ORT_VERSION} (about 113 MB, once per machine)..." >&2
  # npm pack only downloads the tarball; --ignore-scripts makes sure no package script can run.
  (cd "${work}" && npm pack --silent --ignore-scripts "onnxruntime-node@${ORT_VERSION}" >&2)
  tgz="${work}/onnxruntime-node-${ORT_VERSION}.tgz"
fi

tar -xzf "${tgz}" -C "${work}" "${MEMBER}"
if ! sha_ok "${work}/${MEMBER}"; then
  echo "fetch-onnxruntime: sha256 mismatch for ${MEMBER} from onnxruntime-node@${ORT_VERSION}" >&2
  echo "  expected ${ORT_SHA256}" >&2
  echo "  actual   $(sha256sum "${work}/${MEMBER}" | cut -d' ' -f1)" >&2
  exit 1
fi
chmod 0644 "${work}/${MEMBER}"
mv -f "${work}/${MEMBER}" "${target}"
echo "${target}"
