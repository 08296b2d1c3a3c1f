#!/usr/bin/env bash
# `msasim run --platform virt --hv none` on every test program in workloads/:
# stdout and exit status must equal what QEMU's virt machine printed for the
# same ELF (recorded in workloads/expected/, re-checked live by
# test_cpu_workloads when QEMU is installed).
. tests/cli/lib.sh
W=${BUILD:-build}/workloads
for exp in workloads/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$W/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    "$MSASIM" run --platform virt --hv none "$elf" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    want_rc=0
    [ -f "workloads/expected/$name.status" ] && want_rc=$(cat "workloads/expected/$name.status")
    [ "$rc" -eq "$want_rc" ] || { fail "$name: exit status $rc, expected $want_rc"; head -3 "$TMP/err"; }
    diff -u "$exp" "$TMP/out" >"$TMP/diff" || { fail "$name: output differs from $exp"; head -20 "$TMP/diff"; }
done

# The run contract: statistics written whole, limits, bad programs.
expect_status 0 "$MSASIM" run --platform virt --stats-json "$TMP/s.json" "$W/hello.elf"
expect_status 0 "$MSASIM" report "$TMP/s.json"
expect_stdout_has "insns"
expect_status 1 "$MSASIM" run --platform virt --max-insns 1000 --stats-json "$TMP/lim.json" "$W/bench_int.elf"
expect_stderr_has "stopped after 1000 instructions"
[ -s "$TMP/lim.json" ] || fail "statistics not written when the instruction limit stops the run"
expect_status 2 "$MSASIM" run --platform virt "$TMP/missing.elf"
expect_stderr_has "$TMP/missing.elf"
expect_one_line_stderr
cp /bin/true "$TMP/x86.elf"
expect_status 2 "$MSASIM" run --platform virt "$TMP/x86.elf"
expect_stderr_has "expected AArch64"
expect_status 2 "$MSASIM" run --platform virt --cores 0 "$W/hello.elf"
expect_stderr_has "--cores: '0' is not accepted"
expect_status 2 "$MSASIM" run --user --timing on "$W/hello.elf"
expect_stderr_has "--timing on is not accepted"
expect_one_line_stderr
expect_status 2 timeout 60 "$MSASIM" run --hv no-such-module "$W/hello.elf"
expect_stderr_has "no-such-module"

# A guest that jumps into the void: the fetch aborts, the vector (VBAR_EL2 = 0
# at reset) has nothing behind it either, so the core loops on the same
# exception: exit 1, with the PC, the exception level and the ESR.
if command -v aarch64-linux-gnu-as >/dev/null; then
    printf '.global _start\n_start:\n movz x0, #0x7fff, lsl #32\n br x0\n' >"$TMP/void.s"
    aarch64-linux-gnu-as -o "$TMP/void.o" "$TMP/void.s" &&
        aarch64-linux-gnu-ld --no-warn-rwx-segments -N -Ttext=0x40000000 -o "$TMP/void.elf" "$TMP/void.o"
    expect_status 1 timeout 20 "$MSASIM" run --platform virt "$TMP/void.elf"
    expect_stderr_has "loop of exceptions"
    expect_stderr_has "EL2"
    expect_stderr_has "ESR 0x"
    expect_status 1 timeout 20 "$MSASIM" run --platform fvp-r --cores 1 "$TMP/void.elf"
    expect_stderr_has "loop of exceptions"
else
    echo "skip: aarch64-linux-gnu-as not installed"
fi
finish
