/* Region pressure and counters.  The counters live in struct mpu_stats and
 * are read directly; this file keeps the derived figures (time-weighted
 * mean, peaks, headroom) and the names used in reports. */
#include <string.h>

#include "mpu/mpu_internal.h"

void mpu_stats_reset(struct mpu *mpu)
{
    memset(&mpu->stats, 0, sizeof mpu->stats);
}

double mpu_mean_enabled(const struct mpu *mpu, uint64_t now)
{
    const struct mpu_stats *s = &mpu->stats;
    if (now <= s->first_cycle)
        return s->enabled;
    double total = s->enabled_cycles;
    if (now > s->last_cycle)
        total += (double)s->enabled * (double)(now - s->last_cycle);
    return total / (double)(now - s->first_cycle);
}

int mpu_headroom(const struct mpu *mpu)
{
    return (int)mpu->nregions - (int)mpu->stats.peak;
}

const char *mpu_owner_name(enum mpu_owner owner)
{
    static const char *const names[MPU_OWNER_COUNT] = {
        [MPU_OWNER_NONE] = "none",
        [MPU_OWNER_HV_TEXT] = "hv_text",
        [MPU_OWNER_HV_RODATA] = "hv_rodata",
        [MPU_OWNER_HV_DATA] = "hv_data",
        [MPU_OWNER_HV_HEAP] = "hv_heap",
        [MPU_OWNER_DEVICE] = "device",
        [MPU_OWNER_TRANSIENT_MAP] = "transient_map",
        [MPU_OWNER_GUEST_STAGE2] = "guest_stage2",
        [MPU_OWNER_OTHER] = "other",
    };
    return (unsigned)owner < MPU_OWNER_COUNT ? names[owner] : "?";
}

const char *mpu_fault_kind_name(enum mpu_fault_kind kind)
{
    static const char *const names[MPU_FAULT_KIND_COUNT] = {
        [MPU_FAULT_NONE] = "none",
        [MPU_FAULT_NO_MATCH] = "no_match",
        [MPU_FAULT_OVERLAP] = "overlap",
        [MPU_FAULT_PERM_READ] = "perm_read",
        [MPU_FAULT_PERM_WRITE] = "perm_write",
        [MPU_FAULT_PERM_EXEC] = "perm_exec",
    };
    return (unsigned)kind < MPU_FAULT_KIND_COUNT ? names[kind] : "?";
}

const char *mpu_reg_name(enum mpu_reg reg)
{
    static const char *const names[MPU_REG_COUNT] = {
        [MPU_REG_PRSELR] = "prselr",
        [MPU_REG_PRBAR] = "prbar",
        [MPU_REG_PRLAR] = "prlar",
        [MPU_REG_PRBAR_ALIAS] = "prbar_alias",
        [MPU_REG_PRLAR_ALIAS] = "prlar_alias",
        [MPU_REG_PRENR] = "prenr",
        [MPU_REG_MPUIR] = "mpuir",
    };
    return (unsigned)reg < MPU_REG_COUNT ? names[reg] : "?";
}
