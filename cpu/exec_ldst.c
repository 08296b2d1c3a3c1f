/* Loads and stores of general registers: unsigned offset, unscaled,
 * pre/post-index, register offset with extend/shift, literal, pairs
 * (incl. LDPSW), sign-extending loads, prefetch (no-op), LDTR/STTR. */
#include "a64_decode.h"
#include "cpu/alu.h"

/* i->opt: what the access does */
enum { LS_STORE, LS_LOAD, LS_LOAD_SX64, LS_LOAD_SX32, LS_PREFETCH };

/* Fills size/opt/iss from size (31:30) and opc (23:22); false when the
 * combination is unallocated.  allow_prefetch: the form has PRFM/PRFUM. */
static bool ldst_kind(struct cpu_insn *i, bool allow_prefetch, bool writeback)
{
    unsigned size = (unsigned)bits(i->raw, 31, 30), opc = (unsigned)bits(i->raw, 23, 22);
    unsigned rt = (unsigned)bits(i->raw, 4, 0);
    bool sf;
    i->size = (uint8_t)size;
    switch (opc) {
    case 0:
        i->opt = LS_STORE;
        sf = size == 3;
        break;
    case 1:
        i->opt = LS_LOAD;
        sf = size == 3;
        break;
    case 2:
        if (size == 3) {
            i->opt = LS_PREFETCH;
            return allow_prefetch;
        }
        i->opt = LS_LOAD_SX64;
        sf = true;
        break;
    default:
        if (size >= 2)
            return false;
        i->opt = LS_LOAD_SX32;
        sf = false;
        break;
    }
    /* Instruction syndrome for data aborts taken to EL2: single register,
     * no writeback. */
    if (!writeback)
        i->iss = ISS_ISV | ISS_SAS(size) | ISS_SRT(rt) | (sf ? ISS_SF : 0) |
                 (i->opt == LS_LOAD_SX64 || i->opt == LS_LOAD_SX32 ? ISS_SSE : 0);
    return true;
}

/* Handlers specialised by size and kind for the three most frequent
 * addressing modes, so the hot path has no switch; the prep functions pick
 * them.  (The generic handlers below serve the same patterns too.) */
static inline __attribute__((always_inline)) uint64_t
access_sized(struct cpu *c, const struct cpu_insn *i, uint64_t pc, uint64_t addr, unsigned lsz,
             unsigned kind)
{
    uint64_t v;
    if (kind == LS_STORE) {
        if (mem_write(c, addr, lsz, c->r[i->rd], i->iss))
            return c->pc;
        return pc + 4;
    }
    if (mem_read(c, addr, lsz, &v, i->iss))
        return c->pc;
    if (kind == LS_LOAD_SX64)
        v = (uint64_t)sext(v, 8u << lsz);
    else if (kind == LS_LOAD_SX32)
        v = (uint32_t)sext(v, 8u << lsz);
    c->r[i->rd] = v;
    return pc + 4;
}

#define ADDR_imm(c, i) (c->r[i->rn] + i->imm)
#define ADDR_reg(c, i) (c->r[i->rn] + extend_reg(c->r[i->rm], i->cond, i->shift))
#define LDST_FN(mode, lsz, kind)                                                          \
    static uint64_t ldst_##mode##_##lsz##_##kind(struct cpu *c, const struct cpu_insn *i, \
                                                 uint64_t pc)                             \
    {                                                                                     \
        if (ldst_checks(c, i->rn, c->r[i->rn]))                                           \
            return c->pc;                                                                 \
        return access_sized(c, i, pc, ADDR_##mode(c, i), lsz, kind);                      \
    }
#define LDST_SIZES(mode, kind) LDST_FN(mode, 0, kind) LDST_FN(mode, 1, kind) LDST_FN(mode, 2, kind) LDST_FN(mode, 3, kind)
#define LDST_MODE(mode) LDST_SIZES(mode, 0) LDST_SIZES(mode, 1) LDST_SIZES(mode, 2) LDST_SIZES(mode, 3)
LDST_MODE(imm)
LDST_MODE(reg)
#define ROW(mode, kind) {ldst_##mode##_0_##kind, ldst_##mode##_1_##kind, ldst_##mode##_2_##kind, ldst_##mode##_3_##kind}
static const cpu_exec_fn fast_imm[4][4] = {ROW(imm, 0), ROW(imm, 1), ROW(imm, 2), ROW(imm, 3)};
static const cpu_exec_fn fast_reg[4][4] = {ROW(reg, 0), ROW(reg, 1), ROW(reg, 2), ROW(reg, 3)};

static void pick_fast(struct cpu_insn *i, const cpu_exec_fn table[4][4])
{
    if (i->opt == LS_PREFETCH)
        i->fn = exec_nop;
    else
        i->fn = table[i->opt][i->size];
}

bool prep_ldst_uimm(struct cpu_insn *i)
{
    if (!ldst_kind(i, true, false))
        return false;
    i->imm = bits(i->raw, 21, 10) << i->size;
    pick_fast(i, fast_imm);
    return true;
}

bool prep_ldst_imm9(struct cpu_insn *i)
{
    unsigned mode = (unsigned)bits(i->raw, 11, 10);   /* 00 unscaled 01 post 10 unpriv 11 pre */
    if (!ldst_kind(i, mode == 0, mode == 1 || mode == 3))
        return false;
    i->imm = (uint64_t)sext(bits(i->raw, 20, 12), 9);
    if (mode == 0)
        pick_fast(i, fast_imm);
    return true;
}

bool prep_ldst_reg(struct cpu_insn *i)
{
    unsigned option = (unsigned)bits(i->raw, 15, 13);
    if (!(option & 2))
        return false;
    if (!ldst_kind(i, true, false))
        return false;
    i->cond = (uint8_t)option;
    i->shift = bits(i->raw, 12, 12) ? i->size : 0;
    pick_fast(i, fast_reg);
    return true;
}

static inline uint64_t do_access(struct cpu *c, const struct cpu_insn *i, uint64_t pc, uint64_t addr)
{
    uint64_t v;
    switch (i->opt) {
    case LS_STORE:
        if (mem_write(c, addr, i->size, c->r[i->rd], i->iss))
            return c->pc;
        break;
    case LS_LOAD:
        if (mem_read(c, addr, i->size, &v, i->iss))
            return c->pc;
        c->r[i->rd] = v;
        break;
    case LS_LOAD_SX64:
        if (mem_read(c, addr, i->size, &v, i->iss))
            return c->pc;
        c->r[i->rd] = (uint64_t)sext(v, 8u << i->size);
        break;
    case LS_LOAD_SX32:
        if (mem_read(c, addr, i->size, &v, i->iss))
            return c->pc;
        c->r[i->rd] = (uint32_t)sext(v, 8u << i->size);
        break;
    default:
        break;   /* prefetch: no effect, never faults */
    }
    return pc + 4;
}

uint64_t exec_ldst_uimm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    return do_access(c, i, pc, base + i->imm);
}

uint64_t exec_ldst_unsc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return exec_ldst_uimm(c, i, pc);
}

uint64_t exec_ldst_post(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    uint64_t next = do_access(c, i, pc, base);
    if (next == pc + 4)
        c->r[i->rn] = base + i->imm;
    return next;
}

uint64_t exec_ldst_pre(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    uint64_t addr = base + i->imm;
    uint64_t next = do_access(c, i, pc, addr);
    if (next == pc + 4)
        c->r[i->rn] = addr;
    return next;
}

uint64_t exec_ldst_reg(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    return do_access(c, i, pc, base + extend_reg(c->r[i->rm], i->cond, i->shift));
}

/* LDTR/STTR: at EL1 the access is checked with EL0 permissions. */
uint64_t exec_ldst_unpriv(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base = c->r[i->rn];
    if (ldst_checks(c, i->rn, base))
        return c->pc;
    uint64_t addr = base + i->imm, v;
    unsigned flags = c->ps.el == 1 ? MEM_UNPRIV : 0, bytes = 1u << i->size;
    if (i->opt == LS_STORE) {
        if (cpu_mem_write_slow(c, addr, bytes, c->r[i->rd], i->iss, flags))
            return c->pc;
        return pc + 4;
    }
    if (cpu_mem_read_slow(c, addr, bytes, &v, i->iss, flags))
        return c->pc;
    if (i->opt == LS_LOAD_SX64)
        v = (uint64_t)sext(v, 8 * bytes);
    else if (i->opt == LS_LOAD_SX32)
        v = (uint32_t)sext(v, 8 * bytes);
    c->r[i->rd] = v;
    return pc + 4;
}

/* ---- literal ---- */

bool prep_ldr_lit(struct cpu_insn *i)
{
    unsigned opc = (unsigned)bits(i->raw, 31, 30), rt = (unsigned)bits(i->raw, 4, 0);
    i->imm = (uint64_t)sext(bits(i->raw, 23, 5), 19) << 2;
    i->size = opc == 1 ? 3 : 2;
    i->opt = opc == 2 ? LS_LOAD_SX64 : LS_LOAD;
    i->iss = ISS_ISV | ISS_SAS(i->size) | ISS_SRT(rt) | (opc ? ISS_SF : 0) | (opc == 2 ? ISS_SSE : 0);
    return true;
}

uint64_t exec_ldr_lit(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return do_access(c, i, pc, pc + i->imm);
}

uint64_t exec_nop(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return pc + 4;
}

/* ---- pairs ---- */

/* i->cond: addressing (0 no-allocate offset, 1 post, 2 offset, 3 pre);
 * i->opt: 1 for LDPSW. */
bool prep_pair(struct cpu_insn *i)
{
    unsigned opc = (unsigned)bits(i->raw, 31, 30), load = (unsigned)bits(i->raw, 22, 22);
    unsigned type = (unsigned)bits(i->raw, 24, 23);
    if (opc == 3 || (opc == 1 && (!load || type == 0)))
        return false;   /* STGP (MTE) and the rest are not implemented/unallocated */
    i->size = opc == 2 ? 3 : 2;
    i->opt = opc == 1;
    i->cond = (uint8_t)type;
    i->imm = (uint64_t)sext(bits(i->raw, 21, 15), 7) << i->size;
    return true;
}

static inline bool pair_addr(struct cpu *c, const struct cpu_insn *i, uint64_t *base, uint64_t *addr)
{
    *base = c->r[i->rn];
    if (ldst_checks(c, i->rn, *base))
        return false;
    *addr = i->cond == 1 ? *base : *base + i->imm;
    return true;
}

static inline void pair_writeback(struct cpu *c, const struct cpu_insn *i, uint64_t base)
{
    if (i->cond & 1)
        c->r[i->rn] = base + i->imm;
}

uint64_t exec_ldp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base, addr, a, b;
    if (!pair_addr(c, i, &base, &addr))
        return c->pc;
    if (mem_read(c, addr, i->size, &a, 0) || mem_read(c, addr + (1u << i->size), i->size, &b, 0))
        return c->pc;
    if (i->opt) {
        a = (uint64_t)sext(a, 32);
        b = (uint64_t)sext(b, 32);
    }
    c->r[i->rd] = a;
    c->r[i->ra] = b;
    pair_writeback(c, i, base);
    return pc + 4;
}

uint64_t exec_stp(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t base, addr;
    if (!pair_addr(c, i, &base, &addr))
        return c->pc;
    if (mem_write(c, addr, i->size, c->r[i->rd], 0) ||
        mem_write(c, addr + (1u << i->size), i->size, c->r[i->ra], 0))
        return c->pc;
    pair_writeback(c, i, base);
    return pc + 4;
}
