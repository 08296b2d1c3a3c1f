#!/usr/bin/env bash
# Rewrites the sample traces of this folder from their sources: the
# built-in platforms, the shared dom0less tree and the shared Xen boot logs.
# Run from the repository root after `make`; the shared data folder is
# $MSASIM_SHARED, else ../shared.  Cycles in recorded traces follow the
# current cost model, so a change of costs changes them.
set -eu
MSASIM=${MSASIM:-build/msasim}
MSASIM_ABS=$(cd "$(dirname "$MSASIM")" && pwd)/$(basename "$MSASIM")
SHARED=${MSASIM_SHARED:-../shared}
OUT=$(pwd)/traces

"$MSASIM" boot --platform fvp-r --trace-out "$OUT/fvp-r.trace" >/dev/null 2>&1
"$MSASIM" boot --platform virt --trace-out "$OUT/virt.trace" >/dev/null 2>&1
# The log captured in this repository (tests/data/xenlog/capture.sh).
tools/xenlog2trace -q tests/data/xenlog/03-qemu-virt-xen4.17-debian-dom0.log \
    -o "$OUT/qemu-virt-xen4.17-dom0.trace" --dts "$OUT/qemu-virt-xen4.17-dom0.dts"

if [ ! -d "$SHARED/data" ]; then
    echo "regenerate: $SHARED/data not found (set MSASIM_SHARED): only the built-in samples written" >&2
    exit 0
fi
# Run from the tree's folder so that the embedded platform keeps its bare name.
(cd "$SHARED/data/dts/derived" &&
    "$MSASIM_ABS" boot --platform fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb \
        --trace-out "$OUT/fvp-baser-dom0less.mtrace.gz" >/dev/null 2>&1)

LOGS="$SHARED/data/bootlogs"
tools/xenlog2trace -q "$LOGS/01-zcu102-xen4.16-dom0-plus-dom0less-domU-static-mem.log" \
    -o "$OUT/tmp-zcu102.trace" --dts "$OUT/zcu102-xen4.16-dom0less.dts"
tools/xenlog2trace -q "$LOGS/02-nxp-s32g3-xen4.14-dom0.log" \
    -o "$OUT/tmp-s32g3.trace" --dts "$OUT/s32g3-xen4.14-dom0.dts"
"$MSASIM" trace convert "$OUT/tmp-zcu102.trace" "$OUT/zcu102-xen4.16-dom0less.mtrace.gz"
"$MSASIM" trace convert "$OUT/tmp-s32g3.trace" "$OUT/s32g3-xen4.14-dom0.mtrace.gz"
rm -f "$OUT/tmp-zcu102.trace" "$OUT/tmp-s32g3.trace"
