#!/usr/bin/env bash
# Installs what building and testing flashdeck needs on Debian/Ubuntu:
# the C toolchain and the X11/Wayland/GL headers Fyne's cgo build uses,
# Xvfb and ImageMagick for the window tests and screenshots, and Prometheus
# (promtool and the server) for the alert-rule checks and the e2e test that
# scrapes a real collector. Installs only
# what is missing, with sudo when not root. Go itself must be 1.26+ (from
# go.dev or /usr/local/go); an older Go fetches the right toolchain through
# the module proxy by itself (GOTOOLCHAIN=auto).
#   --runtime   only what running the binary needs (instead of the build set)
#   --package   also what packaging and checking the packages needs: xz, file,
#               icoutils (reads the .exe's icon), mingw's binutils (its imports)
#   --windows   also the mingw-w64 cross compiler for the Windows .exe, and
#               osslsigncode to sign it
#   --test      also headless Chromium, which the report's test opens and
#               screenshots (make test)
set -euo pipefail

# Debian's prometheus starts its own service where systemd runs (not in CI);
# the tests never use it: they start /usr/bin/prometheus on a free loopback
# port with a temporary data directory.
pkgs=(gcc pkg-config libgl1-mesa-dev xorg-dev libwayland-dev libxkbcommon-dev xvfb xauth dbus-x11 imagemagick prometheus)
extra=()
for opt in "$@"; do
  case "$opt" in
    --runtime) pkgs=(libgl1 libx11-6 libwayland-client0 libxkbcommon0 libxrandr2 libxcursor1 libxinerama1 libxi6 libxxf86vm1 xvfb xauth dbus-x11 imagemagick) ;;
    --package) extra+=(xz-utils file icoutils desktop-file-utils binutils-mingw-w64-x86-64 openssl) ;;
    --windows) extra+=(gcc-mingw-w64-x86-64 osslsigncode) ;;
    --test) extra+=(chromium) ;;
    *) echo "install-deps: unknown option $opt (--runtime, --package, --windows, --test)" >&2; exit 2 ;;
  esac
done
pkgs+=("${extra[@]}")

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
