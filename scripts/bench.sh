#!/usr/bin/env bash
# Times `chainscope intoto verify` against the reference `in-toto-verify` on the same chain, in
# the same run, and writes the results to benches/RESULTS.md.
#   scripts/bench.sh           20 steps x 2,000 materials + 2,000 products (release build)
#   scripts/bench.sh --small   a tiny chain, for CI: proves both verify it, records no ratio
set -euo pipefail
cd "$(dirname "$0")/.."

small=false
[ "${1:-}" = "--small" ] && small=true
scripts/setup-reference.sh >/dev/null
python=target/ref-venv/bin/python
if $small; then
  steps=3 artifacts=50 runs=1
  cargo build --locked --quiet
  bin=target/debug/chainscope
else
  steps=20 artifacts=2000 runs=3
  cargo build --locked --release --quiet
  bin=target/release/chainscope
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" tests/reference/ref.py bench-chain "$work" "$steps" "$artifacts"

best() { # best wall time in seconds of N runs of a command run in $work
  local n=$1; shift
  local best=""
  for _ in $(seq "$n"); do
    local start end
    start=$(date +%s.%N)
    (cd "$work" && "$@" >/dev/null 2>&1) || { echo "failed: $*" >&2; exit 1; }
    end=$(date +%s.%N)
    best=$(awk -v a="$best" -v b="$(awk -v s="$start" -v e="$end" 'BEGIN { print e - s }')" 'BEGIN { if (a == "" || b < a) print b; else print a }')
  done
  echo "$best"
}

ours=$(best "$runs" "$PWD/$bin" intoto verify --layout root.layout --layout-keys owner.pub --link-dir .)
theirs=$(best "$runs" "$PWD/$(dirname "$python")/in-toto-verify" --layout root.layout --verification-keys owner.pub --link-dir .)
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", b / a }')
echo "chainscope ${ours}s, in-toto-verify ${theirs}s: ${ratio}x ($steps steps x $artifacts materials + $artifacts products)"

if ! $small; then
  revision=$(git describe --always --dirty)
  reference_version=$("$python" -c 'import in_toto; print(in_toto.__version__)')
  cat > benches/RESULTS.md <<MD
# Benchmarks

\`scripts/bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); best of $runs runs each,
wall time, on the same generated chain in the same run.

## in-toto verification: $steps steps, $artifacts materials + $artifacts products each, ed25519

| verifier | seconds |
|---|---|
| chainscope $revision (release) | $ours |
| in-toto-verify $reference_version | $theirs |

chainscope is **${ratio}x** faster (target: at least 30x).
MD
  echo "wrote benches/RESULTS.md"
fi
