#!/usr/bin/env bash
# Whole-process figures for the README and the notes: `amt check` and
# `amt build` of generated projects of 100, 1,000 and 10,000 procedures, and
# of one procedure of 40 fields, with hyperfine (wall time) and GNU time
# (peak memory). Needs hyperfine (Debian: apt-get install hyperfine).
#
#   scripts/bench.sh [WORK_DIR] [SIZES...]      default: /tmp/amt-bench 100 1000 10000
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/amt-bench}
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(100 1000 10000); fi
cargo build --release -j2 --bin amt --example corpus >/dev/null
amt=$PWD/target/release/amt
corpus=$PWD/target/release/examples/corpus
mkdir -p "$work"
peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

echo "machine: $(nproc) cores, $(uname -m); amt $($amt --version 2>/dev/null || echo)"
echo
echo "| procedures | amt check | peak memory | amt build (all outputs) | into an empty folder | peak memory | output |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  src=$work/corpus-$n
  out=$work/out-$n
  [ -d "$src" ] || "$corpus" "$n" "$src" >/dev/null
  runs=$([ "$n" -ge 10000 ] && echo 3 || echo 5)
  check=$(hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/check-$n.json" "$amt check $src" >/dev/null && jq -r '.results[0].mean' "$work/check-$n.json")
  # A rebuild over the previous output (files whose bytes did not change
  # are linked, not written), and a build into a folder just removed.
  build=$(hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/build-$n.json" "$amt build $src --out $out" >/dev/null && jq -r '.results[0].mean' "$work/build-$n.json")
  cold=$(hyperfine -N --runs "$runs" --prepare "rm -rf $out-empty" --export-json "$work/cold-$n.json" "$amt build $src --out $out-empty" >/dev/null && jq -r '.results[0].mean' "$work/cold-$n.json")
  rm -rf "$out-empty"
  check_kb=$(peak "$amt" check "$src")
  build_kb=$(peak "$amt" build "$src" --out "$out")
  size=$(du -sh "$out" | cut -f1)
  printf '| %s | %.2f s | %d MB | %.2f s | %.2f s | %d MB | %s |\n' "$n" "$check" $((check_kb / 1024)) "$build" "$cold" $((build_kb / 1024)) "$size"
done

one=$work/one-40
[ -d "$one" ] || "$corpus" 1 "$one" --fields 40 >/dev/null
echo
hyperfine -N --warmup 5 --runs 50 --export-json "$work/one.json" "$amt build $one --out $work/one-out" >/dev/null
printf 'one procedure of 40 fields, source to written files: %.1f ms (± %.1f ms)\n' \
  "$(jq -r '.results[0].mean * 1000' "$work/one.json")" "$(jq -r '.results[0].stddev * 1000' "$work/one.json")"
