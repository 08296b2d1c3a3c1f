/* Bit manipulation: bitfield moves (SBFM/BFM/UBFM and their aliases),
 * EXTR, shifts by register, RBIT, REV16/REV32/REV, CLZ, CLS. */
#include "a64_decode.h"
#include "cpu/alu.h"

static inline uint64_t ones(unsigned n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

bool prep_bitfield(struct cpu_insn *i)
{
    unsigned sf = (unsigned)bits(i->raw, 31, 31), n = (unsigned)bits(i->raw, 22, 22);
    unsigned immr = (unsigned)bits(i->raw, 21, 16), imms = (unsigned)bits(i->raw, 15, 10);
    if (sf != n || (!sf && ((immr | imms) & 0x20)))
        return false;
    i->size = (uint8_t)sf;
    i->shift = (uint8_t)immr;
    i->opt = (uint8_t)imms;
    return true;
}

bool prep_extr(struct cpu_insn *i)
{
    unsigned sf = (unsigned)bits(i->raw, 31, 31), n = (unsigned)bits(i->raw, 22, 22);
    unsigned imms = (unsigned)bits(i->raw, 15, 10);
    if (sf != n || (!sf && imms >= 32))
        return false;
    i->size = (uint8_t)sf;
    i->shift = (uint8_t)imms;
    return true;
}

uint64_t exec_ubfm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned ds = SF(i) ? 64 : 32, r = i->shift, s = i->opt;
    uint64_t src = trunc_sf(c->r[i->rn], SF(i)), res;
    if (s >= r)
        res = (src >> r) & ones(s - r + 1);
    else
        res = (src & ones(s + 1)) << (ds - r);
    c->r[i->rd] = trunc_sf(res, SF(i));
    return pc + 4;
}

uint64_t exec_sbfm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned ds = SF(i) ? 64 : 32, r = i->shift, s = i->opt;
    uint64_t src = trunc_sf(c->r[i->rn], SF(i)), res;
    if (s >= r)
        res = (uint64_t)sext((src >> r) & ones(s - r + 1), s - r + 1);
    else
        res = (uint64_t)sext(src & ones(s + 1), s + 1) << (ds - r);
    c->r[i->rd] = trunc_sf(res, SF(i));
    return pc + 4;
}

uint64_t exec_bfm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned ds = SF(i) ? 64 : 32, r = i->shift, s = i->opt;
    uint64_t src = c->r[i->rn], dst = c->r[i->rd], res;
    if (s >= r) {
        uint64_t m = ones(s - r + 1);
        res = (dst & ~m) | ((src >> r) & m);
    } else {
        unsigned lsb = ds - r;
        uint64_t m = ones(s + 1) << lsb;
        res = (dst & ~m) | ((src << lsb) & m);
    }
    c->r[i->rd] = trunc_sf(res, SF(i));
    return pc + 4;
}

uint64_t exec_extr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned lsb = i->shift;
    uint64_t hi = c->r[i->rn], lo = c->r[i->rm], res;
    if (SF(i)) {
        res = lsb ? (lo >> lsb) | (hi << (64 - lsb)) : lo;
    } else {
        uint64_t cat = (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
        res = (uint32_t)(cat >> lsb);
    }
    c->r[i->rd] = res;
    return pc + 4;
}

#define RAW_SF(i) (((i)->raw >> 31) & 1)

static uint64_t shiftv(struct cpu *c, const struct cpu_insn *i, uint64_t pc, unsigned type)
{
    bool sf = RAW_SF(i);
    unsigned amt = (unsigned)(c->r[i->rm] & (sf ? 63 : 31));
    c->r[i->rd] = shift_reg(c->r[i->rn], type, amt, sf);
    return pc + 4;
}

uint64_t exec_lslv(struct cpu *c, const struct cpu_insn *i, uint64_t pc) { return shiftv(c, i, pc, 0); }
uint64_t exec_lsrv(struct cpu *c, const struct cpu_insn *i, uint64_t pc) { return shiftv(c, i, pc, 1); }
uint64_t exec_asrv(struct cpu *c, const struct cpu_insn *i, uint64_t pc) { return shiftv(c, i, pc, 2); }
uint64_t exec_rorv(struct cpu *c, const struct cpu_insn *i, uint64_t pc) { return shiftv(c, i, pc, 3); }

static uint64_t rbit64(uint64_t v)
{
    v = ((v >> 1) & 0x5555555555555555ull) | ((v & 0x5555555555555555ull) << 1);
    v = ((v >> 2) & 0x3333333333333333ull) | ((v & 0x3333333333333333ull) << 2);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0Full) | ((v & 0x0F0F0F0F0F0F0F0Full) << 4);
    return __builtin_bswap64(v);
}

uint64_t exec_rbit(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = rbit64(c->r[i->rn]);
    c->r[i->rd] = RAW_SF(i) ? v : v >> 32;
    return pc + 4;
}

uint64_t exec_rev16(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rn];
    v = ((v >> 8) & 0x00FF00FF00FF00FFull) | ((v & 0x00FF00FF00FF00FFull) << 8);
    c->r[i->rd] = trunc_sf(v, RAW_SF(i));
    return pc + 4;
}

uint64_t exec_rev32(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rn];
    c->r[i->rd] = (uint64_t)__builtin_bswap32((uint32_t)(v >> 32)) << 32 |
                  __builtin_bswap32((uint32_t)v);
    return pc + 4;
}

uint64_t exec_rev(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rn];
    c->r[i->rd] = RAW_SF(i) ? __builtin_bswap64(v) : __builtin_bswap32((uint32_t)v);
    return pc + 4;
}

uint64_t exec_clz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rn];
    if (RAW_SF(i))
        c->r[i->rd] = v ? (uint64_t)__builtin_clzll(v) : 64;
    else
        c->r[i->rd] = (uint32_t)v ? (uint64_t)__builtin_clz((uint32_t)v) : 32;
    return pc + 4;
}

uint64_t exec_cls(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rn];
    if (RAW_SF(i)) {
        uint64_t x = v ^ (uint64_t)((int64_t)v >> 1);   /* bit k set where bits k, k+1 differ */
        x &= ~(1ull << 63);
        c->r[i->rd] = x ? (uint64_t)__builtin_clzll(x) - 1 : 63;
    } else {
        uint32_t w = (uint32_t)v;
        uint32_t x = (w ^ (uint32_t)((int32_t)w >> 1)) & 0x7FFFFFFFu;
        c->r[i->rd] = x ? (uint64_t)__builtin_clz(x) - 1 : 31;
    }
    return pc + 4;
}
