#!/usr/bin/env bash
# Renders assets/chainscope.svg into the PNG sizes the window and desktop entries use
# (8-bit RGBA, metadata stripped, so the same SVG gives the same bytes). Needs ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/../assets"
for size in 256 128 64 48 32; do
  convert -background none -density 300 chainscope.svg -resize "${size}x${size}" \
    -depth 8 -strip "PNG32:chainscope-$size.png"
done
