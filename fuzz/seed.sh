#!/bin/sh
# Seeds the fuzzer's corpus with every procedure and fixture of the
# repository, and one input that carries imports (files cut at `==> NAME`).
#
#   fuzz/seed.sh [TARGET]     default: pipeline (`reader` takes the same seeds)
set -eu
cd "$(dirname "$0")/.."
out=fuzz/corpus/${1:-pipeline}
mkdir -p "$out"
for f in forms/*.amt forms/common/*.amt tests/ui/*.amt tests/agreement/*.amt tests/workflows/*.amt tests/hostile/*.amt; do
  cp "$f" "$out/seed_$(echo "$f" | tr '/' '_')"
done
{
  cat forms/gewerbeanmeldung.amt
  for f in forms/common/*.amt; do
    printf '==> common/%s\n' "$(basename "$f")"
    cat "$f"
  done
} > "$out/seed_gewerbe_with_imports"
# The deepest the parser recurses: an `if` chain near the scanner's limit.
{
  printf 'procedure p "P" { version 1.0.0 page a "A" { field x: integer "X" } computed c "C" = '
  i=0
  while [ $i -lt 4900 ]; do printf 'if x > 1 then 1 else '; i=$((i + 1)); done
  printf '0 }\n'
} > "$out/seed_deep_if"
echo "seeded $(ls "$out" | grep -c '^seed_') inputs into $out"
