/* Floating-point and Advanced SIMD: the register moves, immediates and
 * loads/stores compilers emit for copies and zeroing (FMOV, MOVI/MVNI and
 * ORR/BIC immediate, DUP/INS/UMOV general, vector AND/BIC/ORR/ORN/EOR/BSL/
 * BIT/BIF, LDR/STR/LDP/STP of B/H/S/D/Q).  Every other FP/SIMD encoding is
 * decoded as a class and raises the FP access trap (EC 0x07) when
 * CPACR_EL1/CPTR_EL2 trap it, and UNDEFINED otherwise. */
#include "a64_decode.h"
#include "cpu/alu.h"

#define FP_CHECK(c)                                  \
    do {                                             \
        uint64_t npc_;                               \
        if (cpu_fp_access_trap((c), &npc_))          \
            return npc_;                             \
    } while (0)

/* V registers are numbered by the raw fields; rd/rn slots hold 0..31 with
 * 31 meaning V31 (never SP) for the FP operands, so raw fields are used. */
static inline unsigned vd(const struct cpu_insn *i) { return (unsigned)bits(i->raw, 4, 0); }
static inline unsigned vn(const struct cpu_insn *i) { return (unsigned)bits(i->raw, 9, 5); }
static inline unsigned vm(const struct cpu_insn *i) { return (unsigned)bits(i->raw, 20, 16); }

uint64_t exec_fp_unimpl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    return cpu_undefined(c);
}

/* ---- FMOV ---- */

/* i->opt: 0 W<->S, 1 X<->D, 2 X<->V.D[1] */
bool prep_fmov_gen(struct cpu_insn *i)
{
    unsigned sf = (unsigned)bits(i->raw, 31, 31), type = (unsigned)bits(i->raw, 23, 22);
    unsigned rmode = (unsigned)bits(i->raw, 20, 19);
    if (!sf && type == 0 && rmode == 0)
        i->opt = 0;
    else if (sf && type == 1 && rmode == 0)
        i->opt = 1;
    else if (sf && type == 2 && rmode == 1)
        i->opt = 2;
    else
        return false;   /* half precision needs FEAT_FP16 */
    return true;
}

uint64_t exec_fmov_to_gen(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    const uint64_t *v = c->v[vn(i)];
    c->r[i->rd] = i->opt == 0 ? (uint32_t)v[0] : i->opt == 1 ? v[0] : v[1];
    return pc + 4;
}

uint64_t exec_fmov_from_gen(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t x = c->r[i->rn];
    uint64_t *v = c->v[vd(i)];
    if (i->opt == 2) {
        v[1] = x;
    } else {
        v[0] = i->opt == 0 ? (uint32_t)x : x;
        v[1] = 0;
    }
    return pc + 4;
}

bool prep_fmov_reg(struct cpu_insn *i)
{
    unsigned type = (unsigned)bits(i->raw, 23, 22);
    if (type > 1)
        return false;
    i->opt = (uint8_t)type;
    return true;
}

uint64_t exec_fmov_reg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t x = c->v[vn(i)][0];
    c->v[vd(i)][0] = i->opt ? x : (uint32_t)x;
    c->v[vd(i)][1] = 0;
    return pc + 4;
}

/* ---- MOVI / MVNI / ORR / BIC (vector, immediate), FMOV (vector, immediate) ---- */

static uint64_t rep32(uint64_t v) { return v << 32 | (uint32_t)v; }
static uint64_t rep16(uint64_t v) { return rep32((v & 0xFFFF) << 16 | (v & 0xFFFF)); }

/* i->imm: the 64-bit expanded immediate; i->opt: 0 MOVI, 1 MVNI, 2 ORR, 3 BIC. */
bool prep_movi(struct cpu_insn *i)
{
    unsigned q = (unsigned)bits(i->raw, 30, 30), op = (unsigned)bits(i->raw, 29, 29);
    unsigned cmode = (unsigned)bits(i->raw, 15, 12);
    uint64_t imm8 = bits(i->raw, 18, 16) << 5 | bits(i->raw, 9, 5);
    uint64_t imm;
    unsigned kind;   /* 0 move, 1 move-not, 2 orr, 3 bic */
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        imm = rep32(imm8 << (8 * (cmode >> 1)));
        kind = (cmode & 1) ? (op ? 3 : 2) : (op ? 1 : 0);
        break;
    case 4: case 5:
        imm = rep16(imm8 << (8 * ((cmode >> 1) & 1)));
        kind = (cmode & 1) ? (op ? 3 : 2) : (op ? 1 : 0);
        break;
    case 6:
        imm = rep32((cmode & 1) ? (imm8 << 16 | 0xFFFF) : (imm8 << 8 | 0xFF));
        kind = op ? 1 : 0;
        break;
    default:
        if (cmode == 14 && !op) {
            imm = imm8 * 0x0101010101010101ull;
        } else if (cmode == 14) {
            imm = 0;
            for (int b = 0; b < 8; b++)
                if (imm8 & (1u << b))
                    imm |= 0xFFull << (8 * b);
        } else if (!op) {   /* FMOV Vd.{2,4}S, #imm */
            uint64_t a = imm8 >> 7, b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3, efgh = imm8 & 15;
            imm = rep32(a << 31 | (b ^ 1) << 30 | (b ? 0x1Full : 0) << 25 | cd << 23 | efgh << 19);
        } else {            /* FMOV Vd.2D, #imm */
            if (!q)
                return false;
            uint64_t a = imm8 >> 7, b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3, efgh = imm8 & 15;
            imm = a << 63 | (b ^ 1) << 62 | (b ? 0xFFull : 0) << 54 | cd << 52 | efgh << 48;
        }
        kind = 0;
        break;
    }
    i->imm = imm;
    i->opt = (uint8_t)kind;
    i->size = (uint8_t)q;
    return true;
}

uint64_t exec_movi(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t *v = c->v[vd(i)];
    for (int h = 0; h < 2; h++) {
        switch (i->opt) {
        case 0: v[h] = i->imm; break;
        case 1: v[h] = ~i->imm; break;
        case 2: v[h] |= i->imm; break;
        default: v[h] &= ~i->imm; break;
        }
    }
    if (!i->size)
        v[1] = 0;
    return pc + 4;
}

/* ---- DUP / INS / UMOV (general) ---- */

/* i->size: log2 element size; i->shift: element index; i->opt: Q */
bool prep_dup_gen(struct cpu_insn *i)
{
    unsigned imm5 = (unsigned)bits(i->raw, 20, 16), q = (unsigned)bits(i->raw, 30, 30);
    if (!(imm5 & 0xF))
        return false;
    unsigned size = (unsigned)__builtin_ctz(imm5);
    i->size = (uint8_t)size;
    i->shift = (uint8_t)(imm5 >> (size + 1));
    i->opt = (uint8_t)q;
    unsigned op = (unsigned)bits(i->raw, 14, 11);
    if (op == 1 && size == 3 && !q)
        return false;               /* DUP .1D */
    if (op == 7 && (size == 3) != (q == 1))
        return false;               /* UMOV W needs Q=0, UMOV X needs Q=1, size 3 */
    return true;
}

static inline uint64_t elem_get(const uint64_t *v, unsigned size, unsigned idx)
{
    unsigned bitsz = 8u << size, pos = idx * bitsz;
    uint64_t w = v[pos / 64] >> (pos % 64);
    return bitsz == 64 ? w : w & ((1ull << bitsz) - 1);
}

static inline void elem_set(uint64_t *v, unsigned size, unsigned idx, uint64_t x)
{
    unsigned bitsz = 8u << size, pos = idx * bitsz;
    uint64_t m = bitsz == 64 ? ~0ull : ((1ull << bitsz) - 1);
    v[pos / 64] = (v[pos / 64] & ~(m << (pos % 64))) | ((x & m) << (pos % 64));
}

uint64_t exec_dup_gen(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t x = c->r[i->rn];
    uint64_t *v = c->v[vd(i)];
    unsigned n = (i->opt ? 16u : 8u) >> i->size;
    v[1] = 0;
    for (unsigned k = 0; k < n; k++)
        elem_set(v, i->size, k, x);
    return pc + 4;
}

uint64_t exec_ins_gen(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    elem_set(c->v[vd(i)], i->size, i->shift, c->r[i->rn]);
    return pc + 4;
}

uint64_t exec_umov(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    c->r[i->rd] = elem_get(c->v[vn(i)], i->size, i->shift);
    return pc + 4;
}

/* ---- vector logic: U:size selects AND BIC ORR ORN EOR BSL BIT BIF ---- */

bool prep_vlogic(struct cpu_insn *i)
{
    i->opt = (uint8_t)(bits(i->raw, 29, 29) << 2 | bits(i->raw, 23, 22));
    i->size = (uint8_t)bits(i->raw, 30, 30);
    return true;
}

uint64_t exec_vlogic(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t *d = c->v[vd(i)];
    const uint64_t *n = c->v[vn(i)], *m = c->v[vm(i)];
    uint64_t r[2];
    for (int h = 0; h < 2; h++) {
        switch (i->opt) {
        case 0: r[h] = n[h] & m[h]; break;
        case 1: r[h] = n[h] & ~m[h]; break;
        case 2: r[h] = n[h] | m[h]; break;
        case 3: r[h] = n[h] | ~m[h]; break;
        case 4: r[h] = n[h] ^ m[h]; break;
        case 5: r[h] = (d[h] & n[h]) | (~d[h] & m[h]); break;   /* BSL */
        case 6: r[h] = (d[h] & ~m[h]) | (n[h] & m[h]); break;   /* BIT */
        default: r[h] = (d[h] & m[h]) | (n[h] & ~m[h]); break;  /* BIF */
        }
    }
    d[0] = r[0];
    d[1] = i->size ? r[1] : 0;
    return pc + 4;
}

/* ---- loads and stores of FP/SIMD registers ---- */

/* Reads/writes 1..16 bytes of V[t] at va. */
static int fp_load(struct cpu *c, uint64_t va, unsigned lsz, unsigned t)
{
    uint64_t lo, hi = 0;
    if (lsz == 4) {
        if (mem_read64(c, va, &lo, 0) || mem_read64(c, va + 8, &hi, 0))
            return -1;
    } else if (mem_read(c, va, lsz, &lo, 0)) {
        return -1;
    }
    c->v[t][0] = lo;
    c->v[t][1] = hi;
    return 0;
}

static int fp_store(struct cpu *c, uint64_t va, unsigned lsz, unsigned t)
{
    if (lsz == 4)
        return mem_write64(c, va, c->v[t][0], 0) || mem_write64(c, va + 8, c->v[t][1], 0) ? -1 : 0;
    return mem_write(c, va, lsz, c->v[t][0], 0);
}

/* i->size: log2 bytes (0..4); i->opt: 1 load; i->cond: 0 offset, 1 post, 2 pre, 3 register */
bool prep_ldst_fp(struct cpu_insn *i)
{
    unsigned size = (unsigned)bits(i->raw, 31, 30), opc = (unsigned)bits(i->raw, 23, 22);
    if ((opc & 2) && size)
        return false;
    unsigned lsz = (opc & 2) ? 4 : size;
    i->size = (uint8_t)lsz;
    i->opt = opc & 1;
    if (bits(i->raw, 24, 24)) {
        i->cond = 0;
        i->imm = bits(i->raw, 21, 10) << lsz;
    } else if (bits(i->raw, 21, 21)) {
        unsigned option = (unsigned)bits(i->raw, 15, 13);
        if (!(option & 2))
            return false;
        i->cond = 3;
        i->shift = (uint8_t)(bits(i->raw, 12, 12) ? lsz : 0);
        i->ra = (uint8_t)option;
    } else {
        static const uint8_t modes[4] = {0, 1, 0xFF, 2};
        i->cond = modes[bits(i->raw, 11, 10)];
        if (i->cond == 0xFF)
            return false;   /* no unprivileged form for FP registers */
        i->imm = (uint64_t)sext(bits(i->raw, 20, 12), 9);
    }
    return true;
}

uint64_t exec_ldst_fp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    uint64_t addr;
    switch (i->cond) {
    case 1: addr = base; break;
    case 3: addr = base + extend_reg(c->r[i->rm], i->ra, i->shift); break;
    default: addr = base + i->imm; break;
    }
    unsigned t = vd(i);
    if (i->opt ? fp_load(c, addr, i->size, t) : fp_store(c, addr, i->size, t))
        return c->pc;
    if (i->cond == 1 || i->cond == 2)
        c->r[i->rn] = base + i->imm;
    return pc + 4;
}

bool prep_ldr_lit_fp(struct cpu_insn *i)
{
    unsigned opc = (unsigned)bits(i->raw, 31, 30);
    if (opc == 3)
        return false;
    i->size = (uint8_t)(opc + 2);
    i->imm = (uint64_t)sext(bits(i->raw, 23, 5), 19) << 2;
    return true;
}

uint64_t exec_ldr_lit_fp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    FP_CHECK(c);
    if (fp_load(c, pc + i->imm, i->size, vd(i)))
        return c->pc;
    return pc + 4;
}

/* pairs: i->size log2 element bytes (2..4), i->cond addressing as for GPR pairs */
bool prep_pair_fp(struct cpu_insn *i)
{
    unsigned opc = (unsigned)bits(i->raw, 31, 30);
    if (opc == 3)
        return false;
    i->size = (uint8_t)(opc + 2);
    i->cond = (uint8_t)bits(i->raw, 24, 23);
    i->imm = (uint64_t)sext(bits(i->raw, 21, 15), 7) << i->size;
    return true;
}

static uint64_t fp_pair(struct cpu *c, const struct cpu_insn *i, uint64_t pc, bool load)
{
    FP_CHECK(c);
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    uint64_t addr = i->cond == 1 ? base : base + i->imm;
    unsigned t1 = vd(i), t2 = (unsigned)bits(i->raw, 14, 10), step = 1u << i->size;
    if (load) {
        uint64_t save[2] = {c->v[t1][0], c->v[t1][1]};
        if (fp_load(c, addr, i->size, t1))
            return c->pc;
        if (fp_load(c, addr + step, i->size, t2)) {
            c->v[t1][0] = save[0];
            c->v[t1][1] = save[1];
            return c->pc;
        }
    } else if (fp_store(c, addr, i->size, t1) || fp_store(c, addr + step, i->size, t2)) {
        return c->pc;
    }
    if (i->cond & 1)
        c->r[i->rn] = base + i->imm;
    return pc + 4;
}

uint64_t exec_ldp_fp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return fp_pair(c, i, pc, true);
}

uint64_t exec_stp_fp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return fp_pair(c, i, pc, false);
}
