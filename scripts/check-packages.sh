#!/usr/bin/env bash
# Checks the packages `make package-linux` and `make package-windows` put in dist/
# (run through `make package-check`, which builds them first and passes VERSION
# and COMMIT):
#   Linux:   the archive holds the binary, the .desktop file, the icon and the install
#            Makefile; that Makefile installs them into a temporary prefix; the .desktop
#            file validates; the installed binary was built with the migrated_fynedo
#            and release tags and prints the right version and commit;
#            it starts under Xvfb on the demo, stays up, and the screen it shows is not
#            blank (screenshot kept as dist/check/linux-demo.png).
#   Windows: a PE32+ x86-64 GUI executable built with the same tags; icon, version
#            and manifest resources embedded; the version and commit stamped in; no
#            DLL from mingw needed beside it; the signing script signs it with a
#            throwaway certificate and osslsigncode verifies the signature.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
: "${VERSION:?VERSION is not set (run through make package-check)}"
: "${COMMIT:?COMMIT is not set (run through make package-check)}"

arch=$(go env GOARCH)
linux=dist/flashdeck-$VERSION-linux-$arch.tar.xz
win=dist/flashdeck-$VERSION-windows-amd64.exe
shot=dist/check/linux-demo.png
# The demo window needs a few seconds to start and fill in the first figures.
WAIT=${CHECK_WAIT:-12}
MIN_COLOURS=${CHECK_MIN_COLOURS:-200}

failures=0 passes=0
ok() { echo "check-packages: ok    $*"; passes=$((passes + 1)); }
bad() { echo "check-packages: FAIL  $*" >&2; failures=$((failures + 1)); }
check() { # check "what" command…
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

tmp=$(mktemp -d)
xvfb="" app=""
cleanup() {
  if [[ -n $app ]]; then kill "$app" 2>/dev/null || true; fi
  if [[ -n $xvfb ]]; then kill "$xvfb" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# go version -m reads the build settings back from an ELF or PE binary.
built_with_tags() {
  local tags
  tags=$(go version -m "$1" | awk '$1 == "build" && $2 ~ /^-tags=/ {sub(/^-tags=/, "", $2); print $2}')
  echo "   $(basename "$1"): -tags=$tags"
  [[ ,$tags, == *,migrated_fynedo,* && ,$tags, == *,release,* ]]
}

version_re="^flashdeck ${VERSION//./\\.} \\(commit $COMMIT, go1\\.[0-9.]+, Fyne v2\\.[0-9.]+"

# ---- Linux ------------------------------------------------------------------
echo "== $linux ($(du -h "$linux" | cut -f1))"
[[ -f $linux ]] || { bad "$linux exists"; exit 1; }
listing=$(tar -tJf "$linux")
has() { grep -Eq "$1" <<<"$listing"; }
check "archive holds the binary (usr/…/bin/flashdeck)" has '^flashdeck/usr/(local/)?bin/flashdeck$'
check "archive holds the .desktop file" has '^flashdeck/usr/(local/)?share/applications/io\.github\.flashdeck\.desktop$'
check "archive holds the icon" has '^flashdeck/usr/(local/)?share/pixmaps/io\.github\.flashdeck\.png$'
check "archive holds the install Makefile" has '^flashdeck/Makefile$'

tar -xJf "$linux" -C "$tmp"
prefix=$tmp/root/usr
check "the archive's Makefile installs into a prefix (make install DESTDIR=… PREFIX=/usr)" \
  make -s -C "$tmp/flashdeck" install DESTDIR="$tmp/root" PREFIX=/usr
bin=$prefix/bin/flashdeck
desktop=$prefix/share/applications/io.github.flashdeck.desktop
icon=$prefix/share/pixmaps/io.github.flashdeck.png
check "installed binary is an executable" test -x "$bin"
check "built with -tags migrated_fynedo and release" built_with_tags "$bin"
if command -v desktop-file-validate >/dev/null; then
  check ".desktop file validates" desktop-file-validate "$desktop"
fi
check ".desktop file runs flashdeck and names its icon" \
  bash -c "grep -qx 'Exec=flashdeck' '$desktop' && grep -qx 'Icon=io.github.flashdeck' '$desktop'"
check "icon is a PNG ($(identify -format '%m %wx%h' "$icon" 2>/dev/null))" \
  bash -c "[[ \$(identify -format %m '$icon') == PNG ]]"

got=$(cd "$tmp"; "$bin" --version 2>&1) || true
echo "   $bin --version: $got"
check "--version prints $VERSION and commit $COMMIT" grep -Eq "$version_re, linux/$arch\\)\$" <<<"$got"

# The window: Xvfb on a display it picks itself, the binary run from outside the
# source tree (so nothing is read from FyneApp.toml), with its own HOME.
exec 3>"$tmp/display"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
exec 3>&-
for _ in $(seq 50); do [[ -s $tmp/display ]] && break; sleep 0.1; done
[[ -s $tmp/display ]] || { cat "$tmp/xvfb.log" >&2; bad "Xvfb started"; exit 1; }
display=:$(cat "$tmp/display")
mkdir -p "$tmp/home" "$(dirname "$shot")"
(cd "$tmp" && HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config DISPLAY=$display DBUS_SESSION_BUS_ADDRESS=disabled: \
  exec "$bin" --quit-after $((WAIT + 8))s >"$tmp/app.log" 2>&1) &
app=$!
sleep "$WAIT"
check "the packaged binary is still running after ${WAIT}s on the demo" kill -0 "$app"
DISPLAY=$display import -window root "$shot"
colours=$(identify -format %k "$shot")
check "the screen is not blank: $colours colours in $shot (need > $MIN_COLOURS)" test "$colours" -gt "$MIN_COLOURS"
status=0
wait "$app" || status=$?
app=""
check "it quit by itself with status 0 (--quit-after)" test "$status" -eq 0
if ((status != 0)); then tail -20 "$tmp/app.log" >&2; fi

# ---- Windows ----------------------------------------------------------------
echo "== $win ($(du -h "$win" | cut -f1))"
[[ -f $win ]] || { bad "$win exists"; exit 1; }
kind=$(file -b "$win")
echo "   file: $kind"
check "PE32+ x86-64 GUI executable" bash -c "grep -q '^PE32+ executable (GUI) x86-64' <<<'$kind'"
check "built with -tags migrated_fynedo and release" built_with_tags "$win"
echo "   resources:"
wrestool -l "$win" | sed 's/^/     /'
check "icon resource (group icon and icons)" \
  bash -c "wrestool -l --type=14 '$win' | grep -q . && wrestool -l --type=3 '$win' | grep -q ."
wrestool -x --type=14 "$win" >"$tmp/flashdeck.ico"
echo "   icon: $(icotool -l "$tmp/flashdeck.ico" | tr '\n' ';')"
check "icon extracts as a valid .ico" bash -c "icotool -l '$tmp/flashdeck.ico' | grep -q width"
check "manifest resource" bash -c "wrestool -l --type=24 '$win' | grep -q ."
verinfo=$(wrestool -x --raw --type=16 "$win" | strings -el | tr '\n' ' ')
echo "   version info: $verinfo"
check "version resource says ProductVersion $VERSION.*" grep -Eq "ProductVersion ${VERSION//./\\.}\\.[0-9]+" <<<"$verinfo"
check "the commit $COMMIT is stamped in (cli.Commit)" grep -qaF "$COMMIT" "$win"
check "the version $VERSION is stamped in (cli.Version)" grep -qaF "$VERSION" "$win"
dlls=$(x86_64-w64-mingw32-objdump -p "$win" | awk '/DLL Name:/ {print $3}' | sort -u | tr '\n' ' ')
echo "   imports: $dlls"
check "needs no mingw runtime DLL beside it (libgcc, libwinpthread, libstdc++)" \
  bash -c "! grep -Eiq 'libgcc|libwinpthread|libstdc' <<<'$dlls'"

# Signing, as scripts/package.sh does it, with a throwaway self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=flashdeck check" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
openssl pkcs12 -export -inkey "$tmp/key.pem" -in "$tmp/cert.pem" -passout pass:check -out "$tmp/check.pfx"
cp "$win" "$tmp/signed.exe"
check "scripts/sign-windows.sh signs with FLASHDECK_SIGN_PFX/FLASHDECK_SIGN_PASS" \
  env FLASHDECK_SIGN_PFX="$tmp/check.pfx" FLASHDECK_SIGN_PASS=check scripts/sign-windows.sh "$tmp/signed.exe"
check "osslsigncode verifies that signature" \
  bash -c "osslsigncode verify -CAfile '$tmp/cert.pem' -in '$tmp/signed.exe' 2>&1 | grep -q 'Signature verification: ok'"

echo "check-packages: $passes passed, $failures failed"
((failures == 0))
