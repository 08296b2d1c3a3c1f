#!/usr/bin/env bash
# msasim boot: the layout reports of fixed inputs compared exactly (fvp-r,
# and the shared dom0less tree at 32 regions), the figures at 16, 32 and
# 255 EL2 regions, the statistics file, and an external module.
. tests/cli/lib.sh
BUILD=${BUILD:-build}
MSASIM_ABS=$(cd "$(dirname "$MSASIM")" && pwd)/$(basename "$MSASIM")

if ! "$MSASIM" boot --help >/dev/null 2>&1; then
    fail "'$MSASIM boot' is not a subcommand (cmd_boot is not wired into sim/main.c)"
    finish
fi

expect_status 0 "$MSASIM" boot --json
expect_stdout_golden boot-fvp-r.json
expect_status 0 "$MSASIM" boot
expect_stdout_golden boot-fvp-r.txt
expect_stderr_has "fvp-r has no xen,static-heap: assuming a 32 MiB heap"
# The same boot named explicitly.
expect_status 0 "$MSASIM" boot --platform fvp-r --hv xen-mpu --mpu-regions 32 --json
expect_stdout_golden boot-fvp-r.json

# The statistics registry, with the summary keys.
expect_status 0 "$MSASIM" boot --stats-json "$TMP/stats.json"
for key in '"regions_peak": 10' '"regions_implemented": 32' '"region_failures": 0' \
           '"map_ops": ' '"map_cycles": ' '"regions_runtime_peak": 8'; do
    grep -qF -- "$key" "$TMP/stats.json" || fail "stats file lacks $key"
done
grep -qF '"hv.core0.regions"' "$TMP/stats.json" || fail "stats file lacks the pressure series"
grep -qF '"hv.op.ioremap.cycles"' "$TMP/stats.json" || fail "stats file lacks the ioremap histogram"

# An external module, loaded from a shared object.
expect_status 0 "$MSASIM" boot --hv "./$BUILD/hv-example.so"
expect_stdout_has "example-flat on fvp-r"
expect_stdout_has "all RAM"

# The derived dom0less tree (run from its folder so that the reports name
# it the same wherever the shared data lives).
if S=$(shared_dir); then
    D="$S/data/dts/derived"
    T=fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb
    in_tree() { (cd "$D" && exec "$MSASIM_ABS" boot --platform "$T" "$@"); }
    expect_status 0 in_tree --json
    expect_stdout_golden boot-dom0less.json
    expect_status 0 in_tree
    expect_stdout_golden boot-dom0less.txt
    # Figures at 16, 32 and 255 regions: the design fits in all three with
    # the same peak; only the headroom changes.
    for n in 16 32 255; do
        expect_status 0 in_tree --json --mpu-regions "$n"
        expect_stdout_has '"regions_peak": 11,'
        expect_stdout_has '"regions_boot_peak": 11,'
        expect_stdout_has '"regions_runtime_peak": 9,'
        expect_stdout_has "\"headroom\": $((n - 11)),"
        expect_stdout_has '"map_domain_page_ops": 12305,'
    done
    # Ten regions are too few once the kernel is copied in.
    expect_status 1 in_tree --mpu-regions 10
    expect_stderr_has "region exhaustion in load_domain on core 0"
    expect_stdout_has "failures            1"
    expect_status 0 in_tree --mpu-regions 10 --on-exhaustion continue --json
    expect_stdout_has '"region_failures": 1,'
    expect_stderr_has "1 region exhaustion event (the run continued)"
else
    echo "skip: shared data folder not found (set MSASIM_SHARED): dom0less golden not checked"
fi
finish
