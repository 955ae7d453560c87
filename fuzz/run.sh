#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) with cargo-fuzz (libFuzzer, AddressSanitizer),
# two at a time on a 2-core machine, starting from fuzz/seeds; logs land in fuzz/logs/. The
# toolchain is stable: RUSTC_BOOTSTRAP lets cargo-fuzz use the sanitizer flags it needs.
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cjson tuf_metadata intoto_document key_file artifact_rules exclude sample_json gpg_export)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
mkdir -p logs
run() {
  local t=$1
  mkdir -p "corpus/$t" "artifacts/$t"
  cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -print_final_stats=1 \
    -rss_limit_mb=4096 -artifact_prefix="artifacts/$t/" > "logs/$t.log" 2>&1 || echo "$t: exit $?" >> logs/failures
}
running=0
for t in "${targets[@]}"; do
  run "$t" &
  running=$((running + 1))
  if [ $running -ge 2 ]; then wait -n; running=$((running - 1)); fi
done
wait
