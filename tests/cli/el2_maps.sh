#!/usr/bin/env bash
# What software at EL2 maps, observed from its tables (el2maps.* in the
# statistics), and calls per function, on a program whose tables and calls
# are known from its source (workloads/mmu/mmu_exposure.c): the page-table
# pages of the EL2 regime and of the guest's stage 2, the guest's RAM, how
# much of it EL2 can read before and after the hypervisor unmaps half of its
# directmap, the exposure in byte-cycles (cycle model only), and the calls
# the cycle model attributes to functions.  3000 TLBIs in a row are read
# after with paced readings (fewer readings than TLBIs, some deferred), and
# the figures at the end are still exact.
. tests/cli/lib.sh
ELF=${BUILD:-build}/workloads/mmu/mmu_exposure.elf
[ -f "$ELF" ] || { fail "$ELF was not built"; finish; }

# check FILE: python assertions over the statistics d, c (counters), g
# (gauges), s (summary); a failing one is printed.
check() {
    local f=$1
    shift
    python3 - "$f" "$@" <<'PY' || fail "$f: statistics not as expected"
import json, sys
d = json.load(open(sys.argv[1]))
c, g, s = d["counters"], d["gauges"], d["summary"]
ok = True
for expr in sys.argv[2:]:
    try:
        good = eval(expr)
    except KeyError as e:
        good = False
        print("  missing %s in: %s" % (e, expr))
    if not good:
        print("  not true: %s" % expr)
        ok = False
sys.exit(0 if ok else 1)
PY
}

MiB=1048576
for timing in on off; do
    expect_status 0 "$MSASIM" run --platform virt --hv none --timing $timing "$ELF" \
        --stats-json "$TMP/$timing.json"
    expect_stdout_has "el2: upper 4 MiB of the directmap unmapped"
    expect_stdout_has "el2: 3000 TLBIs"
    check "$TMP/$timing.json" \
        'g["el2maps.el2.table_pages"] == 4' \
        'g["el2maps.vmid3.s2_table_pages"] == 5' \
        'g["el2maps.table_pages"] == 9 and s["page_table_pages"] == 9' \
        "g['el2maps.vmid3.ram_bytes'] == 12 * $MiB" \
        "g['el2maps.vmid3.el2_readable_bytes_peak'] == 12 * $MiB" \
        "g['el2maps.vmid3.el2_readable_bytes'] == 8 * $MiB" \
        'c["el2maps.truncated"] == 0' \
        '0 < c["el2maps.rereads"] < 3000 and c["el2maps.rereads_deferred"] > 0' \
        'not any(k.startswith("el2maps.vmid") and not k.startswith("el2maps.vmid3.") for k in g)'
done
# Exposure needs the cycles at EL2: EL2 ran both with 12 MiB readable (the
# guest's exits, the unmapping) and with 8 MiB (the spin after it), so the
# integral lies strictly between 8 and 12 MiB times those cycles.
check "$TMP/on.json" \
    "0 < c['el2maps.el2_cycles'] <= c['cpu0.el2_cycles']" \
    "8 * $MiB * c['el2maps.el2_cycles'] < g['el2maps.vmid3.exposure_byte_cycles'] < 12 * $MiB * c['el2maps.el2_cycles']" \
    's["exposure_byte_cycles"] == g["el2maps.vmid3.exposure_byte_cycles"]'
check "$TMP/off.json" \
    '"el2maps.vmid3.exposure_byte_cycles" not in g and "exposure_byte_cycles" not in s'

# Calls: BL from another file, BLR from the runtime's assembly (the guest
# function, the exception handler), each entry once; loops inside a
# function are not calls.
check "$TMP/on.json" \
    'c["func.puts_.calls"] == 3' 'c["func.put_kv.calls"] == 1' 'c["func.main.calls"] == 1' \
    'c["func.run_el1.calls"] == 1' 'c["func.guest.calls"] == 1' 'c["func.exc_el2.calls"] == 1'

# Under a hypervisor model the model counts its own exposure: no el2maps.
G=${BUILD:-build}/workloads/guests/hello.elf
if [ -f "$G" ]; then
    expect_status 0 "$MSASIM" run --platform virt --hv xen-mmu "$G" --stats-json "$TMP/hv.json"
    check "$TMP/hv.json" 'not any(k.startswith("el2maps.") for k in list(c) + list(g))'
fi
finish
