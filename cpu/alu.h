/* Arithmetic shared by the data-processing handlers: flag-setting add,
 * shifts and extends of the second operand, as the architecture's
 * AddWithCarry, ShiftReg and ExtendReg pseudocode define them. */
#ifndef MSASIM_CPU_ALU_H
#define MSASIM_CPU_ALU_H

#include "cpu/internal.h"

/* sf: 64-bit operation.  Result truncated to the operand size. */
static inline uint64_t add_flags(struct cpu *c, uint64_t a, uint64_t b, unsigned carry, bool sf)
{
    if (sf) {
        uint64_t r = a + b + carry;
        c->ps.c = carry ? r <= a : r < a;
        c->ps.v = (uint8_t)((~(a ^ b) & (a ^ r)) >> 63);
        c->ps.n = (uint8_t)(r >> 63);
        c->ps.z = r == 0;
        return r;
    }
    uint64_t wide = (uint64_t)(uint32_t)a + (uint32_t)b + carry;
    uint32_t r = (uint32_t)wide;
    c->ps.c = (uint8_t)(wide >> 32);
    c->ps.v = (uint8_t)(((~((uint32_t)a ^ (uint32_t)b) & ((uint32_t)a ^ r)) >> 31) & 1);
    c->ps.n = (uint8_t)(r >> 31);
    c->ps.z = r == 0;
    return r;
}

static inline void logic_flags(struct cpu *c, uint64_t r, bool sf)
{
    c->ps.n = (uint8_t)(sf ? r >> 63 : (r >> 31) & 1);
    c->ps.z = r == 0;
    c->ps.c = 0;
    c->ps.v = 0;
}

static inline uint64_t ror64(uint64_t v, unsigned n)
{
    n &= 63;
    return n ? (v >> n) | (v << (64 - n)) : v;
}

static inline uint32_t ror32(uint32_t v, unsigned n)
{
    n &= 31;
    return n ? (v >> n) | (v << (32 - n)) : v;
}

/* type: 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount < operand size. */
static inline uint64_t shift_reg(uint64_t v, unsigned type, unsigned amt, bool sf)
{
    if (sf) {
        switch (type) {
        case 0: return v << amt;
        case 1: return v >> amt;
        case 2: return (uint64_t)((int64_t)v >> amt);
        default: return ror64(v, amt);
        }
    }
    uint32_t w = (uint32_t)v;
    switch (type) {
    case 0: return (uint32_t)(w << amt);
    case 1: return w >> amt;
    case 2: return (uint32_t)((int32_t)w >> amt);
    default: return ror32(w, amt);
    }
}

/* option: 0 UXTB 1 UXTH 2 UXTW 3 UXTX 4 SXTB 5 SXTH 6 SXTW 7 SXTX */
static inline uint64_t extend_reg(uint64_t v, unsigned option, unsigned shift)
{
    switch (option) {
    case 0: v = (uint8_t)v; break;
    case 1: v = (uint16_t)v; break;
    case 2: v = (uint32_t)v; break;
    case 4: v = (uint64_t)(int64_t)(int8_t)v; break;
    case 5: v = (uint64_t)(int64_t)(int16_t)v; break;
    case 6: v = (uint64_t)(int64_t)(int32_t)v; break;
    default: break;
    }
    return v << shift;
}

static inline uint64_t trunc_sf(uint64_t v, bool sf)
{
    return sf ? v : (uint32_t)v;
}

/* Operand-size flag kept in the decoded record. */
#define SF(i) ((i)->size)

#endif
