#!/usr/bin/env bash
# Runs the app under Xvfb with Mesa's software OpenGL; once everything is loaded and drawn it
# saves a PNG of its window and quits.
#   scripts/screenshot.sh OUT.png [WHAT-TO-OPEN [APP-OPTIONS...]]   (without it: the demo)
#   e.g. scripts/screenshot.sh out.png sample-repos/talk-attacker --show-failure
# The screen and the window are 1400x900 unless SCREEN says otherwise (SCREEN=1920x1080).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1"); open=${2:-}; shift; [ $# -gt 0 ] && shift
size=${SCREEN:-1400x900}
cargo build --release --locked
# A throwaway home, so a screenshot never depends on (or changes) a user's saved state.
home=$(mktemp -d); trap 'rm -rf "$home"' EXIT
XDG_DATA_HOME=$home XDG_CONFIG_HOME=$home LIBGL_ALWAYS_SOFTWARE=1 \
  timeout 120 xvfb-run --auto-servernum --server-args="-screen 0 ${size}x24" \
  env -u WAYLAND_DISPLAY target/release/chainscope ${open:+"$open"} "$@" \
  --window-size "$size" --screenshot "$out"
