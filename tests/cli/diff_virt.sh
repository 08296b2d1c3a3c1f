#!/usr/bin/env bash
# The differential harness for bare-metal programs: every test program in
# workloads/ runs on `msasim run --platform virt` and, live, on
# qemu-system-aarch64 -M virt,virtualization=on; stdout and exit status must
# be identical.  (run_workloads.sh compares with the recorded outputs when
# QEMU is not installed.)
. tests/cli/lib.sh
W=${BUILD:-build}/workloads
if ! command -v qemu-system-aarch64 >/dev/null; then
    echo "skip: qemu-system-aarch64 not installed; no live comparison"
    finish
fi
n=0
for exp in workloads/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$W/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    timeout 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
        -m 1G -nographic -monitor none \
        -semihosting-config enable=on,target=native,chardev=s0 \
        -chardev stdio,id=s0,mux=on -serial chardev:s0 \
        -kernel "$elf" </dev/null >"$TMP/qout" 2>"$TMP/qerr"
    qrc=$?
    "$MSASIM" run --platform virt --hv none "$elf" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq "$qrc" ] || { fail "$name: exit status $rc, qemu-system-aarch64 $qrc"; head -3 "$TMP/err"; }
    diff -u "$TMP/qout" "$TMP/out" >"$TMP/diff" || { fail "$name: output differs from qemu-system-aarch64"; head -20 "$TMP/diff"; }
    n=$((n + 1))
done
echo "compared $n programs with qemu-system-aarch64"
finish
