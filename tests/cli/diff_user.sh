#!/usr/bin/env bash
# Linux user mode: the programs in workloads/user under `msasim run --user`
# print what qemu-aarch64 printed (workloads/user/expected, and a live run
# when qemu-aarch64 is installed) and exit with the same status; errors on
# bad programs are one line.
. tests/cli/lib.sh
U=${BUILD:-build}/workloads/user
args_of() { [ "$1" = syscalls ] && echo "one two"; }

for exp in workloads/user/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$U/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    want_rc=0
    [ -f "workloads/user/expected/$name.status" ] && want_rc=$(cat "workloads/user/expected/$name.status")
    # shellcheck disable=SC2046
    "$MSASIM" run --user "$elf" $(args_of "$name") >"$TMP/out" 2>"$TMP/err"
    rc=$?
    [ "$rc" -eq "$want_rc" ] || { fail "$name: exit status $rc, expected $want_rc"; head -3 "$TMP/err"; }
    diff -u "$exp" "$TMP/out" >"$TMP/diff" || { fail "$name: output differs from $exp"; head -20 "$TMP/diff"; }
    if command -v qemu-aarch64 >/dev/null; then
        # shellcheck disable=SC2046
        # (in a subshell, so that a program killed by a signal is not announced)
        qrc=$( (qemu-aarch64 "$elf" $(args_of "$name") >"$TMP/qout" 2>/dev/null; echo $?) 2>/dev/null)
        [ "$qrc" -eq "$rc" ] || fail "$name: exit status $rc, qemu-aarch64 $qrc"
        cmp -s "$TMP/qout" "$TMP/out" || { fail "$name: output differs from qemu-aarch64"; diff "$TMP/qout" "$TMP/out" | head -10; }
    fi
done
command -v qemu-aarch64 >/dev/null || echo "skip: qemu-aarch64 not installed; compared with the recorded outputs only"

# A fault ends the process like the signal would, with one line on stderr.
expect_status 139 "$MSASIM" run --user "$U/segv.elf"
expect_stderr_has "signal 11 (SIGSEGV)"
expect_stderr_has "FAR 0x10"

# Statistics, the instruction limit, bad programs.
expect_status 0 "$MSASIM" run --user --stats-json "$TMP/s.json" "$U/bench_int.elf"
expect_stdout_has "bench_int checksum"
grep -q '"insns"' "$TMP/s.json" || fail "--stats-json has no summary.insns"
expect_status 1 "$MSASIM" run --user --max-insns 1000 "$U/bench_int.elf"
expect_stderr_has "stopped after 1000 instructions"
expect_status 2 "$MSASIM" run --user "$TMP/missing.elf"
expect_stderr_has "$TMP/missing.elf"
expect_one_line_stderr
cp /bin/true "$TMP/x86.elf"
expect_status 2 "$MSASIM" run --user "$TMP/x86.elf"
expect_stderr_has "expected AArch64"
expect_one_line_stderr
head -c 100 "$U/bench_int.elf" >"$TMP/trunc.elf"
expect_status 2 "$MSASIM" run --user "$TMP/trunc.elf"
expect_stderr_has "trunc.elf"
expect_one_line_stderr
if command -v aarch64-linux-gnu-gcc >/dev/null; then
    printf 'int main(void) { return 0; }\n' >"$TMP/dyn.c"
    if aarch64-linux-gnu-gcc -o "$TMP/dyn.elf" "$TMP/dyn.c" 2>/dev/null; then
        expect_status 2 "$MSASIM" run --user "$TMP/dyn.elf"
        expect_stderr_has "expected a static executable"
    fi
fi
finish
