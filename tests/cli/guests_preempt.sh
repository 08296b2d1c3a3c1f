#!/usr/bin/env bash
# The scheduler's timer: two guests that never trap share one core; the
# EL2 physical timer set to the end of each slice preempts the running
# one, so the short guest finishes first though the long one starts first.
# With a slice longer than both, nothing is preempted and they finish in
# start order.  Under xen-mpu and xen-mmu; the run's trace replays to the
# same figures.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in spin-long spin-short; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done
summary() {   # summary FILE KEY
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$1" "$2"
}

for platform in fvp-r:xen-mpu virt:xen-mmu; do
    p=${platform%%:*} hv=${platform#*:}
    expect_status 0 "$MSASIM" run --platform "$p" --hv "$hv" --cores 1 --hv-opt slice=100000 \
        --stats-json "$TMP/$hv.json" --trace-out "$TMP/$hv.trace" "$G/spin-long.elf" "$G/spin-short.elf"
    printf 'short done: 0x207760476f4df7d5\nlong done: 0xb82d6ccdd1721995\n' >"$TMP/want"
    diff -u "$TMP/want" "$TMP/out" || fail "$hv: the short guest did not finish first"
    n=$(summary "$TMP/$hv.json" guest_preemptions)
    [ "$n" -ge 5 ] || fail "$hv: $n preemptions, expected the timer to preempt at least 5 times"
    expect_status 0 "$MSASIM" replay "$TMP/$hv.trace" --stats-json "$TMP/$hv.replay.json"
    for k in context_switches regions_peak map_ops exposure_byte_cycles; do
        [ "$(summary "$TMP/$hv.json" $k)" = "$(summary "$TMP/$hv.replay.json" $k)" ] ||
            fail "$hv: replay's $k differs from the run's"
    done

    expect_status 0 "$MSASIM" run --platform "$p" --hv "$hv" --cores 1 --hv-opt slice=100000000 \
        --stats-json "$TMP/$hv-long.json" "$G/spin-long.elf" "$G/spin-short.elf"
    printf 'long done: 0xb82d6ccdd1721995\nshort done: 0x207760476f4df7d5\n' >"$TMP/want"
    diff -u "$TMP/want" "$TMP/out" || fail "$hv: a slice longer than both still preempted"
    [ "$(summary "$TMP/$hv-long.json" guest_preemptions)" = 0 ] || fail "$hv: preempted without cause"
done

# On their own cores nobody waits: the timer stays off.
expect_status 0 "$MSASIM" run --hv xen-mpu --cores 2 --hv-opt slice=1000 --stats-json "$TMP/two.json" \
    "$G/spin-long.elf" "$G/spin-short.elf"
[ "$(summary "$TMP/two.json" guest_preemptions)" = 0 ] || fail "two cores: preempted a vCPU alone on its core"

finish
