#!/usr/bin/env bash
# Same input, same output: every workload below runs twice and both runs
# must give byte-identical standard output and statistics JSON.  Covers the
# multi-core scheduler (virt with 2 cores, fvp-r with 4 under an MPU
# program), the cycle model, a hypervisor boot, guests under the hypervisor
# model (sharing a core, and with the cycle model) and trace replays.
. tests/cli/lib.sh

BUILD=${BUILD:-build}
W=$BUILD/workloads

# twice NAME CMD...: CMD gets --stats-json FILE appended by the caller via $STATS
twice() {
    local name=$1; shift
    for i in 1 2; do
        STATS="$TMP/$name.$i.json"
        "$@" --stats-json "$STATS" >"$TMP/$name.$i.out" 2>"$TMP/$name.$i.err"
        echo $? >"$TMP/$name.$i.rc"
    done
    [ -s "$TMP/$name.1.json" ] || fail "$name: no statistics written"
    [ -s "$TMP/$name.1.out" ] || fail "$name: no output"
    cmp -s "$TMP/$name.1.rc" "$TMP/$name.2.rc" || fail "$name: exit status differs between runs"
    cmp -s "$TMP/$name.1.out" "$TMP/$name.2.out" || {
        fail "$name: stdout differs between runs"
        diff "$TMP/$name.1.out" "$TMP/$name.2.out" | head -10
    }
    cmp -s "$TMP/$name.1.json" "$TMP/$name.2.json" || {
        fail "$name: statistics JSON differs between runs"
        diff "$TMP/$name.1.json" "$TMP/$name.2.json" | head -10
    }
}

need() {
    [ -f "$1" ] || { fail "missing workload $1 (make the workloads first)"; return 1; }
}

if need "$W/mmu/mmu_smp.elf"; then
    twice virt-smp "$MSASIM" run --platform virt --cores 2 "$W/mmu/mmu_smp.elf"
    # The second core must really have run, or this checks one core only.
    grep -Eq '"cpu1.insns": [1-9]' "$TMP/virt-smp.1.json" || fail "virt-smp: core 1 ran no instructions"
fi
if need "$W/mpu/mpu_el1.elf"; then
    twice fvp-r-mpu "$MSASIM" run --platform fvp-r --cores 4 "$W/mpu/mpu_el1.elf"
    grep -Eq '"cpu3.insns": [1-9]' "$TMP/fvp-r-mpu.1.json" || fail "fvp-r-mpu: core 3 ran no instructions"
fi
if need "$W/timing/tm_mpu.elf"; then
    twice timing "$MSASIM" run --platform fvp-r --timing on "$W/timing/tm_mpu.elf"
fi
if need "$W/psci.elf"; then
    twice timing-virt "$MSASIM" run --platform virt --cores 2 --timing on "$W/psci.elf"
fi
twice boot "$MSASIM" boot
twice boot-virt "$MSASIM" boot --platform virt

# Guests under the hypervisor model: two domains sharing one core (the
# round robin), the same on their own cores with the cycle model, and the
# replay of a recorded run and of an imported Xen boot log.
G=$W/guests
if need "$G/sched.elf" && need "$G/sched2.elf"; then
    twice hv-shared "$MSASIM" run --hv xen-mpu --cores 1 "$G/sched.elf" "$G/sched2.elf"
    grep -Eq '"context_switches": [1-9]' "$TMP/hv-shared.1.json" ||
        fail "hv-shared: no context switches, the round robin did not run"
    twice hv-timing "$MSASIM" run --hv xen-mpu --cores 2 --timing on "$G/sched.elf" "$G/sched2.elf"
    "$MSASIM" run --hv xen-mpu --cores 1 --trace-out "$TMP/hv.mtrace" "$G/sched.elf" "$G/sched2.elf" \
        >/dev/null 2>&1 || fail "hv-shared: recording a trace failed"
    twice replay-run "$MSASIM" replay "$TMP/hv.mtrace"
fi
twice replay-xenlog "$MSASIM" replay traces/zcu102-xen4.16-dom0less.mtrace.gz

finish
