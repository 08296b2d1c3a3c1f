#!/usr/bin/env bash
# The cycle model against its own parameters: the microbenchmarks of
# workloads/timing run with --timing on, and their per-function cycles are
# compared with what the core description predicts.  The parameters are
# read back from each run's statistics (meta "timing.KEY"), so every
# prediction uses exactly the values that produced the measurement.
# Checks are exact where a difference of two runs (or of two functions)
# cancels the loop overheads, and otherwise within a tolerance computed from
# the parameters (cold misses, loop exits).
. tests/cli/lib.sh
W=${BUILD:-build}/workloads/timing
for n in tm_latency tm_chase tm_branch tm_mpu tm_tlb; do
    [ -f "$W/$n.elf" ] || { fail "$W/$n.elf was not built"; finish; }
done
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 0; }

# run NAME PLATFORM ELF [--set K=V ...]: statistics in $TMP/NAME.json
run() {
    local name=$1 plat=$2 elf=$3
    shift 3
    if ! "$MSASIM" run --platform "$plat" --cores 1 --timing on "$@" --stats-json "$TMP/$name.json" \
        "$W/$elf.elf" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
        fail "$name: msasim exited $? ($(head -1 "$TMP/$name.err"))"
    fi
}

# Both cores on their own profile, and parameters moved away from the
# descriptions, so the checks cannot pass by accident.
run lat_a53 virt tm_latency
run lat_r82 fvp-r tm_latency
run lat_set virt tm_latency --set lat.alu=2 --set lat.mul=5 --set l1d.latency=4
run chase_a53 virt tm_chase
run chase_r82 fvp-r tm_chase
run chase_16k virt tm_chase --set l1d.size=16K
run chase_8k fvp-r tm_chase --set l1d.size=8K --set l1d.ways=2
run br_gshare virt tm_branch
run br_gshare_p virt tm_branch --set bp.mispredict=19
run br_bimodal virt tm_branch --set bp.kind=bimodal
run mpu_r82 fvp-r tm_mpu
run mpu_write fvp-r tm_mpu --set mpu.write=5
run mpu_sync fvp-r tm_mpu --set mpu.sync=5
run tlb_a53 virt tm_tlb
run tlb_walk virt tm_tlb --set tlb.walk.latency=14

python3 - "$TMP" <<'EOF' || FAILS=$((FAILS + 1))
import json, sys

tmp = sys.argv[1]
failures = 0


def load(name):
    d = json.load(open("%s/%s.json" % (tmp, name)))
    params = {k[len("timing."):]: v for k, v in d["meta"].items() if k.startswith("timing.")}
    for k, v in params.items():
        if v.isdigit():
            params[k] = int(v)
    funcs = {}
    for k, v in d["counters"].items():
        if k.startswith("func."):
            name_, field = k[5:].rsplit(".", 1)
            funcs.setdefault(name_, {})[field] = v
    return d, params, funcs


def check(label, got, want, tol=0):
    global failures
    if abs(got - want) <= tol:
        print("ok   %-44s %12.2f  predicted %12.2f (tolerance %g)" % (label, got, want, tol))
    else:
        failures += 1
        print("FAIL %-44s %12.2f  predicted %12.2f (tolerance %g)" % (label, got, want, tol))


def truth(label, cond, detail=""):
    global failures
    print("%s %s %s" % ("ok  " if cond else "FAIL", label, detail))
    if not cond:
        failures += 1


# ---- dependency chains: 16 links minus 8 links = 8 links per iteration
for run in ("lat_a53", "lat_r82", "lat_set"):
    d, p, f = load(run)
    iters = (f["alu16"]["insns"] - f["alu8"]["insns"]) // 8
    tol = 2 * (p["l2.latency"] + p["mem.latency"]) + 2 * p["bp.mispredict"] + 16
    for kind, lat in (("alu", p["lat.alu"]), ("mul", p["lat.mul"]), ("load", p["l1d.latency"])):
        got = f[kind + "16"]["cycles"] - f[kind + "8"]["cycles"]
        check("%s: %s chain, 8 links x %d" % (run, kind, iters), got, 8 * iters * lat, tol)
    cpi = sum(v for k, v in d["summary"].items() if k.startswith("cpi_stack."))
    check("%s: CPI stack adds up to the cycles" % run, cpi, d["summary"]["cycles"])

# ---- pointer chasing: cycles per access against the level the footprint fits
SIZES = {"4k": 4 << 10, "8k": 8 << 10, "16k": 16 << 10, "32k": 32 << 10, "64k": 64 << 10,
         "128k": 128 << 10, "1m": 1 << 20, "2m": 2 << 20}
for run in ("chase_a53", "chase_r82", "chase_16k", "chase_8k"):
    d, p, f = load(run)
    l1, l2 = p["l1d.size"], p["l2.size"]
    knee = None
    for tag, size in sorted(SIZES.items(), key=lambda kv: kv[1]):
        fn = f["chase_" + tag]
        accesses = fn["insns"] // 3
        if size <= l1:
            want = p["l1d.latency"]
        elif size <= l2 // 2:
            want = p["l1d.latency"] + p["l2.latency"]
        elif size > l2:
            want = p["l1d.latency"] + p["l2.latency"] + p["mem.latency"]
        else:
            continue   # between half the L2 and the L2: code and tables share it
        lines = size // p["l1d.line"]
        tol = (lines * (p["l2.latency"] + p["mem.latency"]) + 2 * p["bp.mispredict"] + 32) / accesses
        got = fn["cycles"] / accesses
        check("%s: chase %5s, cycles per access" % (run, tag), got, want, tol)
        if knee is None and got > p["l1d.latency"] + p["l2.latency"] / 2:
            knee = size
    truth("%s: the knee is the first footprint above l1d.size = %d" % (run, l1), knee == 2 * l1,
          "(knee at %s)" % knee)

# ---- branch patterns
d0, p0, f0 = load("br_gshare")
d1, p1, f1 = load("br_gshare_p")
dp = p1["bp.mispredict"] - p0["bp.mispredict"]
for fn in ("branch_always", "branch_alternate", "branch_random"):
    m = f0[fn]["mispredicts"]
    truth("br: %s mispredicts the same whatever the penalty" % fn, m == f1[fn]["mispredicts"])
    check("br: %s, extra cycles = %d mispredicts x %d" % (fn, m, dp),
          f1[fn]["cycles"] - f0[fn]["cycles"], m * dp)
iters = f0["branch_always"]["insns"] // 6
_, _, fb = load("br_bimodal")
truth("br: always-taken is learnt", f0["branch_always"]["mispredicts"] <= 20)
truth("br: gshare learns the alternation", f0["branch_alternate"]["mispredicts"] <= 20)
# a 2-bit counter oscillates under an alternation: it misses half or all of it
truth("br: bimodal cannot learn the alternation", fb["branch_alternate"]["mispredicts"] >= iters / 2 - 8,
      "(%d of %d)" % (fb["branch_alternate"]["mispredicts"], iters))
check("br: random outcomes, gshare misses about half", f0["branch_random"]["mispredicts"], iters / 2, iters * 0.15)

# ---- MPU reprogramming: select+ISB, base, limit, DSB, ISB per iteration
d, p, f = load("mpu_r82")
fn = f["mpu_reprogram"]
iters = fn["insns"] // 14
w, refill = p["mpu.write"], p["pipe.stages"] + p["isb.cost"] + p["mpu.sync"]
per = 3 * w + 2 * (1 + refill) + p["dsb.cost"]
# the loop's own work after the ISB: a chain of 4 ALU operations, then the branch
loop = 4 * p["lat.alu"] + 1
check("mpu: cycles per iteration", fn["cycles"] / iters, per + loop, 1)
for run, key, per_iter in (("mpu_write", "mpu.write", 3), ("mpu_sync", "mpu.sync", 2)):
    _, pk, fk = load(run)
    delta = pk[key] - p[key]
    check("mpu: %s +%d costs %d x %d per iteration" % (key, delta, per_iter, delta),
          fk["mpu_reprogram"]["cycles"] - fn["cycles"], iters * per_iter * delta)
truth("mpu: the CPI stack shows the MPU synchronization",
      d["summary"]["cpi_stack.mpu_sync"] >= iters * (3 * w + 2 * refill))

# ---- TLB misses: one load per page over more pages than the main TLB holds
d, p, f = load("tlb_a53")
fn = f["tlb_thrash"]
iters = fn["insns"] // 6
walks = d["counters"]["cpu0.tlb.main_misses"]
truth("tlb: every access of the thrashing loop walks", walks >= iters, "(%d walks, %d accesses)" % (walks, iters))
per = p["tlb.main.latency"] + p["tlb.walk.latency"] + p["l2.latency"]
# loop: address add before the load, then add, and, branch after it;
# tolerance: leaf descriptors the page-strided data evicts from the L2
loop = 4 * p["lat.alu"]
check("tlb: cycles per access (walk + leaf read from L2 + loop)", fn["cycles"] / iters, per + loop,
      p["mem.latency"] * 0.025)
truth("tlb: pages within the main TLB do not walk", f["tlb_fit"]["cycles"] < fn["cycles"] / 3)
d2, p2, _ = load("tlb_walk")
delta = p2["tlb.walk.latency"] - p["tlb.walk.latency"]
check("tlb: tlb.walk.latency +%d costs it per walk" % delta,
      d2["summary"]["cycles"] - d["summary"]["cycles"], walks * delta)

print("%d failure(s)" % failures)
sys.exit(1 if failures else 0)
EOF
finish
