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

# The Actions tab after a pause: press Pause, give a reason in the
# confirmation, confirm (xdotool drives the pointer; positions are those of
# the 1280x800 window at the screen's top left).
if command -v xdotool >/dev/null; then
  DISPLAY=$display bin/flashdeck --tab actions --quit-after 30s 2>/dev/null &
  app=$!
  sleep "${SHOT_WAIT:-10}"
  DISPLAY=$display xdotool mousemove 57 354 click 1
  sleep 1.5
  DISPLAY=$display xdotool type --delay 20 "Scalper burst: pausing while we block the accounts"
  sleep 0.5
  DISPLAY=$display xdotool mousemove 725 553 click 1
  sleep 4
  DISPLAY=$display import -window root "$out/actions.png"
  wait $app
  echo "wrote $out/actions.png"
else
  echo "xdotool not installed: no actions.png (apt-get install xdotool)" >&2
fi

# A desktop on a collector (--remote) just after the collector stopped: the
# collector DOWN in the banner and the Channels view, figures kept and stale.
port=${SHOT_PORT:-9477}
bin/flashdeck serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
srv=$!
sleep 2
DISPLAY=$display bin/flashdeck --remote http://127.0.0.1:$port --tab channels --quit-after 30s 2>/dev/null &
app=$!
sleep "${SHOT_WAIT:-10}"
kill -INT $srv
wait $srv || true
sleep 5
DISPLAY=$display import -window root "$out/remote-lost.png"
wait $app
echo "wrote $out/remote-lost.png"
