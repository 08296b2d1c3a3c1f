/* Multiply (MADD/MSUB, widening, high half), divide, CRC32/CRC32C. */
#include "a64_decode.h"
#include "cpu/alu.h"

#define RAW_SF(i) (((i)->raw >> 31) & 1)

uint64_t exec_madd(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->ra] + c->r[i->rn] * c->r[i->rm], RAW_SF(i));
    return pc + 4;
}

uint64_t exec_msub(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = trunc_sf(c->r[i->ra] - c->r[i->rn] * c->r[i->rm], RAW_SF(i));
    return pc + 4;
}

static int64_t smul32(const struct cpu *c, const struct cpu_insn *i)
{
    return (int64_t)(int32_t)c->r[i->rn] * (int64_t)(int32_t)c->r[i->rm];
}

static uint64_t umul32(const struct cpu *c, const struct cpu_insn *i)
{
    return (uint64_t)(uint32_t)c->r[i->rn] * (uint32_t)c->r[i->rm];
}

uint64_t exec_smaddl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = c->r[i->ra] + (uint64_t)smul32(c, i);
    return pc + 4;
}

uint64_t exec_smsubl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = c->r[i->ra] - (uint64_t)smul32(c, i);
    return pc + 4;
}

uint64_t exec_umaddl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = c->r[i->ra] + umul32(c, i);
    return pc + 4;
}

uint64_t exec_umsubl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = c->r[i->ra] - umul32(c, i);
    return pc + 4;
}

uint64_t exec_smulh(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    __int128 p = (__int128)(int64_t)c->r[i->rn] * (int64_t)c->r[i->rm];
    c->r[i->rd] = (uint64_t)(p >> 64);
    return pc + 4;
}

uint64_t exec_umulh(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned __int128 p = (unsigned __int128)c->r[i->rn] * c->r[i->rm];
    c->r[i->rd] = (uint64_t)(p >> 64);
    return pc + 4;
}

/* Division by zero gives zero; INT_MIN / -1 gives INT_MIN. */
uint64_t exec_udiv(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    bool sf = RAW_SF(i);
    uint64_t a = trunc_sf(c->r[i->rn], sf), b = trunc_sf(c->r[i->rm], sf);
    c->r[i->rd] = b ? a / b : 0;
    return pc + 4;
}

uint64_t exec_sdiv(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (RAW_SF(i)) {
        int64_t a = (int64_t)c->r[i->rn], b = (int64_t)c->r[i->rm];
        int64_t q = b == 0 ? 0 : (a == INT64_MIN && b == -1) ? INT64_MIN : a / b;
        c->r[i->rd] = (uint64_t)q;
    } else {
        int32_t a = (int32_t)c->r[i->rn], b = (int32_t)c->r[i->rm];
        int32_t q = b == 0 ? 0 : (a == INT32_MIN && b == -1) ? INT32_MIN : a / b;
        c->r[i->rd] = (uint32_t)q;
    }
    return pc + 4;
}

/* CRC32 (polynomial 0x04C11DB7) and CRC32C (0x1EDC6F41), bit-reflected as
 * the architecture defines them; X form needs sf = 1, others sf = 0. */
bool prep_crc(struct cpu_insn *i)
{
    unsigned sf = (unsigned)bits(i->raw, 31, 31), sz = (unsigned)bits(i->raw, 11, 10);
    i->size = (uint8_t)sz;
    return (sz == 3) == (sf == 1);
}

static uint32_t crc_update(uint32_t crc, uint64_t data, unsigned bytes, uint32_t poly_reflected)
{
    for (unsigned k = 0; k < bytes; k++) {
        crc ^= (uint8_t)(data >> (8 * k));
        for (int b = 0; b < 8; b++)
            crc = (crc >> 1) ^ (poly_reflected & (0u - (crc & 1)));
    }
    return crc;
}

uint64_t exec_crc32(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = crc_update((uint32_t)c->r[i->rn], c->r[i->rm], 1u << i->size, 0xEDB88320u);
    return pc + 4;
}

uint64_t exec_crc32c(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    c->r[i->rd] = crc_update((uint32_t)c->r[i->rn], c->r[i->rm], 1u << i->size, 0x82F63B78u);
    return pc + 4;
}
