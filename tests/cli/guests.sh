#!/usr/bin/env bash
# `msasim run --hv xen-mpu GUEST` on profile r: guests at EL1 under stage 2,
# their hypercalls, virtual PL011 and injected aborts; console output, exit
# status and the memory manager's figures.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in hello mmio memops sched hello2 sched2 sched3; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done

summary() {  # summary KEY FILE
    python3 -c "import json,sys; print(int(json.load(open(sys.argv[2]))['summary'][sys.argv[1]]))" "$1" "$2"
}
expect_summary() {  # expect_summary FILE KEY VALUE
    local got; got=$(summary "$2" "$1")
    [ "$got" = "$3" ] || fail "$1: summary $2 = $got, expected $3"
}

# hello: console_io, xen_version (with extraversion copied to the guest),
# yield, an unknown hypercall, SCHEDOP_shutdown(poweroff).
for n in 16 32; do
    expect_status 0 "$MSASIM" run --hv xen-mpu --mpu-regions $n --stats-json "$TMP/hello$n.json" "$G/hello.elf"
    cat >"$TMP/want" <<'OUT'
hello from a guest at EL1
xen_version: 0x0000000000040016 extraversion -msasim
yield ok, unknown hypercall -ENOSYS
OUT
    diff -u "$TMP/want" "$TMP/out" || fail "hello ($n regions): console output differs"
    # 8 boot regions, the heap's device-tree copy gone, + the guest's region;
    # the kernel and DTB copies map 4 pages, the 9 guest copies ride on the
    # guest's stage-2 region.
    expect_summary "$TMP/hello$n.json" regions_peak 11
    expect_summary "$TMP/hello$n.json" map_domain_page_ops 13
    expect_summary "$TMP/hello$n.json" guest_map_domain_page_ops 9
    expect_summary "$TMP/hello$n.json" guest_hypercalls 12
    expect_summary "$TMP/hello$n.json" consistency_errors 0
done

# The same guest as an arm64 Image (what real Xen loads).
expect_status 0 "$MSASIM" run --hv xen-mpu "$G/hello.Image"
expect_stdout_has "hello from a guest at EL1"

# mmio: the virtual PL011 emulated from stage-2 aborts, then an access
# outside the domain injected back as a data abort.
expect_status 0 "$MSASIM" run --hv xen-mpu --stats-json "$TMP/mmio.json" "$G/mmio.elf"
printf 'hello through the virtual PL011\ndata abort injected at the expected address\n' >"$TMP/want"
diff -u "$TMP/want" "$TMP/out" || fail "mmio: console output differs"
expect_summary "$TMP/mmio.json" guest_aborts_injected 1
mmio=$(summary guest_mmio_emulated "$TMP/mmio.json")
[ "$mmio" -ge 70 ] || fail "mmio: $mmio emulated accesses, expected at least 70"

# memops: XENMEM_populate_physmap and XENMEM_decrease_reservation of 2
# extents, 8 times, on the domain's own static pages; an extent outside stops
# the call (Xen returns the extents done), increase_reservation completes
# nothing on a static domain, an unreadable reservation is -EFAULT.
expect_status 0 "$MSASIM" run --hv xen-mpu --stats-json "$TMP/memops.json" "$G/memops.elf"
cat >"$TMP/want" <<'OUT'
populate_physmap extents: ok 0x0000000000000010
decrease_reservation extents: ok 0x0000000000000010
populate_physmap with an extent outside: ok 0x0000000000000001
increase_reservation: ok 0x0000000000000000
reservation outside the domain: ok 0xfffffffffffffff2
OUT
diff -u "$TMP/want" "$TMP/out" || fail "memops: console output differs"
# 16 memory_op calls + 3 + 20 console writes + shutdown = 40 hypercalls.
# map_domain_page: each memory_op maps the reservation and one page per
# extent entry read, 3 per call, i.e. 6 per loop iteration (48); then 3 for
# the extent outside, 1 for increase_reservation, 0 for the unreadable
# reservation; the console writes and the shutdown argument map 22.
expect_summary "$TMP/memops.json" guest_hypercalls 40
expect_summary "$TMP/memops.json" guest_map_domain_page_ops 74
expect_summary "$TMP/memops.json" consistency_errors 0

# A bare-metal EL2 program run as a guest has no EL1 vectors: its first
# abort is injected again and again; the run stops with exit 1, naming it.
expect_status 1 timeout 60 "$MSASIM" run --hv xen-mpu "${BUILD:-build}/workloads/hello.elf"
expect_stderr_has "loop of injected aborts"

counter() {  # counter KEY FILE
    python3 -c "import json,sys; print(int(json.load(open(sys.argv[2]))['counters'][sys.argv[1]]))" "$1" "$2"
}

# Several guests on one core, scheduled round robin: each sched guest (at
# 0x60000000, 0x61000000, 0x62000000) prints a line per round and yields or
# waits (WFI) between rounds; every yield and block gives the core to the
# next domain.  Lines of different guests interleave, deterministically.
sched_lines() {  # sched_lines BASE...: the lines each guest prints
    for b in "$@"; do
        echo "sched $b: start, rounds 8"
        for r in 0 1 2 3 4 5 6 7; do echo "sched $b: round $r"; done
        echo "sched $b: done, state kept, yields 24"
    done
}
for n in 2 3; do
    set -- "$G/sched.elf" "$G/sched2.elf" "$G/sched3.elf"
    guests=("${@:1:$n}")
    bases=(0x60000000 0x61000000 0x62000000)
    expect_status 0 "$MSASIM" run --hv xen-mpu --cores 1 --mpu-regions 16 \
        --stats-json "$TMP/sched$n.json" "${guests[@]}"
    sched_lines "${bases[@]:0:$n}" | sort >"$TMP/want"
    sort "$TMP/out" | diff -u "$TMP/want" - || fail "sched x$n: the guests' lines differ"
    cp "$TMP/out" "$TMP/sched$n.out"
    expect_status 0 "$MSASIM" run --hv xen-mpu --cores 1 --mpu-regions 16 "${guests[@]}"
    cmp -s "$TMP/out" "$TMP/sched$n.out" || fail "sched x$n: two runs printed differently"
    # Rounds interleave: the second guest starts before the first is done.
    [ "$(sed -n 2p "$TMP/sched$n.out")" = "sched 0x61000000: start, rounds 8" ] ||
        fail "sched x$n: the second guest did not run while the first yielded"
    yields=$(counter hv.guest.yields "$TMP/sched$n.json")
    blocks=$(counter hv.guest.blocks "$TMP/sched$n.json")
    [ "$yields" -eq $((16 * n)) ] || fail "sched x$n: $yields yields, expected $((16 * n))"
    [ "$blocks" -eq $((8 * n)) ] || fail "sched x$n: $blocks blocks (WFI), expected $((8 * n))"
    switches=$(summary context_switches "$TMP/sched$n.json")
    [ "$switches" -gt $((yields + blocks)) ] ||
        fail "sched x$n: $switches context switches, expected more than $((yields + blocks))"
    # Only the running domain's region is in the MPU at run time.
    expect_summary "$TMP/sched$n.json" regions_peak 11
    expect_summary "$TMP/sched$n.json" regions_runtime_peak 9
    expect_summary "$TMP/sched$n.json" consistency_errors 0
done

# The time slice: with slice=1 every trap hands the core on, so two hello
# guests switch at each hypercall instead of at their one yield.
expect_status 0 "$MSASIM" run --hv xen-mpu --cores 1 --stats-json "$TMP/slice1.json" \
    --hv-opt slice=1 "$G/hello.elf" "$G/hello2.elf"
expect_status 0 "$MSASIM" run --hv xen-mpu --cores 1 --stats-json "$TMP/slicedef.json" \
    "$G/hello.elf" "$G/hello2.elf"
[ "$(grep -c 'yield ok' "$TMP/out")" -eq 2 ] || fail "two hellos: expected two 'yield ok' lines"
s1=$(summary context_switches "$TMP/slice1.json")
sd=$(summary context_switches "$TMP/slicedef.json")
[ "$s1" -gt $((sd + 10)) ] || fail "slice=1: $s1 context switches, default slice $sd"

# Guests on cores of their own (the default 4 cores of fvp-r) need no
# switches at run time; one guest's poweroff does not end the other.
expect_status 0 "$MSASIM" run --hv xen-mpu "$G/hello.elf" "$G/sched2.elf"
expect_stdout_has "sched 0x61000000: done, state kept, yields 24"
expect_stdout_has "yield ok, unknown hypercall -ENOSYS"

# Bad input: one line each, exit status 2.
expect_status 2 "$MSASIM" run --hv xen-mpu --hv-opt slice=0 "$G/hello.elf"
expect_stderr_has "slice=0"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --hv xen-mpu --platform virt "$G/hello.elf"
expect_stderr_has "profile r"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --hv no-such-module "$G/hello.elf"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --hv xen-mpu "$TMP/missing.elf"
expect_stderr_has "$TMP/missing.elf"
expect_one_line_stderr
finish
