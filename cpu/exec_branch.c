/* Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. */
#include "a64_decode.h"

bool prep_b26(struct cpu_insn *i)
{
    i->imm = (uint64_t)sext(bits(i->raw, 25, 0), 26) << 2;
    return true;
}

bool prep_b19(struct cpu_insn *i)
{
    i->imm = (uint64_t)sext(bits(i->raw, 23, 5), 19) << 2;
    i->size = (uint8_t)bits(i->raw, 31, 31);
    i->cond = (uint8_t)bits(i->raw, 3, 0);
    return true;
}

bool prep_tb(struct cpu_insn *i)
{
    i->imm = (uint64_t)sext(bits(i->raw, 18, 5), 14) << 2;
    i->shift = (uint8_t)(bits(i->raw, 31, 31) << 5 | bits(i->raw, 23, 19));
    return true;
}

uint64_t exec_b(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return pc + i->imm;
}

uint64_t exec_bl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[30] = pc + 4;
    return pc + i->imm;
}

uint64_t exec_b_cond(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return cpu_cond_holds(c, i->cond) ? pc + i->imm : pc + 4;
}

uint64_t exec_cbz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = i->size ? c->r[i->rd] : (uint32_t)c->r[i->rd];
    return v == 0 ? pc + i->imm : pc + 4;
}

uint64_t exec_cbnz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = i->size ? c->r[i->rd] : (uint32_t)c->r[i->rd];
    return v != 0 ? pc + i->imm : pc + 4;
}

uint64_t exec_tbz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ((c->r[i->rd] >> i->shift) & 1) == 0 ? pc + i->imm : pc + 4;
}

uint64_t exec_tbnz(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return ((c->r[i->rd] >> i->shift) & 1) != 0 ? pc + i->imm : pc + 4;
}

/* A misaligned target is faulted on by the fetch of the next instruction
 * (PC alignment fault), so the run loop is told to refetch. */
static uint64_t branch_to(struct cpu *c, uint64_t target)
{
    if (target & 3)
        c->events |= CPU_EV_REFETCH;
    return target;
}

uint64_t exec_br(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return branch_to(c, c->r[i->rn]);
}

uint64_t exec_blr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t target = c->r[i->rn];
    c->r[30] = pc + 4;
    return branch_to(c, target);
}
