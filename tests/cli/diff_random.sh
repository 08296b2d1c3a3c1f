#!/usr/bin/env bash
# 2,000 random instruction sequences (tests/diff/gen_random.py) run under
# `msasim run --user` and qemu-aarch64: final registers, NZCV and a checksum
# of the scratch memory must be identical.  `make diff-long` runs 50,000.
. tests/cli/lib.sh
python3 tests/diff/run_random.py --count 2000 --per-elf 200 --seed 1 \
    --msasim "$MSASIM" --workdir "$TMP/diff"
case $? in
0) ;;
77) echo "skip: random sequences need qemu-aarch64 and aarch64-linux-gnu-gcc" ;;
*) fail "random sequences: msasim and qemu-aarch64 differ (see above)" ;;
esac
finish
