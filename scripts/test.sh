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

if cargo clippy --version >/dev/null 2>&1; then
  echo "== cargo clippy -D warnings (with and without the desktop app)"
  cargo clippy --locked --all-targets -- -D warnings
  cargo clippy --locked --all-targets --no-default-features -- -D warnings
else
  echo "warning: cargo clippy is not installed; lints not checked" >&2
fi

# The core alone: every test target builds without the GUI, and the core's unit tests pass.
# The interop tests run once, below, with everything (they do not depend on the GUI except
# the ones gated on it).
echo "== core only: cargo test --no-default-features (unit tests; every test target builds)"
cargo test --locked --no-default-features --lib --bins
cargo test --locked --no-default-features --no-run

echo "== with the desktop app: cargo test"
cargo test --locked

echo "== benchmark at a small size (proves both verifiers run it; asserts no ratio)"
scripts/bench.sh --small
