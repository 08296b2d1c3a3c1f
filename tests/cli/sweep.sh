#!/usr/bin/env bash
# sweep: the cross product runs, one CSV row per point with the parameters,
# status and summary figures; failing points are recorded, not fatal.
. tests/cli/lib.sh
W=${BUILD:-build}/workloads

expect_status 0 "$MSASIM" sweep --jobs 2 --param mpu-regions=16,255 --param cores=1,2 --out "$TMP/r.csv" \
    -- run --platform fvp-r "$W/arith.elf"
[ -f "$TMP/r.csv" ] || fail "no CSV written"
head -1 "$TMP/r.csv" | grep -q '^mpu-regions,cores,status,error,.*insns' ||
    fail "unexpected header: $(head -1 "$TMP/r.csv")"
[ "$(wc -l <"$TMP/r.csv")" -eq 5 ] || fail "expected 4 rows: $(cat "$TMP/r.csv")"
# Rows in cross-product order, last parameter fastest; regions_implemented follows --mpu-regions.
awk -F, 'NR==1 { for (i = 1; i <= NF; i++) if ($i == "regions_implemented") c = i; next }
          { print $1, $2, $3, $c }' "$TMP/r.csv" >"$TMP/cols"
printf '16 1 0 16\n16 2 0 16\n255 1 0 255\n255 2 0 255\n' >"$TMP/want"
diff -u "$TMP/want" "$TMP/cols" || fail "rows differ"

# A failing point keeps its row, with its status and error; the sweep exits 1.
expect_status 1 "$MSASIM" sweep --jobs 2 --param mpu-regions=16,0 --out "$TMP/f.csv" -- run --platform fvp-r "$W/arith.elf"
grep -q "^0,2,.*--mpu-regions: '0' is not accepted" "$TMP/f.csv" || fail "failing point not recorded: $(cat "$TMP/f.csv")"
grep -q '^16,0,' "$TMP/f.csv" || fail "good point missing: $(cat "$TMP/f.csv")"

expect_status 2 "$MSASIM" sweep --param mpu-regions -- run x
expect_stderr_has "expected NAME=V1,V2"
expect_status 2 "$MSASIM" sweep --param a=1
expect_stderr_has "missing '-- SUBCOMMAND"
finish
