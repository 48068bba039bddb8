#!/bin/sh
# Seeds the fuzzer's corpus with every procedure and fixture of the
# repository, and one input that carries imports (files cut at `==> NAME`).
set -eu
cd "$(dirname "$0")/.."
out=fuzz/corpus/pipeline
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
echo "seeded $(ls "$out" | grep -c '^seed_') inputs into $out"
