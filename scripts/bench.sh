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
echo "| procedures | amt check | peak memory | amt build --fresh | into an empty folder | peak memory | rebuild, nothing changed | output |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  src=$work/corpus-$n
  out=$work/out-$n
  [ -d "$src" ] || "$corpus" "$n" "$src" >/dev/null
  runs=$([ "$n" -ge 10000 ] && echo 3 || echo 5)
  check=$(hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/check-$n.json" "$amt check $src" >/dev/null && jq -r '.results[0].mean' "$work/check-$n.json")
  # Everything generated again over the previous output (files whose bytes
  # did not change are linked, not written); into a folder just removed;
  # and the incremental rebuild with nothing changed.
  build=$(hyperfine -N --runs "$runs" --warmup 1 --export-json "$work/build-$n.json" "$amt build $src --out $out --fresh" >/dev/null && jq -r '.results[0].mean' "$work/build-$n.json")
  cold=$(hyperfine -N --runs "$runs" --prepare "rm -rf $out-empty" --export-json "$work/cold-$n.json" "$amt build $src --out $out-empty" >/dev/null && jq -r '.results[0].mean' "$work/cold-$n.json")
  rm -rf "$out-empty"
  again=$(hyperfine -N --runs 10 --warmup 1 --export-json "$work/again-$n.json" "$amt build $src --out $out" >/dev/null && jq -r '.results[0].mean' "$work/again-$n.json")
  check_kb=$(peak "$amt" check "$src")
  build_kb=$(peak "$amt" build "$src" --out "$out" --fresh)
  size=$(du -sh "$out" | cut -f1)
  printf '| %s | %.2f s | %d MB | %.2f s | %.2f s | %d MB | %.2f s | %s |\n' "$n" "$check" $((check_kb / 1024)) "$build" "$cold" $((build_kb / 1024)) "$again" "$size"
done

# Incremental rebuilds of the largest corpus after a change: each run first
# changes a text (toggled, so every run sees a change), then builds.
n=${sizes[-1]}
src=$work/corpus-$n
out=$work/out-$n
rebuild() { # NAME FILE FROM TO
  local file=$src/$2
  cp "$file" "$work/saved.amt"
  hyperfine -N --runs 10 --export-json "$work/$1-$n.json" \
    --prepare "sed -i -e 's/$3/$4/;t' -e 's/$4/$3/' $file" \
    "$amt build $src --out $out" >/dev/null
  cp "$work/saved.amt" "$file"
  "$amt" build "$src" --out "$out" 2>/dev/null
  jq -r '.results[0].mean' "$work/$1-$n.json"
}
echo
one_changed=$(rebuild one-changed verfahren/009/v00900.amt '"Beispielverfahren 900"' '"Beispielverfahren 900 (neu)"')
group_changed=$(rebuild group-changed common/gruppen_0.amt '"Straße"' '"Straße (neu)"')
users=$(grep -rl 'gruppen_0' "$src/verfahren" | wc -l)
printf 'rebuild of %s procedures after one changed: %.2f s; after a group used by %s changed: %.2f s\n' \
  "$n" "$one_changed" "$users" "$group_changed"

one=$work/one-40
[ -d "$one" ] || "$corpus" 1 "$one" --fields 40 >/dev/null
echo
hyperfine -N --warmup 5 --runs 50 --export-json "$work/one.json" "$amt build $one --out $work/one-out --fresh" >/dev/null
printf 'one procedure of 40 fields, source to written files: %.1f ms (± %.1f ms)\n' \
  "$(jq -r '.results[0].mean * 1000' "$work/one.json")" "$(jq -r '.results[0].stddev * 1000' "$work/one.json")"
