#!/usr/bin/env bash
# Installs what building and testing flashdeck needs on Debian/Ubuntu:
# the C toolchain and the X11/Wayland/GL headers Fyne's cgo build uses,
# Xvfb and ImageMagick for the window tests and screenshots. Installs only
# what is missing, with sudo when not root. Go itself must be 1.26+ (from
# go.dev or /usr/local/go); an older Go fetches the right toolchain through
# the module proxy by itself (GOTOOLCHAIN=auto).
set -euo pipefail

pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev xvfb xauth dbus-x11 imagemagick)
if [[ "${1:-}" == "--runtime" ]]; then
  pkgs=(libgl1 libx11-6 xvfb xauth dbus-x11 imagemagick)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ! command -v go >/dev/null 2>&1 && [[ ! -x /usr/local/go/bin/go ]]; then
  missing+=(golang-go)
fi

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
