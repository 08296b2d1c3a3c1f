#!/usr/bin/env bash
# `make demo`: the main job on the built-in platforms.
set -eu
BUILD=${BUILD:-build}
M="$BUILD/msasim"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== msasim boot --platform fvp-r --hv xen-mpu"
"$M" boot --platform fvp-r --hv xen-mpu
echo
echo "== msasim run --platform fvp-r --cores 1 --stats-json stats.json build/workloads/hello.elf"
"$M" run --platform fvp-r --cores 1 --stats-json "$out/stats.json" "$BUILD/workloads/hello.elf"
echo
echo "== msasim report stats.json (summary)"
"$M" report "$out/stats.json" | sed -n '1,/^counters/p' | sed '$d'
