#!/usr/bin/env bash
# Peak host memory of a run: the fvp-r platform has 4 GiB of simulated RAM,
# which is allocated lazily, so a run costs only the pages it touches.
set -eu
BUILD=${BUILD:-build}
python3 - "$BUILD" <<'PY'
import json, resource, subprocess, sys, tempfile, os
build = sys.argv[1]
with tempfile.TemporaryDirectory() as d:
    stats = os.path.join(d, "s.json")
    subprocess.run([f"{build}/msasim", "run", "--platform", "fvp-r", "--cores", "1",
                    "--stats-json", stats, f"{build}/workloads/bench_int.elf"],
                   check=True, stdout=subprocess.DEVNULL)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    s = json.load(open(stats))
    pages = s["counters"]["ram.pages_touched"]
print(f"{'platform RAM':<28}{'4096 MiB':>12}")
print(f"{'simulated pages touched':<28}{pages:>12} ({pages * 4 // 1024} MiB)")
print(f"{'peak host RSS of the run':<28}{peak_kib // 1024:>9} MiB")
PY
