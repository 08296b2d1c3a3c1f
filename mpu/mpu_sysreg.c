/* MPU system registers as MSR/MRS see them.  Writes land in the "written"
 * copy at once (a later MRS reads them back); lookups only see them after
 * the next context synchronization (mpu_sync.c). */
#include <stdio.h>

#include "mpu/mpu_internal.h"

/* Register families, decoded from (CRn, CRm, op2) with op0 = 3 and op1 = 0
 * (EL1 MPU) or 4 (EL2 MPU):
 *   MPUIR   C0  C0  4     read-only
 *   PRENR   C6  C1  1
 *   PRSELR  C6  C2  1
 *   PRBAR   C6  C8  0     PRLAR  C6 C8 1
 *   PRBARn  C6  C(8 + n/2)  4*(n%2)      PRLARn: op2 + 1, n = 1..15
 * The families are enum mpu_reg_id (mpu.h); FAM_NONE is none of them. */
#define FAM_NONE ((enum mpu_reg_id)-1)

struct decoded {
    struct mpu *mpu;
    enum mpu_reg_id fam;
    unsigned alias;   /* 0 for PRBAR/PRLAR, 1..15 for PRBARn/PRLARn */
};

static enum mpu_reg_id decode_family(unsigned crn, unsigned crm, unsigned op2, unsigned *alias)
{
    *alias = 0;
    if (crn == 0 && crm == 0 && op2 == 4)
        return MPU_ID_MPUIR;
    if (crn != 6)
        return FAM_NONE;
    if (crm == 1 && op2 == 1)
        return MPU_ID_PRENR;
    if (crm == 2 && op2 == 1)
        return MPU_ID_PRSELR;
    if (crm >= 8 && (op2 & 2) == 0) {
        *alias = (crm - 8) * 2 + (op2 >> 2);
        return (op2 & 1) ? MPU_ID_PRLAR : MPU_ID_PRBAR;
    }
    return FAM_NONE;
}

bool mpu_sysreg_is_mpu(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    unsigned alias;
    if (op0 != 3 || (op1 != 0 && op1 != 4))
        return false;
    return decode_family(crn, crm, op2, &alias) != FAM_NONE;
}

static bool decode(struct mpu_pair *pair, uint32_t enc, struct decoded *d)
{
    unsigned op0 = (enc >> 14) & 3, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15,
             crm = (enc >> 3) & 15, op2 = enc & 7;
    if (op0 != 3 || (op1 != 0 && op1 != 4))
        return false;
    d->fam = decode_family(crn, crm, op2, &d->alias);
    if (d->fam == FAM_NONE)
        return false;
    d->mpu = pair ? (op1 == 4 ? &pair->el2 : &pair->el1) : NULL;
    return true;
}

/* Slot reached by PRBAR/PRLAR (alias 0: PRSELR.REGION) or by PRBARn/PRLARn
 * ({PRSELR.REGION[7:4], n}). */
static unsigned selected_slot(const struct mpu *mpu, unsigned alias)
{
    unsigned sel = (unsigned)(mpu->prselr & 0xFF);
    return alias ? ((sel & 0xF0) | alias) : sel;
}

static enum mpu_reg stat_reg(enum mpu_reg_id fam, unsigned alias)
{
    switch (fam) {
    case MPU_ID_MPUIR: return MPU_REG_MPUIR;
    case MPU_ID_PRENR: return MPU_REG_PRENR;
    case MPU_ID_PRSELR: return MPU_REG_PRSELR;
    case MPU_ID_PRBAR: return alias ? MPU_REG_PRBAR_ALIAS : MPU_REG_PRBAR;
    default: return alias ? MPU_REG_PRLAR_ALIAS : MPU_REG_PRLAR;
    }
}

/* Slots 0..31 that exist: the PRENR bits that are not RAZ/WI. */
static uint32_t prenr_mask(const struct mpu *mpu)
{
    return mpu->nregions >= 32 ? 0xFFFFFFFFu : (uint32_t)((1u << mpu->nregions) - 1);
}

static uint64_t read_prenr(const struct mpu *mpu)
{
    uint32_t v = 0;
    unsigned n = mpu->nregions < 32 ? mpu->nregions : 32;
    for (unsigned i = 0; i < n; i++)
        if (mpu_region_enabled(&mpu->written[i]))
            v |= 1u << i;
    return v;
}

/* A region-register write that changes something leaves the MPU "pending"
 * until the next context synchronization. */
static void store(struct mpu *mpu, unsigned slot, uint64_t *reg, uint64_t val)
{
    if (*reg != val) {
        *reg = val;
        mpu->pending = true;
        mpu->pending_slots[slot / 64] |= 1ull << (slot % 64);
    }
}

static void write_prenr(struct mpu *mpu, uint64_t val)
{
    uint32_t mask = prenr_mask(mpu);
    unsigned n = mpu->nregions < 32 ? mpu->nregions : 32;
    for (unsigned i = 0; i < n; i++) {
        uint64_t prlar = mpu->written[i].prlar & ~MPU_PRLAR_EN;
        if ((val & mask) & (1ull << i))
            prlar |= MPU_PRLAR_EN;
        store(mpu, i, &mpu->written[i].prlar, prlar);
    }
}

uint64_t mpu_reg_read(struct mpu *mpu, enum mpu_reg_id id, unsigned alias)
{
    alias &= 15;
    mpu->stats.reg_reads[stat_reg(id, alias)]++;
    switch (id) {
    case MPU_ID_MPUIR:
        return mpu_mpuir(mpu);
    case MPU_ID_PRENR:
        return read_prenr(mpu);
    case MPU_ID_PRSELR:
        return mpu->prselr;
    default:
        break;
    }
    if (mpu->prselr_unsynced)
        mpu->stats.selector_unsynced++;
    unsigned slot = selected_slot(mpu, alias);
    if (slot >= mpu->nregions) {
        /* CONSTRAINED UNPREDICTABLE in the architecture; reads as zero. */
        mpu->stats.out_of_range_accesses++;
        return 0;
    }
    return id == MPU_ID_PRBAR ? mpu->written[slot].prbar : mpu->written[slot].prlar;
}

int mpu_reg_write(struct mpu *mpu, enum mpu_reg_id id, unsigned alias, uint64_t val)
{
    alias &= 15;
    switch (id) {
    case MPU_ID_MPUIR:
        return MPU_SYSREG_UNDEFINED;
    case MPU_ID_PRENR:
        mpu->stats.reg_writes[MPU_REG_PRENR]++;
        write_prenr(mpu, val);
        return MPU_SYSREG_OK;
    case MPU_ID_PRSELR:
        mpu->stats.reg_writes[MPU_REG_PRSELR]++;
        /* REGION is [7:0]; the rest is RES0.  A selector above the
         * implemented count is kept: the architecture allows the value to
         * be UNKNOWN, and keeping it makes the out-of-range accesses that
         * follow visible in the statistics. */
        if ((val & 0xFF) != mpu->prselr)
            mpu->prselr_unsynced = true;
        mpu->prselr = val & 0xFF;
        return MPU_SYSREG_OK;
    default:
        break;
    }
    mpu->stats.reg_writes[stat_reg(id, alias)]++;
    if (mpu->prselr_unsynced)
        mpu->stats.selector_unsynced++;
    unsigned slot = selected_slot(mpu, alias);
    if (slot >= mpu->nregions) {
        /* CONSTRAINED UNPREDICTABLE in the architecture; ignored. */
        mpu->stats.out_of_range_accesses++;
        return MPU_SYSREG_OK;
    }
    if (id == MPU_ID_PRBAR)
        store(mpu, slot, &mpu->written[slot].prbar, val & MPU_PRBAR_WRITABLE);
    else
        store(mpu, slot, &mpu->written[slot].prlar, val & MPU_PRLAR_WRITABLE);
    return MPU_SYSREG_OK;
}

void mpu_reg_write_region(struct mpu *mpu, unsigned alias, uint64_t prbar, uint64_t prlar)
{
    alias &= 15;
    mpu->stats.reg_writes[stat_reg(MPU_ID_PRBAR, alias)]++;
    mpu->stats.reg_writes[stat_reg(MPU_ID_PRLAR, alias)]++;
    if (mpu->prselr_unsynced)
        mpu->stats.selector_unsynced += 2;
    unsigned slot = selected_slot(mpu, alias);
    if (slot >= mpu->nregions) {
        mpu->stats.out_of_range_accesses += 2;
        return;
    }
    store(mpu, slot, &mpu->written[slot].prbar, prbar & MPU_PRBAR_WRITABLE);
    store(mpu, slot, &mpu->written[slot].prlar, prlar & MPU_PRLAR_WRITABLE);
}

int mpu_sysreg_read(struct mpu_pair *pair, uint32_t enc, uint64_t *val)
{
    struct decoded d;
    if (!decode(pair, enc, &d))
        return MPU_SYSREG_NOT_MPU;
    *val = mpu_reg_read(d.mpu, d.fam, d.alias);
    return MPU_SYSREG_OK;
}

int mpu_sysreg_write(struct mpu_pair *pair, uint32_t enc, uint64_t val)
{
    struct decoded d;
    if (!decode(pair, enc, &d))
        return MPU_SYSREG_NOT_MPU;
    return mpu_reg_write(d.mpu, d.fam, d.alias, val);
}

const char *mpu_sysreg_name(uint32_t enc, char *buf, unsigned len)
{
    struct decoded d;
    if (!decode(NULL, enc, &d) || len == 0)
        return NULL;
    const char *el = ((enc >> 11) & 7) == 4 ? "EL2" : "EL1";
    static const char *const base[] = {
        [MPU_ID_MPUIR] = "MPUIR", [MPU_ID_PRENR] = "PRENR", [MPU_ID_PRSELR] = "PRSELR",
        [MPU_ID_PRBAR] = "PRBAR", [MPU_ID_PRLAR] = "PRLAR",
    };
    if (d.alias)
        snprintf(buf, len, "%s%u_%s", base[d.fam], d.alias, el);
    else
        snprintf(buf, len, "%s_%s", base[d.fam], el);
    return buf;
}
