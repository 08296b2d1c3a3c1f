#!/usr/bin/env bash
# `make bench`: runs every benchmark program in $BUILD/bench and prints its
# table.  Figures are medians of repeated runs measured side by side in this
# one invocation; the machine may be shared, so compare ratios, not absolutes.
set -u
BUILD=${BUILD:-build}
status=0
for b in "$BUILD"/bench/bench_*; do
    [ -x "$b" ] || continue
    echo "== $(basename "$b")"
    "$b" || status=1
    echo
done
for s in tools/bench-*.sh; do
    [ -f "$s" ] || continue
    echo "== $(basename "$s" .sh)"
    BUILD=$BUILD bash "$s" || status=1
    echo
done
exit $status
