#!/usr/bin/env bash
# The SystemC example platform (build/msasim-sc, sim/systemc/): on every test
# program of workloads/, with DMI and without, stdout and exit status must
# equal those of `msasim run --platform virt --hv none` on the same ELF.
# Plus its own contract: usage errors, a bad program, --stats.
. tests/cli/lib.sh
B=${BUILD:-build}
SC=$B/msasim-sc
W=$B/workloads
[ -x "$SC" ] || { fail "$SC was not built (make systemc)"; finish; }

for exp in workloads/expected/*.txt; do
    name=$(basename "$exp" .txt)
    elf="$W/$name.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    "$MSASIM" run --platform virt --hv none "$elf" >"$TMP/want" 2>/dev/null
    want_rc=$?
    for mode in dmi no-dmi; do
        flag=; [ $mode = no-dmi ] && flag=--no-dmi
        timeout 300 "$SC" $flag "$elf" >"$TMP/got" 2>"$TMP/err"
        rc=$?
        [ "$rc" -eq "$want_rc" ] || { fail "$name ($mode): exit status $rc, msasim run gives $want_rc"; head -3 "$TMP/err"; }
        diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" || { fail "$name ($mode): stdout differs from msasim run"; head -20 "$TMP/diff"; }
    done
done

# The program's output is all that goes to stdout; SystemC's banner and
# reports stay out of both streams.
expect_status 0 "$SC" "$W/hello.elf"
[ -s "$TMP/err" ] && fail "msasim-sc wrote to stderr on a clean run: $(head -3 "$TMP/err")"

# --stats: SystemC time is kept in step with the cycles (1 ns a cycle at
# the default 1000 MHz, with targets that add no latency) ...
expect_status 0 "$SC" --stats "$W/hello.elf"
line=$(grep 'cycles, SystemC time' "$TMP/err")
cycles=$(sed -E 's/.*: ([0-9]+) cycles.*/\1/' <<<"$line")
[ -n "$cycles" ] && [ "$cycles" -gt 0 ] || fail "--stats gives no cycle count: '$line'"
grep -qF "SystemC time $cycles ns," <<<"$line" || fail "SystemC time is not $cycles ns: '$line'"
# ... and a target's latency moves it on by that much per transaction.
expect_status 0 "$SC" --stats --uart-latency 10 "$W/hello.elf"
line2=$(grep 'cycles, SystemC time' "$TMP/err")
n=$(sed -E 's/.* ([0-9]+) transactions.*/\1/' <<<"$line2")
grep -qF "SystemC time $((cycles + 10 * n)) ns," <<<"$line2" ||
    fail "with 10 ns per UART access and $n transactions, expected $((cycles + 10 * n)) ns: '$line2'"
# With DMI the RAM is reached directly; without, every access is a transaction.
expect_status 0 "$SC" --stats "$W/bench_int.elf"
grep -q ' 1 DMI grants' "$TMP/err" || fail "no DMI grant with DMI on: $(cat "$TMP/err")"
expect_status 0 "$SC" --stats --no-dmi "$W/ldst.elf"
grep -q ' 0 DMI grants' "$TMP/err" || fail "a DMI grant with --no-dmi: $(cat "$TMP/err")"

# --timing on: a cycle is the cycle model's.  SystemC time at the end is the
# cycles at the clock period, and the cycles are what `msasim run --timing
# on` reports (summary.cycles of its statistics); the output is the same.
# The MMU program's tables live in the SystemC RAM: the model reads them
# through DMI or the debug transport.
summary_cycles() {
    python3 -c "import json,sys; print(int(json.load(open(sys.argv[1]))['summary']['cycles']))" "$1"
}
for prog in hello ldst mmu/mmu_el2; do
    elf="$W/$prog.elf"
    [ -f "$elf" ] || { fail "$elf was not built"; continue; }
    "$MSASIM" run --platform virt --timing on --stats-json "$TMP/run.json" "$elf" >"$TMP/want" 2>/dev/null
    want_rc=$?
    want=$(summary_cycles "$TMP/run.json")
    # MHz, ns per cycle, DMI or not
    for mode in "1000 1" "500 2 --no-dmi"; do
        set -- $mode
        args="--clock-mhz $1 ${3:-}"
        ns=$((want * $2))
        timeout 300 "$SC" --timing on --stats $args "$elf" >"$TMP/got" 2>"$TMP/err"
        rc=$?
        [ "$rc" -eq "$want_rc" ] || fail "$prog (timing on, $args): exit status $rc, msasim run gives $want_rc"
        diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" || { fail "$prog (timing on, $args): stdout differs"; head -20 "$TMP/diff"; }
        line=$(grep 'cycles, SystemC time' "$TMP/err")
        grep -qF "msasim-sc: $want cycles, SystemC time $ns ns," <<<"$line" ||
            fail "$prog (timing on, $args): expected $want cycles and $ns ns (msasim run --timing on): '$line'"
    done
done
# The cycle model's count is not the instruction count.
expect_status 0 "$SC" --stats "$W/hello.elf"
off=$(sed -nE 's/.*: ([0-9]+) cycles.*/\1/p' "$TMP/err")
expect_status 0 "$SC" --stats --timing on "$W/hello.elf"
on=$(sed -nE 's/.*: ([0-9]+) cycles.*/\1/p' "$TMP/err")
[ -n "$on" ] && [ "$on" != "$off" ] || fail "--timing on counts $on cycles, as many as the $off instructions"
# A core description by name, as msasim run --core takes it.
"$MSASIM" run --platform virt --timing on --core cortex-r82 --stats-json "$TMP/r82.json" "$W/hello.elf" >/dev/null 2>&1
expect_status 0 "$SC" --stats --timing on --timing-core cortex-r82 "$W/hello.elf"
expect_stderr_has "msasim-sc: $(summary_cycles "$TMP/r82.json") cycles,"

# A program that waits for an interrupt nobody raises: the platform runs out
# of events; status 1 and the reason, as msasim run gives them.
if command -v aarch64-linux-gnu-as >/dev/null; then
    printf '.global _start\n_start:\n wfi\n b _start\n' >"$TMP/wfi.s"
    aarch64-linux-gnu-as -o "$TMP/wfi.o" "$TMP/wfi.s" &&
        aarch64-linux-gnu-ld --no-warn-rwx-segments -N -Ttext=0x40000000 -o "$TMP/wfi.elf" "$TMP/wfi.o"
    expect_status 1 timeout 20 "$MSASIM" run --platform virt "$TMP/wfi.elf"
    expect_stderr_has "every core is waiting"
    expect_status 1 timeout 20 "$SC" "$TMP/wfi.elf"
    expect_stderr_has "every core is waiting"
else
    echo "skip: aarch64-linux-gnu-as not installed"
fi

# Usage and bad programs: one line on stderr, status 2.
expect_status 2 "$SC"
expect_stderr_has "missing PROGRAM"
expect_status 2 "$SC" --bogus "$W/hello.elf"
expect_stderr_has "unknown option '--bogus'"
expect_status 2 "$SC" --quantum x "$W/hello.elf"
expect_stderr_has "--quantum"
expect_status 2 "$SC" --timing maybe "$W/hello.elf"
expect_stderr_has "--timing: expected on or off"
expect_status 2 "$SC" --timing-core cortex-a53 "$W/hello.elf"
expect_stderr_has "--timing-core needs --timing on"
expect_status 2 "$SC" --timing on --timing-core no-such-core "$W/hello.elf"
expect_stderr_has "no-such-core"
expect_one_line_stderr
expect_status 2 "$SC" "$TMP/missing.elf"
expect_stderr_has "$TMP/missing.elf"
expect_one_line_stderr
expect_status 0 "$SC" --help
expect_stdout_has "usage: msasim-sc"
finish
