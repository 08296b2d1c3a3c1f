#!/usr/bin/env bash
# Grant tables between two guests under `msasim run --hv xen-mpu`: domain A
# (grant.elf, domid 1) places its grant-table frame and grants two pages to
# domain B (grant2.elf, domid 2), which maps one, reads and writes it,
# copies from it with GNTTABOP_copy and meets Xen's refusals.  Checked:
# each domain's lines (golden), the same on separate cores and sharing one
# core, the grant figures, and the region pressure the mapped grants add
# against the same run where B reaches A's page with copies only.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
for g in grant grant2 grant_nomap2; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done

value() {  # value SECTION KEY FILE
    python3 -c "import json,sys; print(int(json.load(open(sys.argv[3]))[sys.argv[1]][sys.argv[2]]))" "$1" "$2" "$3"
}
expect_value() {  # expect_value FILE SECTION KEY VALUE
    local got; got=$(value "$2" "$3" "$1")
    [ "$got" = "$4" ] || fail "$1: $2 $3 = $got, expected $4"
}

cat >"$TMP/want_a" <<'OUT'
grant A: add_to_physmap of grant frame 1 (the table has one): -22 ok
grant A: add_to_physmap of the grant-table frame: 0 ok
grant A: setup_table: 0 ok
grant A: setup_table frame is where it was placed: 1 ok
grant A: granted ref 1 (writable) and ref 3 (read-only) to domain 2
grant A: domain 2 wrote back 0xb0b0cafe
grant A: done marker copied in by domain 2
grant A: ref 1 flags once domain 2 is done (GTF_reading/GTF_writing clear): 1 ok
grant A: ref 3 flags once domain 2 is done: 5 ok
grant A: grants revoked
OUT
cat >"$TMP/want_b" <<'OUT'
grant B: map ref 2, never granted: -1 ok
grant B: map ref 1 of domain 1: 0 ok
grant B: dev_bus_addr is the granted page: 1 ok
grant B: read through the mapping: pattern ok
grant B: read through the mapping after a yield: pattern ok
grant B: map ref 1 again at another address (PMSA maps flat): -1 ok
grant B: map read-only ref 3 writable: -1 ok
grant B: map read-only ref 3 read-only: 0 ok
grant B: read through the read-only mapping: pattern ok
grant B: unmap ref 3: 0 ok
grant B: map ref 600 (beyond the table): -3 ok
grant B: map from domain 9 (none): -2 ok
grant B: map without GNTMAP_host_map: -3 ok
grant B: unmap ref 1: 0 ok
grant B: unmap the same handle again: -4 ok
grant B: unmap handle 999: -4 ok
grant B: copy 512 bytes from ref 1: 0 ok
grant B: the copy: pattern ok
grant B: the copy has the reply: 1 ok
grant B: three copies in one call: 0 ok
grant B:   to offset 2048: 0 ok
grant B:   from offset 4000, 200 bytes: -10 ok
grant B:   from domain 1's frame without a grant: -8 ok
grant B: the copy at 2048: pattern ok
grant B: done marker copied to ref 1: 0 ok
grant B: done
OUT

check_lines() {  # check_lines WHAT: the last run's lines of each domain
    grep '^grant A:' "$TMP/out" | diff -u "$TMP/want_a" - || fail "$1: domain A's lines differ"
    grep '^grant B:' "$TMP/out" | diff -u "$TMP/want_b" - || fail "$1: domain B's lines differ"
    [ "$(grep -vc '^grant [AB]:' "$TMP/out")" -eq 0 ] || fail "$1: lines from neither domain"
}

# Each domain on a core of its own (fvp-r has 4): B's grant regions go
# live on core 1 while B runs there.
expect_status 0 "$MSASIM" run --hv xen-mpu --stats-json "$TMP/map.json" "$G/grant.elf" "$G/grant2.elf"
check_lines "separate cores"
expect_value "$TMP/map.json" summary grant_maps 2           # ref 1, then ref 3 read-only
expect_value "$TMP/map.json" summary grant_unmaps 2
expect_value "$TMP/map.json" summary grant_copies 3         # one, one of a batch of three, the marker
expect_value "$TMP/map.json" summary grant_regions_peak 2   # ref 1 and ref 3 mapped at once
expect_value "$TMP/map.json" summary consistency_errors 0
expect_value "$TMP/map.json" counters hv.gnttab.copy_bytes 772
# B's stage-2 regions: its memory and the two grants.
expect_value "$TMP/map.json" gauges hv.core1.regions.domain.domU2.peak 3
expect_value "$TMP/map.json" gauges hv.core0.regions.domain.domU1.peak 1

# The same guests' work, B using copies only: no grant region.
expect_status 0 "$MSASIM" run --hv xen-mpu --stats-json "$TMP/nomap.json" "$G/grant.elf" "$G/grant_nomap2.elf"
grep '^grant A:' "$TMP/out" | diff -u "$TMP/want_a" - || fail "copies only: domain A's lines differ"
expect_stdout_has "grant B: reply copied to ref 1: 0 ok"
expect_stdout_has "grant B: done"
expect_value "$TMP/nomap.json" summary grant_maps 0
expect_value "$TMP/nomap.json" summary grant_regions_peak 0
expect_value "$TMP/nomap.json" summary consistency_errors 0
expect_value "$TMP/nomap.json" gauges hv.core1.regions.domain.domU2.peak 1
with=$(value summary regions_runtime_peak "$TMP/map.json")
without=$(value summary regions_runtime_peak "$TMP/nomap.json")
[ "$with" -gt "$without" ] ||
    fail "regions_runtime_peak $with with the grants mapped, $without without: expected higher"
core1=$(value gauges hv.core1.regions.runtime.peak "$TMP/map.json")
core1_nomap=$(value gauges hv.core1.regions.runtime.peak "$TMP/nomap.json")
[ "$core1" -eq $((core1_nomap + 1)) ] ||
    fail "core 1 runtime peak $core1 with the grants, $core1_nomap without: expected one more"

# One core for both: B yields with the grant mapped and comes back through
# a context switch that loads the grant's region with its own (the read
# after the yield); the lines are the same.
expect_status 0 "$MSASIM" run --hv xen-mpu --cores 1 --mpu-regions 16 --stats-json "$TMP/one.json" \
    "$G/grant.elf" "$G/grant2.elf"
check_lines "one core"
expect_value "$TMP/one.json" summary grant_maps 2
expect_value "$TMP/one.json" summary consistency_errors 0
expect_value "$TMP/one.json" gauges hv.core0.regions.domain.domU2.peak 3
switches=$(value summary context_switches "$TMP/one.json")
[ "$switches" -gt 2 ] || fail "one core: $switches context switches, expected the domains to alternate"

# A alone: it waits for B, gives up and crashes, saying so.
expect_status 1 timeout 120 "$MSASIM" run --hv xen-mpu "$G/grant.elf"
expect_stdout_has "grant A: gave up waiting for the other domain"
finish
