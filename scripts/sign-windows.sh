#!/usr/bin/env bash
# Authenticode-signs a Windows executable in place with osslsigncode, when a
# certificate is given through the environment (never through the repository):
#   FLASHDECK_SIGN_PFX        path to the code-signing certificate and key (.pfx / .p12)
#   FLASHDECK_SIGN_PASS       its password (read from the environment, not put on a command line)
#   FLASHDECK_SIGN_TIMESTAMP  optional: URL of an RFC 3161 time-stamping service (needs the network)
# Without FLASHDECK_SIGN_PFX it leaves the file unsigned and says so.
#   scripts/sign-windows.sh dist/flashdeck-0.1.0-windows-amd64.exe
set -euo pipefail
exe=${1:?usage: scripts/sign-windows.sh FILE.exe}

if [[ -z "${FLASHDECK_SIGN_PFX:-}" ]]; then
  echo "sign: FLASHDECK_SIGN_PFX not set: $exe left unsigned (Windows SmartScreen will warn on first run)"
  exit 0
fi
[[ -r "$FLASHDECK_SIGN_PFX" ]] || { echo "sign: cannot read $FLASHDECK_SIGN_PFX" >&2; exit 1; }
command -v osslsigncode >/dev/null || { echo "sign: osslsigncode not installed (scripts/install-deps.sh --windows)" >&2; exit 1; }

args=(sign -pkcs12 "$FLASHDECK_SIGN_PFX" -h sha256 -n flashdeck -i https://github.com/flashdeck/flashdeck)
# The password goes through a pipe, so it never shows in the process list.
if [[ -n "${FLASHDECK_SIGN_PASS:-}" ]]; then
  args+=(-readpass /dev/stdin)
fi
if [[ -n "${FLASHDECK_SIGN_TIMESTAMP:-}" ]]; then
  args+=(-ts "$FLASHDECK_SIGN_TIMESTAMP")
fi
# osslsigncode writes a new file (it will not overwrite one): sign into a
# temporary directory beside the input, then replace the input.
work=$(mktemp -d "$(dirname "$exe")/.signing.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%s' "${FLASHDECK_SIGN_PASS:-}" | osslsigncode "${args[@]}" -in "$exe" -out "$work/signed.exe" >/dev/null
mv "$work/signed.exe" "$exe"
echo "sign: $exe signed with $(basename "$FLASHDECK_SIGN_PFX")"
