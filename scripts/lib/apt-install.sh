# Sourced by the scripts/ensure-*.sh scripts: apt_install NAME PACKAGE... installs Debian packages as root (or with
# `sudo -n`), quietly, with one retry: the image sometimes fails an install once with "dpkg-split: failed to read
# archive". NAME prefixes the messages (stderr). Returns non-zero when neither root nor sudo is there, or both tries fail.
apt_install() {
  local name=$1
  shift
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo -n)
    else
      echo "$name: need root (or sudo) to install: $*" >&2
      return 1
    fi
  fi

  echo "$name: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq >&2
  if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2; then
    echo "$name: install failed, retrying once" >&2
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >&2
  fi
}
