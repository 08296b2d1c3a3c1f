#!/usr/bin/env bash
# `make demo`: the main job on the built-in platforms.
set -eu
BUILD=${BUILD:-build}
M="$BUILD/msasim"
for p in fvp-r virt; do
    echo "== msasim platform show $p"
    "$M" platform show "$p"
    echo
done
