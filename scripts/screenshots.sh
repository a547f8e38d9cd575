#!/usr/bin/env bash
# Takes the README screenshots from the real app on the demo, under Xvfb,
# so they can be retaken after any change: scripts/screenshots.sh [outdir]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
make -s build >/dev/null
display=:${SHOT_DISPLAY:-97}
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
for shot in overview skus channels flagged wall; do
  args=(--tab "$shot")
  [ "$shot" = wall ] && args=(--wall)
  DISPLAY=$display bin/flashdeck "${args[@]}" --quit-after "${SHOT_AFTER:-14}s" 2>/dev/null &
  app=$!
  sleep "${SHOT_WAIT:-10}"
  DISPLAY=$display import -window root "$out/$shot.png"
  wait $app
  echo "wrote $out/$shot.png"
done
