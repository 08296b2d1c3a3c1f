/* System registers: the table, reset values per profile, and MRS/MSR with
 * the access rules of each EL (UNDEFINED below MIN_EL, HCR_EL2 trap groups,
 * EL0 enables in SCTLR_EL1/CNTKCTL_EL1, EL1 enables in CNTHCTL_EL2). */
#include "cpu/sysreg.h"

const struct sysreg_def cpu_sysregs[CPU_SR__COUNT] = {
#define X(name, op0, op1, crn, crm, op2, minel, flags) \
    [CPU_SR_##name] = {#name, CPU_SYSREG_ENC(op0, op1, crn, crm, op2), minel, flags},
#include "cpu/sysreg_list.h"
#undef X
};

int cpu_sysreg_find(uint32_t enc)
{
    for (int k = 0; k < CPU_SR__COUNT; k++)
        if (cpu_sysregs[k].enc == enc)
            return k;
    return -1;
}

const char *cpu_sysreg_name(uint32_t enc)
{
    int id = cpu_sysreg_find(enc);
    return id < 0 ? NULL : cpu_sysregs[id].name;
}

/* ---- reset: the identity of the two core classes ---- */

void cpu_sysreg_reset(struct cpu *c)
{
    bool r = c->cfg.profile == CPU_PROFILE_R;
    uint32_t feat = c->cfg.features;
    memset(c->sr, 0, sizeof c->sr);

    SR(c, MIDR_EL1) = r ? 0x410FD150 : 0x411FD070;   /* Cortex-R82 / Cortex-A57 r1p0 */
    /* EL0, EL1, EL2 in AArch64 only; no EL3 visible; FP and AdvSIMD
     * present (their moves are implemented, see ISA_COVERAGE.md). */
    SR(c, ID_AA64PFR0_EL1) = 0x111;
    if (c->cfg.gicv3)
        SR(c, ID_AA64PFR0_EL1) |= 1ull << 24;   /* GIC: system-register interface */
    SR(c, ID_AA64DFR0_EL1) = 0x10305006;             /* A57 debug, no PMU */
    SR(c, ID_AA64ISAR0_EL1) = ((feat & CPU_FEAT_CRC32) ? 1ull << 16 : 0) |
                              ((feat & CPU_FEAT_LSE) ? 2ull << 20 : 0);
    SR(c, ID_AA64ISAR1_EL1) = (feat & CPU_FEAT_LRCPC) ? 1ull << 20 : 0;
    if (r) {
        /* MSA = 0xF: see MSA_frac (1: PMSA only, 2: PMSA or VMSA at EL1);
         * 40-bit PA; 4 KiB granule only with the EL1 VMSA. */
        uint64_t frac = c->cfg.msa_frac;
        SR(c, ID_AA64MMFR0_EL1) = frac << 52 | 0xFull << 48 |
                                  (frac == 1 ? (0xFull << 28 | 0xFull << 24) : 0xFull << 24) |
                                  0x2 << 4 | 0x2;
    } else {
        SR(c, ID_AA64MMFR0_EL1) = 0x1024;   /* 44-bit PA, 16-bit ASID, 4K/64K granules */
    }
    SR(c, CTR_EL0) = 0x8444C004;            /* 64-byte lines, ERG/CWG 64 bytes */
    SR(c, CLIDR_EL1) = 0x0A200023;
    SR(c, VPIDR_EL2) = SR(c, MIDR_EL1);
    SR(c, VMPIDR_EL2) = 0x80000000ull | c->mpidr;
    /* QEMU's reset value for both (M, C, I clear; SA, SA0 set). */
    SR(c, SCTLR_EL1) = 0x00C50838;
    SR(c, SCTLR_EL2) = 0x00C50838;
    SR(c, CPTR_EL2) = 0x33FF;               /* RES1 bits; TFP clear */
    SR(c, CNTFRQ_EL0) = 62500000;           /* as QEMU's virt machine */
    SR(c, CNTHCTL_EL2) = 0x3;               /* EL1 may use the physical counter/timer */
    SR(c, OSLSR_EL1) = 0xA;
}

/* ---- counter and timers ---- */

uint64_t cpu_counter(struct cpu *c)
{
    return c->hooks.counter ? c->hooks.counter(c->hooks.ctx, c) : c->icount;
}

static uint64_t timer_ctl(struct cpu *c, uint64_t ctl, uint64_t cval, uint64_t now)
{
    ctl &= 3;
    if ((ctl & 1) && now >= cval)
        ctl |= 4;   /* ISTATUS */
    return ctl;
}

unsigned cpu_timer_lines(struct cpu *c)
{
    uint64_t now = cpu_counter(c);
    uint64_t vnow = now - SR(c, CNTVOFF_EL2);
    unsigned out = 0;
    if ((timer_ctl(c, SR(c, CNTP_CTL_EL0), SR(c, CNTP_CVAL_EL0), now) & 6) == 4)
        out |= 1;
    if ((timer_ctl(c, SR(c, CNTV_CTL_EL0), SR(c, CNTV_CVAL_EL0), vnow) & 6) == 4)
        out |= 2;
    if ((timer_ctl(c, SR(c, CNTHP_CTL_EL2), SR(c, CNTHP_CVAL_EL2), now) & 6) == 4)
        out |= 4;
    if ((timer_ctl(c, SR(c, CNTHPS_CTL_EL2), SR(c, CNTHPS_CVAL_EL2), now) & 6) == 4)
        out |= 8;
    return out;
}

/* Ticks until a timer whose ENABLE = 1 and IMASK = 0 reaches its compare
 * value; one that already has does not count. */
static uint64_t ticks_to(uint64_t ctl, uint64_t cval, uint64_t now, uint64_t best)
{
    if ((ctl & 3) != 1 || now >= cval)
        return best;
    uint64_t t = cval - now;
    return t < best ? t : best;
}

uint64_t cpu_timer_ticks_to_fire(struct cpu *c)
{
    uint64_t now = cpu_counter(c);
    uint64_t best = UINT64_MAX;
    best = ticks_to(SR(c, CNTP_CTL_EL0), SR(c, CNTP_CVAL_EL0), now, best);
    best = ticks_to(SR(c, CNTV_CTL_EL0), SR(c, CNTV_CVAL_EL0), now - SR(c, CNTVOFF_EL2), best);
    best = ticks_to(SR(c, CNTHP_CTL_EL2), SR(c, CNTHP_CVAL_EL2), now, best);
    if (c->cfg.profile == CPU_PROFILE_R)
        best = ticks_to(SR(c, CNTHPS_CTL_EL2), SR(c, CNTHPS_CVAL_EL2), now, best);
    return best;
}

/* ---- special registers ---- */

static uint64_t read_special(struct cpu *c, int id)
{
    uint64_t now = cpu_counter(c);
    uint64_t vnow = now - SR(c, CNTVOFF_EL2);
    switch (id) {
    case CPU_SR_MIDR_EL1:
        return c->ps.el == 2 ? SR(c, MIDR_EL1) : SR(c, VPIDR_EL2);
    case CPU_SR_MPIDR_EL1:
        return c->ps.el == 2 ? 0x80000000ull | c->mpidr : SR(c, VMPIDR_EL2);
    case CPU_SR_CCSIDR_EL1: {
        /* L1 D 32 KiB 2-way, L1 I 48 KiB 3-way, L2 2 MiB 16-way (A57). */
        switch (SR(c, CSSELR_EL1) & 0xF) {
        case 0: return 0x701FE00A;
        case 1: return 0x201FE012;
        case 2: return 0x70FFE07A;
        default: return 0;
        }
    }
    case CPU_SR_DCZID_EL0: {
        bool prohibited = c->ps.el == 0 && !(SR(c, SCTLR_EL1) & SCTLR_DZE);
        return 4 | (prohibited ? 0x10 : 0);   /* 64-byte blocks */
    }
    case CPU_SR_SP_EL0:
        return c->ps.sp ? c->sp_el[0] : c->r[CPU_R_SP];
    case CPU_SR_SP_EL1:
        return (c->ps.el == 1 && c->ps.sp) ? c->r[CPU_R_SP] : c->sp_el[1];
    case CPU_SR_SPSEL:
        return c->ps.sp;
    case CPU_SR_CURRENTEL:
        return (uint64_t)c->ps.el << 2;
    case CPU_SR_NZCV:
        return (uint64_t)get_nzcv(c) << 28;
    case CPU_SR_DAIF:
        return (uint64_t)c->ps.daif << 6;
    case CPU_SR_ISR_EL1: {
        uint64_t hcr = SR(c, HCR_EL2), v = 0;
        bool virt = c->ps.el < 2 && !(hcr & HCR_TGE);
        if (virt && (hcr & HCR_IMO) ? (c->lines.virq || (hcr & HCR_VI)) : c->lines.irq)
            v |= 1u << 7;
        if (virt && (hcr & HCR_FMO) ? (c->lines.vfiq || (hcr & HCR_VF)) : c->lines.fiq)
            v |= 1u << 6;
        if (virt && (hcr & HCR_AMO) ? (hcr & HCR_VSE) != 0 : c->lines.serror)
            v |= 1u << 8;
        return v;
    }
    case CPU_SR_CNTPCT_EL0:
        return now;
    case CPU_SR_CNTVCT_EL0:
        return vnow;
    case CPU_SR_CNTP_CTL_EL0:
        return timer_ctl(c, SR(c, CNTP_CTL_EL0), SR(c, CNTP_CVAL_EL0), now);
    case CPU_SR_CNTV_CTL_EL0:
        return timer_ctl(c, SR(c, CNTV_CTL_EL0), SR(c, CNTV_CVAL_EL0), vnow);
    case CPU_SR_CNTHP_CTL_EL2:
        return timer_ctl(c, SR(c, CNTHP_CTL_EL2), SR(c, CNTHP_CVAL_EL2), now);
    case CPU_SR_CNTHPS_CTL_EL2:
        return timer_ctl(c, SR(c, CNTHPS_CTL_EL2), SR(c, CNTHPS_CVAL_EL2), now);
    case CPU_SR_CNTHPS_TVAL_EL2:
        return (uint32_t)(SR(c, CNTHPS_CVAL_EL2) - now);
    case CPU_SR_CNTP_TVAL_EL0:
        return (uint32_t)(SR(c, CNTP_CVAL_EL0) - now);
    case CPU_SR_CNTV_TVAL_EL0:
        return (uint32_t)(SR(c, CNTV_CVAL_EL0) - vnow);
    case CPU_SR_CNTHP_TVAL_EL2:
        return (uint32_t)(SR(c, CNTHP_CVAL_EL2) - now);
    default:
        return c->sr[id];
    }
}

static void write_special(struct cpu *c, int id, uint64_t v)
{
    uint64_t now = cpu_counter(c);
    switch (id) {
    case CPU_SR_SP_EL0:
        if (c->ps.sp)
            c->sp_el[0] = v;
        else
            c->r[CPU_R_SP] = v;
        break;
    case CPU_SR_SP_EL1:
        if (c->ps.el == 1 && c->ps.sp)
            c->r[CPU_R_SP] = v;
        else
            c->sp_el[1] = v;
        break;
    case CPU_SR_SPSEL:
        cpu_set_el_sp(c, c->ps.el, v & 1);
        break;
    case CPU_SR_NZCV:
        set_nzcv(c, (unsigned)(v >> 28) & 0xF);
        break;
    case CPU_SR_DAIF:
        c->ps.daif = (v >> 6) & 0xF;
        c->events |= CPU_EV_IRQ;
        break;
    case CPU_SR_CNTP_CTL_EL0:
    case CPU_SR_CNTV_CTL_EL0:
    case CPU_SR_CNTHP_CTL_EL2:
    case CPU_SR_CNTHPS_CTL_EL2:
        c->sr[id] = v & 3;
        break;
    case CPU_SR_CNTHPS_TVAL_EL2:
        SR(c, CNTHPS_CVAL_EL2) = now + (uint64_t)sext(v & 0xFFFFFFFF, 32);
        break;
    case CPU_SR_CNTP_TVAL_EL0:
        SR(c, CNTP_CVAL_EL0) = now + (uint64_t)sext(v & 0xFFFFFFFF, 32);
        break;
    case CPU_SR_CNTV_TVAL_EL0:
        SR(c, CNTV_CVAL_EL0) = now - SR(c, CNTVOFF_EL2) + (uint64_t)sext(v & 0xFFFFFFFF, 32);
        break;
    case CPU_SR_CNTHP_TVAL_EL2:
        SR(c, CNTHP_CVAL_EL2) = now + (uint64_t)sext(v & 0xFFFFFFFF, 32);
        break;
    default:
        c->sr[id] = v;
        break;
    }
}

/* ---- access rules ---- */

static uint32_t trap_iss(uint32_t enc, unsigned rt, bool write)
{
    unsigned op0 = (enc >> 14) & 3, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15,
             crm = (enc >> 3) & 15, op2 = enc & 7;
    return (uint32_t)op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 |
           (write ? 0 : 1);
}

static int trap_to(struct cpu *c, unsigned el, uint32_t enc, unsigned rt, bool write)
{
    cpu_trap(c, el, EC_SYSREG, trap_iss(enc, rt, write));
    return -1;
}

/* EL0 timer and counter enables (CNTKCTL_EL1), then EL1/EL0 enables of the
 * physical ones (CNTHCTL_EL2).  Returns the EL to trap to, or 0. */
static unsigned timer_trap_el(const struct cpu *c, uint32_t flags, int id)
{
    unsigned el = c->ps.el;
    if (el == 2)
        return 0;
    uint64_t hcr = SR(c, HCR_EL2);
    bool phys = id == CPU_SR_CNTPCT_EL0 || (flags & SRF_TIMER_P);
    if (el == 0 && !(hcr & HCR_TGE)) {
        uint64_t k = SR(c, CNTKCTL_EL1);
        bool ok;
        if (id == CPU_SR_CNTPCT_EL0)
            ok = k & 1;
        else if (id == CPU_SR_CNTVCT_EL0)
            ok = k & 2;
        else if (id == CPU_SR_CNTFRQ_EL0)
            ok = k & 3;
        else if (flags & SRF_TIMER_V)
            ok = k & (1u << 8);
        else
            ok = k & (1u << 9);
        if (!ok)
            return 1;
    }
    if (phys) {
        uint64_t h = SR(c, CNTHCTL_EL2);
        bool ok = id == CPU_SR_CNTPCT_EL0 ? (h & 1) : (h & 2);
        if (!ok)
            return 2;
    }
    return 0;
}

bool cpu_fp_access_trap(struct cpu *c, uint64_t *next_pc)
{
    unsigned el = c->ps.el;
    uint64_t hcr = SR(c, HCR_EL2);
    if (el < 2 && !(el == 0 && (hcr & HCR_TGE))) {
        unsigned fpen = (SR(c, CPACR_EL1) >> 20) & 3;
        bool trapped = fpen == 0 || fpen == 2 || (fpen == 1 && el == 0);
        if (trapped) {
            *next_pc = cpu_trap(c, 1, EC_FP, 0x1E00000);   /* CV=1, COND=0xE */
            return true;
        }
    }
    if (SR(c, CPTR_EL2) & (1u << 10)) {   /* CPTR_EL2.TFP */
        *next_pc = cpu_trap(c, 2, EC_FP, 0x1E00000);
        return true;
    }
    return false;
}

static void after_write(struct cpu *c, int id, uint32_t flags)
{
    if ((flags & SRF_XLAT) || id == CPU_SR_SCTLR_EL1 || id == CPU_SR_SCTLR_EL2 ||
        id == CPU_SR_HCR_EL2)
        cpu_tlb_flush(c);
    if (id == CPU_SR_HCR_EL2)
        c->events |= CPU_EV_IRQ;
}

/* Encodings the table does not hold: the reserved ID space reads as zero,
 * the rest goes to the machine (MPU, GIC) or is UNDEFINED. */
static int access_unknown(struct cpu *c, uint32_t enc, unsigned rt, bool write, uint64_t *val)
{
    unsigned op0 = (enc >> 14) & 3, op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15,
             crm = (enc >> 3) & 15;
    unsigned el = c->ps.el;
    uint64_t hcr = SR(c, HCR_EL2);
    unsigned min_el = op1 == 4 ? 2 : op1 == 3 ? 0 : op1 == 6 ? 3 : 1;
    if (el < min_el || (op1 == 3 && el == 0) || op0 < 2) {
        cpu_undefined(c);
        return -1;
    }
    if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7) {
        if (write) {
            cpu_undefined(c);
            return -1;
        }
        if (el == 1 && (hcr & HCR_TID3))
            return trap_to(c, 2, enc, rt, write);
        *val = 0;
        return 0;
    }
    /* Debug registers (op0 = 2: breakpoints, watchpoints, DCC) read as zero
     * and ignore writes at EL1/EL2: self-hosted debug is not implemented,
     * but OS start-up code resets them. */
    if (op0 == 2 && (op1 == 0 || op1 == 3)) {
        uint64_t v = 0;
        int rc = -1;
        if (c->xlat && write && c->xlat->sysreg_write)
            rc = c->xlat->sysreg_write(c->xlat_ctx, c, enc, *val);
        else if (c->xlat && !write && c->xlat->sysreg_read)
            rc = c->xlat->sysreg_read(c->xlat_ctx, c, enc, &v);
        if (!write)
            *val = rc ? 0 : v;
        return 0;
    }
    if (op0 == 3 && c->gic && cpu_gic_sysreg_enc(enc))
        return cpu_gic_sysreg_access(c, enc, rt, write, val);
    /* EL1 MPU registers (op1 = 0, CRn = 6) are EL1 virtual-memory controls. */
    if (el == 1 && op0 == 3 && op1 == 0 && crn == 6 &&
        ((write && (hcr & HCR_TVM)) || (!write && (hcr & HCR_TRVM))))
        return trap_to(c, 2, enc, rt, write);
    int rc = -1;
    if (c->xlat) {
        if (write && c->xlat->sysreg_write)
            rc = c->xlat->sysreg_write(c->xlat_ctx, c, enc, *val);
        else if (!write && c->xlat->sysreg_read)
            rc = c->xlat->sysreg_read(c->xlat_ctx, c, enc, val);
    }
    if (rc) {
        cpu_undefined(c);
        return -1;
    }
    if (write)
        cpu_tlb_flush(c);
    return 0;
}

int cpu_sysreg_access(struct cpu *c, uint32_t enc, int id, unsigned rt, bool write, uint64_t *val)
{
    if (id >= 0 && (cpu_sysregs[id].flags & SRF_PROFILE_R) && c->cfg.profile != CPU_PROFILE_R)
        id = -1;
    if (id < 0)
        return access_unknown(c, enc, rt, write, val);
    const struct sysreg_def *d = &cpu_sysregs[id];
    uint32_t fl = d->flags;
    unsigned el = c->ps.el;
    uint64_t hcr = SR(c, HCR_EL2);
    unsigned el0_target = (hcr & HCR_TGE) ? 2 : 1;

    if (el < d->min_el) {
        cpu_undefined(c);
        return -1;
    }
    if ((write && (fl & SRF_RO)) || (!write && (fl & SRF_WO)) ||
        (write && el == 0 && (fl & SRF_EL0_RO))) {
        cpu_undefined(c);
        return -1;
    }
    /* SP_EL0 is not accessible by name while it is the current SP. */
    if (id == CPU_SR_SP_EL0 && !c->ps.sp) {
        cpu_undefined(c);
        return -1;
    }
    if (el == 0) {
        if ((fl & SRF_EL0_UCT) && !(SR(c, SCTLR_EL1) & SCTLR_UCT) && !(hcr & HCR_TGE))
            return trap_to(c, 1, enc, rt, write);
        if ((fl & SRF_EL0_UMA) && !(SR(c, SCTLR_EL1) & SCTLR_UMA) && !(hcr & HCR_TGE))
            return trap_to(c, el0_target, enc, rt, write);
    }
    if (fl & (SRF_CNT | SRF_TIMER_P | SRF_TIMER_V)) {
        if (!(id == CPU_SR_CNTFRQ_EL0 && el > 0)) {
            unsigned t = timer_trap_el(c, fl, id);
            if (t)
                return trap_to(c, t == 1 ? el0_target : 2, enc, rt, write);
        }
        if (id == CPU_SR_CNTFRQ_EL0 && write && el < 2) {
            cpu_undefined(c);   /* writable only at the highest EL */
            return -1;
        }
    }
    if (fl & SRF_FP) {
        uint64_t npc;
        if (cpu_fp_access_trap(c, &npc))
            return -1;
    }
    if (el <= 1 && !(hcr & HCR_TGE)) {
        bool trap = ((fl & SRF_TVM) && el == 1 && (write ? (hcr & HCR_TVM) : (hcr & HCR_TRVM))) ||
                    ((fl & SRF_ID1) && !write && (hcr & HCR_TID1)) ||
                    ((fl & SRF_ID2) && (hcr & HCR_TID2)) ||
                    ((fl & SRF_ID3) && !write && (hcr & HCR_TID3)) ||
                    ((fl & SRF_TACR) && (hcr & HCR_TACR));
        if (trap)
            return trap_to(c, 2, enc, rt, write);
    }
    if (write) {
        if (fl & SRF_SPECIAL)
            write_special(c, id, *val);
        else
            c->sr[id] = *val;
        after_write(c, id, fl);
    } else {
        *val = (fl & SRF_SPECIAL) ? read_special(c, id) : c->sr[id];
    }
    return 0;
}

int cpu_sysreg_get(struct cpu *c, uint32_t enc, uint64_t *val)
{
    int id = cpu_sysreg_find(enc);
    if (id < 0 && c->gic && cpu_gic_sysreg_enc(enc))
        return c->gic->read(c->gic_ctx, c, enc, false, val) ? -1 : 0;
    if (id < 0) {
        if (c->xlat && c->xlat->sysreg_read)
            return c->xlat->sysreg_read(c->xlat_ctx, c, enc, val) ? -1 : 0;
        return -1;
    }
    unsigned el = c->ps.el;
    c->ps.el = 2;   /* host-side view: EL2, no traps */
    *val = (cpu_sysregs[id].flags & SRF_SPECIAL) ? read_special(c, id) : c->sr[id];
    c->ps.el = (uint8_t)el;
    return 0;
}

int cpu_sysreg_set(struct cpu *c, uint32_t enc, uint64_t val)
{
    int id = cpu_sysreg_find(enc);
    if (id < 0 && c->gic && cpu_gic_sysreg_enc(enc))
        return c->gic->write(c->gic_ctx, c, enc, false, val) ? -1 : 0;
    if (id < 0) {
        if (c->xlat && c->xlat->sysreg_write && !c->xlat->sysreg_write(c->xlat_ctx, c, enc, val)) {
            cpu_tlb_flush(c);
            return 0;
        }
        return -1;
    }
    /* Writes the stored value directly: loaders may also set read-only
     * identification registers this way (e.g. ID_AA64PFR0_EL1.GIC). */
    if (cpu_sysregs[id].flags & SRF_SPECIAL)
        write_special(c, id, val);
    else
        c->sr[id] = val;
    after_write(c, id, cpu_sysregs[id].flags);
    return 0;
}
