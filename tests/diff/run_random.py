#!/usr/bin/env python3
"""Differential test of random instruction sequences: msasim run --user
against qemu-aarch64.

Generates COUNT sequences (tests/diff/gen_random.py), PER_ELF of them to a
static user-mode program, assembles the programs, runs each under both
simulators and compares the 33-word record every sequence writes (x0-x30,
NZCV, scratch checksum).  On a mismatch it prints the sequence number, its
instructions and the registers that differ.  Exit status 0 when everything
matched, 1 on a mismatch, 77 when a tool is missing (printed as a skip).

usage: tests/diff/run_random.py [--count N] [--per-elf M] [--seed S]
                                [--only UID] [--msasim PATH] [--workdir DIR]
"""
import argparse
import concurrent.futures
import os
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_random  # noqa: E402

NAMES = ['x%d' % k for k in range(31)] + ['nzcv', 'scratch-checksum']
REC = gen_random.RECORD_WORDS * 8


def seq_seed(seed, uid):
    return seed * 1000003 + uid


def build(args, chunk, uids):
    seqs = [gen_random.make_sequence(seq_seed(args.seed, u), u) for u in uids]
    src = os.path.join(args.workdir, 'rand%03d.S' % chunk)
    elf = os.path.join(args.workdir, 'rand%03d.elf' % chunk)
    with open(src, 'w') as f:
        f.write(gen_random.program(seqs, uids[0]))
    r = subprocess.run([args.cc, '-nostdlib', '-static', '-no-pie', '-Wl,--build-id=none',
                        '-march=armv8.2-a+crc+rcpc', '-o', elf, src],
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError('%s: assembler failed:\n%s' % (src, r.stderr[:3000]))
    return elf, seqs


def run(cmd, timeout):
    r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    # killed by a signal: the status a shell reports
    rc = 128 - r.returncode if r.returncode < 0 else r.returncode
    return rc, r.stdout, r.stderr.decode(errors='replace')


def records(data):
    return [struct.unpack('<%dQ' % gen_random.RECORD_WORDS, data[k:k + REC])
            for k in range(0, len(data) - REC + 1, REC)]


def report(uid, seq, got, want):
    regs, nzcv, fill, body = seq
    print('MISMATCH in sequence %d (reproduce: tests/diff/run_random.py --seed %d --only %d)'
          % (uid, ARGS.seed, uid))
    print('  initial: ' + ' '.join('x%d=%#x' % (k, v) for k, v in enumerate(regs)
                                   if k not in (26, 27, 28)) + ' nzcv=%#x' % nzcv)
    print('  instructions:')
    for line in body:
        print('    ' + line.strip())
    for k, name in enumerate(NAMES):
        if got[k] != want[k]:
            print('  %-16s msasim %#018x  qemu %#018x' % (name, got[k], want[k]))


def compare(elf, seqs, base_uid):
    """Returns (sequences compared, mismatches) for one program."""
    qrc, qout, qerr = run([ARGS.qemu, elf], 120)
    mrc, mout, merr = run([ARGS.msasim, 'run', '--user', elf], 120)
    qrec, mrec = records(qout), records(mout)
    bad = 0
    for k in range(min(len(qrec), len(mrec))):
        if qrec[k] != mrec[k]:
            bad += 1
            if bad <= ARGS.show:
                report(base_uid + k, seqs[k], mrec[k], qrec[k])
    if len(qrec) != len(mrec) or qrc != mrc:
        bad += 1
        k = min(len(qrec), len(mrec))
        print('%s: qemu wrote %d records (exit %d), msasim %d (exit %d)'
              % (elf, len(qrec), qrc, len(mrec), mrc))
        if merr.strip():
            print('  msasim: ' + merr.strip().splitlines()[-1])
        if qerr.strip():
            print('  qemu: ' + qerr.strip().splitlines()[-1])
        if k < len(seqs):
            uid = base_uid + k
            print('  first sequence without a matching record: %d' % uid)
            for line in seqs[k][3]:
                print('    ' + line.strip())
    return min(len(qrec), len(mrec)), bad


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--count', type=int, default=2000)
    ap.add_argument('--per-elf', type=int, default=200)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--only', type=int, default=None, help='run one sequence')
    ap.add_argument('--show', type=int, default=5, help='mismatches printed per program')
    ap.add_argument('--msasim', default=os.environ.get('MSASIM', 'build/msasim'))
    ap.add_argument('--qemu', default='qemu-aarch64')
    ap.add_argument('--cc', default=os.environ.get('AARCH64_CC', 'aarch64-linux-gnu-gcc'))
    ap.add_argument('--workdir', default=os.path.join(os.environ.get('BUILD', 'build'), 'diff'))
    ap.add_argument('--jobs', type=int, default=2)
    ARGS = ap.parse_args()

    for tool in (ARGS.qemu, ARGS.cc):
        if not shutil.which(tool):
            print('skip: %s is not installed; random sequences not compared' % tool)
            return 77
    if not os.access(ARGS.msasim, os.X_OK):
        print('error: %s is not built' % ARGS.msasim)
        return 2
    os.makedirs(ARGS.workdir, exist_ok=True)
    if ARGS.only is not None:
        chunks = [[ARGS.only]]
    else:
        chunks = [list(range(s, min(s + ARGS.per_elf, ARGS.count)))
                  for s in range(0, ARGS.count, ARGS.per_elf)]
    compared = mismatches = 0
    with concurrent.futures.ThreadPoolExecutor(ARGS.jobs) as ex:
        futs = [ex.submit(lambda c, u: (build(ARGS, c, u), u[0]), c, u)
                for c, u in enumerate(chunks)]
        runs = [ex.submit(lambda f: compare(*f.result()[0], f.result()[1]), f) for f in futs]
        for r in runs:
            n, bad = r.result()
            compared += n
            mismatches += bad
    print('random sequences: %d compared with qemu-aarch64, %d mismatched' % (compared, mismatches))
    return 1 if mismatches else 0


if __name__ == '__main__':
    sys.exit(main())
