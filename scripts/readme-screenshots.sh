#!/usr/bin/env bash
# Makes the README's pictures under Xvfb: the demo as it opens, the replay of talk-attacker
# stopped at the check that catches the changed package (with the change shown), the layout
# editor on a template, the TUF editor on a repository waiting for its second signature, and
# the attack lab on a tampered package and on the layout swap (caught in the ITE-2 copy,
# passing all-online), npm's published provenance drawn as provenance, at 1400x900; the ITE-10
# layout editor on the attestation sample's build step (tall enough for its CEL rules) at
# 1400x1250; and a trainer's presentation mode at 1920x1080.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs
scripts/screenshot.sh docs/talk-alice-bob.png sample-repos/talk-alice-bob
scripts/screenshot.sh docs/replay-talk-attacker.png sample-repos/talk-attacker --show-failure
scripts/screenshot.sh docs/layout-editor.png "" --edit-layout-template
scripts/screenshot.sh docs/attack-lab.png "" --lab tamper-product
scripts/screenshot.sh docs/attack-lab-layout-swap.png "" --lab layout-swap
scripts/screenshot.sh docs/provenance.png \
  tests/data/real-world/sigstore-rust/sigstore.js@2.0.0-provenance.sigstore.json
SCREEN=1400x1250 scripts/screenshot.sh docs/attestation-editor.png \
  sample-repos/talk-alice-bob-attestations \
  --edit-attestation-layout sample-repos/talk-alice-bob-attestations/layout.yml:build
SCREEN=1920x1080 scripts/screenshot.sh docs/presentation.png sample-repos/talk-attacker \
  --show-failure --present

# A repository whose targets role needs two signatures and has one.
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
bin=$PWD/target/release/chainscope
(
  cd "$work"
  for name in root t1 t2 online; do "$bin" key generate "$name" --no-passphrase >/dev/null; done
  "$bin" tuf init --repo repo --root-key root.pub --targets-key t1.pub --targets-key t2.pub \
    --targets-threshold 2 --snapshot-key online.pub --timestamp-key online.pub >/dev/null
  echo "hello" > hello.txt
  "$bin" tuf add-target --repo repo hello.txt >/dev/null
  "$bin" tuf sign --repo repo root --key root >/dev/null
  "$bin" tuf sign --repo repo targets --key t1 >/dev/null
)
scripts/screenshot.sh docs/tuf-editor.png "" --edit-tuf "$work/repo"
