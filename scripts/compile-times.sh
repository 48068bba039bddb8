#!/usr/bin/env bash
# How long amt takes to compile on this machine: a clean release build, a
# release rebuild after touching one emitter, a clean debug build and a
# debug rebuild after the same touch. Each clean build uses a fresh target
# folder, so the figures do not depend on what was built before.
#
#   scripts/compile-times.sh [TARGET_DIR] [FILE_TO_TOUCH]
#   default: /tmp/amt-compile-times crates/amt-compiler/src/emit/bpmn/mod.rs
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-/tmp/amt-compile-times}
touched=${2:-crates/amt-compiler/src/emit/bpmn/mod.rs}
[ -f "$touched" ] || touched=crates/amt-compiler/src/emit/bpmn.rs
export CARGO_TARGET_DIR=$target
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
rm -rf "$target"
printf 'clean release build: %.1f s\n' "$(seconds cargo build --release -j2)"
touch "$touched"
printf 'release rebuild after touching %s: %.1f s\n' "$touched" "$(seconds cargo build --release -j2)"
printf 'clean debug build: %.1f s\n' "$(seconds cargo build -j2)"
touch "$touched"
printf 'debug rebuild after touching %s: %.1f s\n' "$touched" "$(seconds cargo build -j2)"
rm -rf "$target"
