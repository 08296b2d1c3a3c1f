#!/usr/bin/env bash
# `msasim run --max-cycles N` stops a run cleanly as --max-insns does: exit
# status 1, one line on stderr, the statistics written whole.  A cycle is
# the cycle model's with --timing on (every core runs to N and stops at the
# first instruction boundary past it), an instruction without; bare-metal
# programs and guests under a hypervisor model (--hv xen-mpu) alike.
. tests/cli/lib.sh
B=${BUILD:-build}
W=$B/workloads
G=$W/guests
for f in "$W/bench_int.elf" "$W/hello.elf" "$G/hello.elf" "$G/sched2.elf"; do
    [ -f "$f" ] || { fail "$f was not built"; finish; }
done

# stat FILE PATH: a value of the statistics, PATH as summary.cycles,
# meta.stop or counters.cpu0.cycles; "missing" when it is not there.
stat() {
    python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
section, key = sys.argv[2].split(".", 1)
v = d.get(section, {}).get(key, "missing")
print(int(v) if isinstance(v, float) else v)
PY
}
# same_keys A B: both statistics have the same counters and summary entries
same_keys() {
    python3 - "$1" "$2" <<'PY' || fail "$1 and $2 do not hold the same statistics"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for sec in ("counters", "summary"):
    if set(a.get(sec, {})) != set(b.get(sec, {})):
        print("  %s differ: %s" % (sec, sorted(set(a.get(sec, {})) ^ set(b.get(sec, {})))))
        sys.exit(1)
PY
}
expect_stat() {  # expect_stat FILE PATH VALUE
    local got; got=$(stat "$1" "$2")
    [ "$got" = "$3" ] || fail "$1: $2 = $got, expected $3"
}
expect_cycles_near() {  # expect_cycles_near FILE PATH BOUND: BOUND <= value < BOUND + 1000
    local got; got=$(stat "$1" "$2")
    [[ "$got" =~ ^[0-9]+$ ]] && [ "$got" -ge "$3" ] && [ "$got" -lt $(($3 + 1000)) ] ||
        fail "$1: $2 = $got, expected $3 or up to one instruction's cycles more"
}

# ---- bare metal, timing off: a cycle is an instruction, the bound is exact,
# and the run ends as --max-insns ends it.
expect_status 1 "$MSASIM" run --platform virt --max-insns 5000 --stats-json "$TMP/insns.json" "$W/bench_int.elf"
expect_status 1 "$MSASIM" run --platform virt --max-cycles 5000 --stats-json "$TMP/off.json" "$W/bench_int.elf"
expect_stderr_has "msasim: stopped after 5000 cycles (--max-cycles"
expect_one_line_stderr
[ -s "$TMP/out" ] && fail "--max-cycles wrote to stdout: $(head -3 "$TMP/out")"
expect_stat "$TMP/off.json" meta.stop cycle-limit
expect_stat "$TMP/off.json" summary.insns 5000
expect_stat "$TMP/insns.json" meta.stop instruction-limit
same_keys "$TMP/insns.json" "$TMP/off.json"
expect_status 0 "$MSASIM" report "$TMP/off.json"

# ---- timing on: the model's cycles.  The clock in the message is the
# summary's; one instruction less stays below the bound.
expect_status 1 "$MSASIM" run --platform virt --timing on --max-cycles 200000 --stats-json "$TMP/on.json" \
    "$W/bench_int.elf"
expect_one_line_stderr
expect_stderr_has "cycles (--max-cycles)"
expect_stat "$TMP/on.json" meta.stop cycle-limit
expect_cycles_near "$TMP/on.json" summary.cycles 200000
expect_cycles_near "$TMP/on.json" counters.cpu0.cycles 200000
cycles=$(stat "$TMP/on.json" summary.cycles)
expect_stderr_has "msasim: stopped after $cycles cycles (--max-cycles)"
insns=$(stat "$TMP/on.json" summary.insns)
[ "$insns" -lt 200000 ] || fail "timing on: $insns instructions for 200000 cycles: the bound counted instructions"
expect_status 1 "$MSASIM" run --platform virt --timing on --max-insns $((insns - 1)) --stats-json "$TMP/less.json" \
    "$W/bench_int.elf"
less=$(stat "$TMP/less.json" summary.cycles)
[ "$less" -lt 200000 ] || fail "one instruction before the stop the clock is $less, already at the bound"
expect_status 1 "$MSASIM" run --platform virt --timing on --max-insns "$insns" --stats-json "$TMP/same.json" \
    "$W/bench_int.elf"
expect_stat "$TMP/same.json" summary.cycles "$cycles"
same_keys "$TMP/same.json" "$TMP/on.json"

# Whichever limit comes first speaks; a program that ends first is not stopped.
expect_status 1 "$MSASIM" run --platform virt --timing on --max-insns 1000 --max-cycles 100000000 "$W/bench_int.elf"
expect_stderr_has "stopped after 1000 instructions (--max-insns)"
expect_status 0 "$MSASIM" run --platform virt --timing on --max-cycles 100000000 "$W/hello.elf"
[ -s "$TMP/err" ] && fail "a run that ends before --max-cycles wrote to stderr: $(head -3 "$TMP/err")"

# ---- guests under xen-mpu: the --hv path honours the bound too, with and
# without timing; two guests on two cores are both taken to it.
expect_status 0 "$MSASIM" run --hv xen-mpu --stats-json "$TMP/g_full.json" "$G/hello.elf"
full=$(stat "$TMP/g_full.json" summary.insns)
expect_status 1 "$MSASIM" run --hv xen-mpu --max-cycles 300 --stats-json "$TMP/g_off.json" "$G/hello.elf"
expect_stderr_has "msasim: stopped after 300 cycles (--max-cycles"
expect_one_line_stderr
expect_stat "$TMP/g_off.json" meta.stop cycle-limit
expect_stat "$TMP/g_off.json" summary.insns 300
[ "$(stat "$TMP/g_off.json" summary.consistency_errors)" = 0 ] || fail "guest run: hypervisor figures missing"
expect_status 1 "$MSASIM" run --hv xen-mpu --max-insns 300 --stats-json "$TMP/g_insns.json" "$G/hello.elf"
same_keys "$TMP/g_insns.json" "$TMP/g_off.json"
[ "$full" -gt 300 ] || fail "the guest ran $full instructions: the bound did not cut it short"

expect_status 1 "$MSASIM" run --hv xen-mpu --timing on --max-cycles 10000 --stats-json "$TMP/g_on.json" \
    "$G/sched2.elf" "$G/hello.elf"
expect_stderr_has "cycles (--max-cycles)"
expect_stat "$TMP/g_on.json" meta.stop cycle-limit
expect_cycles_near "$TMP/g_on.json" counters.cpu0.cycles 10000
expect_cycles_near "$TMP/g_on.json" counters.cpu1.cycles 10000
[ "$(stat "$TMP/g_on.json" summary.consistency_errors)" = 0 ] || fail "guest run, timing on: hypervisor figures missing"

# ---- the option itself
expect_status 2 "$MSASIM" run --platform virt --max-cycles 0 "$W/hello.elf"
expect_stderr_has "--max-cycles"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --user --max-cycles 10 "$B/workloads/user/bench_int.elf"
expect_stderr_has "--max-cycles is not accepted"
expect_one_line_stderr
expect_status 0 "$MSASIM" run --help
expect_stdout_has "--max-cycles N"
finish
