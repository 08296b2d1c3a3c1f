/* Data processing: add/sub (immediate, shifted, extended, with carry),
 * logical (immediate, shifted), move wide, ADR/ADRP, conditional compare
 * and conditional select. */
#include "a64_decode.h"
#include "cpu/alu.h"

/* ---- decode-time preparation ---- */

bool prep_adr(struct cpu_insn *i)
{
    i->imm = (uint64_t)sext(bits(i->raw, 23, 5) << 2 | bits(i->raw, 30, 29), 21);
    i->opt = 0;
    return true;
}

bool prep_adrp(struct cpu_insn *i)
{
    prep_adr(i);
    i->imm <<= 12;
    i->opt = 1;
    return true;
}

bool prep_addsub_imm(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 31);
    i->imm = bits(i->raw, 21, 10) << (bits(i->raw, 22, 22) ? 12 : 0);
    return true;
}

/* DecodeBitMasks for the logical immediate: element of 2..64 bits with
 * S+1 ones rotated right by R, replicated.  False for reserved values. */
static bool decode_bitmask(unsigned n, unsigned imms, unsigned immr, bool sf, uint64_t *out)
{
    unsigned v = (n << 6) | (~imms & 0x3F);
    if (!v || (!sf && n))
        return false;
    unsigned len = 31 - (unsigned)__builtin_clz(v);
    if (len < 1)
        return false;
    unsigned esize = 1u << len, levels = esize - 1;
    unsigned s = imms & levels, r = immr & levels;
    if (s == levels)
        return false;
    uint64_t elem = (1ull << (s + 1)) - 1;   /* s + 1 < 64 here */
    uint64_t emask = esize == 64 ? ~0ull : (1ull << esize) - 1;
    if (r)
        elem = ((elem >> r) | (elem << (esize - r))) & emask;
    uint64_t m = 0;
    for (unsigned k = 0; k < 64; k += esize)
        m |= elem << k;
    *out = sf ? m : (uint32_t)m;
    return true;
}

bool prep_logic_imm(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 31);
    return decode_bitmask((unsigned)bits(i->raw, 22, 22), (unsigned)bits(i->raw, 15, 10),
                          (unsigned)bits(i->raw, 21, 16), i->size, &i->imm);
}

bool prep_movw(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 31);
    unsigned hw = (unsigned)bits(i->raw, 22, 21);
    if (!i->size && hw >= 2)
        return false;
    i->shift = (uint8_t)(hw * 16);
    i->imm = bits(i->raw, 20, 5) << i->shift;
    return true;
}

bool prep_shift_reg(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 31);
    i->opt = (uint8_t)bits(i->raw, 23, 22);
    i->shift = (uint8_t)bits(i->raw, 15, 10);
    return i->size || i->shift < 32;
}

bool prep_addsub_sreg(struct cpu_insn *i)
{
    return prep_shift_reg(i) && i->opt != 3;
}

bool prep_addsub_ext(struct cpu_insn *i)
{
    i->size = (uint8_t)bits(i->raw, 31, 31);
    i->opt = (uint8_t)bits(i->raw, 15, 13);
    i->shift = (uint8_t)bits(i->raw, 12, 10);
    return i->shift <= 4;
}

/* ---- handlers ---- */

uint64_t exec_adr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = (i->opt ? pc & ~0xFFFull : pc) + i->imm;
    return pc + 4;
}

uint64_t exec_add_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] + i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_sub_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] - i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_adds_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = add_flags(c, c->r[i->rn], i->imm, 0, SF(i));
    return pc + 4;
}

uint64_t exec_subs_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = add_flags(c, c->r[i->rn], ~i->imm, 1, SF(i));
    return pc + 4;
}

uint64_t exec_and_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] & i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_orr_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] | i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_eor_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] ^ i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_ands_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t r = trunc_sf(c->r[i->rn] & i->imm, SF(i));
    logic_flags(c, r, SF(i));
    c->r[i->rd] = r;
    return pc + 4;
}

uint64_t exec_movn(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(~i->imm, SF(i));
    return pc + 4;
}

uint64_t exec_movz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = i->imm;
    return pc + 4;
}

uint64_t exec_movk(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = (c->r[i->rd] & ~(0xFFFFull << i->shift)) | i->imm;
    c->r[i->rd] = trunc_sf(v, SF(i));
    return pc + 4;
}

/* logical, shifted register: Rd = Rn OP (shift(Rm) [inverted]) */
#define LOGIC_SREG(name, expr, setflags)                                              \
    uint64_t exec_##name(struct cpu *c, const struct cpu_insn *i, uint64_t pc)       \
    {                                                                                \
        uint64_t a = c->r[i->rn];                                                    \
        uint64_t b = shift_reg(c->r[i->rm], i->opt, i->shift, SF(i));                \
        uint64_t r = trunc_sf(expr, SF(i));                                          \
        if (setflags)                                                                \
            logic_flags(c, r, SF(i));                                                \
        c->r[i->rd] = r;                                                             \
        return pc + 4;                                                               \
    }
LOGIC_SREG(and_reg, a & b, 0)
LOGIC_SREG(bic_reg, a & ~b, 0)
LOGIC_SREG(orr_reg, a | b, 0)
LOGIC_SREG(orn_reg, a | ~b, 0)
LOGIC_SREG(eor_reg, a ^ b, 0)
LOGIC_SREG(eon_reg, a ^ ~b, 0)
LOGIC_SREG(ands_reg, a & b, 1)
LOGIC_SREG(bics_reg, a & ~b, 1)

uint64_t exec_add_sreg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = shift_reg(c->r[i->rm], i->opt, i->shift, SF(i));
    c->r[i->rd] = trunc_sf(c->r[i->rn] + b, SF(i));
    return pc + 4;
}

uint64_t exec_sub_sreg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = shift_reg(c->r[i->rm], i->opt, i->shift, SF(i));
    c->r[i->rd] = trunc_sf(c->r[i->rn] - b, SF(i));
    return pc + 4;
}

uint64_t exec_adds_sreg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = shift_reg(c->r[i->rm], i->opt, i->shift, SF(i));
    c->r[i->rd] = add_flags(c, c->r[i->rn], b, 0, SF(i));
    return pc + 4;
}

uint64_t exec_subs_sreg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = shift_reg(c->r[i->rm], i->opt, i->shift, SF(i));
    c->r[i->rd] = add_flags(c, c->r[i->rn], ~b, 1, SF(i));
    return pc + 4;
}

uint64_t exec_add_ext(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = extend_reg(c->r[i->rm], i->opt, i->shift);
    c->r[i->rd] = trunc_sf(c->r[i->rn] + b, SF(i));
    return pc + 4;
}

uint64_t exec_sub_ext(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = extend_reg(c->r[i->rm], i->opt, i->shift);
    c->r[i->rd] = trunc_sf(c->r[i->rn] - b, SF(i));
    return pc + 4;
}

uint64_t exec_adds_ext(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = extend_reg(c->r[i->rm], i->opt, i->shift);
    c->r[i->rd] = add_flags(c, c->r[i->rn], b, 0, SF(i));
    return pc + 4;
}

uint64_t exec_subs_ext(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t b = extend_reg(c->r[i->rm], i->opt, i->shift);
    c->r[i->rd] = add_flags(c, c->r[i->rn], ~b, 1, SF(i));
    return pc + 4;
}

/* The handlers below read sf from the raw word (no prep). */
#define RAW_SF(i) (((i)->raw >> 31) & 1)

uint64_t exec_adc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] + c->r[i->rm] + c->ps.c, RAW_SF(i));
    return pc + 4;
}

uint64_t exec_sbc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->rn] + ~c->r[i->rm] + c->ps.c, RAW_SF(i));
    return pc + 4;
}

uint64_t exec_adcs(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = add_flags(c, c->r[i->rn], c->r[i->rm], c->ps.c, RAW_SF(i));
    return pc + 4;
}

uint64_t exec_sbcs(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = add_flags(c, c->r[i->rn], ~c->r[i->rm], c->ps.c, RAW_SF(i));
    return pc + 4;
}

/* conditional compare: flags of Rn +/- op2 if cond holds, else #nzcv */
static uint64_t ccmp(struct cpu *c, const struct cpu_insn *i, uint64_t pc, uint64_t op2, bool neg)
{
    unsigned cond = (unsigned)bits(i->raw, 15, 12);
    if (cpu_cond_holds(c, cond)) {
        if (neg)
            add_flags(c, c->r[i->rn], op2, 0, RAW_SF(i));
        else
            add_flags(c, c->r[i->rn], ~op2, 1, RAW_SF(i));
    } else {
        set_nzcv(c, (unsigned)bits(i->raw, 3, 0));
    }
    return pc + 4;
}

uint64_t exec_ccmn_reg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ccmp(c, i, pc, c->r[i->rm], true);
}

uint64_t exec_ccmp_reg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ccmp(c, i, pc, c->r[i->rm], false);
}

uint64_t exec_ccmn_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ccmp(c, i, pc, bits(i->raw, 20, 16), true);
}

uint64_t exec_ccmp_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ccmp(c, i, pc, bits(i->raw, 20, 16), false);
}

/* conditional select: Rd = cond ? Rn : f(Rm) */
#define CSEL(name, expr)                                                             \
    uint64_t exec_##name(struct cpu *c, const struct cpu_insn *i, uint64_t pc)      \
    {                                                                               \
        uint64_t m = c->r[i->rm];                                                   \
        uint64_t r = cpu_cond_holds(c, (unsigned)bits(i->raw, 15, 12)) ? c->r[i->rn] : (expr); \
        c->r[i->rd] = trunc_sf(r, RAW_SF(i));                                       \
        return pc + 4;                                                              \
    }
CSEL(csel, m)
CSEL(csinc, m + 1)
CSEL(csinv, ~m)
CSEL(csneg, 0 - m)
