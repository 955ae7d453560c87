#!/usr/bin/env bash
# Prints one Markdown table row per fuzz target from the logs `fuzz/run.sh` wrote: how long it
# ran, how many inputs, how fast, the coverage it reached (libFuzzer's `cov` edges and `ft`
# features), the corpus it grew, its peak memory and the crashes it saved.
#   fuzz/summarize.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(cjson tuf_metadata intoto_document key_file artifact_rules exclude sample_json gpg_export)
echo "| target | seconds | executions | exec/s | cov | ft | corpus (files/size) | peak RSS MiB | crashes |"
echo "|---|---|---|---|---|---|---|---|---|"
for t in "${targets[@]}"; do
  log="logs/$t.log"
  [ -f "$log" ] || { echo "| $t | not run | | | | | | | |"; continue; }
  seconds=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
  last=$(grep -E '^#[0-9]+[[:space:]]+(DONE|REDUCE|NEW|pulse)' "$log" | tail -1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
  crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
  echo "| $t | ${seconds:-unfinished} | ${runs:-?} | ${speed:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | ${rss:-?} | $crashes |"
done
