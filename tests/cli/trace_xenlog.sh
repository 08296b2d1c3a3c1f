#!/usr/bin/env bash
# tools/xenlog2trace: its own tests (tests/tools/test_xenlog2trace.py), then
# the traces it makes of the shared Xen boot logs: they replay with the
# module they name, convert to binary and back byte for byte, and their
# device-tree source compiles.
. tests/cli/lib.sh

[ -x tools/xenlog2trace ] || fail "tools/xenlog2trace is missing or not executable"
python3 tests/tools/test_xenlog2trace.py >"$TMP/py.log" 2>&1 ||
    { fail "tests/tools/test_xenlog2trace.py failed"; tail -25 "$TMP/py.log"; }
grep -q '^skip:' "$TMP/py.log" && grep '^skip:' "$TMP/py.log"

expect_status 2 tools/xenlog2trace
expect_status 2 tools/xenlog2trace "$TMP/no-such.log" -o "$TMP/x.trace"
expect_stderr_has "no-such.log: No such file or directory"

# The log captured in this repository (tests/data/xenlog/capture.sh), then
# the shared ones.
logs=(tests/data/xenlog/*.log)
if S=$(shared_dir); then
    logs+=("$S"/data/bootlogs/*.log)
else
    echo "skip: shared data folder not found (set MSASIM_SHARED): shared logs not imported"
fi
for log in "${logs[@]}"; do
    b=$(basename "$log" .log)
    expect_status 0 tools/xenlog2trace "$log" -o "$TMP/$b.trace" --dts "$TMP/$b.dts" -q
    expect_status 0 "$MSASIM" replay "$TMP/$b.trace" --stats-json "$TMP/$b.json"
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; sys.exit(0 if s["region_failures"]==0 and s["map_domain_page_ops"]>0 and s["domains"]>=1 else 1)' \
        "$TMP/$b.json" || fail "$b: the imported trace's replay has failures or no domain built"
    expect_status 0 "$MSASIM" trace convert "$TMP/$b.trace" "$TMP/$b.mtrace"
    expect_status 0 "$MSASIM" trace convert "$TMP/$b.mtrace" "$TMP/$b.back.trace"
    cmp -s "$TMP/$b.trace" "$TMP/$b.back.trace" ||
        fail "$b: the importer's text is not canonical (text -> binary -> text differs)"
    if command -v dtc >/dev/null 2>&1; then
        dtc -q -I dts -O dtb -o "$TMP/$b.dtb" "$TMP/$b.dts" || fail "$b: the DTS does not compile"
        expect_status 0 "$MSASIM" platform show "$TMP/$b.dtb"
    fi
done
if [ -n "${S:-}" ]; then
    # Fewer regions than the imported design needs: reported, not fatal.
    zcu="$TMP/01-zcu102-xen4.16-dom0-plus-dom0less-domU-static-mem.trace"
    expect_status 0 "$MSASIM" replay "$zcu" --mpu-regions 10 --json
    expect_stdout_has '"region_failures": '
    expect_stderr_has "region exhaustion event"
fi
finish
