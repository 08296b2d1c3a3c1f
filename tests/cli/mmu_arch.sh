#!/usr/bin/env bash
# The MMU's architecture tests: the programs of workloads/mmu build
# translation tables at EL2 and for an EL1 guest, turn translation on and
# print the ESR, FAR, HPFAR and PAR_EL1 their faults and AT instructions
# report, and what TLB maintenance makes visible.  `msasim run --platform
# virt --hv none` must print exactly what QEMU 7.2 printed for the same ELF
# (workloads/mmu/expected/NAME.txt, recorded by workloads/mmu/record-expected.sh)
# and exit 0; when QEMU is installed, also what a live QEMU run prints, with
# the same exit status.  Programs that need N cores say so in
# expected/NAME.cores; the others also run with --cores 1.  A program for
# another machine gives its options in expected/NAME.args (mmu_r82: fvp-r
# with the EL1 MMU, whose expected output was checked by hand: QEMU has no
# such core).  The run's statistics must show the MMU at work.
. tests/cli/lib.sh
W=${BUILD:-build}/workloads/mmu
QEMU=$(command -v qemu-system-aarch64 || true)
[ -n "$QEMU" ] || echo "skip: qemu-system-aarch64 not installed, comparing with the recorded outputs only"

run_qemu() {   # run_qemu ELF CORES: output in $TMP/qemu, status in $qrc
    timeout 120 "$QEMU" -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 -m 1G -smp "$2" \
        -nographic -monitor none -semihosting-config enable=on,target=native,chardev=s0 \
        -chardev stdio,id=s0,mux=on -serial chardev:s0 -kernel "$1" </dev/null >"$TMP/qemu" 2>/dev/null
    qrc=$?
}

# stat FILE KEY: a summary figure or counter of a statistics file
stat() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); k=sys.argv[2]
print(int(d["summary"].get(k, d["counters"].get(k, -1))))' "$1" "$2"
}

n=0
for exp in workloads/mmu/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$W/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    n=$((n + 1))
    cores=1
    variants=("" "--cores 1")
    if [ -f "workloads/mmu/expected/$name.cores" ]; then
        cores=$(cat "workloads/mmu/expected/$name.cores")
        variants=("--cores $cores")
    fi
    machine="--platform virt"
    [ -f "workloads/mmu/expected/$name.args" ] && machine=$(cat "workloads/mmu/expected/$name.args")
    for v in "${variants[@]}"; do
        # shellcheck disable=SC2086
        timeout 120 "$MSASIM" run $machine --hv none $v --stats-json "$TMP/$name.json" "$elf" \
            >"$TMP/out" 2>"$TMP/err"
        rc=$?
        [ "$rc" -eq 0 ] || { fail "$name $v: exit status $rc, expected 0"; head -3 "$TMP/err"; }
        diff -u "$exp" "$TMP/out" >"$TMP/diff" ||
            { fail "$name $v: output differs from $exp"; head -30 "$TMP/diff"; }
    done
    # The MMU did the work: walks, TLB misses and faults were counted.
    for key in walks tlb_misses mmu_faults; do
        [ "$(stat "$TMP/$name.json" $key)" -gt 0 ] || fail "$name: summary $key is not above 0"
    done
    if [ -n "$QEMU" ] && [ ! -f "workloads/mmu/expected/$name.args" ]; then
        run_qemu "$elf" "$cores"
        "$MSASIM" run --platform virt --hv none --cores "$cores" "$elf" >"$TMP/out" 2>"$TMP/err"
        rc=$?
        [ "$rc" -eq "$qrc" ] || fail "$name: exit status $rc, QEMU's $qrc"
        diff -u "$TMP/qemu" "$TMP/out" >"$TMP/diff" ||
            { fail "$name: output differs from live QEMU"; head -30 "$TMP/diff"; }
    fi
done
[ "$n" -ge 3 ] || fail "expected at least 3 programs in workloads/mmu/expected, found $n"

# Broadcast TLBI reaches the other core's TLBs; AT lookups are counted.
if [ -f "$TMP/mmu_smp.json" ]; then
    [ "$(stat "$TMP/mmu_smp.json" mmu.core1.tlbi.VAE2IS.ops)" -ge 2 ] ||
        fail "mmu_smp: core 1 did not receive core 0's TLBI VAE2IS"
    [ "$(stat "$TMP/mmu_smp.json" mmu.core1.tlbi.IPAS2E1IS.ops)" -ge 1 ] ||
        fail "mmu_smp: core 1 did not receive core 0's TLBI IPAS2E1IS"
fi
if [ -f "$TMP/mmu_guest.json" ]; then
    [ "$(stat "$TMP/mmu_guest.json" mmu.core0.at.ops)" -eq 24 ] || fail "mmu_guest: AT count is not 24"
    [ "$(stat "$TMP/mmu_guest.json" mmu.core0.faults.s1ptw)" -ge 5 ] || fail "mmu_guest: S1PTW faults not counted"
fi

# Profile r: the EL1 MMU checks its stage 2 with the EL2 MPU; without
# --el1-msa mmu the core reports MSA_frac = 1 and has no MMU at all.
if [ -f "$TMP/mmu_r82.json" ]; then
    [ "$(stat "$TMP/mmu_r82.json" mmu.core0.stage2_calls)" -gt 0 ] || fail "mmu_r82: the EL2 MPU was never asked as stage 2"
    "$MSASIM" run --platform fvp-r --stats-json "$TMP/r.json" "$W/mmu_r82.elf" >"$TMP/out" 2>&1
    grep -q "MSA_frac=0x0000000000000001" "$TMP/out" || fail "mmu_r82 without --el1-msa mmu: MSA_frac is not 1"
    [ "$(stat "$TMP/r.json" walks)" -eq -1 ] || fail "mmu_r82 without --el1-msa mmu: MMU figures in the statistics"
fi
expect_status 2 "$MSASIM" run --platform virt --el1-msa mmu "${BUILD:-build}/workloads/hello.elf"
expect_stderr_has "--el1-msa"

# Programs without translation never reach the MMU.
"$MSASIM" run --platform virt --stats-json "$TMP/hello.json" "${BUILD:-build}/workloads/hello.elf" >/dev/null 2>&1
[ "$(stat "$TMP/hello.json" mmu.core0.translations)" -eq 0 ] || fail "hello: translations with the MMU off"
finish
