#!/bin/sh
# Regenerates the fuzz seed corpora in tests/fuzz/corpus/<target>/ from the
# repository's own inputs (run from the repository root after `make` and the
# workloads are built).  The seeds are committed; this script records where
# they came from and rebuilds them after the inputs change.
set -eu

BUILD=${BUILD:-build}
OUT=tests/fuzz/corpus
MSASIM=$BUILD/msasim
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for t in dtb elf trace json exec; do
    rm -rf "${OUT:?}/$t"
    mkdir -p "$OUT/$t"
done

# Device trees: the built-ins and the platform test inputs that compile.
for dts in sim/platforms/*.dts tests/data/platform/*.dts traces/*.dts; do
    name=$(basename "$dts" .dts)
    dtc -q -I dts -O dtb -o "$OUT/dtb/$name.dtb" "$dts" 2>/dev/null || rm -f "$OUT/dtb/$name.dtb"
done

# ELF programs: a handful of small workloads, stripped to keep the corpus small.
for elf in hello arith ldst exceptions psci mpu/mpu_el2 user/syscalls; do
    src=$BUILD/workloads/$elf.elf
    [ -f "$src" ] || continue
    aarch64-linux-gnu-strip -o "$OUT/elf/$(echo "$elf" | tr / _).elf" "$src"
done

# Boot traces: the small text ones, their binary forms, and a short recording.
for tr in traces/virt.trace traces/fvp-r.trace; do
    name=$(basename "$tr" .trace)
    cp "$tr" "$OUT/trace/$name.trace"
    "$MSASIM" trace convert "$tr" "$OUT/trace/$name.mtrace" --format binary
done

# JSON: the goldens and a stats file.
cp tests/golden/*.json "$OUT/json/"
"$MSASIM" run --platform virt --stats-json "$OUT/json/stats-hello.json" \
    "$BUILD/workloads/hello.elf" >/dev/null

# Instruction words: the .text of small workloads behind the two selector
# bytes of fuzz_exec.c (EL and profile, then SCTLR bits).
i=0
for elf in hello arith ldst exceptions mpu/mpu_el2; do
    src=$BUILD/workloads/$elf.elf
    [ -f "$src" ] || continue
    aarch64-linux-gnu-objcopy -O binary -j .text "$src" "$tmp/text"
    head -c 4096 "$tmp/text" > "$tmp/code"
    for sel in 0 1 2 4 5 6; do
        printf "\\$(printf %o $sel)\\$(printf %o $((i % 8)))" > "$OUT/exec/$(echo "$elf" | tr / _)-$sel"
        cat "$tmp/code" >> "$OUT/exec/$(echo "$elf" | tr / _)-$sel"
        i=$((i + 1))
    done
done

du -sh "$OUT"
