#!/usr/bin/env bash
# Records what each MMU test program prints on QEMU 7.2's virt machine into
# workloads/mmu/expected/NAME.txt, the reference tests/cli/mmu_arch.sh
# compares msasim with.  A program that needs more than one core says how
# many in expected/NAME.cores.  Programs for another platform (their msasim
# options in expected/NAME.args) have no QEMU reference and are skipped.
# Semihosting and the PL011 share one stdio
# chardev so their output keeps its order.
#   usage: workloads/mmu/record-expected.sh [NAME...]   (after `make mmu-workloads`)
set -eu
BUILD=${BUILD:-build}
cd "$(dirname "$0")/../.."
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in "$BUILD"/workloads/mmu/*.elf; do names+=("$(basename "$f" .elf)"); done
fi
for n in "${names[@]}"; do
    if [ -f "workloads/mmu/expected/$n.args" ]; then
        echo "skipped $n: not a virt program ($(cat "workloads/mmu/expected/$n.args"))"
        continue
    fi
    cores=1
    [ -f "workloads/mmu/expected/$n.cores" ] && cores=$(cat "workloads/mmu/expected/$n.cores")
    timeout 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
        -m 1G -smp "$cores" -nographic -monitor none \
        -semihosting-config enable=on,target=native,chardev=s0 \
        -chardev stdio,id=s0,mux=on -serial chardev:s0 \
        -kernel "$BUILD/workloads/mmu/$n.elf" </dev/null >"workloads/mmu/expected/$n.txt" || true
    echo "recorded workloads/mmu/expected/$n.txt ($(wc -l <"workloads/mmu/expected/$n.txt") lines)"
done
