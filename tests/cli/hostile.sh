#!/usr/bin/env bash
# Hostile guests beside a well-behaved one: `run --hv xen-mpu HOSTILE victim`
# on cores of their own and sharing one core (--cores 1).  Each hostile
# guest (workloads/guests/hostile_*.c) tries what a guest can do to its
# hypervisor and its neighbour; the hypervisor model must answer each with
# what Xen gives (an error code, or a fault injected into the guest), never
# crash the simulator and never let the victim's memory change.
#
# Checked for every run: exit status 0 (the hostile guest powers itself off;
# a trap the model cannot handle would crash its domain and exit 1), nothing
# on stderr, a bounded run (--max-insns and a timeout), the hostile guest's
# output against the golden text below (or, for the UART flood, its volume),
# no "unexpected" answer, "victim: memory intact", consistency_errors 0 in
# the statistics, and the same stdout and statistics JSON when run twice.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in hostile_vectors hostile_mpu hostile_hypercall hostile_uart hostile_el1loop victim; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done
MAX_INSNS=200000000

json() {  # json SECTION KEY FILE
    python3 -c "import json,sys; print(int(json.load(open(sys.argv[3]))[sys.argv[1]][sys.argv[2]]))" "$@"
}

# run_hostile NAME CORES: runs NAME beside the victim twice; leaves stdout
# in $TMP/NAME.CORES.out and the statistics in $TMP/NAME.CORES.json.
run_hostile() {
    local name=$1 cores=$2 tag=$1.$2
    for i in 1 2; do
        expect_status 0 timeout 120 "$MSASIM" run --hv xen-mpu --cores "$cores" \
            --max-insns $MAX_INSNS --stats-json "$TMP/$tag.$i.json" "$G/$name.elf" "$G/victim.elf"
        [ -s "$TMP/err" ] && { fail "$tag: stderr is not empty"; head -5 "$TMP/err"; }
        cp "$TMP/out" "$TMP/$tag.$i.out"
    done
    cmp -s "$TMP/$tag.1.out" "$TMP/$tag.2.out" || fail "$tag: stdout differs between two runs"
    cmp -s "$TMP/$tag.1.json" "$TMP/$tag.2.json" || fail "$tag: statistics JSON differs between two runs"
    cp "$TMP/$tag.1.out" "$TMP/$tag.out"
    cp "$TMP/$tag.1.json" "$TMP/$tag.json"
    [ "$(grep -c '^victim: memory intact$' "$TMP/$tag.out")" = 1 ] ||
        { fail "$tag: the victim did not report its memory intact"; grep '^victim' "$TMP/$tag.out"; }
    # The victim checks until the end: it must outlast the hostile guest.
    [ "$(grep -a -v '^[.u]*$' "$TMP/$tag.out" | tail -n 1)" = "victim: memory intact" ] ||
        fail "$tag: the victim finished before the hostile guest"
    local odd
    odd=$(grep -a -i 'unexpected' "$TMP/$tag.out" | grep -v 'unexpected answers 0$')
    [ -z "$odd" ] || { fail "$tag: unexpected answers"; printf '%s\n' "$odd" | head -10 | sed 's/^/  /'; }
    [ "$(json summary consistency_errors "$TMP/$tag.json")" = 0 ] ||
        fail "$tag: consistency_errors is not 0"
}

# golden NAME PREFIX: the hostile guest's lines (PREFIX...) against $TMP/want
golden() {
    grep -a "^$2" "$TMP/$1.out" | diff -u "$TMP/want" - >"$TMP/diff" ||
        { fail "$1: output differs from the golden text"; head -30 "$TMP/diff"; }
}

# hostile_vectors: every synchronous exception kind in turn.  SVC, BRK,
# UDF, HLT and EL2-only registers are the guest's own (EC at its EL1);
# HVC/SMC with an immediate Xen does not define, and HLT #0xF000 (no
# semihosting under a hypervisor), are UNDEFINED; loads, stores and
# branches outside the domain come back as injected synchronous external
# aborts; misaligned PC/SP, illegal return and FP traps stay at EL1.
cat >"$TMP/want.vectors" <<'OUT'
vectors: svc #0x42: exception EC 0x15 ESR 0x56000042 vector 0x200
vectors: brk #7: exception EC 0x3c ESR 0xf2000007 vector 0x200
vectors: udf: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: hlt #1: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: hlt #0xf000 (semihosting write0): exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: hvc #0 PSCI_VERSION: returned x0 0x10001
vectors: hvc #0 unknown SMCCC function: returned x0 0xffffffffffffffff
vectors: hvc #1: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: hvc #0xea0: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: hvc #0xffff: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: smc #0 PSCI_VERSION: returned x0 0x10001
vectors: smc #0 unknown SMCCC function: returned x0 0xffffffffffffffff
vectors: smc #1 PSCI_VERSION: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: mrs hcr_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: msr hcr_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: mrs vbar_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: msr vbar_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: mrs esr_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: msr sctlr_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: msr vsctlr_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: mrs prbar_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: msr prlar_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: mrs sp_el2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: tlbi alle2: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: at s1e2r: exception EC 0x0 ESR 0x2000000 vector 0x200
vectors: load from the hypervisor's image: exception EC 0x25 ESR 0x96000010 vector 0x200
vectors: store to the hypervisor's image: exception EC 0x25 ESR 0x96000050 vector 0x200
vectors: load from address 0: exception EC 0x25 ESR 0x96000010 vector 0x200
vectors: store to the boot modules: exception EC 0x25 ESR 0x96000050 vector 0x200
vectors: load from the top of the address space: exception EC 0x25 ESR 0x96000010 vector 0x200
vectors: store to the GIC distributor: exception EC 0x25 ESR 0x96000050 vector 0x200
vectors: store to the physical UART: exception EC 0x25 ESR 0x96000050 vector 0x200
vectors: store to the vpl011 at an undecoded offset: exception EC 0x25 ESR 0x96000050 vector 0x200
vectors: load pair from the vpl011 (no syndrome): exception EC 0x25 ESR 0x96000010 vector 0x200
vectors: load past the vpl011 window: exception EC 0x25 ESR 0x96000010 vector 0x200
vectors: branch to the hypervisor's image: exception EC 0x21 ESR 0x86000010 vector 0x200
vectors: branch to the boot modules: exception EC 0x21 ESR 0x86000010 vector 0x200
vectors: branch to the vpl011: exception EC 0x21 ESR 0x86000010 vector 0x200
vectors: branch to the top of the address space: exception EC 0x21 ESR 0x8600000c vector 0x200
vectors: branch to a misaligned PC: exception EC 0x22 ESR 0x8a000000 vector 0x200
vectors: load through a misaligned SP: exception EC 0x26 ESR 0x9a000000 vector 0x200
vectors: illegal exception return to EL2: exception EC 0xe ESR 0x3a000000 vector 0x200
vectors: FP with CPACR_EL1.FPEN = 0: exception EC 0x7 ESR 0x1fe00000 vector 0x200
vectors: wfi: returned
vectors: wfe: returned
vectors: branches to the 16 entries of the hypervisor's vector table aborted 16/16
vectors: victim stores aborted 6/6, branch into it aborted 1/1
vectors: hypercalls with pointers into the victim refused 12/12
vectors: done, exceptions taken 62, unexpected answers 0
OUT
# hostile_mpu: 3000 random EL1 MPU/MMU/SCTLR writes (fixed seed), EL2
# registers UNDEFINED, the EL1 MPU on with random regions: stage 2 still
# refuses the victim's memory even where EL1 grants it.
cat >"$TMP/want.mpu" <<'OUT'
mpu: EL1 MPU regions 16
mpu: random EL1 register writes 3000 over 39 registers, UNDEFINED 0
mpu: EL2 register accesses UNDEFINED at EL1 14/14
mpu: EL1 MPU on, 16 regions + background: own memory 2/2 ok; at the regions 0 ok, 18 data aborts (3 from stage 2), 0 other; in the victim, granted by EL1: 12/12 refused by stage 2, elsewhere: 32/32 data aborts (32 from stage 2)
mpu: EL1 MPU on, 16 regions, no background: own memory 2/2 ok; at the regions 0 ok, 28 data aborts (7 from stage 2), 0 other; in the victim, granted by EL1: 2/2 refused by stage 2, elsewhere: 32/32 data aborts (0 from stage 2)
mpu: victim stores aborted 6/6, branch into it aborted 1/1
mpu: hypercalls with pointers into the victim refused 12/12
mpu: done, exceptions taken 145, unexpected answers 0
OUT
# hostile_hypercall: 4000 random hypercalls (fixed seed); every result is
# a success or one of Xen's error codes.
cat >"$TMP/want.hypercall" <<'OUT'
hypercall: 4000 calls: console_io 511 sched_op 520 xen_version 488 memory_op 504 grant_table_op 518 other 1459
hypercall: result -ENOSYS: 3449
hypercall: result -EDOM: 4
hypercall: result -EINVAL: 71
hypercall: result -EFAULT: 223
hypercall: result -ESRCH: 17
hypercall: result -EPERM: 34
hypercall: result 0: 173
hypercall: result 262166: 29
hypercall: victim stores aborted 6/6, branch into it aborted 1/1
hypercall: hypercalls with pointers into the victim refused 12/12
hypercall: done, exceptions taken 7, unexpected answers 0
OUT
# hostile_uart: the vpl011 flooded with 100000 bytes, 64-bit accesses and
# undecoded offsets refused, console_io with huge and wrapping counts.
cat >"$TMP/want.uart" <<'OUT'
uart: flood of 100000 bytes done; window offsets probed 2046, data aborts 2004, 64-bit stores to DR aborted 16/16, FR 0x90
uart: console_io write of ~0 bytes from the block: -EFAULT
uart: console_io write of a count that wraps: -EFAULT
uart: console_io write of 2 GiB from address 0: -EFAULT
uart: console_io write of 4 GiB from the victim: -EFAULT
uart: console_io read of ~0 bytes into the victim: 0
uart: console_io read of ~0 bytes into the block: 0
uart: victim stores aborted 6/6, branch into it aborted 1/1
uart: hypercalls with pointers into the victim refused 12/12
uart: done, exceptions taken 2027, unexpected answers 0
OUT

for cores in 4 1; do
    for g in vectors mpu hypercall uart; do
        run_hostile "hostile_$g" "$cores"
        cp "$TMP/want.$g" "$TMP/want"
        golden "hostile_$g.$cores" "$g:"
    done
    # The flood: 1000 lines of 99 dots through the vpl011, 1024 lines of
    # 63 'u' from the console_io write that ran off the end of the memory,
    # and every byte on stdout counted as console output by the model.
    out=$TMP/hostile_uart.$cores.out
    [ "$(grep -a -c '^\.\{99\}$' "$out")" = 1000 ] || fail "uart x$cores: expected 1000 lines of the flood"
    [ "$(grep -a -c '^u\{63\}$' "$out")" = 1024 ] || fail "uart x$cores: expected 1024 lines of the block"
    bytes=$(wc -c <"$out")
    [ "$bytes" = 166189 ] || fail "uart x$cores: $bytes bytes on stdout, expected 166189"
    cb=$(json counters hv.guest.console_bytes "$TMP/hostile_uart.$cores.json")
    [ "$cb" = "$bytes" ] || fail "uart x$cores: the model counted $cb console bytes, stdout has $bytes"
    # Sharing a core, the domains really took turns.
    if [ "$cores" = 1 ]; then
        for g in vectors mpu hypercall uart; do
            sw=$(json summary context_switches "$TMP/hostile_$g.1.json")
            [ "$sw" -ge 2 ] || fail "hostile_$g x1: $sw context switches, expected the domains to take turns"
        done
    fi
done

# A guest that takes an abort with no vectors of its own (a bare-metal
# program) would take the injected abort forever: its domain is crashed,
# the run exits 1 naming the loop, and the victim sharing its core still
# runs to the end.
W=${BUILD:-build}/workloads
if [ -f "$W/hello.elf" ]; then
    expect_status 1 timeout 120 "$MSASIM" run --hv xen-mpu --cores 1 --max-insns $MAX_INSNS \
        "$W/hello.elf" "$G/victim.elf"
    expect_stderr_has "loop of injected aborts"
    expect_stderr_has "its domain was crashed"
    expect_one_line_stderr
    [ "$(cat "$TMP/out")" = "victim: memory intact" ] ||
        fail "abort loop: the victim sharing the core did not finish intact"
else
    fail "$W/hello.elf was not built"
fi

# A guest whose own EL1 vectors fault again (hostile_el1loop) loops at EL1
# without ever trapping: the loop detector crashes its domain alone, the run
# exits 1 naming the loop, and the victim runs to the end, sharing the core
# or not.
for cores in 1 2; do
    expect_status 1 timeout 120 "$MSASIM" run --hv xen-mpu --cores $cores --max-insns $MAX_INSNS \
        "$G/hostile_el1loop.elf" "$G/victim.elf"
    expect_stderr_has "stuck in a loop of exceptions at its own EL1"
    expect_stderr_has "its domain was crashed"
    expect_one_line_stderr
    [ "$(cat "$TMP/out")" = "el1loop: vectors into the void
victim: memory intact" ] || { fail "el1 loop, $cores cores: output"; head -5 "$TMP/out"; }
done

# The same under xen-mmu on profile a, beside hello2 (the victim writes the
# EL1 MPU registers, which profile a does not have).
if [ -f "$G/hello2.elf" ]; then
    expect_status 1 timeout 120 "$MSASIM" run --platform virt --hv xen-mmu --cores 1 \
        --max-insns $MAX_INSNS "$G/hostile_el1loop.elf" "$G/hello2.elf"
    expect_stderr_has "stuck in a loop of exceptions at its own EL1"
    expect_stdout_has "hello from a guest at EL1"
    expect_one_line_stderr
else
    fail "$G/hello2.elf was not built"
fi

# The same answers whether the victim shares the core or not.
for g in vectors mpu hypercall uart; do
    cmp -s <(grep -a "^$g:" "$TMP/hostile_$g.4.out") <(grep -a "^$g:" "$TMP/hostile_$g.1.out") ||
        fail "hostile_$g: the answers differ between 4 cores and 1"
done
finish
