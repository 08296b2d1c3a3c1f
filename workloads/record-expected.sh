#!/usr/bin/env bash
# Records what each test program prints on QEMU 7.2's virt machine into
# workloads/expected/NAME.txt: the reference msasim's output is compared
# with (tests/unit/test_cpu_workloads.c).  Semihosting and the PL011 share
# one stdio chardev so their output keeps its order.
#   usage: workloads/record-expected.sh [NAME...]   (after `make workloads`)
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/.."
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$BUILD"/workloads/*.elf; do names+=("$(basename "$f" .elf)"); done
fi
for n in "${names[@]}"; do
    timeout 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
        -m 1G -nographic -monitor none \
        -semihosting-config enable=on,target=native,chardev=s0 \
        -chardev stdio,id=s0,mux=on -serial chardev:s0 \
        -kernel "$BUILD/workloads/$n.elf" </dev/null >"workloads/expected/$n.txt" || true
    echo "recorded workloads/expected/$n.txt ($(wc -l <"workloads/expected/$n.txt") lines)"
done
