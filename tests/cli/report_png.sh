#!/usr/bin/env bash
# tools/report-png.py: PNG charts of a statistics file and of a sweep CSV,
# drawn with matplotlib by the system's python3.
. tests/cli/lib.sh
PY=/usr/bin/python3
if ! "$PY" -c 'import matplotlib' 2>/dev/null; then
    echo "SKIP: matplotlib is not importable by $PY (tools/install-deps.sh installs python3-matplotlib)"
    exit 0
fi
is_png() { head -c 8 "$1" 2>/dev/null | od -An -c | grep -q 'P   N   G'; }

expect_status 0 "$MSASIM" boot --stats-json "$TMP/boot.json"
expect_status 0 "$PY" tools/report-png.py "$TMP/boot.json" -o "$TMP/png"
for chart in pressure slots costs; do
    f="$TMP/png/boot-$chart.png"
    is_png "$f" || fail "no $f"
    [ "$(wc -c <"$f")" -gt 5000 ] || fail "$f is suspiciously small"
    grep -qx "$f" "$TMP/out" || fail "$f is not listed on stdout"
done
# Nothing measured, nothing drawn: no exposure or CPI charts for a boot.
[ -e "$TMP/png/boot-exposure.png" ] && fail "an exposure chart without exposure data"
[ -e "$TMP/png/boot-cpi.png" ] && fail "a CPI chart without a CPI stack"

expect_status 1 "$MSASIM" sweep --jobs 2 --param mpu-regions=8,16,32 \
    --param hv-opt:alloc=first-fit,prenr --out "$TMP/sweep.csv" -- boot
expect_status 0 "$PY" tools/report-png.py "$TMP/sweep.csv" -o "$TMP/png" --dpi 80
is_png "$TMP/png/sweep-pareto.png" || fail "no Pareto chart"

# Bad inputs: a message, exit 2.
printf 'not, a, sweep\n' >"$TMP/x.csv"
expect_status 2 "$PY" tools/report-png.py "$TMP/x.csv" -o "$TMP/png"
expect_stderr_has "expected a statistics file or a sweep CSV"
printf '{"schema": "other"}' >"$TMP/x.json"
expect_status 2 "$PY" tools/report-png.py "$TMP/x.json" -o "$TMP/png"
expect_stderr_has "not an msasim statistics file"
expect_status 2 "$PY" tools/report-png.py "$TMP/none.json"
expect_stderr_has "$TMP/none.json"
finish
