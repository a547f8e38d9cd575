#!/usr/bin/env bash
# Takes the README screenshots from the real app on the demo, under Xvfb,
# so they can be retaken after any change: scripts/screenshots.sh [outdir]
# SHOT_ONLY=launch takes only the launch-scale ones (see the end);
# SHOT_ONLY=picker only the sale picker (two sales); SHOT_ONLY=id only the
# Overview in Bahasa Indonesia.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshots}
mkdir -p "$out"
make -s build >/dev/null
display=:${SHOT_DISPLAY:-97}
# No session bus under Xvfb: without an address the D-Bus library starts a
# daemon (dbus-launch) for each desktop, and it outlives the desktop.
export DBUS_SESSION_BUS_ADDRESS=${DBUS_SESSION_BUS_ADDRESS:-disabled:}

# The launch at its scale: `flashdeck simulate --scenario launch` (1,400
# products on four channels, 50,000 orders a minute at the peak) and the
# desktop on the config it writes, every tab at 1366×768 and at 1920×1080.
# The screen is the window (no window manager under Xvfb), so whatever the
# window cannot fit is cut off in the shot: every column and button must
# show at both sizes. SHOT_LAUNCH_WAIT is how long the desktop reads first.
launch_shots() {
  local dir sim port=${SHOT_LAUNCH_PORT:-8796} bin
  bin=$(pwd)/bin/flashdeck
  dir=$(mktemp -d)
  (cd "$dir" && exec "$bin" simulate --scenario launch --listen 127.0.0.1:$port --out "$dir" >/dev/null 2>&1) &
  sim=$!
  for _ in $(seq 100); do
    [ -s "$dir/flashdeck-sim.env" ] && break
    sleep 0.2
  done
  local ldisplay=:${SHOT_LAUNCH_DISPLAY:-96}
  for size in 1366x768 1920x1080; do
    Xvfb "$ldisplay" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
    local lx=$!
    sleep 1
    # A display already taken would shoot someone else's screen.
    kill -0 $lx 2>/dev/null || { echo "Xvfb could not start on $ldisplay: set SHOT_LAUNCH_DISPLAY" >&2; kill -INT $sim; exit 1; }
    for tab in overview skus channels flagged actions; do
      (cd "$dir" && set -a && . ./flashdeck-sim.env && set +a &&
        DISPLAY=$ldisplay exec "$bin" --config flashdeck-sim.yaml --tab "$tab" --quit-after "${SHOT_LAUNCH_AFTER:-120}s" 2>/dev/null) &
      local app=$!
      # The window comes up once the desktop has read the sale's state (longer
      # as the simulator's database grows over the shots): wait for it, then
      # give the figures SHOT_LAUNCH_WAIT to arrive.
      for _ in $(seq 90); do
        DISPLAY=$ldisplay xdotool search --name '^flashdeck' >/dev/null 2>&1 && break
        sleep 1
      done
      sleep "${SHOT_LAUNCH_WAIT:-12}"
      DISPLAY=$ldisplay xdotool search --name '^flashdeck' windowmove 0 0 windowsize "${size%x*}" "${size#*x}"
      sleep 2
      DISPLAY=$ldisplay import -window root "$out/launch-$size-$tab.png"
      kill $app 2>/dev/null || true
      wait $app || true
      echo "wrote $out/launch-$size-$tab.png"
    done
    kill $lx 2>/dev/null || true
    wait $lx 2>/dev/null || true
  done
  kill -INT $sim 2>/dev/null || true
  wait $sim 2>/dev/null || true
  rm -rf "$dir"
}
if [ "${SHOT_ONLY:-}" = launch ]; then
  launch_shots
  exit 0
fi

# Many sales at once: the demo's sale split in two (its last five products
# become a second sale, "Redmi & Mi weekend", on the same channels: the
# sales: section of the config the simulator writes, its header repeated
# before the sixth product), and the Actions tab with its sale picker open:
# the sale Pause, Resume and Extend act on. Positions are those of the
# 1280x800 window at the screen's top left, the alert strip dismissed.
picker_shot() {
  local dir sim app port=${SHOT_PICKER_PORT:-8794} bin
  bin=$(pwd)/bin/flashdeck
  dir=$(mktemp -d)
  (cd "$dir" && exec "$bin" simulate --listen 127.0.0.1:$port --out "$dir" >/dev/null 2>&1) &
  sim=$!
  for _ in $(seq 100); do
    [ -s "$dir/flashdeck-sim.env" ] && break
    sleep 0.2
  done
  awk '
    /^sales:/ { sales = 1 }
    sales && /^    - id: / { head = 1 }
    head { h[++n] = $0; if ($0 ~ /^      skus:/) head = 0 }
    sales && /^        - sku: / && ++sku == 6 {
      for (i = 1; i <= n; i++) {
        l = h[i]
        if (i == 1) l = "    - id: redmi-mi-weekend"
        else if (l ~ /^      name: /) l = "      name: Redmi & Mi weekend"
        print l
      }
    }
    { print }' "$dir/flashdeck-sim.yaml" >"$dir/two-sales.yaml"
  (cd "$dir" && set -a && . ./flashdeck-sim.env && set +a &&
    DISPLAY=$display exec "$bin" --config two-sales.yaml --tab actions --quit-after 30s 2>/dev/null) &
  app=$!
  sleep "${SHOT_WAIT:-10}"
  DISPLAY=$display xdotool search --name '^flashdeck' windowmove 0 0 windowsize 1280 800
  sleep 0.5
  DISPLAY=$display xdotool mousemove 1257 48 click 1
  sleep 1
  DISPLAY=$display xdotool mousemove 150 98 click 1
  sleep 1.5
  DISPLAY=$display import -window root -crop 1280x800+0+0 "$out/sale-picker.png"
  kill $app 2>/dev/null || true
  wait $app 2>/dev/null || true
  kill -INT $sim 2>/dev/null || true
  wait $sim 2>/dev/null || true
  rm -rf "$dir"
  echo "wrote $out/sale-picker.png"
}
if [ "${SHOT_ONLY:-}" = picker ]; then
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null || true' EXIT
  sleep 1
  kill -0 $xvfb 2>/dev/null || { echo "Xvfb could not start on $display: set SHOT_DISPLAY" >&2; exit 1; }
  picker_shot
  exit 0
fi
# The Overview in Bahasa Indonesia (--lang id), taken as overview.png is,
# to sit beside it in the README.
id_shot() {
  DISPLAY=$display bin/flashdeck --tab overview --lang id --quit-after "${SHOT_AFTER:-14}s" 2>/dev/null &
  local app=$!
  sleep "${SHOT_WAIT:-10}"
  DISPLAY=$display import -window root "$out/overview-id.png"
  wait $app
  echo "wrote $out/overview-id.png"
}
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
sleep 1
kill -0 $xvfb 2>/dev/null || { echo "Xvfb could not start on $display: set SHOT_DISPLAY" >&2; exit 1; }
if [ "${SHOT_ONLY:-}" = id ]; then
  id_shot
  exit 0
fi
id_shot
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

# The Actions tab after a pause: dismiss the alerts so far (the strip's ×:
# how many there are by then varies, and the buttons move with them), press
# Pause, give a reason in the confirmation, confirm (xdotool drives the
# pointer; positions are those of the 1280x800 window at the screen's top
# left, the strip empty).
if command -v xdotool >/dev/null; then
  DISPLAY=$display bin/flashdeck --tab actions --quit-after 30s 2>/dev/null &
  app=$!
  sleep "${SHOT_WAIT:-10}"
  DISPLAY=$display xdotool mousemove 1257 48 click 1
  sleep 0.5
  DISPLAY=$display xdotool mousemove 57 235 click 1
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

# Each channel's own stock beside what flashdeck counts: a Lazada listing
# raised behind flashdeck's back (the simulator's POST /_sim/stock, as a
# colleague in the seller centre would) gives the oversell-risk alert and
# the overview's count, then the SKUs table sorted by Difference (two clicks
# on its header) with that row picked for Cap at allocation. In real time
# (--demo-speed 1), so that the listing raised is still at the top when the
# shot is taken. The window is grown to
# the whole screen so that both columns and the button show. Positions are those of the
# 1600x1000 window with the alert strip full (three alerts).
if command -v xdotool >/dev/null && command -v curl >/dev/null; then
  for shot in oversell-alert skus-stock; do
    tab=overview
    [ "$shot" = skus-stock ] && tab=skus
    log=$(mktemp)
    DISPLAY=$display bin/flashdeck --tab "$tab" --demo-speed 1 --quit-after 40s 2>"$log" &
    app=$!
    sim=
    for _ in $(seq 50); do
      sim=$(grep -o 'url=http://[0-9.:]*' "$log" | head -n1 | cut -d= -f2 || true)
      [ -n "$sim" ] && break
      sleep 0.2
    done
    sleep "${SHOT_WAIT:-10}"
    DISPLAY=$display xdotool search --name '^flashdeck' windowsize 1600 1000
    sleep 1
    stock() { curl -fsS -X POST "$sim/_sim/stock/lazada-id" -d '{"sku":"REDMI-9A-232-GRN","sellable":'"$1"'}'; }
    if [ "$shot" = oversell-alert ]; then
      # Past the first stock readings' alerts, dismiss those so far (the
      # strip's ×). The listing goes to 0 first (not selling) and then
      # above what remains: an alert is raised when a SKU's stock status
      # turns, so the oversell risk shows on top even if the SKU had one.
      sleep 8
      DISPLAY=$display xdotool mousemove 1577 48 click 1 mousemove 800 980
      stock 0
      sleep 4
    fi
    stock 750
    sleep 3
    if [ "$shot" = skus-stock ]; then
      DISPLAY=$display xdotool mousemove 900 251 click 1
      sleep 1.5
      DISPLAY=$display xdotool mousemove 900 251 click 1
      sleep 1.5
      DISPLAY=$display xdotool mousemove 288 287 click 1
      sleep 1.5
    fi
    DISPLAY=$display import -window root "$out/$shot.png"
    wait $app
    rm -f "$log"
    echo "wrote $out/$shot.png"
  done
else
  echo "xdotool or curl not installed: no oversell-alert.png, skus-stock.png (apt-get install xdotool curl)" >&2
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

# The Overview at launch scale with its attention list: the 1,400-product
# launch on four channels (at a tenth of its peak, three times real time),
# and Lazada ID's listing of its best seller stopped by a simulator fault
# (POST /_sim/faults/lazada-id {"unlisted":[…]}), listed first minutes later.
if command -v xdotool >/dev/null && command -v curl >/dev/null; then
  simdir=$(mktemp -d)
  simport=${SHOT_SIM_PORT:-8739}
  bin/flashdeck simulate --scenario launch --peak 5000 --length 60m --speed 3 --listen 127.0.0.1:$simport --out "$simdir" >/dev/null 2>&1 &
  sim=$!
  sleep 4
  (
    cd "$simdir"
    set -a; . ./flashdeck-sim.env; set +a
    DISPLAY=$display "$OLDPWD/bin/flashdeck" --config flashdeck-sim.yaml --tab overview --quit-after 150s 2>/dev/null
  ) &
  app=$!
  sleep 12
  DISPLAY=$display xdotool search --name '^flashdeck' windowsize 1600 1000
  sleep 8
  curl -fsS -X POST "http://127.0.0.1:$simport/_sim/faults/lazada-id" -d '{"unlisted":["POCO-F-000-BLK"]}' >/dev/null
  sleep 80
  DISPLAY=$display import -window root "$out/overview-attention.png"
  wait $app || true # it quits by itself (--quit-after)
  kill $sim 2>/dev/null || true
  wait $sim 2>/dev/null || true
  rm -rf "$simdir"
  echo "wrote $out/overview-attention.png"
fi

command -v xdotool >/dev/null || { echo "xdotool not installed: no sale-picker.png nor launch-scale shots (apt-get install xdotool)" >&2; exit 0; }
picker_shot
launch_shots
