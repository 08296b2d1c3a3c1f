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
echo "== msasim boot --platform virt --hv xen-mmu --directmap off"
"$M" boot --platform virt --hv xen-mmu --directmap off
echo
echo "== msasim run --platform fvp-r --cores 1 --stats-json stats.json build/workloads/mpu/mpu_el2.elf (last lines)"
"$M" run --platform fvp-r --cores 1 --stats-json "$out/stats.json" "$BUILD/workloads/mpu/mpu_el2.elf" | tail -n 3
echo
echo "== msasim report stats.json (key figures)"
"$M" report "$out/stats.json" | sed -n '/^Key figures/,/^$/p'
