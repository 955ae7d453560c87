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

# Best wall time and peak resident memory of N runs of a command, run in $work.
measure() {
  local n=$1; shift
  (cd "$work" && "$OLDPWD/$python" - "$n" "$@" <<'PY'
import resource, subprocess, sys, time
runs, command = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(runs):
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed (exit {done.returncode}): {' '.join(command)}")
    best = elapsed if best is None else min(best, elapsed)
# ru_maxrss of children is the largest of any run, in KiB on Linux.
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{best:.4f} {peak_mib:.1f}")
PY
  )
}

read -r ours ours_mib < <(measure "$runs" "$PWD/$bin" intoto verify --layout root.layout --layout-keys owner.pub --link-dir .)
read -r theirs theirs_mib < <(measure "$runs" "$PWD/$(dirname "$python")/in-toto-verify" --layout root.layout --verification-keys owner.pub --link-dir .)
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", b / a }')
echo "chainscope ${ours}s ${ours_mib} MiB, in-toto-verify ${theirs}s ${theirs_mib} MiB: ${ratio}x ($steps steps x $artifacts materials + $artifacts products)"

if ! $small; then
  revision=$(git describe --always --dirty)
  reference_version=$("$python" -c 'import in_toto; print(in_toto.__version__)')
  cat > benches/RESULTS.md <<MD
# Benchmarks

\`scripts/bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); best of $runs runs each,
wall time, and the peak resident memory of any run, on the same generated chain in the same run.

## in-toto verification: $steps steps, $artifacts materials + $artifacts products each, ed25519

| verifier | seconds | peak memory (MiB) |
|---|---|---|
| chainscope $revision (release) | $ours | $ours_mib |
| in-toto-verify $reference_version | $theirs | $theirs_mib |

chainscope is **${ratio}x** faster (target: at least 30x).
MD
  echo "wrote benches/RESULTS.md"
fi
