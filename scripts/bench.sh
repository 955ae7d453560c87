#!/usr/bin/env bash
# Times chainscope against the Python reference tools on the same files, in the same run, and
# writes the results to benches/RESULTS.md:
#   - `chainscope intoto verify` against `in-toto-verify` on a generated supply chain;
#   - `chainscope tuf verify` (every role) against python-tuf's Metadata API (from_file and
#     verify_delegate for every role) on repositories with succinct bins and with hash-prefix
#     roles listed one by one.
#   scripts/bench.sh           full sizes (release build)
#   scripts/bench.sh --small   tiny sizes, for CI: proves both sides run them, records no ratio
set -euo pipefail
cd "$(dirname "$0")/.."

small=false
[ "${1:-}" = "--small" ] && small=true
scripts/setup-reference.sh >/dev/null
python=target/ref-venv/bin/python
if $small; then
  steps=3 artifacts=50 runs=1
  bins=256 bin_targets=2000 prefix_sizes="64 256" large_targets=20000
  cargo build --locked --quiet
  bin=target/debug/chainscope
else
  steps=20 artifacts=2000 runs=5
  bins=16384 bin_targets=100000 prefix_sizes="4096 16384" large_targets=2000000
  cargo build --locked --release --quiet
  bin=target/release/chainscope
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" tests/reference/ref.py bench-chain "$work" "$steps" "$artifacts"
sync

# Builds an example in the profile of this run and prints its path.
example() {
  if $small; then
    cargo build --locked --quiet --example "$1"
    echo "target/debug/examples/$1"
  else
    cargo build --locked --release --quiet --example "$1"
    echo "target/release/examples/$1"
  fi
}

# Best wall time and peak resident memory of N runs of each command (commands separated by
# `:::`), run in $work; prints "SECONDS MIB" for each command, in order, on one line. The
# commands take turns, run by run, so a slower or busier moment of this (shared, noisy) machine
# falls on each of them alike rather than on whichever happened to run then.
measure() {
  local n=$1; shift
  (cd "$work" && "$OLDPWD/$python" - "$n" "$@" <<'PY'
import os, subprocess, sys, time
runs, words = int(sys.argv[1]), sys.argv[2:]
commands = [[]]
for word in words:
    if word == ":::":
        commands.append([])
    else:
        commands[-1].append(word)
best = [None] * len(commands)
peak_kib = [0] * len(commands)
for _ in range(runs):
    for i, command in enumerate(commands):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            sys.exit(f"failed (exit {child.returncode}): {' '.join(command)}")
        best[i] = elapsed if best[i] is None else min(best[i], elapsed)
        # ru_maxrss of one child, in KiB on Linux.
        peak_kib[i] = max(peak_kib[i], usage.ru_maxrss)
print(" ".join(f"{b:.4f} {k / 1024:.1f}" for b, k in zip(best, peak_kib)))
PY
  )
}

read -r ours ours_mib theirs theirs_mib < <(measure "$runs" \
  "$PWD/$bin" intoto verify --layout root.layout --layout-keys owner.pub --link-dir . ::: \
  "$PWD/$(dirname "$python")/in-toto-verify" --layout root.layout --verification-keys owner.pub --link-dir .)
ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.1f", b / a }')
echo "in-toto: chainscope ${ours}s ${ours_mib} MiB, in-toto-verify ${theirs}s ${theirs_mib} MiB: ${ratio}x ($steps steps x $artifacts materials + $artifacts products)"

# TUF: one repository with succinct bins, and hash-prefix roles at two sizes (the cost per
# role must stay flat as the number of roles grows).
tuf_now=2030-01-01T00:00:00Z
"$python" tests/reference/tuf_ref.py bench-repo "$work/succinct" succinct "$bins" "$bin_targets"
sync
# The floor under that: the bins' signatures checked one by one (exact semantics) with
# ed25519-dalek and with chainscope's key, and the naive read-parse-canonicalize-check path,
# all on every core; the naive path also as a whole process, like the two verifiers.
signature_floor=$(example signature_floor)
read -r tuf_ours tuf_ours_mib naive_proc naive_proc_mib tuf_theirs tuf_theirs_mib < <(measure "$runs" \
  "$PWD/$bin" tuf verify "$work/succinct" --now "$tuf_now" ::: \
  "$PWD/$signature_floor" "$work/succinct/metadata" --naive-only ::: \
  "$PWD/$python" "$PWD/tests/reference/tuf_ref.py" bench-python "$work/succinct")
tuf_ratio=$(awk -v a="$tuf_ours" -v b="$tuf_theirs" 'BEGIN { printf "%.1f", b / a }')
echo "tuf succinct: chainscope ${tuf_ours}s ${tuf_ours_mib} MiB, python-tuf ${tuf_theirs}s ${tuf_theirs_mib} MiB: ${tuf_ratio}x ($bins bins, $bin_targets targets)"
read -r floor_count floor_verify floor_naive floor_table < <("$signature_floor" "$work/succinct/metadata")
echo "tuf floor: $floor_count signatures checked in ${floor_verify}s (${floor_table}s with the key's table), naive path ${floor_naive}s"
floor_ratio=$(awk -v a="$tuf_ours" -v b="$naive_proc" 'BEGIN { printf "%.2f", a / b }')
echo "tuf naive floor process: ${naive_proc}s ${naive_proc_mib} MiB; chainscope takes ${floor_ratio}x its time"

# The same bins holding many more targets (PEP 458's PyPI): memory must not grow with them.
"$python" tests/reference/tuf_ref.py bench-repo "$work/large" succinct "$bins" "$large_targets"
sync
read -r large_ours large_ours_mib large_naive large_naive_mib < <(measure "$runs" \
  "$PWD/$bin" tuf verify "$work/large" --now "$tuf_now" ::: \
  "$PWD/$signature_floor" "$work/large/metadata" --naive-only)
read -r large_theirs large_theirs_mib < <(measure 1 "$PWD/$python" "$PWD/tests/reference/tuf_ref.py" bench-python "$work/large")
large_floor_ratio=$(awk -v a="$large_ours" -v b="$large_naive" 'BEGIN { printf "%.2f", a / b }')
echo "tuf succinct, $large_targets targets: chainscope ${large_ours}s ${large_ours_mib} MiB, naive floor ${large_naive}s ${large_naive_mib} MiB (${large_floor_ratio}x), python-tuf ${large_theirs}s ${large_theirs_mib} MiB"
# The app (real window under Xvfb) with them open: the first frame, then the first load, three
# reloads and, next, the small demo opened in its place (is the memory given back?); and the
# demo alone, for what the app holds without a large repository ever open.
app_window() {
  local xhome; xhome=$(mktemp -d)
  XDG_DATA_HOME=$xhome XDG_CONFIG_HOME=$xhome LIBGL_ALWAYS_SOFTWARE=1 timeout 600 \
    xvfb-run --auto-servernum --server-args="-screen 0 1400x900x24" \
    env -u WAYLAND_DISPLAY "$bin" "$@"
  rm -rf "$xhome"
}
large_first_ms=$(app_window "$work/large" --report-first-frame | sed -n 's/^first frame after \([0-9.]*\) ms.*/\1/p')
large_app=$(app_window "$work/large" --report-reloads 3 --report-then-open "$PWD/sample-repos/talk-alice-bob")
echo "$large_app"
read -r large_app_load large_app_mib large_app_reload large_app_last_mib large_app_max_mib large_next_mib < <(echo "$large_app" | awk '
  $1 == "load" { load = $2; first = $7; max = $7 }
  $1 == "reload" { if (best == "" || $3 < best) best = $3; last = $8; if ($8 > max) max = $8 }
  $1 == "next" { next_mib = $7 }
  END { print load, first, best, last, max, next_mib }')
demo_mib=$(app_window "$PWD/sample-repos/talk-alice-bob" --report-reloads 0 | awk '$1 == "load" { print $7 }')
[ -n "$large_next_mib" ] && [ -n "$demo_mib" ] && [ -n "$large_first_ms" ] || { echo "the app did not report its loads of the large repository" >&2; exit 1; }
echo "app, $large_targets targets: first frame ${large_first_ms} ms, load ${large_app_load} ms ${large_app_mib} MiB, best reload ${large_app_reload} ms, ${large_app_last_mib} MiB after three (at most ${large_app_max_mib}); the demo next: ${large_next_mib} MiB (the demo alone: ${demo_mib} MiB)"
rm -rf "$work/large"

# The app's loading path over reloads (no window): resident memory after the first load and
# after each of ten reloads, each on a fresh worker thread with the role cache as the app
# does, one bin published again before each reload; the first load's time and the best
# reload's. It rewrites a bin, so it runs on a copy.
reload_memory=$(example reload_memory)
cp -r "$work/succinct" "$work/reloaded"
reload_line=$("$reload_memory" "$work/reloaded" 10 | awk 'NR == 1 { first = $2; load = $3; best = 1e9 } NR > 1 && $3 < best { best = $3; reused = $4; checked = $5 } { last = $2; if ($2 > max) max = $2 } END { print first, last, max, load, best, reused, checked }')
read -r reload_first reload_last reload_max reload_load reload_best reload_reused reload_checked <<<"$reload_line"
echo "reloads: ${reload_first} MiB after the first load, ${reload_last} MiB after ten reloads (at most ${reload_max}); first load ${reload_load}s, reload after one bin changed ${reload_best}s (${reload_reused} roles reused, ${reload_checked} checked)"

# TUF over loopback HTTP: refresh plus 100 target downloads through each client, each run
# from a freshly initialized metadata folder.
# The static server of examples/serve.rs: Python's http.server would take most of the time.
serve=$(example serve)
"$serve" "$work/succinct" > "$work/port" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  [ -s "$work/port" ] && break
  sleep 0.1
done
port=$(cat "$work/port")
lookups=$(seq 0 99 | sed 's|.*|--target-name packages/pkg-&/pkg-&.tar.gz|' | tr '\n' ' ')
client_run() { # ours|theirs
  local dir="$work/client-$1"
  rm -rf "$dir" && mkdir -p "$dir/targets"
  local cmd
  if [ "$1" = ours ]; then cmd=("$repo_root/$bin" tuf-client); else cmd=("$repo_root/$python" "$repo_root/tests/reference/tuf_client.py"); fi
  "${cmd[@]}" --metadata-dir "$dir/metadata" init "$work/succinct/metadata/1.root.json" >/dev/null
  # shellcheck disable=SC2086
  "${cmd[@]}" --metadata-dir "$dir/metadata" --metadata-url "http://127.0.0.1:$port/metadata/" \
    --target-base-url "http://127.0.0.1:$port/targets/" --target-dir "$dir/targets" --now "$tuf_now" $lookups download
}
export -f client_run
repo_root=$PWD
export work bin python port tuf_now lookups repo_root
read -r http_ours http_ours_mib http_theirs http_theirs_mib < <(measure "$runs" \
  bash -c 'client_run ours' ::: bash -c 'client_run theirs')
http_ratio=$(awk -v a="$http_ours" -v b="$http_theirs" 'BEGIN { printf "%.1f", b / a }')
echo "tuf client over http: chainscope ${http_ours}s, python-tuf ngclient ${http_theirs}s: ${http_ratio}x (refresh + 100 targets)"

# The app with the succinct repository open: CPU time per frame with the bins expanded and
# scrolled (headless, the real UI code plus tessellation), and the time to the first frame of
# the real window under Xvfb (software OpenGL) while loading goes on in the background.
app_frames=$(example app_frames)
read -r first_ms first_background frame_mean frame_p95 frame_max frame_bins frame_cpu < <("$app_frames" "$work/succinct" "$tuf_now" 300)
echo "app: first frame ${first_ms} ms (loading in the background: $first_background), per frame mean ${frame_mean} ms, p95 ${frame_p95} ms, max ${frame_max} ms, CPU ${frame_cpu} ms ($frame_bins bins expanded and scrolled)"
xhome=$(mktemp -d)
window_line=$(XDG_DATA_HOME=$xhome XDG_CONFIG_HOME=$xhome LIBGL_ALWAYS_SOFTWARE=1 timeout 120 \
  xvfb-run --auto-servernum --server-args="-screen 0 1400x900x24" \
  env -u WAYLAND_DISPLAY "$bin" "$work/succinct" --report-first-frame)
rm -rf "$xhome"
echo "app window: $window_line"
window_ms=$(echo "$window_line" | sed -n 's/^first frame after \([0-9.]*\) ms.*/\1/p')
window_background=$(echo "$window_line" | sed -n 's/.*loading still running: \(yes\|no\)$/\1/p')
[ -n "$window_ms" ] || { echo "the app did not report its first frame" >&2; exit 1; }
# The real window again: the first load, then ten reloads (Reload, nothing changed on disk),
# each one's time and the resident memory after it.
xhome=$(mktemp -d)
reload_lines=$(XDG_DATA_HOME=$xhome XDG_CONFIG_HOME=$xhome LIBGL_ALWAYS_SOFTWARE=1 timeout 300 \
  xvfb-run --auto-servernum --server-args="-screen 0 1400x900x24" \
  env -u WAYLAND_DISPLAY "$bin" "$work/succinct" --report-reloads 10)
rm -rf "$xhome"
echo "$reload_lines"
read -r app_load_ms app_load_mib app_reload_best app_last_mib app_max_mib < <(echo "$reload_lines" | awk '
  $1 == "load" { load = $2; first = $7; max = $7 }
  $1 == "reload" { if (best == "" || $3 < best) best = $3; last = $8; if ($8 > max) max = $8 }
  END { print load, first, best, last, max }')
[ -n "$app_max_mib" ] || { echo "the app did not report its reloads" >&2; exit 1; }

prefix_rows=""
for size in $prefix_sizes; do
  "$python" tests/reference/tuf_ref.py bench-repo "$work/prefix-$size" prefixes "$size" $((size * 6))
  sync
  read -r p_ours p_ours_mib p_theirs p_theirs_mib < <(measure "$runs" \
    "$PWD/$bin" tuf verify "$work/prefix-$size" --now "$tuf_now" ::: \
    "$PWD/$python" "$PWD/tests/reference/tuf_ref.py" bench-python "$work/prefix-$size")
  per_role=$(awk -v t="$p_ours" -v n="$size" 'BEGIN { printf "%.1f", t / n * 1e6 }')
  p_ratio=$(awk -v a="$p_ours" -v b="$p_theirs" 'BEGIN { printf "%.1f", b / a }')
  echo "tuf prefixes: $size roles: chainscope ${p_ours}s (${per_role} us/role) ${p_ours_mib} MiB, python-tuf ${p_theirs}s ${p_theirs_mib} MiB: ${p_ratio}x"
  prefix_rows="$prefix_rows| $size | $p_ours | $per_role | $p_ours_mib | $p_theirs | $p_theirs_mib | ${p_ratio}x |
"
done

if ! $small; then
  revision=$(git describe --always --dirty)
  reference_version=$("$python" -c 'import in_toto; print(in_toto.__version__)')
  tuf_version=$("$python" -c 'import tuf; print(tuf.__version__)')
  cat > benches/RESULTS.md <<MD
# Benchmarks

\`scripts/bench.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), chainscope $revision
(release); best of $runs runs each, wall time, and the peak resident memory of any run, on the
same generated files (written to disk before timing starts) in the same run. The tools compared
in one table take turns run by run, so a busy moment of this shared machine falls on each alike.

## in-toto verification: $steps steps, $artifacts materials + $artifacts products each, ed25519

| verifier | seconds | peak memory (MiB) |
|---|---|---|
| chainscope | $ours | $ours_mib |
| in-toto-verify $reference_version | $theirs | $theirs_mib |

chainscope is **${ratio}x** faster (target: at least 30x).

## TUF, every role verified: $bins succinct bins holding $bin_targets targets, ed25519

chainscope runs the whole client workflow, checks every bin and writes its report (trace, roles,
root history, review); python-tuf $tuf_version runs \`Metadata.from_file\` and the delegator's
\`verify_delegate\` for every role (\`tests/reference/tuf_ref.py bench-python\`).

| verifier | seconds | peak memory (MiB) |
|---|---|---|
| chainscope \`tuf verify\` | $tuf_ours | $tuf_ours_mib |
| naive Rust floor (\`signature_floor --naive-only\`, all cores) | $naive_proc | $naive_proc_mib |
| python-tuf Metadata API | $tuf_theirs | $tuf_theirs_mib |

chainscope is **${tuf_ratio}x** faster than python-tuf and takes **${floor_ratio}x** the naive
floor's time (target: at most 1.0x). The floor reads each file into a JSON value, canonicalizes
\`signed\`, checks the signature with ed25519-dalek's \`verify\` and drops the file; chainscope
also records every check (the bins that pass alike as one group that writes its checks on
demand), each role's status and index entry, and the review, and prints its report.

With the same $bins bins holding $large_targets targets (python-tuf measured once: it takes long):

| verifier | seconds | peak memory (MiB) |
|---|---|---|
| chainscope \`tuf verify\` | $large_ours | $large_ours_mib |
| naive Rust floor | $large_naive | $large_naive_mib |
| python-tuf Metadata API | $large_theirs | $large_theirs_mib |

chainscope takes **${large_floor_ratio}x** the naive floor's time (target: at most 0.9x).

Over reloads, the app's loading path without a window (\`examples/reload_memory.rs\`: each load
on a fresh worker thread, the previous workspace dropped when the new one is in, the allocator
set up as the app sets it, the role cache kept across reloads as the app keeps it, one bin
published again with new bytes before each reload): **$reload_first MiB** resident after the
first load, **$reload_last MiB** after ten reloads (at most $reload_max MiB). The first load
takes **${reload_load} s**; a reload after one bin changed **${reload_best} s** ($reload_reused roles'
results reused, $reload_checked checked again; target: 0.15 s).

What exact signature semantics leave (\`examples/signature_floor.rs\`, same files, same run): the
$floor_count bin signatures checked one by one on all cores with ed25519-dalek's \`verify\`, the
files already parsed and canonicalized, take **${floor_verify} s**; the same checks through
chainscope's key take **${floor_table} s** (one key signs every bin: after 64 checks it gets a table
of its own multiples, as ed25519-dalek keeps for the base point, and \`[k]A\` becomes a fixed-base
multiplication; the same group element, so the same verdict for every signature,
\`src/crypto/ed25519.rs\`); the naive path (read, parse, canonicalize and check each file with
ed25519-dalek, nothing recorded) takes ${floor_naive} s. Batch Ed25519 verification would be
faster still, but its equation is cofactored and accepts signatures that OpenSSL (and so
python-tuf) rejects, so chainscope checks them one by one.

## TUF client over loopback HTTP: refresh and 100 target downloads, 16,384-bin repository

Both clients speak the TUF conformance suite's client protocol (\`chainscope tuf-client\` and
\`tests/reference/tuf_client.py\` on ngclient), each from a freshly initialized metadata folder,
against the same static server (\`examples/serve.rs\`).

| client | seconds |
|---|---|
| chainscope tuf-client | $http_ours |
| python-tuf ngclient | $http_theirs |

chainscope is **${http_ratio}x** faster (target: at least 5x).

## The app with the $bins-bin repository open

The app's own code (every panel's layout and the tessellation of what it draws, headless through
egui_kittest; only the GPU upload is left out) with the bins group expanded and scrolled to a
different stretch of the list on each of 300 frames (\`examples/app_frames.rs\`); and the real
window under Xvfb with Mesa's software OpenGL, from process start to the first frame on screen.
There is no Python app to compare with.

| measure | value | target |
|---|---|---|
| time per frame, mean | $frame_mean ms | at most 16 ms |
| time per frame, 95th percentile | $frame_p95 ms | |
| time per frame, worst | $frame_max ms | |
| CPU time per frame, mean (this thread) | $frame_cpu ms | at most 16 ms |
| first frame, real window under Xvfb | $window_ms ms (loading still running: $window_background) | under 500 ms, loading in the background |
| first frame, headless | $first_ms ms (loading still running: $first_background) | |
| first load in, real window under Xvfb (from process start) | $app_load_ms ms | verdict within 3 s |
| reload, nothing changed, real window (best of ten) | $app_reload_best ms | 150 ms |
| resident memory after the first load / after ten reloads / at most | $app_load_mib / $app_last_mib / $app_max_mib MiB | at most 300 MiB, no growth |

## The app at PyPI's size: $bins bins holding $large_targets targets

The real window under Xvfb again, on the repository of the second TUF table: the first frame,
the first load, three reloads (nothing changed on disk), then the small demo
(\`sample-repos/talk-alice-bob\`) opened in its place.

| measure | value | target |
|---|---|---|
| first frame (from process start) | $large_first_ms ms | under 500 ms |
| first load in, verdict shown (from process start) | $large_app_load ms | within 3 s |
| reload, nothing changed (best of three) | $large_app_reload ms | |
| resident memory after the first load / after three reloads / at most | $large_app_mib / $large_app_last_mib / $large_app_max_mib MiB | at most 300 MiB, no growth |
| resident memory with the demo opened next / the demo alone in a fresh app | $large_next_mib / $demo_mib MiB | memory given back |

## TUF, hash-prefix roles listed one by one (the cost per role must not grow)

| roles | chainscope s | µs per role | MiB | python-tuf s | MiB | ratio |
|---|---|---|---|---|---|---|
$prefix_rows
MD
  echo "wrote benches/RESULTS.md"
fi
