#!/usr/bin/env bash
# Guests under the xen-mmu model on profile a (virt): the same EL1 guests
# as under xen-mpu, with the module's stage-2 page tables (VTTBR_EL2) in
# simulated RAM walked by the core, and the hypervisor's copies going
# through the pages map_domain_page handed out (checked against its EL2
# tables).  The guests print what they print under xen-mpu; the directmap
# makes the exposure of the guests' memory at EL2 visibly higher; a
# recorded run replays to the same figures; a module on the wrong profile
# is refused.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in hello mmio memops sched sched2; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done

summary() {   # summary FILE KEY
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$1" "$2"
}

for dm in on off; do
    expect_status 0 "$MSASIM" run --platform virt --hv xen-mmu --directmap $dm \
        --stats-json "$TMP/hello-$dm.json" "$G/hello.elf"
    cat >"$TMP/want" <<'OUT'
hello from a guest at EL1
xen_version: 0x0000000000040016 extraversion -msasim
yield ok, unknown hypercall -ENOSYS
OUT
    diff -u "$TMP/want" "$TMP/out" || fail "hello (directmap $dm): console output differs"
    [ "$(summary "$TMP/hello-$dm.json" consistency_errors)" = 0 ] ||
        fail "hello (directmap $dm): consistency errors"
    [ "$(summary "$TMP/hello-$dm.json" guest_hypercalls)" = 12 ] ||
        fail "hello (directmap $dm): expected 12 hypercalls"

    expect_status 0 "$MSASIM" run --platform virt --hv xen-mmu --directmap $dm \
        --stats-json "$TMP/mmio-$dm.json" "$G/mmio.elf"
    printf 'hello through the virtual PL011\ndata abort injected at the expected address\n' >"$TMP/want"
    diff -u "$TMP/want" "$TMP/out" || fail "mmio (directmap $dm): console output differs"
    [ "$(summary "$TMP/mmio-$dm.json" guest_aborts_injected)" = 1 ] ||
        fail "mmio (directmap $dm): expected one injected abort"

    expect_status 0 "$MSASIM" run --platform virt --hv xen-mmu --directmap $dm \
        --stats-json "$TMP/memops-$dm.json" "$G/memops.elf"
    expect_stdout_has "populate_physmap extents: ok 0x0000000000000010"
done

# The same guest copies either way; the directmap keeps every guest's
# memory mapped at EL2 the whole run, the mapcache only the pages in use.
python3 - "$TMP" <<'EOF' || fail "directmap on/off: figures not as expected"
import json, sys
bad = []
for g in ("hello", "mmio", "memops"):
    on = json.load(open("%s/%s-on.json" % (sys.argv[1], g)))["summary"]
    off = json.load(open("%s/%s-off.json" % (sys.argv[1], g)))["summary"]
    if on["map_domain_page_ops"] != off["map_domain_page_ops"]:
        bad.append("%s: map_domain_page_ops %s vs %s" % (g, on["map_domain_page_ops"],
                                                          off["map_domain_page_ops"]))
    if not on["exposure_byte_cycles"] > 100 * off["exposure_byte_cycles"] > 0:
        bad.append("%s: exposure %s (on) vs %s (off)" % (g, on["exposure_byte_cycles"],
                                                         off["exposure_byte_cycles"]))
for line in bad:
    print("  " + line)
sys.exit(1 if bad else 0)
EOF

# Two domains sharing a core; the trace of the run replays to the same
# figures.
expect_status 0 "$MSASIM" run --platform virt --hv xen-mmu --cores 1 --stats-json "$TMP/sched.json" \
    --trace-out "$TMP/sched.mtrace" "$G/sched.elf" "$G/sched2.elf"
expect_stdout_has "sched 0x61000000: done, state kept, yields 24"
expect_status 0 "$MSASIM" replay "$TMP/sched.mtrace" --stats-json "$TMP/sched.replay.json"
python3 - "$TMP/sched.json" "$TMP/sched.replay.json" <<'EOF' || fail "sched: replay differs from the run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for sec in ("summary", "counters", "gauges", "histograms", "series"):
    common = [k for k in a[sec] if k in b[sec]]
    bad += ["%s.%s" % (sec, k) for k in common if a[sec][k] != b[sec][k]]
if "exposure_byte_cycles" not in b["summary"]:
    bad.append("no exposure in the replay")
if bad:
    print("  differs: " + " ".join(bad[:8]))
sys.exit(1 if bad else 0)
EOF

# A module manages one profile.
expect_status 2 "$MSASIM" run --hv xen-mmu "$G/hello.elf"
expect_one_line_stderr
expect_stderr_has "the model manages profile a cores; fvp-r has profile r cores"
expect_status 2 "$MSASIM" run --platform virt --hv xen-mpu "$G/hello.elf"
expect_stderr_has "the model manages profile r cores; virt has profile a cores"
# --directmap is xen-mmu's.
expect_status 2 "$MSASIM" run --hv xen-mpu --directmap off "$G/hello.elf"
expect_stderr_has "unknown option 'directmap' of module xen-mpu"

finish
