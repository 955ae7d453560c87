#!/usr/bin/env bash
# Runs the app under Xvfb with Mesa's software OpenGL and saves a PNG of the screen.
#   scripts/screenshot.sh OUT.png [FILE-TO-OPEN] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "$1"); file=${2:-}; wait=${3:-6}
cargo build --release --locked
export LIBGL_ALWAYS_SOFTWARE=1 WINIT_UNIX_BACKEND=x11 XDG_DATA_HOME XDG_CONFIG_HOME
# A throwaway home for the app's saved state, so screenshots never depend on a user's history.
XDG_DATA_HOME=$(mktemp -d); XDG_CONFIG_HOME=$XDG_DATA_HOME
xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" bash -c '
  env -u WAYLAND_DISPLAY target/release/chainscope '"${file:+\"$file\"}"' &
  app=$!
  sleep '"$wait"'
  import -window root "'"$out"'"
  kill $app
'
echo "wrote $out"
