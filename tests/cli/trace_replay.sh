#!/usr/bin/env bash
# Boot traces end to end: `boot --trace-out` then `replay` reproduces the
# run's statistics exactly (fvp-r, and the shared dom0less tree at 16, 32
# and 255 regions), a replay recorded again gives the same events, the two
# forms convert losslessly both ways, gzipped traces replay, a replay under
# fewer regions reports exhaustion without dying and equals a live run that
# continues on exhaustion, another module replays the same trace, and the
# sample traces in traces/ replay.
. tests/cli/lib.sh
BUILD=${BUILD:-build}
MSASIM_ABS=$(cd "$(dirname "$MSASIM")" && pwd)/$(basename "$MSASIM")

if ! "$MSASIM" replay --help >/dev/null 2>&1; then
    fail "'$MSASIM replay' is not a subcommand"
    finish
fi

# same_stats A.json B.json: every figure equal (meta and replay.* aside).
same_stats() {
    python3 - "$1" "$2" <<'EOF' || fail "statistics of $1 and $2 differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for sec in ("summary", "counters", "gauges", "histograms", "series"):
    x = {k: v for k, v in a.get(sec, {}).items() if not k.startswith("replay.")}
    y = {k: v for k, v in b.get(sec, {}).items() if not k.startswith("replay.")}
    if x != y:
        keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
        bad.append("%s: %s" % (sec, ", ".join(keys[:8])))
for line in bad:
    print("  differs in", line)
sys.exit(1 if bad else 0)
EOF
}

summary_of() {   # summary_of FILE KEY
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$1" "$2"
}

events_of() {    # the event lines of a text trace
    sed -n '/^events$/,$p' "$1"
}

# ---- fvp-r, text form ---------------------------------------------------------
expect_status 0 "$MSASIM" boot --trace-out "$TMP/fvp.trace" --stats-json "$TMP/boot.json"
cp "$TMP/out" "$TMP/boot.txt"
head -1 "$TMP/fvp.trace" | grep -qx 'msasim-trace 2' || fail "fvp.trace does not start with the version line"
grep -qx 'platform builtin "fvp-r"' "$TMP/fvp.trace" || fail "fvp.trace does not name the built-in platform"
grep -q ' c0 idle boot$' "$TMP/fvp.trace" || fail "fvp.trace has no boot event"
grep -q 'ioremap 0x9c090000+0x1000 pw--/4 device xen "console UART"' "$TMP/fvp.trace" ||
    fail "fvp.trace lacks the console ioremap"
expect_status 0 "$MSASIM" replay "$TMP/fvp.trace" --stats-json "$TMP/replay.json" --trace-out "$TMP/again.trace"
cmp -s "$TMP/boot.txt" "$TMP/out" || fail "replay's layout differs from boot's on fvp-r"
same_stats "$TMP/boot.json" "$TMP/replay.json"
[ "$(summary_of "$TMP/replay.json" regions_peak)" = 10 ] || fail "fvp-r replay: regions_peak is not 10"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counters"]; sys.exit(0 if c["replay.cycle_mismatches"]==0 and c["replay.events"]>10 else 1)' \
    "$TMP/replay.json" || fail "fvp-r replay: cycles differ from the recording"
diff <(events_of "$TMP/fvp.trace") <(events_of "$TMP/again.trace") >/dev/null ||
    fail "a replay recorded again gives other events"
grep -q '^note "re-recorded by msasim replay"$' "$TMP/again.trace" || fail "the re-recorded trace does not say so"

# ---- the two forms, both ways, and gzip ------------------------------------------
expect_status 0 "$MSASIM" trace convert "$TMP/fvp.trace" "$TMP/fvp.mtrace"
expect_status 0 "$MSASIM" trace convert "$TMP/fvp.mtrace" "$TMP/fvp2.trace"
cmp -s "$TMP/fvp.trace" "$TMP/fvp2.trace" || fail "text -> binary -> text is not byte-identical"
expect_status 0 "$MSASIM" trace convert "$TMP/fvp2.trace" "$TMP/fvp2.mtrace" --format binary
cmp -s "$TMP/fvp.mtrace" "$TMP/fvp2.mtrace" || fail "binary -> text -> binary is not byte-identical"
expect_status 0 "$MSASIM" trace convert "$TMP/fvp.mtrace" "$TMP/fvp3.out" --format text
cmp -s "$TMP/fvp.trace" "$TMP/fvp3.out" || fail "--format text does not write the text form"
gzip -c "$TMP/fvp.mtrace" >"$TMP/fvp.mtrace.gz"
gzip -c "$TMP/fvp.trace" >"$TMP/gz-text.bin"      # gzipped, with no telling name
for t in "$TMP/fvp.mtrace.gz" "$TMP/gz-text.bin"; do
    expect_status 0 "$MSASIM" replay "$t" --stats-json "$TMP/gz.json"
    same_stats "$TMP/boot.json" "$TMP/gz.json"
done
expect_status 0 "$MSASIM" boot --trace-out "$TMP/rec.trace.gz"
[ "$(head -c 2 "$TMP/rec.trace.gz" | od -An -tx1 | tr -d ' ')" = 1f8b ] || fail "*.gz output is not gzipped"
expect_status 0 "$MSASIM" trace info "$TMP/rec.trace.gz"
expect_stdout_has "platform         fvp-r (built-in)"
expect_stdout_has "  boot               1"
expect_stdout_has "  cpu_up             3"

# ---- other configurations of the same trace ----------------------------------------
expect_status 0 "$MSASIM" replay "$TMP/fvp.trace" --hv "./$BUILD/hv-example.so" --json
expect_stdout_has '"regions_peak"'
expect_status 1 "$MSASIM" replay "$TMP/fvp.trace" --mpu-regions 4
expect_stderr_has "region exhaustion in boot on core 0"
expect_stdout_has "xen-mpu on fvp-r: 4 cores, 4 EL2 MPU regions per core"
expect_status 2 "$MSASIM" replay "$TMP/fvp.trace" --directmap on
expect_stderr_has "--hv-opt directmap=on"
expect_status 2 "$MSASIM" replay "$TMP/fvp.trace" --hv-opt alloc=sideways
expect_stderr_has "alloc=sideways"
expect_status 0 "$MSASIM" replay "$TMP/fvp.trace" --hv-opt alloc=reserved=4 --stats-json "$TMP/res.json"

# ---- the shared dom0less tree at 16, 32 and 255 regions -----------------------------
if S=$(shared_dir); then
    D="$S/data/dts/derived"
    T=fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb
    for n in 16 32 255; do
        (cd "$D" && exec "$MSASIM_ABS" boot --platform "$T" --mpu-regions "$n" \
            --trace-out "$TMP/d$n.mtrace" --stats-json "$TMP/b$n.json") >"$TMP/b$n.txt" 2>"$TMP/err" ||
            fail "boot of the dom0less tree at $n regions failed"
        # Replayed elsewhere: the embedded DTB is the platform.
        expect_status 0 "$MSASIM" replay "$TMP/d$n.mtrace" --stats-json "$TMP/r$n.json"
        cmp -s "$TMP/b$n.txt" "$TMP/out" || fail "$n regions: replay's layout differs from boot's"
        same_stats "$TMP/b$n.json" "$TMP/r$n.json"
        for k in regions_peak region_failures map_ops map_domain_page_ops map_cycles; do
            [ "$(summary_of "$TMP/b$n.json" $k)" = "$(summary_of "$TMP/r$n.json" $k)" ] ||
                fail "$n regions: $k differs between boot and replay"
        done
        [ "$(summary_of "$TMP/r$n.json" map_domain_page_ops)" = 12305 ] ||
            fail "$n regions: map_domain_page_ops is not 12305"
    done
    # Ten regions are too few once the kernel is copied in: the replay of
    # the 32-region trace counts the exhaustion, goes on, and equals a live
    # boot that continues on exhaustion.
    expect_status 0 "$MSASIM" replay "$TMP/d32.mtrace" --mpu-regions 10 --json --stats-json "$TMP/r10.json"
    cp "$TMP/out" "$TMP/r10.txt"
    expect_stderr_has "1 region exhaustion event (the replay continued)"
    grep -qF '"region_failures": 1,' "$TMP/r10.txt" || fail "10 regions: no region failure in the replay"
    (cd "$D" && exec "$MSASIM_ABS" boot --platform "$T" --mpu-regions 10 --on-exhaustion continue \
        --json --stats-json "$TMP/c10.json") >"$TMP/c10.txt" 2>/dev/null
    cmp -s "$TMP/c10.txt" "$TMP/r10.txt" || fail "10 regions: replay differs from the live run"
    same_stats "$TMP/c10.json" "$TMP/r10.json"
    expect_status 1 "$MSASIM" replay "$TMP/d32.mtrace" --mpu-regions 10 --on-exhaustion stop
    expect_stderr_has "region exhaustion in load_domain on core 0"
    # A design sweep over one trace.
    expect_status 0 "$MSASIM" sweep --param mpu-regions=10,16 -- replay "$TMP/d32.mtrace"
    expect_stdout_has "mpu-regions"
else
    echo "skip: shared data folder not found (set MSASIM_SHARED): dom0less replays not checked"
fi

# ---- the samples ----------------------------------------------------------------
n=0
for t in traces/*.trace traces/*.trace.gz traces/*.mtrace traces/*.mtrace.gz; do
    [ -f "$t" ] || continue
    n=$((n + 1))
    expect_status 0 "$MSASIM" replay "$t" --stats-json "$TMP/s.json"
    [ "$(summary_of "$TMP/s.json" region_failures)" = 0 ] || fail "sample $t: region failures"
done
[ "$n" -ge 4 ] || fail "only $n sample traces in traces/"
finish
