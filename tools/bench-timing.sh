#!/usr/bin/env bash
# `make bench` part: speed of the cycle model.  Runs the integer benchmark
# (workloads/bench_int, as it starts: caches off; and timing/tm_bench_int:
# the same code with the MPU or MMU and the caches on) on both cores with
# --timing off and on, and prints the simulation speed in MIPS (median of
# REPS runs; over wall-clock time, and over the process's CPU time, which
# other load on a shared machine does not inflate) and the simulated IPC.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build} MSASIM=${MSASIM:-${BUILD:-build}/msasim} REPS=${REPS:-3} python3 - <<'PY'
import json, os, resource, statistics, subprocess, sys, tempfile, time

build, msasim, reps = os.environ["BUILD"], os.environ["MSASIM"], int(os.environ["REPS"])
tmp = tempfile.mkdtemp()
stats = os.path.join(tmp, "s.json")


def run(platform, elf, timing):
    """Median wall and CPU seconds, and the statistics of the last run."""
    walls, cpus = [], []
    for _ in range(reps):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run([msasim, "run", "--platform", platform, "--cores", "1", "--timing", timing,
                            "--stats-json", stats, elf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if r.returncode:
            raise RuntimeError("%s exited %d: %s" % (elf, r.returncode, r.stderr.decode().strip()))
    return statistics.median(walls), statistics.median(cpus), json.load(open(stats))["summary"]


status = 0
fmt = "%-11s %-6s %-13s %9s %9s %9s %9s %6s %12s"
print(fmt % ("core", "plat", "program", "off MIPS", "on MIPS", "off cpu", "on cpu", "IPC", "cycles"))
lines = []
for core, platform in (("cortex-a53", "virt"), ("cortex-r82", "fvp-r")):
    for prog in ("bench_int", "timing/tm_bench_int"):
        elf = os.path.join(build, "workloads", prog + ".elf")
        if not os.path.exists(elf):
            print("bench-timing: %s not built" % elf)
            status = 1
            continue
        try:
            w_off, c_off, s_off = run(platform, elf, "off")
            w_on, c_on, s_on = run(platform, elf, "on")
        except RuntimeError as e:
            print("bench-timing: %s" % e)
            status = 1
            continue
        n = s_on["insns"] / 1e6
        name = os.path.basename(prog)
        print(fmt % (core, platform, name, "%.1f" % (n / w_off), "%.1f" % (n / w_on), "%.1f" % (n / c_off),
                     "%.1f" % (n / c_on), "%.3f" % s_on["ipc"], "%d" % s_on["cycles"]))
        lines.append("timing_bench core=%s program=%s mips_off=%.1f mips_on=%.1f mips_on_cpu=%.1f ipc=%.3f"
                     % (core, name, n / w_off, n / w_on, n / c_on, s_on["ipc"]))
print("(MIPS over wall-clock time; 'cpu': over the process's CPU time.  bench_int starts with the")
print(" caches off, so every data access is Device memory and every fetch uncached.)")
print("\n".join(lines))
sys.exit(status)
PY
