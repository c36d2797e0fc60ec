#!/bin/sh
# screenshot.sh - docs/screenshot.png, the README's picture of the viewer.
#
# A docs step, not part of the build: it needs tmux, aha and chromium
# (apt-get install tmux aha chromium). It runs the real viewer in a tmux pane,
# captures the pane with its colours, turns that into HTML with aha and has headless
# chromium take the picture.
#
#   tools/screenshot.sh [OUT.png [STEP [POLICY]]]
set -eu
out=${1:-docs/screenshot.png}
step=${2:-8}
policy=${3:-first}
cols=100 rows=30
for tool in tmux aha chromium; do
	command -v "$tool" >/dev/null || { echo "screenshot.sh: needs $tool" >&2; exit 69; }
done
[ -x ./divaviz ] || make -s divaviz

work=$(mktemp -d)
server=divaviz-shot-$$
trap 'tmux -L "$server" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT INT TERM
tmux -L "$server" -f /dev/null new-session -d -x $cols -y $rows \
	"LANG=C.UTF-8 TERM=xterm-256color ./divaviz -p $policy --step $step traces/fragment.trc"
# Wait for the frame (the step counter in the title bar), not for a fixed time.
tries=0
until tmux -L "$server" capture-pane -p | grep -q "step $step/"; do
	tries=$((tries + 1))
	[ $tries -lt 200 ] || { echo "screenshot.sh: the viewer did not draw" >&2; exit 70; }
	sleep 0.05
done
tmux -L "$server" capture-pane -p -e > "$work/pane.ansi"
tmux -L "$server" send-keys q

aha --black --title divaviz < "$work/pane.ansi" > "$work/pane.html"
# Block elements join up only with a line height of exactly one cell.
sed -i 's|<pre>|<style>body{margin:0;padding:12px;background:#000}pre{margin:0;font:15px/1.0 "DejaVu Sans Mono",monospace}</style><pre>|' "$work/pane.html"
chromium --headless --disable-gpu --no-sandbox --hide-scrollbars \
	--window-size=$((cols * 9 + 24)),$((rows * 15 + 24)) \
	--screenshot="$work/shot.png" "file://$work/pane.html" 2>/dev/null
cp "$work/shot.png" "$out"
echo "wrote $out"
