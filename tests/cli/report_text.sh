#!/usr/bin/env bash
# msasim report, text and machine formats: the region report of a boot
# compared exactly with a golden file, every text report at most 100
# columns wide, sections that were not measured said so, and bad inputs.
. tests/cli/lib.sh
W=${BUILD:-build}/workloads
SH=$(shared_dir)
MSASIM=$(cd "$(dirname "$MSASIM")" && pwd)/$(basename "$MSASIM")

width_ok() { # FILE: no line wider than 100 columns
    awk -v f="$1" 'length($0) > 100 { printf "%s:%d is %d columns\n", f, NR, length($0); bad = 1 }
                   END { exit bad }' "$1" || fail "$1 is wider than 100 columns"
}

# The golden report: boot on fvp-r, the statistics named by a relative path.
(cd "$TMP" && "$MSASIM" boot --stats-json boot.json >/dev/null 2>&1) || fail "boot --stats-json failed"
(cd "$TMP" && "$MSASIM" report boot.json) >"$TMP/out" 2>"$TMP/err" || fail "report failed: $(cat "$TMP/err")"
expect_stdout_golden report-fvp-r.txt
width_ok "$TMP/out"
for section in "Key figures" "Region usage" "Peak regions by owner" "Who held each slot" \
    "Region pressure over time" "Map/unmap cost" "Speculation exposure: " \
    "CPI stack: not measured in this run." "Summary figures"; do
    expect_stdout_has "$section"
done
# --all adds every metric; the same report can be read from stdin.
expect_status 0 "$MSASIM" report --all "$TMP/boot.json"
expect_stdout_has "  hv.op.map"
width_ok "$TMP/out"
"$MSASIM" report - <"$TMP/boot.json" >"$TMP/stdin.txt" || fail "report - failed"
grep -q '^from -;' "$TMP/stdin.txt" || fail "report - does not name stdin"

# Other runs: the derived dom0less boot, a run with and without the cycle model.
if [ -n "$SH" ]; then
    D=$(ls "$SH"/data/dts/derived/*.dtb | head -1)
    expect_status 0 "$MSASIM" boot --platform "$D" --stats-json "$TMP/d.json"
    expect_status 0 "$MSASIM" report "$TMP/d.json"
    expect_stdout_has "guest_stage2 domU1"
    width_ok "$TMP/out"
else
    echo "SKIP: no shared data folder: the dom0less report is not checked"
fi
expect_status 0 "$MSASIM" run --platform fvp-r --stats-json "$TMP/run.json" "$W/hello.elf"
expect_status 0 "$MSASIM" report "$TMP/run.json"
expect_stdout_has "Slot timeline: not measured in this run."
expect_stdout_has "Map/unmap cost: not measured in this run."
width_ok "$TMP/out"
if "$MSASIM" run --help | grep -q -- '--timing'; then
    expect_status 0 "$MSASIM" run --platform fvp-r --timing on --stats-json "$TMP/t.json" "$W/hello.elf"
    expect_status 0 "$MSASIM" report "$TMP/t.json"
    expect_stdout_has "CPI stack (cycles by cause"
    expect_stdout_has "Functions with the most cycles"
    width_ok "$TMP/out"
fi

# Machine formats are unchanged: one figure a row, and the statistics file.
expect_status 0 "$MSASIM" report --format csv "$TMP/boot.json"
head -1 "$TMP/out" | grep -qx 'section,name,value' || fail "csv header: $(head -1 "$TMP/out")"
expect_stdout_has "summary,regions_peak,10"
expect_stdout_has "series,hv.core0.slot.0.owner.points,"
expect_status 0 "$MSASIM" report --format json -o "$TMP/again.json" "$TMP/boot.json"
cmp -s "$TMP/boot.json" "$TMP/again.json" || fail "report --format json is not the statistics file"

# A sweep CSV is recognised by its header.
printf 'p,status,error,regions_peak,map_cycles\na,0,,10,500\nb,0,,9,600\nc,1,"no, luck",,\n' >"$TMP/s.csv"
expect_status 0 "$MSASIM" report "$TMP/s.csv"
expect_stdout_has "3 points, 1 failed"
expect_stdout_has "exposure was not measured"
width_ok "$TMP/out"

# Bad inputs: one line naming the file, nothing written.
expect_status 2 "$MSASIM" report "$TMP/missing.json"
expect_stderr_has "$TMP/missing.json"
expect_one_line_stderr
printf '{"schema": "msasim-stats", "schema_version": 1, "summary": {"x": }}' >"$TMP/bad.json"
expect_status 2 "$MSASIM" report "$TMP/bad.json" -o "$TMP/never.txt"
expect_stderr_has "$TMP/bad.json: line 1"
[ -e "$TMP/never.txt" ] && fail "a failed report left its output file"
printf 'p,status,error\n1,0\n' >"$TMP/ragged.csv"
expect_status 2 "$MSASIM" report "$TMP/ragged.csv" --format html -o "$TMP/never.html"
expect_stderr_has "$TMP/ragged.csv: line 2: 2 fields, expected 3"
[ -e "$TMP/never.html" ] && fail "a failed report left its output file"
expect_status 2 "$MSASIM" report --format pdf "$TMP/boot.json"
expect_stderr_has "text|csv|json|html"
expect_status 2 "$MSASIM" report
expect_stderr_has "missing FILE"
finish
