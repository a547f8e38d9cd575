#!/usr/bin/env bash
# Builds an installable package with the fyne CLI pinned in go.mod (go tool fyne):
#   scripts/package.sh linux    → dist/flashdeck-VERSION-linux-ARCH.tar.xz
#                                 (binary, .desktop file, icon and an install Makefile)
#   scripts/package.sh windows  → dist/flashdeck-VERSION-windows-amd64.exe
#                                 (cross-built with mingw-w64; icon, version info and
#                                 manifest embedded; signed when a certificate is given)
# Run through `make package-linux` / `make package-windows`, which pass VERSION,
# COMMIT and LDFLAGS: the binary is stamped exactly as `make build` stamps it.
#
# fyne package builds in the source directory, leaves files there while it works
# (fyne_metadata_init.go, fyne.syso, the binary) and raises Build in FyneApp.toml
# afterwards, so it works on a copy of the tree in dist/.stage-TARGET: the working
# tree stays clean and the two targets can run at the same time.
#
# Signing (Windows, optional): FLASHDECK_SIGN_PFX=path/to/cert.pfx and
# FLASHDECK_SIGN_PASS=its password; FLASHDECK_SIGN_TIMESTAMP=URL of an RFC 3161
# time-stamping service to countersign (needs the network). Without a certificate
# the .exe is left unsigned and this says so.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

target=${1:-}
case "$target" in
  linux | windows) ;;
  *) echo "usage: scripts/package.sh linux|windows" >&2; exit 2 ;;
esac
: "${VERSION:?VERSION is not set (run through make)}"
: "${COMMIT:?COMMIT is not set (run through make)}"
: "${LDFLAGS:?LDFLAGS is not set (run through make)}"

root=$PWD
dist=$root/dist
stage=$dist/.stage-$target
rm -rf "$stage"
mkdir -p "$stage"
trap 'rm -rf "$stage"' EXIT

# The tree as `make build` sees it: tracked files and new ones not ignored.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$stage"
else
  tar --exclude=./dist --exclude=./bin --exclude=./.git -cf - . | tar -xf - -C "$stage"
fi

# fyne package passes -ldflags to go build only through GOFLAGS, one
# -ldflags=… entry per word (GOFLAGS is split on spaces): "-X a=b" → "-ldflags=-X=a=b".
goflags=${GOFLAGS:-}
read -r -a words <<<"$LDFLAGS"
for ((i = 0; i < ${#words[@]}; i++)); do
  if [[ ${words[i]} == -X && $((i + 1)) -lt ${#words[@]} ]]; then
    goflags+=" -ldflags=-X=${words[i + 1]}"
    i=$((i + 1))
  else
    goflags+=" -ldflags=${words[i]}"
  fi
done

# The pinned CLI, built (or taken from the cache) without the app's flags.
fyne=$(cd "$stage" && go tool -n fyne)

# --release: no debug features, symbols stripped, -trimpath. fyne adds the
# migrated_fynedo tag itself, from FyneApp.toml ([Migrations] fyneDo = true);
# scripts/check-packages.sh reads the tags back from both binaries.
args=(package --release --app-version "$VERSION")
arch=$(go env GOARCH)
start=$SECONDS
case "$target" in
  linux)
    (cd "$stage" && GOFLAGS="${goflags# }" "$fyne" "${args[@]}" -os linux)
    out=$dist/flashdeck-$VERSION-linux-$arch.tar.xz
    mv "$stage/flashdeck.tar.xz" "$out"
    ;;
  windows)
    arch=amd64
    cc=${WINDOWS_CC:-x86_64-w64-mingw32-gcc}
    command -v "$cc" >/dev/null || { echo "package: $cc not found (scripts/install-deps.sh --windows)" >&2; exit 1; }
    # fyne package -os windows builds twice when it has to build at all: once plain,
    # then again with fyne.syso (icon, version info, manifest) — and the first build
    # takes the -ldflags out of GOFLAGS for good (fyne.io/tools v1.7.4; reported as
    # fyne-io/fyne#4368, fix proposed in fyne-io/tools#17), so the second one, the
    # one shipped, would lose the version and commit. Given an existing --executable
    # it skips the first build, and the only build is the stamped one
    # (scripts/check-packages.sh looks for the commit in the .exe).
    : >"$stage/flashdeck.exe"
    # An .ico holds images of at most 256×256; the app icon is 512×512.
    convert "$stage/icons/flashdeck.png" -resize 256x256 -depth 8 "$stage/windows-icon.png"
    (cd "$stage" && GOFLAGS="${goflags# }" CGO_ENABLED=1 GOOS=windows GOARCH=$arch CC=$cc \
      "$fyne" "${args[@]}" -os windows --executable flashdeck.exe --icon windows-icon.png)
    [[ -s $stage/flashdeck.exe ]] || { echo "package: fyne package left no flashdeck.exe" >&2; exit 1; }
    out=$dist/flashdeck-$VERSION-windows-$arch.exe
    mv "$stage/flashdeck.exe" "$out"
    scripts/sign-windows.sh "$out"
    ;;
esac
echo "package: $(realpath --relative-to="$root" "$out") ($(du -h "$out" | cut -f1), $((SECONDS - start)) s)"
