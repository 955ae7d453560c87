#!/usr/bin/env bash
# Runs every test: the core without the GUI, then everything with it, against the Python
# reference tools. This is the command the README and CI use.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-reference.sh
export CHAINSCOPE_REF_PYTHON="$PWD/target/ref-venv/bin/python"

if cargo fmt --version >/dev/null 2>&1; then
  echo "== cargo fmt --check"
  cargo fmt --all -- --check
fi

echo "== core only: cargo test --no-default-features"
cargo test --locked --no-default-features

echo "== with the desktop app: cargo test"
cargo test --locked

echo "== benchmark at a small size (proves both verifiers run it; asserts no ratio)"
scripts/bench.sh --small
