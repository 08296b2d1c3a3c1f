#!/usr/bin/env bash
# `msasim run --timing on`: the contract of the cycle model on the command
# line.  Programs print the same and every count that does not depend on
# time is identical with the model on and off; the statistics carry cycles,
# a CPI stack whose parts add up to the cycles, and cycles per function;
# --core and --set take built-in cores, files and overrides, and refuse bad
# ones with one line that names what is wrong.
. tests/cli/lib.sh
W=${BUILD:-build}/workloads
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 0; }

# same_counts OFF.json ON.json LABEL: every figure but the cycle model's
same_counts() {
    python3 - "$1" "$2" <<'EOF' || fail "$3: counts differ between --timing off and on"
import json, re, sys
off, on = (json.load(open(p)) for p in sys.argv[1:3])
timing = re.compile(r"^(cpu\d+\.(?!insns$)|func\.|el2maps\.el2_cycles$|.*exposure_byte_cycles$)")
def figures(d):
    out = {k: v for k, v in d["counters"].items() if not timing.match(k)}
    out.update({"gauge " + k: v for k, v in d.get("gauges", {}).items() if not timing.match(k)})
    out.update({"summary " + k: v for k, v in d["summary"].items()
                if k not in ("cycles", "ipc") and not k.startswith("cpi_stack.") and not timing.match(k)})
    return out
a, b = figures(off), figures(on)
bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
for k in bad[:10]:
    print("  %s: off %s, on %s" % (k, a.get(k), b.get(k)))
sys.exit(1 if bad else 0)
EOF
}

# check_on_off LABEL ELF MACHINE-OPTIONS...
check_on_off() {
    local label=$1 elf=$2
    shift 2
    rm -f "$TMP/off.json" "$TMP/on.json"
    "$MSASIM" run "$@" --stats-json "$TMP/off.json" "$elf" >"$TMP/off.out" 2>"$TMP/off.err"
    local rc_off=$?
    "$MSASIM" run "$@" --timing on --stats-json "$TMP/on.json" "$elf" >"$TMP/on.out" 2>"$TMP/on.err"
    local rc_on=$?
    [ "$rc_off" -eq "$rc_on" ] || fail "$label: exit status $rc_off off, $rc_on on"
    cmp -s "$TMP/off.out" "$TMP/on.out" || fail "$label: output differs with the cycle model"
    [ -s "$TMP/off.json" ] && [ -s "$TMP/on.json" ] || { fail "$label: statistics not written"; return; }
    same_counts "$TMP/off.json" "$TMP/on.json" "$label"
}

for name in hello arith ldst atomics exceptions psci fpmove random_dp; do
    [ -f "$W/$name.elf" ] || { fail "$W/$name.elf was not built"; continue; }
    check_on_off "$name (virt)" "$W/$name.elf" --platform virt
done
for name in hello exceptions; do
    check_on_off "$name (fvp-r)" "$W/$name.elf" --platform fvp-r
done
check_on_off "tm_mpu (fvp-r: MPU counts)" "$W/timing/tm_mpu.elf" --platform fvp-r
check_on_off "tm_tlb (virt: MMU counts)" "$W/timing/tm_tlb.elf" --platform virt
# the MMU architecture tests: stage 1 and 2 at EL1 and EL2, SMP, and the
# EL1 MMU of profile r over the EL2 MPU
for exp in workloads/mmu/expected/*.txt; do
    [ -f "$exp" ] || continue
    name=$(basename "$exp" .txt)
    args=(--platform virt)
    [ -f "workloads/mmu/expected/$name.args" ] && read -r -a args <"workloads/mmu/expected/$name.args"
    [ -f "workloads/mmu/expected/$name.cores" ] && args+=(--cores "$(cat "workloads/mmu/expected/$name.cores")")
    [ -f "$W/mmu/$name.elf" ] || { fail "$W/mmu/$name.elf was not built"; continue; }
    check_on_off "mmu/$name" "$W/mmu/$name.elf" "${args[@]}"
done

# The statistics of a timed run.
expect_status 0 "$MSASIM" run --platform virt --timing on --stats-json "$TMP/s.json" "$W/hello.elf"
python3 - "$TMP/s.json" <<'EOF' || fail "statistics of a timed run"
import json, sys
d = json.load(open(sys.argv[1]))
s, c = d["summary"], d["counters"]
parts = sum(v for k, v in s.items() if k.startswith("cpi_stack."))
names = sorted(k[len("cpi_stack."):] for k in s if k.startswith("cpi_stack."))
want = sorted(["base", "branch", "icache", "dcache", "tlb", "walk", "mpu_sync", "exceptions", "barriers"])
ok = True
if names != want:
    print("  cpi_stack parts:", names); ok = False
if s["cycles"] <= 0 or parts != s["cycles"]:
    print("  cpi_stack adds up to %s, cycles %s" % (parts, s["cycles"])); ok = False
if c.get("cpu0.cycles") != s["cycles"]:
    print("  cpu0.cycles %s, summary %s" % (c.get("cpu0.cycles"), s["cycles"])); ok = False
if c.get("func.main.cycles", 0) <= 0 or c.get("func.main.insns", 0) <= 0:
    print("  no cycles for main"); ok = False
# hello runs with the MMU off: its data accesses are Device memory, uncached
if c.get("cpu0.l1d.accesses", 0) != 0 or c.get("cpu0.mem.device", 0) <= 0:
    print("  MMU off: %s L1D accesses, %s Device accesses" % (c.get("cpu0.l1d.accesses"), c.get("cpu0.mem.device")))
    ok = False
if d["meta"].get("timing_core") != "cortex-a53" or d["meta"].get("timing.l1d.size") != "32768":
    print("  meta:", d["meta"].get("timing_core"), d["meta"].get("timing.l1d.size")); ok = False
sys.exit(0 if ok else 1)
EOF
expect_status 0 "$MSASIM" report "$TMP/s.json"
expect_status 0 "$MSASIM" run --platform fvp-r --timing on --stats-json "$TMP/r.json" "$W/hello.elf"
grep -q '"timing_core": "cortex-r82"' "$TMP/r.json" || fail "profile r does not default to cortex-r82"

# --core and --set
expect_status 0 "$MSASIM" run --platform virt --timing on --core cortex-r82 --set l2.size=0 \
    --set mem.latency=200 --stats-json "$TMP/c.json" "$W/hello.elf"
grep -q '"timing.l2.size": "0"' "$TMP/c.json" || fail "--set l2.size=0 not applied"
grep -q '"timing.mem.latency": "200"' "$TMP/c.json" || fail "--set mem.latency=200 not applied"
printf '# my core\nbase = cortex-a53\nl1d.size = 16K   # smaller\n' >"$TMP/mine.core"
expect_status 0 "$MSASIM" run --platform virt --timing on --core "$TMP/mine.core" --stats-json "$TMP/f.json" "$W/hello.elf"
grep -q '"timing_core": "mine"' "$TMP/f.json" || fail "--core FILE: name not taken from the file name"
grep -q '"timing.l1d.size": "16384"' "$TMP/f.json" || fail "--core FILE: l1d.size not applied"

expect_status 2 "$MSASIM" run --timing on --core cortex-x99 "$W/hello.elf"
expect_stderr_has "--core: 'cortex-x99' is neither a built-in core (cortex-a53 or cortex-r82) nor a readable file"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --timing on --set l1d.size=3x "$W/hello.elf"
expect_stderr_has "--set: l1d.size: '3x' is not accepted; expected a number from 256 to 16777216"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --timing on --set l1d.colour=blue "$W/hello.elf"
expect_stderr_has "--set: unknown key 'l1d.colour'"
expect_status 2 "$MSASIM" run --timing on --set l1d.size=24K "$W/hello.elf"
expect_stderr_has "l1d: 24576 bytes in 4 ways of 64-byte lines"
expect_one_line_stderr
expect_status 2 "$MSASIM" run --timing on --set bp.kind=perfect "$W/hello.elf"
expect_stderr_has "--set: bp.kind: 'perfect' is not accepted; expected static, bimodal or gshare"
expect_status 2 "$MSASIM" run --core cortex-a53 "$W/hello.elf"
expect_stderr_has "--core needs --timing on"
expect_status 2 "$MSASIM" run --set l1d.size=16K "$W/hello.elf"
expect_stderr_has "--set needs --timing on"
printf 'l1d.size = 32K\nl2.size = lots\n' >"$TMP/bad.core"
expect_status 2 "$MSASIM" run --timing on --core "$TMP/bad.core" "$W/hello.elf"
expect_stderr_has "$TMP/bad.core:2: l2.size: 'lots' is not accepted"
expect_one_line_stderr
head -c 3000 /dev/urandom >"$TMP/noise.core"
expect_status 2 "$MSASIM" run --timing on --core "$TMP/noise.core" "$W/hello.elf"
expect_one_line_stderr
finish
