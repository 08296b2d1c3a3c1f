#!/usr/bin/env bash
# msasim boot --hv xen-mmu on virt: the layout report with the directmap on
# and off against goldens, the summary keys, and the speculation exposure,
# which the directmap must make higher (all free RAM readable at EL2).
. tests/cli/lib.sh

for dm in on off; do
    expect_status 0 "$MSASIM" boot --platform virt --hv xen-mmu --directmap "$dm" --json
    expect_stdout_golden "boot-virt-mmu-directmap-$dm.json"
    expect_status 0 "$MSASIM" boot --platform virt --hv xen-mmu --directmap "$dm" \
        --stats-json "$TMP/stats-$dm.json"
    for key in '"regions_peak"' '"map_ops"' '"map_cycles"' '"exposure_byte_cycles"' \
               '"pt_pages"' '"tlbi_ops"'; do
        grep -qF -- "$key" "$TMP/stats-$dm.json" || fail "directmap $dm: stats lack $key"
    done
done
# The same as --hv-opt directmap=off.
expect_status 0 "$MSASIM" boot --platform virt --hv xen-mmu --hv-opt directmap=off --json
expect_stdout_golden boot-virt-mmu-directmap-off.json

expo() {
    sed -n 's/.*"exposure_byte_cycles": \([0-9.e+]*\).*/\1/p' "$1" | head -1
}
on=$(expo "$TMP/stats-on.json")
off=$(expo "$TMP/stats-off.json")
awk -v a="$on" -v b="$off" 'BEGIN { exit !(a > b && a > 0) }' ||
    fail "exposure with the directmap ($on) is not above the one without ($off)"
grep -qF '"exposure.pair.xen.free.byte_cycles"' "$TMP/stats-on.json" ||
    fail "stats lack the xen -> free exposure pair"

# --directmap does not apply to xen-mpu: said, and the boot goes on.
expect_status 0 "$MSASIM" boot --directmap on
expect_stderr_has "--directmap does not apply to module xen-mpu"
# A bad value of the module's option.
expect_status 2 "$MSASIM" boot --platform virt --hv xen-mmu --hv-opt mapcache-slots=0
expect_stderr_has "mapcache-slots=N with N from 1 to 64"
finish
