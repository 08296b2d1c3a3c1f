#!/usr/bin/env bash
# `make bench` part: functional MIPS of the instruction-set simulator on the
# integer benchmark, side by side with qemu-aarch64 (tests/bench/iss_mips.py).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build} python3 tests/bench/iss_mips.py "$@"
