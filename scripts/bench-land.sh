#!/usr/bin/env bash
# Figures for the municipalities (README, "Speed"): the procedures of forms/
# with a Land shaped like Bavaria around forms/kommunen (7 Regierungsbezirke,
# 71 Landkreise, 25 kreisfreie Städte, 2,031 Gemeinden; see
# crates/amt-corpus/src/land.rs):
#   - `amt check` of everything (hyperfine);
#   - `amt build` of every (municipality × procedure) into an empty folder,
#     with its peak memory (GNU time), the output's size on disk and what
#     sharing identical files saved (manifest.json, "sharing");
#   - the rebuild after one municipality's file changed, as `amt build
#     --watch` does it (the workspace API): each edit toggles a Hundesteuer
#     rate; the figure is the time from the change found to the output
#     written, as watch mode prints it.
# Needs hyperfine and jq (Debian: apt-get install hyperfine jq).
#
#   scripts/bench-land.sh [WORK_DIR]      default: /tmp/amt-land
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/amt-land}
cargo build --release -j2 --bin amt --example corpus >/dev/null
amt=$PWD/target/release/amt
src=$work/src
out=$work/out
rm -rf "$work" && mkdir -p "$work"
cp -r forms "$src"
target/release/examples/corpus --land "$src"

echo "machine: $(nproc) cores, $(uname -m)"
hyperfine -N --runs 10 --warmup 2 --export-json "$work/check.json" "$amt check $src" >/dev/null
printf 'amt check: %.0f ms\n' "$(jq -r '.results[0].mean * 1000' "$work/check.json")"

hyperfine -N --runs 5 --prepare "rm -rf $out; sync" --export-json "$work/build.json" \
  "$amt build $src --out $out" >/dev/null
printf 'amt build, every municipality and procedure, into an empty folder: %.2f s (min %.2f s, max %.2f s)\n' \
  "$(jq -r '.results[0].mean' "$work/build.json")" "$(jq -r '.results[0].min' "$work/build.json")" \
  "$(jq -r '.results[0].max' "$work/build.json")"
rm -rf "$out"; sync
peak=$(/usr/bin/time -f '%M' "$amt" build "$src" --out "$out" 2>&1 >/dev/null | tail -1)
echo "peak memory of the build: $((peak / 1024)) MB"
units=$(jq '[.municipalities[].procedures | length] | add' "$out/manifest.json")
served=$(jq '[.municipalities[] | select(.procedures | length > 0)] | length' "$out/manifest.json")
echo "built: $units (municipality × procedure) units for $served municipalities"
echo "output on disk: $(du -sh "$out" | cut -f1) (each file counted once); as if every file were its own copy: $(du -sh --count-links "$out" | cut -f1)"
jq -r '.sharing | "sharing: \(.stored) of \(.files) files stored, \(.bytes_stored / 1048576 | floor) MB of \(.bytes_listed / 1048576 | floor) MB"' "$out/manifest.json"

# The rebuild after an edit, from watch mode's own timing (after the disk
# has written what the builds above left in its cache: `sync` returns
# before the file system has settled the 2 GB just written, and a rebuild
# measured then measures the disk).
sync; sleep 20
file=$(ls "$src"/kommunen/generiert/09*.amt | grep -v staedte | head -1)
line=$(grep -n 'set hundesteuer.satz = ' "$file" | head -1 | cut -d: -f1)
"$amt" build "$src" --out "$out" --watch >"$work/watch.log" 2>&1 &
watcher=$!
trap 'kill $watcher 2>/dev/null || true' EXIT
until grep -q watching "$work/watch.log"; do sleep 0.5; done
for _ in $(seq 10); do
  # A new rate (one digit more), then the old one again.
  sed -i -E "${line}s/= ([0-9]+) EUR/= \\11 EUR/" "$file"; sleep 1.5
  sed -i -E "${line}s/= ([0-9]+)1 EUR/= \\1 EUR/" "$file"; sleep 1.5
done
kill $watcher
times=$(grep -A20 '^changed:' "$work/watch.log" | grep -oE '^\([0-9]+ ms\)' | tr -d '(ms) ' | sort -n)
n=$(echo "$times" | wc -l)
echo "rebuild after one municipality's file changed ($n edits): median $(echo "$times" | sed -n "$(((n + 1) / 2))p") ms, min $(echo "$times" | head -1) ms, max $(echo "$times" | tail -1) ms"
