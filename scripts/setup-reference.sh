#!/usr/bin/env bash
# Builds the Python reference venv the interop tests compare against (pinned versions), and
# installs the Debian packages the GUI tests and screenshots need. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=target/ref-venv
PINS=(in-toto==3.1.0 tuf==7.0.1 securesystemslib[crypto]==1.6.0 cryptography==50.0.2 pathspec==1.1.1)

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import in_toto, tuf, securesystemslib, cryptography' 2>/dev/null \
   || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "${PINS[*]}" ]; then
  echo "== building the reference venv in $VENV"
  rm -rf "$VENV"
  mkdir -p target
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${PINS[@]}"
  echo "${PINS[*]}" > "$VENV/.pins"
fi
"$VENV/bin/python" -c 'import in_toto, tuf, securesystemslib; print("reference tools: in-toto", in_toto.__version__, "| tuf", tuf.__version__, "| securesystemslib", securesystemslib.__version__)'

# Headless GUI checks (screenshots) run under Xvfb with Mesa's software OpenGL; the GPG interop
# tests make keys and sign links with a real gpg.
need=()
for pkg in xvfb xauth libgl1-mesa-dri libegl1 libxkbcommon-x11-0 gnupg; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing ${need[*]}"
    # The screenshot test needs these; it fails with a clear message when they are missing.
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
      echo "warning: could not install ${need[*]} (the screenshot test will fail without them)" >&2
    fi
  else
    echo "warning: missing Debian packages ${need[*]} (the screenshot test will fail without them)" >&2
  fi
fi
