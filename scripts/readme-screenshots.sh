#!/usr/bin/env bash
# Makes the README's pictures under Xvfb: the demo as it opens, and the replay of
# talk-attacker stopped at the check that catches the changed package, with the change shown.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
scripts/screenshot.sh docs/talk-alice-bob.png sample-repos/talk-alice-bob
scripts/screenshot.sh docs/replay-talk-attacker.png sample-repos/talk-attacker --show-failure
