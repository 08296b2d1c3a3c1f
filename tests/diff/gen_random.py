#!/usr/bin/env python3
"""Random A64 instruction sequences for differential testing against
qemu-aarch64 (user mode).

Each sequence is straight-line code with forward branches only, so it
always ends: integer data processing (with and without flags, conditional
selects and compares), loads and stores of every size and addressing mode
to a 4 KiB scratch buffer, exclusive pairs (LDXR/STXR, LDAXR/STLXR,
LDXP/STXP), LSE atomics, CRC32, reads of NZCV, and B/B.cond/CBZ/TBZ/BL to
labels later in the sequence.

Registers: x28 holds the scratch base and x26/x27 are address temporaries,
written only by the address set-up the generator emits, so every access
stays in the buffer.  SP points at the dump area (never used by the
sequences).  Everything else (x0-x25, x29, x30) is random data.

A program runs many sequences one after the other.  For each: fill the
scratch buffer from a seed, load x0-x30 and NZCV from a table, run the
body, store x0-x30, NZCV and a checksum of the buffer (33 words) and write
them to stdout.  Standard library only.
"""
import random

SCRATCH = 8192             # two pages: unaligned accesses may cross between them
DATA_REGS = [r for r in range(31) if r not in (26, 27, 28)]
CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le',
         'al']
RECORD_WORDS = 33          # x0-x30, NZCV, checksum


def interesting(rng):
    """A register value: corner cases half of the time."""
    k = rng.random()
    if k < 0.5:
        return rng.choice([0, 1, 2, 0xffffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff,
                           0x80000000, 0x7fffffff, 0xffffffff, 0x100000000, 0xfffffffe,
                           0xff, 0xffff, 0x8000, 0x80, 63, 64, 31, 32,
                           0xfffffffffffffffe, 0xffffffff80000000])
    if k < 0.7:
        return rng.getrandbits(rng.choice([4, 8, 16, 32]))
    return rng.getrandbits(64)


def bitmask_imm(rng, width):
    """A valid logical immediate of `width` bits (element, run, rotation)."""
    esize = rng.choice([e for e in (2, 4, 8, 16, 32, 64) if e <= width])
    ones = rng.randint(1, esize - 1)
    rot = rng.randint(0, esize - 1)
    elem = (1 << ones) - 1
    elem = ((elem >> rot) | (elem << (esize - rot))) & ((1 << esize) - 1)
    val = 0
    for k in range(width // esize):
        val |= elem << (k * esize)
    return val


class Seq:
    """Builds one sequence body as assembly lines."""

    def __init__(self, rng, uid):
        self.rng = rng
        self.uid = uid
        self.lines = []
        self.pending = []          # labels to place: (position, name)
        self.nlabels = 0

    # ---- registers ----
    def x(self, r):
        return 'xzr' if r == 31 else 'x%d' % r

    def w(self, r):
        return 'wzr' if r == 31 else 'w%d' % r

    def reg(self, sf, allow_zr=True):
        r = self.rng.choice(DATA_REGS + ([31] if allow_zr and self.rng.random() < 0.1 else []))
        return self.x(r) if sf else self.w(r)

    def dst(self, sf):
        return self.reg(sf, allow_zr=self.rng.random() < 0.05)

    def emit(self, s):
        self.lines.append('    ' + s)

    # ---- data processing ----
    def dp(self):
        rng = self.rng
        sf = rng.random() < 0.6
        R = lambda: self.reg(sf)
        D = lambda: self.dst(sf)
        N = lambda: self.reg(sf, allow_zr=False)   # where register 31 would be SP
        width = 64 if sf else 32
        kind = rng.randrange(22)
        if kind == 0:
            op = rng.choice(['add', 'adds', 'sub', 'subs'])
            sh = ', lsl #12' if rng.random() < 0.3 else ''
            self.emit('%s %s, %s, #%d%s' % (op, D() if op.endswith('s') else N(), N(),
                                            rng.randrange(4096), sh))
        elif kind == 1:
            op = rng.choice(['and', 'orr', 'eor', 'ands'])
            self.emit('%s %s, %s, #0x%x' % (op, D() if op == 'ands' else N(), R(),
                                            bitmask_imm(rng, width)))
        elif kind == 2:
            op = rng.choice(['add', 'adds', 'sub', 'subs'])
            sh = rng.choice(['lsl', 'lsr', 'asr'])
            self.emit('%s %s, %s, %s, %s #%d' % (op, D(), R(), R(), sh, rng.randrange(width)))
        elif kind == 3:
            op = rng.choice(['add', 'adds', 'sub', 'subs'])
            ext = rng.choice(['uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw'] + (['uxtx', 'sxtx'] if sf else []))
            src = self.reg(False) if sf and ext not in ('uxtx', 'sxtx') else R()
            self.emit('%s %s, %s, %s, %s #%d' % (op, D() if op.endswith('s') else N(), N(), src, ext,
                                                 rng.randrange(5)))
        elif kind == 4:
            op = rng.choice(['and', 'bic', 'orr', 'orn', 'eor', 'eon', 'ands', 'bics'])
            sh = rng.choice(['lsl', 'lsr', 'asr', 'ror'])
            self.emit('%s %s, %s, %s, %s #%d' % (op, D(), R(), R(), sh, rng.randrange(width)))
        elif kind == 5:
            op = rng.choice(['adc', 'adcs', 'sbc', 'sbcs'])
            self.emit('%s %s, %s, %s' % (op, D(), R(), R()))
        elif kind == 6:
            op = rng.choice(['ccmn', 'ccmp'])
            b = R() if rng.random() < 0.5 else '#%d' % rng.randrange(32)
            self.emit('%s %s, %s, #%d, %s' % (op, R(), b, rng.randrange(16), rng.choice(CONDS)))
        elif kind == 7:
            op = rng.choice(['csel', 'csinc', 'csinv', 'csneg'])
            self.emit('%s %s, %s, %s, %s' % (op, D(), R(), R(), rng.choice(CONDS)))
        elif kind == 8:
            op = rng.choice(['cset', 'csetm'])
            self.emit('%s %s, %s' % (op, D(), rng.choice(CONDS[:-1])))
        elif kind == 9:
            op = rng.choice(['lslv', 'lsrv', 'asrv', 'rorv'])
            self.emit('%s %s, %s, %s' % (op, D(), R(), R()))
        elif kind == 10:
            op = rng.choice(['madd', 'msub'])
            self.emit('%s %s, %s, %s, %s' % (op, D(), R(), R(), R()))
        elif kind == 11:
            op = rng.choice(['smaddl', 'umaddl', 'smsubl', 'umsubl'])
            self.emit('%s %s, %s, %s, %s' % (op, self.dst(True), self.reg(False), self.reg(False),
                                             self.reg(True)))
        elif kind == 12:
            op = rng.choice(['smulh', 'umulh'])
            self.emit('%s %s, %s, %s' % (op, self.dst(True), self.reg(True), self.reg(True)))
        elif kind == 13:
            op = rng.choice(['udiv', 'sdiv'])
            self.emit('%s %s, %s, %s' % (op, D(), R(), R()))
        elif kind == 14:
            ops = ['rbit', 'rev16', 'rev', 'clz', 'cls'] + (['rev32'] if sf else [])
            self.emit('%s %s, %s' % (rng.choice(ops), D(), R()))
        elif kind == 15:
            op = rng.choice(['movz', 'movn', 'movk'])
            hw = rng.randrange(4 if sf else 2)
            self.emit('%s %s, #0x%x, lsl #%d' % (op, D(), rng.randrange(65536), 16 * hw))
        elif kind == 16:
            op = rng.choice(['sbfx', 'ubfx', 'bfxil', 'sbfiz', 'ubfiz', 'bfi'])
            lsb = rng.randrange(width)
            wid = rng.randint(1, width - lsb)
            self.emit('%s %s, %s, #%d, #%d' % (op, D(), R(), lsb, wid))
        elif kind == 17:
            op = rng.choice(['asr', 'lsl', 'lsr', 'ror'])
            self.emit('%s %s, %s, #%d' % (op, D(), R(), rng.randrange(width)))
        elif kind == 18:
            if sf:
                op = rng.choice(['sxtb', 'sxth', 'sxtw'])
                self.emit('%s %s, %s' % (op, self.dst(True), self.reg(False)))
            else:
                op = rng.choice(['sxtb', 'sxth', 'uxtb', 'uxth'])
                self.emit('%s %s, %s' % (op, D(), R()))
        elif kind == 19:
            self.emit('extr %s, %s, %s, #%d' % (D(), R(), R(), rng.randrange(width)))
        elif kind == 20:
            op = rng.choice(['crc32b', 'crc32h', 'crc32w', 'crc32cb', 'crc32ch', 'crc32cw',
                             'crc32x', 'crc32cx'])
            src = self.reg(True) if op.endswith('x') else self.reg(False)
            self.emit('%s %s, %s, %s' % (op, self.dst(False), self.reg(False), src))
        else:
            op = rng.choice(['cmp', 'cmn', 'tst', 'neg', 'negs', 'ngc', 'ngcs', 'mvn', 'mrs', 'msr',
                             'adr', 'adrp', 'prfm'])
            if op == 'adr':
                self.emit('adr %s, .+%d' % (self.dst(True), 4 * rng.randrange(-64, 64)))
            elif op == 'adrp':
                self.emit('adrp %s, scratch' % self.dst(True))
            elif op == 'prfm':
                self.emit('prfm %s, [x28, #%d]' % (rng.choice(['pldl1keep', 'pstl2strm', 'pldl3keep']),
                                                  8 * rng.randrange(512)))
            elif op == 'mrs':
                self.emit('mrs %s, nzcv' % self.dst(True))
            elif op == 'msr':
                self.emit('msr nzcv, %s' % self.reg(True))
            elif op in ('neg', 'negs', 'ngc', 'ngcs', 'mvn'):
                self.emit('%s %s, %s' % (op, D(), R()))
            else:
                self.emit('%s %s, %s' % (op, R(), R()))

    # ---- memory ----
    def set_base(self, off):
        """x26 = scratch + off."""
        if off < 4096:
            self.emit('add x26, x28, #%d' % off)
        else:
            self.emit('mov x26, #%d' % off)
            self.emit('add x26, x28, x26')

    def ldst(self):
        rng = self.rng
        size = rng.choice([1, 2, 4, 8])
        load = rng.random() < 0.55
        suffix = {1: 'b', 2: 'h', 4: '', 8: ''}[size]
        if load and size < 8 and rng.random() < 0.4:
            sf = size == 4 or rng.random() < 0.5
            mnem = 'ldrsw' if size == 4 else 'ldrs' + suffix
        else:
            sf = size == 8
            mnem = ('ldr' if load else 'str') + suffix
        rt = self.reg(sf, allow_zr=not load or rng.random() < 0.05)
        mode = rng.randrange(6)
        if mode == 0:      # unsigned offset, scaled
            off = rng.randrange(min(4096, SCRATCH // size)) * size
            self.emit('%s %s, [x28, #%d]' % (mnem, rt, off))
        elif mode == 1:    # unscaled (LDUR/STUR), possibly unaligned
            self.set_base(rng.randrange(256, SCRATCH - 256))
            u = mnem.replace('ldr', 'ldur').replace('str', 'stur')
            self.emit('%s %s, [x26, #%d]' % (u, rt, rng.randrange(-256, 256 - size)))
        elif mode == 2:    # pre-index
            self.set_base(rng.randrange(256, SCRATCH - 256))
            self.emit('%s %s, [x26, #%d]!' % (mnem, rt, rng.randrange(-256, 256 - size)))
        elif mode == 3:    # post-index
            self.set_base(rng.randrange(0, SCRATCH - 16))
            self.emit('%s %s, [x26], #%d' % (mnem, rt, rng.randrange(-256, 256)))
        else:              # register offset: index from random data, masked
            lsz = {1: 0, 2: 1, 4: 2, 8: 3}[size]
            shift = rng.random() < 0.5
            ext = rng.choice(['lsl', 'uxtw', 'sxtw', 'sxtx'])
            src = self.reg(True)
            self.emit('and x27, %s, #0x3ff' % src)
            if ext == 'sxtw':
                # a negative W index: base moves up so the address stays inside
                self.emit('orr x27, x27, #0xfffffc00')
                self.emit('add x26, x28, #%d' % (0x400 << (lsz if shift else 0)))
                idx = 'w27, sxtw'
            elif ext == 'uxtw':
                self.emit('mov x26, x28')
                idx = 'w27, uxtw'
            elif ext == 'sxtx':
                self.emit('mov x26, x28')
                idx = 'x27, sxtx'
            else:
                self.emit('mov x26, x28')
                idx = 'x27, lsl'
            amount = ' #%d' % lsz if shift else (' #0' if ext != 'lsl' else '')
            if ext == 'lsl' and not shift:
                idx = 'x27'
                amount = ''
            self.emit('%s %s, [x26, %s%s]' % (mnem, rt, idx, amount))

    def pair(self):
        rng = self.rng
        kind = rng.choice(['x', 'w', 'sw'])
        load = rng.random() < 0.5 or kind == 'sw'
        size = 8 if kind == 'x' else 4
        mnem = ('ldp' if load else 'stp') + ('sw' if kind == 'sw' else '')
        sf = kind != 'w'
        a = rng.choice(DATA_REGS)
        b = rng.choice([r for r in DATA_REGS if r != a] if load else DATA_REGS)
        ra, rb = (self.x(a), self.x(b)) if sf else (self.w(a), self.w(b))
        mode = rng.randrange(3)
        off = rng.randrange(-64, 63) * size
        self.set_base(rng.randrange(1024, SCRATCH - 1024))
        if rng.random() < 0.2 and kind != 'sw':
            mnem = 'ldnp' if load else 'stnp'
            mode = 0
        if mode == 0:
            self.emit('%s %s, %s, [x26, #%d]' % (mnem, ra, rb, off))
        elif mode == 1:
            self.emit('%s %s, %s, [x26, #%d]!' % (mnem, ra, rb, off))
        else:
            self.emit('%s %s, %s, [x26], #%d' % (mnem, ra, rb, off))

    def exclusive(self):
        """LDXR ... STXR to one aligned address, only register operations
        between them (so the store succeeds on both simulators)."""
        rng = self.rng
        acq = rng.random() < 0.4
        pair = rng.random() < 0.25
        size = rng.choice([4, 8]) if pair else rng.choice([1, 2, 4, 8])
        span = size * (2 if pair else 1)
        self.set_base(rng.randrange(SCRATCH // span) * span)
        suf = {1: 'b', 2: 'h', 4: '', 8: ''}[size]
        sf = size == 8
        regs = rng.sample(DATA_REGS, 4)
        t1 = self.x(regs[0]) if sf else self.w(regs[0])
        t2 = self.x(regs[1]) if sf else self.w(regs[1])
        st = self.w(regs[2])
        if pair:
            self.emit('%s %s, %s, [x26]' % ('ldaxp' if acq else 'ldxp', t1, t2))
        else:
            self.emit('%s%s %s, [x26]' % ('ldaxr' if acq else 'ldxr', suf, t1))
        for _ in range(rng.randrange(3)):
            self.dp()
        v1 = self.x(rng.choice(DATA_REGS)) if sf else self.w(rng.choice(DATA_REGS))
        v2 = self.x(rng.choice(DATA_REGS)) if sf else self.w(rng.choice(DATA_REGS))
        # the status register must differ from the data and the base
        while st in (v1, v2, 'w' + v1[1:], 'w' + v2[1:]):
            st = self.w(rng.choice(DATA_REGS))
        if rng.random() < 0.1:
            self.emit('clrex')      # the store then fails on both
        if pair:
            self.emit('%s %s, %s, %s, [x26]' % ('stlxp' if acq else 'stxp', st, v1, v2))
        else:
            self.emit('%s%s %s, %s, [x26]' % ('stlxr' if acq else 'stxr', suf, st, v1))

    def atomic(self):
        rng = self.rng
        size = rng.choice([1, 2, 4, 8])
        self.set_base(rng.randrange(SCRATCH // size) * size)
        suf = {1: 'b', 2: 'h', 4: '', 8: ''}[size]
        sf = size == 8
        r = lambda: self.x(rng.choice(DATA_REGS)) if sf else self.w(rng.choice(DATA_REGS))
        order = rng.choice(['', 'a', 'l', 'al'])
        op = rng.choice(['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax',
                         'ldumin', 'swp', 'cas'])
        self.emit('%s%s%s %s, %s, [x26]' % (op, order, suf, r(), r()))

    def acqrel(self):
        rng = self.rng
        size = rng.choice([1, 2, 4, 8])
        self.set_base(rng.randrange(SCRATCH // size) * size)
        suf = {1: 'b', 2: 'h', 4: '', 8: ''}[size]
        sf = size == 8
        r = self.x(rng.choice(DATA_REGS)) if sf else self.w(rng.choice(DATA_REGS))
        self.emit('%s%s %s, [x26]' % (rng.choice(['ldar', 'stlr', 'ldapr']), suf, r))

    # ---- branches ----
    def label(self):
        self.nlabels += 1
        return '.Ls%d_%d' % (self.uid, self.nlabels)

    def branch(self, remaining):
        rng = self.rng
        name = self.label()
        dist = rng.randint(1, max(1, min(6, remaining)))
        self.pending.append([dist, name])
        kind = rng.randrange(6)
        if kind == 0:
            self.emit('b %s' % name)
        elif kind == 1:
            self.emit('bl %s' % name)   # x30 = the return address, same on both
        elif kind in (2, 3):
            self.emit('b.%s %s' % (rng.choice(CONDS), name))
        elif kind == 4:
            op = rng.choice(['cbz', 'cbnz'])
            self.emit('%s %s, %s' % (op, self.reg(rng.random() < 0.5, allow_zr=False), name))
        else:
            op = rng.choice(['tbz', 'tbnz'])
            b = rng.randrange(64)
            r = self.x(rng.choice(DATA_REGS)) if b >= 32 else self.w(rng.choice(DATA_REGS))
            self.emit('%s %s, #%d, %s' % (op, r, b, name))

    def place_labels(self):
        keep = []
        for p in self.pending:
            p[0] -= 1
            if p[0] <= 0:
                self.lines.append(p[1] + ':')
            else:
                keep.append(p)
        self.pending = keep

    def build(self, n):
        rng = self.rng
        for k in range(n):
            t = rng.random()
            if t < 0.50:
                self.dp()
            elif t < 0.70:
                self.ldst()
            elif t < 0.76:
                self.pair()
            elif t < 0.82:
                self.exclusive()
            elif t < 0.86:
                self.atomic()
            elif t < 0.89:
                self.acqrel()
            else:
                self.branch(n - k)
            self.place_labels()
        for p in self.pending:
            self.lines.append(p[1] + ':')
        self.pending = []
        return self.lines


def make_sequence(seed, uid, length=None):
    """(initial registers, NZCV, scratch seed, body lines) of sequence uid."""
    rng = random.Random(seed)
    regs = [interesting(rng) for _ in range(31)]
    nzcv = rng.randrange(16) << 28
    fill = rng.getrandbits(64) | 1
    body = Seq(rng, uid).build(length or rng.randint(12, 40))
    return regs, nzcv, fill, body


PRELUDE = r'''/* Generated by tests/diff/gen_random.py; do not edit. */
    .text
    .global _start
_start:
    adrp x0, dump
    add x0, x0, :lo12:dump
    mov sp, x0
'''

RUNTIME = r'''
    mov x0, #0
    mov x8, #94                  /* exit_group(0) */
    svc #0
    b .

/* fill_scratch(x0 = seed): xorshift64 words into the scratch buffer */
fill_scratch:
    adrp x1, scratch
    add x1, x1, :lo12:scratch
    mov x2, #%d
1:  eor x0, x0, x0, lsl #13
    eor x0, x0, x0, lsr #7
    eor x0, x0, x0, lsl #17
    str x0, [x1], #8
    subs x2, x2, #1
    b.ne 1b
    ret

/* dump_record: x0-x30 and NZCV are at [sp]; adds the buffer checksum and
 * writes the 33 words to stdout */
dump_record:
    adrp x1, scratch
    add x1, x1, :lo12:scratch
    mov x2, #%d
    mov x3, #0
    mov x5, #0x1b3
    movk x5, #0x100, lsl #32     /* FNV-1a prime */
1:  ldr x4, [x1], #8
    eor x3, x3, x4
    mul x3, x3, x5
    subs x2, x2, #1
    b.ne 1b
    str x3, [sp, #256]
    mov x0, #1
    mov x1, sp
    mov x2, #264
    mov x8, #64                  /* write(1, sp, 264) */
    svc #0
    ret

    .bss
    .balign 4096
scratch:
    .skip %d
    .balign 16
dump:
    .skip 512
'''


def program(seqs, base_uid):
    """Assembly for a program running `seqs` (from make_sequence)."""
    out = [PRELUDE]
    data = ['    .data', '    .balign 8']
    for k, (regs, nzcv, fill, body) in enumerate(seqs):
        uid = base_uid + k
        out.append('/* sequence %d */' % uid)
        for k16 in range(4):
            op = 'movz' if k16 == 0 else 'movk'
            out.append('    %s x0, #0x%x, lsl #%d' % (op, (fill >> (16 * k16)) & 0xffff, 16 * k16))
        out.append('    bl fill_scratch')
        out.append('    adrp x30, init_%d' % uid)
        out.append('    add x30, x30, :lo12:init_%d' % uid)
        out.append('    ldr x0, [x30, #248]')
        out.append('    msr nzcv, x0')
        for r in range(0, 30, 2):
            out.append('    ldp x%d, x%d, [x30, #%d]' % (r, r + 1, 8 * r))
        out.append('    ldr x30, [x30, #240]')
        out.append('    adrp x28, scratch')
        out.append('    add x28, x28, :lo12:scratch')
        out.append('    mov x26, x28')
        out.append('    mov x27, #0')
        out.extend(body)
        for r in range(0, 30, 2):
            out.append('    stp x%d, x%d, [sp, #%d]' % (r, r + 1, 8 * r))
        out.append('    str x30, [sp, #240]')
        out.append('    mrs x0, nzcv')
        out.append('    str x0, [sp, #248]')
        out.append('    bl dump_record')
        vals = list(regs)
        vals[26] = vals[27] = vals[28] = 0
        data.append('init_%d:' % uid)
        data.extend('    .quad 0x%x' % v for v in vals + [nzcv])
    out.append(RUNTIME % (SCRATCH // 8, SCRATCH // 8, SCRATCH))
    out.extend(data)
    return '\n'.join(out) + '\n'
