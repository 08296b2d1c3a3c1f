#!/usr/bin/env bash
# The MPU's architecture tests: the programs of workloads/mpu run on the
# built-in fvp-r platform (starting at EL2 with the MPU off, as on the FVP),
# program both MPUs and check every fault from inside against the
# architecture.  Each must exit 0 and print exactly its golden output
# (workloads/mpu/expected/NAME.txt), with all four cores (the secondary ones
# park in WFE) and with --cores 1.  mpu_regs also runs with other region
# counts: it computes its expectations from MPUIR, which must read the
# configured count (at most 255).
. tests/cli/lib.sh
W=${BUILD:-build}/workloads/mpu

run_mpu() {   # run_mpu ELF ARGS...: output in $TMP/out, status in $rc
    local elf=$1; shift
    timeout 120 "$MSASIM" run --platform fvp-r --hv none "$@" "$elf" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}

n=0
for exp in workloads/mpu/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$W/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    for cores in "" "--cores 1"; do
        # shellcheck disable=SC2086
        run_mpu "$elf" $cores
        if [ "$rc" -ne 0 ]; then
            fail "$name $cores: exit status $rc, expected 0"
            grep -E 'FAIL|unexpected' "$TMP/out" | head -10
            head -3 "$TMP/err"
        fi
        diff -u "$exp" "$TMP/out" >"$TMP/diff" ||
            { fail "$name $cores: output differs from $exp"; head -30 "$TMP/diff"; }
    done
    n=$((n + 1))
done
[ "$n" -ge 3 ] || fail "expected at least 3 programs in workloads/mpu/expected, found $n"

# MPUIR_EL2.REGION is the configured count; 256 slots report 255 (8-bit field).
for regions in 16 32 255 256; do
    want=$regions
    [ "$regions" -eq 256 ] && want=255
    run_mpu "$W/mpu_regs.elf" --cores 1 --mpu-regions "$regions"
    [ "$rc" -eq 0 ] || { fail "mpu_regs --mpu-regions $regions: exit status $rc"; grep FAIL "$TMP/out" | head; }
    grep -qx "MPUIR_EL2.REGION=$want" "$TMP/out" ||
        { fail "mpu_regs --mpu-regions $regions: no line MPUIR_EL2.REGION=$want"; grep MPUIR "$TMP/out"; }
    grep -q '^mpu_regs: [0-9]* checks, 0 failed$' "$TMP/out" ||
        fail "mpu_regs --mpu-regions $regions: its own checks failed"
done
run_mpu "$W/mpu_regs.elf" --cores 1 --el1-mpu-regions 8
[ "$rc" -eq 0 ] || fail "mpu_regs --el1-mpu-regions 8: exit status $rc"
grep -qx "MPUIR_EL1.REGION=8" "$TMP/out" || fail "mpu_regs --el1-mpu-regions 8: MPUIR_EL1 is not 8"

# A program that cannot run as expected exits non-zero: mpu_el2 needs 20
# EL2 regions, and on virt (Armv8-A) the MPU registers are UNDEFINED.
run_mpu "$W/mpu_el2.elf" --cores 1 --mpu-regions 16
[ "$rc" -eq 1 ] || fail "mpu_el2 with 16 regions exited $rc, expected 1"
timeout 120 "$MSASIM" run --platform virt --hv none "$W/mpu_el2.elf" >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "mpu_el2 on virt exited $rc, expected 1"
grep -q "unexpected exception taken to EL2" "$TMP/out" || fail "mpu_el2 on virt: no unexpected-exception line"

# Region writes not followed by an ISB: mpu_el2 makes exactly two accesses
# whose outcome the pending write would change (it prints what it saw);
# msasim counts them.  mpu_el1 synchronizes every write.
stale() {   # stale FILE MPU: the stale_accesses counter of core 0's MPU
    sed -n "s/.*\"mpu\.core0\.$2\.stale_accesses\": \([0-9][0-9]*\).*/\1/p" "$1" | head -1
}
run_mpu "$W/mpu_el2.elf" --cores 1 --stats-json "$TMP/el2.json"
if [ -n "$(stale "$TMP/el2.json" el2)" ]; then
    [ "$(stale "$TMP/el2.json" el2)" = 2 ] ||
        fail "mpu_el2: EL2 MPU stale accesses $(stale "$TMP/el2.json" el2), expected 2"
    run_mpu "$W/mpu_el1.elf" --cores 1 --stats-json "$TMP/el1.json"
    [ "$(stale "$TMP/el1.json" el2)/$(stale "$TMP/el1.json" el1)" = 0/0 ] ||
        fail "mpu_el1: stale accesses (EL2/EL1 MPU) $(stale "$TMP/el1.json" el2)/$(stale "$TMP/el1.json" el1), expected 0/0"
else
    echo "skip: the statistics do not export the MPU's stale_accesses"
fi
finish
