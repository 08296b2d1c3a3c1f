#!/usr/bin/env bash
# The design sweep of the README: --mpu-regions x the xen-mpu allocation
# policies, on the built-in fvp-r and on the derived dom0less device tree.
# Every CSV row is checked against the same boot run on its own, and the
# HTML report must hold the Pareto view (checked against a brute-force
# front computed here).
. tests/cli/lib.sh
SH=$(shared_dir)
PLATFORMS=fvp-r
DERIVED=
if [ -n "$SH" ]; then
    DERIVED=$(ls "$SH"/data/dts/derived/*.dtb 2>/dev/null | head -1)
fi
if [ -n "$DERIVED" ]; then
    PLATFORMS="fvp-r,$DERIVED"
else
    echo "SKIP: no shared data folder (MSASIM_SHARED or ../shared): sweeping fvp-r alone"
fi
nplat=$(tr ',' '\n' <<<"$PLATFORMS" | wc -l)

expect_status 1 "$MSASIM" sweep --jobs 2 --param mpu-regions=8,12,16,32 \
    --param hv-opt:alloc=first-fit,reserved=4,prenr --param "platform=$PLATFORMS" \
    --out "$TMP/r.csv" --html "$TMP/r.html" -- boot
expect_stderr_has "point(s) failed"
[ -s "$TMP/r.csv" ] || { fail "no CSV"; finish; }
head -1 "$TMP/r.csv" | grep -q '^mpu-regions,hv-opt:alloc,platform,status,error,regions_peak,regions_implemented,region_failures,map_ops,map_cycles,' ||
    fail "unexpected header: $(head -1 "$TMP/r.csv")"
rows=$(($(wc -l <"$TMP/r.csv") - 1))
[ "$rows" -eq $((4 * 3 * nplat)) ] || fail "$rows rows, expected $((4 * 3 * nplat))"

# Each row is what that boot gives when run alone.
i=0
tail -n +2 "$TMP/r.csv" | while IFS= read -r line; do
    i=$((i + 1))
    regions=${line%%,*}
    rest=${line#*,}
    alloc=${rest%%,*}
    rest=${rest#*,}
    plat=${rest%%,*}
    rest=${rest#*,}
    status=${rest%%,*}
    "$MSASIM" boot --mpu-regions="$regions" --hv-opt="alloc=$alloc" --platform="$plat" \
        --stats-json "$TMP/one.json" >/dev/null 2>"$TMP/one.err"
    want_status=$?
    [ "$status" = "$want_status" ] || echo "row $i ($regions $alloc $plat): status $status, alone $want_status"
    if [ "$status" != 0 ]; then
        grep -q "$(tail -1 "$TMP/one.err" | cut -c1-60)" <<<"$line" || echo "row $i: error differs"
    fi
    # The summary figures, in the CSV's column order.
    want=$("$MSASIM" report "$TMP/one.json" --format csv | awk -F, '$1 == "summary" { printf ",%s", $3 }')
    # After the status: the error (empty, or quoted: it has commas), then the figures.
    if [ "$status" = 0 ]; then got=${rest#*,}; else got=",${line##*\",}"; fi
    [ "$got" = "$want" ] || echo "row $i ($regions $alloc $plat): figures $got, alone $want"
done >"$TMP/mismatch"
[ -s "$TMP/mismatch" ] && { fail "rows differ from single runs"; head -5 "$TMP/mismatch"; }

# regions_implemented follows --mpu-regions; 8 regions never hold the boot layout.
awk -F, 'NR > 1 && $1 != $7 && $4 == 0 { print "row " NR ": implemented " $7 " for " $1 }' \
    "$TMP/r.csv" | head -3 | while read -r l; do echo "$l"; done >"$TMP/impl"
[ -s "$TMP/impl" ] && fail "$(cat "$TMP/impl")"
grep -q '^8,.*,1,"msasim: xen-mpu: region exhaustion' "$TMP/r.csv" || fail "8 regions did not exhaust"
grep -q '^32,prenr,fvp-r,0,' "$TMP/r.csv" || fail "32 regions with prenr failed on fvp-r"

# The Pareto front of each platform (the report's first chart: map_cycles
# against exposure_byte_cycles when the runs measured exposure, else
# regions_peak against map_cycles; failed points and points that ran out of
# regions out), by brute force, against the report's pareto column.
EXP=$(head -1 "$TMP/r.csv" | tr ',' '\n' | grep -nx exposure_byte_cycles | cut -d: -f1)
"$MSASIM" report "$TMP/r.csv" --format csv >"$TMP/p.csv" || fail "report --format csv failed"
awk -F, -v e="${EXP:-0}" 'NR > 1 && $4 == 0 && $8 == 0 { n++; plat[n] = $3; key[n] = $1 "," $2 "," $3
                                   if (e) { x[n] = $10; y[n] = $e } else { x[n] = $6; y[n] = $10 } }
         END { for (i = 1; i <= n; i++) { d = 0
                 for (j = 1; j <= n; j++)
                   if (plat[j] == plat[i] && x[j] <= x[i] && y[j] <= y[i] && (x[j] < x[i] || y[j] < y[i])) d = 1
                 if (!d) print key[i] } }' "$TMP/r.csv" | sort >"$TMP/front.want"
awk -F, 'NR > 1 && $NF == 1 { print $1 "," $2 "," $3 }' "$TMP/p.csv" | sort >"$TMP/front.got"
[ -s "$TMP/front.want" ] || fail "no Pareto-optimal point at all"
diff -u "$TMP/front.want" "$TMP/front.got" || fail "Pareto front differs"

# The HTML report: the Pareto view per platform, its table, every point.
[ -s "$TMP/r.html" ] || fail "no HTML report"
for id in pareto-0-0 pareto-table-0 results-table failed-table parameter-table; do
    grep -q "id=\"$id\"" "$TMP/r.html" || fail "HTML lacks #$id"
done
[ -z "$DERIVED" ] || grep -q 'id="pareto-1-0"' "$TMP/r.html" || fail "HTML lacks the second platform"
[ -n "$EXP" ] || grep -q "Exposure was not measured in this sweep" "$TMP/r.html" ||
    fail "HTML does not say exposure is missing"
grep -q "<script" "$TMP/r.html" && fail "HTML has a script"
# The same report from the CSV alone.
"$MSASIM" report "$TMP/r.csv" --format html -o "$TMP/r2.html" || fail "report --format html failed"
sed "s|From $TMP/r.csv|From X|" "$TMP/r.html" >"$TMP/a"
sed "s|From $TMP/r.csv|From X|" "$TMP/r2.html" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "sweep --html and report --format html differ"
finish
