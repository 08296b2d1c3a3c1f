/* System register table (cpu/sysreg_list.h) and its access rules. */
#ifndef MSASIM_CPU_SYSREG_H
#define MSASIM_CPU_SYSREG_H

#include "cpu/internal.h"

enum {
    SRF_RO        = 1u << 0,  /* writes are UNDEFINED */
    SRF_WO        = 1u << 1,  /* reads are UNDEFINED */
    SRF_SPECIAL   = 1u << 2,  /* value computed by sysreg.c, not sr[] alone */
    SRF_TVM       = 1u << 3,  /* EL1 VM control: HCR_EL2.TVM/TRVM trap */
    SRF_ID1       = 1u << 4,  /* HCR_EL2.TID1 */
    SRF_ID2       = 1u << 5,  /* HCR_EL2.TID2 */
    SRF_ID3       = 1u << 6,  /* HCR_EL2.TID3 */
    SRF_TACR      = 1u << 7,  /* HCR_EL2.TACR */
    SRF_EL0_UCT   = 1u << 8,  /* EL0 access needs SCTLR_EL1.UCT */
    SRF_EL0_UMA   = 1u << 9,  /* EL0 access needs SCTLR_EL1.UMA */
    SRF_EL0_RO    = 1u << 10, /* read-only at EL0, writable above */
    SRF_FP        = 1u << 11, /* subject to CPACR/CPTR FP traps */
    SRF_CNT       = 1u << 12, /* counter: CNTKCTL/CNTHCTL rules */
    SRF_TIMER_P   = 1u << 13, /* EL1 physical timer: CNTKCTL/CNTHCTL rules */
    SRF_TIMER_V   = 1u << 14, /* virtual timer: CNTKCTL rules */
    SRF_XLAT      = 1u << 15, /* a write changes translation: flush TLB */
    SRF_PROFILE_R = 1u << 16, /* exists on profile r only */
};

struct sysreg_def {
    const char *name;
    uint32_t enc;
    uint8_t min_el;
    uint32_t flags;
};

extern const struct sysreg_def cpu_sysregs[CPU_SR__COUNT];

/* Table index for an encoding, or -1. */
int cpu_sysreg_find(uint32_t enc);
/* MRS/MSR as executed at the current EL with every access rule and trap;
 * returns 0, or -1 after taking an exception.  rt is the raw Rt field (for
 * the trap syndrome). */
int cpu_sysreg_access(struct cpu *c, uint32_t enc, int id, unsigned rt, bool write, uint64_t *val);

/* GICv3 CPU interface registers (cpu/sysreg_gic.c): whether `enc` is one,
 * and MSR/MRS of one with its traps; 0, or -1 after taking an exception. */
bool cpu_gic_sysreg_enc(uint32_t enc);
int cpu_gic_sysreg_access(struct cpu *c, uint32_t enc, unsigned rt, bool write, uint64_t *val);

#endif
