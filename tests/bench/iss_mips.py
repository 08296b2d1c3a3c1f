#!/usr/bin/env python3
"""Functional speed of the instruction-set simulator: the integer benchmark
(workloads/bench_int.c) built as a static Linux program, timed under
`msasim run --user` and under qemu-aarch64 side by side, median of RUNS
runs each.  Both figures use msasim's instruction count (--stats-json,
summary.insns), so the ratio is a ratio of wall-clock times.  The
bare-metal build on the virt platform is timed too.

usage: tests/bench/iss_mips.py [--runs N]   (BUILD and MSASIM from the environment)
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, runs):
    times = []
    out = None
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise RuntimeError('%s exited %d: %s' % (' '.join(cmd), r.returncode,
                                                     r.stderr.decode(errors='replace').strip()))
        out = r.stdout
    return statistics.median(times), out


def insns_of(cmd):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, 's.json')
        subprocess.run(cmd[:2] + ['--stats-json', path] + cmd[2:], check=True,
                       stdout=subprocess.DEVNULL)
        with open(path) as f:
            return int(json.load(f)['summary']['insns'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', type=int, default=5)
    args = ap.parse_args()
    build = os.environ.get('BUILD', 'build')
    msasim = os.environ.get('MSASIM', os.path.join(build, 'msasim'))
    user_elf = os.path.join(build, 'workloads', 'user', 'bench_int.elf')
    bare_elf = os.path.join(build, 'workloads', 'bench_int.elf')
    for f in (msasim, user_elf):
        if not os.path.exists(f):
            print('bench-iss: %s is not built (make all workloads)' % f)
            return 1
    user_cmd = [msasim, 'run', '--user', user_elf]
    insns = insns_of(user_cmd)
    t_user, out_user = timed(user_cmd, args.runs)
    rows = [('msasim run --user', insns, t_user)]
    if os.path.exists(bare_elf):
        bare_cmd = [msasim, 'run', '--platform', 'virt', '--hv', 'none', bare_elf]
        bare_insns = insns_of(bare_cmd)
        t_bare, _ = timed(bare_cmd, args.runs)
        rows.append(('msasim run --platform virt', bare_insns, t_bare))
    qemu = shutil.which('qemu-aarch64')
    t_qemu = None
    if qemu:
        t_qemu, out_qemu = timed([qemu, user_elf], args.runs)
        if out_qemu != out_user:
            print('bench-iss: qemu-aarch64 printed something else than msasim:\n  %r\n  %r'
                  % (out_qemu, out_user))
            return 1
        rows.append(('qemu-aarch64', insns, t_qemu))
    print('bench_int (integer benchmark), median of %d runs; instruction count from msasim' % args.runs)
    print('%-28s %14s %10s %10s' % ('simulator', 'instructions', 'seconds', 'MIPS'))
    for name, n, t in rows:
        print('%-28s %14d %10.3f %10.1f' % (name, n, t, n / t / 1e6))
    if t_qemu:
        print('msasim --user / qemu-aarch64 speed ratio: %.2f' % (t_qemu / t_user))
    else:
        print('skip: qemu-aarch64 is not installed; no side-by-side figure')
    return 0


if __name__ == '__main__':
    sys.exit(main())
