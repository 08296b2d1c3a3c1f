/* System instructions: MRS/MSR (register and immediate), SYS (cache, TLB
 * and address-translation maintenance), hints (WFI/WFE/SEV...), barriers,
 * CLREX, and the exception-generating instructions SVC/HVC/SMC/BRK/HLT
 * and ERET. */
#include "a64_decode.h"
#include "cpu/sysreg.h"

/* ---- MRS / MSR ---- */

bool prep_sysreg(struct cpu_insn *i)
{
    uint32_t enc = CPU_SYSREG_ENC(2 + bits(i->raw, 19, 19), bits(i->raw, 18, 16),
                                  bits(i->raw, 15, 12), bits(i->raw, 11, 8), bits(i->raw, 7, 5));
    int id = cpu_sysreg_find(enc);
    i->imm = enc | (uint64_t)(uint32_t)(id + 1) << 32;
    return true;
}

uint64_t exec_mrs(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = 0;
    if (cpu_sysreg_access(c, (uint32_t)i->imm, (int)(i->imm >> 32) - 1,
                          (unsigned)bits(i->raw, 4, 0), false, &v))
        return c->pc;
    c->r[i->rd] = v;
    return pc + 4;
}

uint64_t exec_msr(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    uint64_t v = c->r[i->rd];
    if (cpu_sysreg_access(c, (uint32_t)i->imm, (int)(i->imm >> 32) - 1,
                          (unsigned)bits(i->raw, 4, 0), true, &v))
        return c->pc;
    return pc + 4;
}

static uint32_t sys_iss(uint32_t raw, bool read)
{
    return (uint32_t)bits(raw, 20, 19) << 20 | (uint32_t)bits(raw, 7, 5) << 17 |
           (uint32_t)bits(raw, 18, 16) << 14 | (uint32_t)bits(raw, 15, 12) << 10 |
           (uint32_t)bits(raw, 4, 0) << 5 | (uint32_t)bits(raw, 11, 8) << 1 | (read ? 1 : 0);
}

uint64_t exec_msr_imm(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned op1 = (unsigned)bits(i->raw, 18, 16), op2 = (unsigned)bits(i->raw, 7, 5);
    unsigned imm = (unsigned)bits(i->raw, 11, 8);
    if (op1 == 0 && op2 == 5) {             /* SPSel */
        if (c->ps.el == 0)
            return cpu_undefined(c);
        cpu_set_el_sp(c, c->ps.el, imm & 1);
        return pc + 4;
    }
    if (op1 == 3 && (op2 == 6 || op2 == 7)) { /* DAIFSet / DAIFClr */
        if (c->ps.el == 0 && !(SR(c, SCTLR_EL1) & SCTLR_UMA)) {
            unsigned t = (SR(c, HCR_EL2) & HCR_TGE) ? 2 : 1;
            return cpu_trap(c, t, EC_SYSREG, sys_iss(i->raw, false));
        }
        if (op2 == 6)
            c->ps.daif |= (uint8_t)imm;
        else
            c->ps.daif &= (uint8_t)~imm;
        c->events |= CPU_EV_IRQ;
        return pc + 4;
    }
    return cpu_undefined(c);
}

/* ---- SYS: cache maintenance, address translation, TLB invalidation ---- */

/* DC ZVA: zero the 64-byte block (DCZID_EL0.BS = 4 words). */
static int dc_zva(struct cpu *c, uint64_t va)
{
    va &= ~63ull;
    for (unsigned k = 0; k < 64; k += 8)
        if (mem_write64(c, va + k, 0, 0))
            return -1;
    return 0;
}

/* Returns nonzero when the AT took a Data Abort. */
static int at_op(struct cpu *c, uint32_t enc, uint64_t va, bool write, bool el0)
{
    uint64_t pa;
    struct cpu_fault f;
    if (c->xlat && c->xlat->sys_op) {
        uint64_t par = 0;
        memset(&f, 0, sizeof f);
        int rc = c->xlat->sys_op(c->xlat_ctx, c, enc, va, &par, &f);
        if (rc > 0) {
            cpu_abort(c, va, CPU_ACC_READ, ISS_WNR | ISS_CM, &f, false);
            return -1;
        }
        if (rc == 0) {
            SR(c, PAR_EL1) = par;
            return 0;
        }
    }
    if (cpu_mem_probe(c, va, write ? CPU_ACC_WRITE : CPU_ACC_READ, el0 ? MEM_UNPRIV : 0, &pa, &f))
        SR(c, PAR_EL1) = 1 | (uint64_t)(f.fsc & 0x3F) << 1 | (f.s1ptw ? 1u << 8 : 0) |
                         (f.stage == 2 ? 1u << 9 : 0);
    else
        SR(c, PAR_EL1) = pa & 0xFFFFFFFFF000ull;
    return 0;
}

uint64_t exec_sys(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned op1 = (unsigned)bits(i->raw, 18, 16), crn = (unsigned)bits(i->raw, 15, 12);
    unsigned crm = (unsigned)bits(i->raw, 11, 8), op2 = (unsigned)bits(i->raw, 7, 5);
    unsigned el = c->ps.el;
    uint64_t hcr = SR(c, HCR_EL2), sctlr1 = SR(c, SCTLR_EL1);
    uint64_t xt = c->r[i->rd];
    bool tge = hcr & HCR_TGE;
    unsigned el0_target = tge ? 2 : 1;
    uint32_t enc = CPU_SYSREG_ENC(1, op1, crn, crm, op2);

    if (op1 == 6 || op1 == 7 || (op1 == 4 && el < 2) || (op1 != 3 && el == 0))
        return cpu_undefined(c);

    if (crn == 7) {
        /* (op1, CRm, op2) of each cache maintenance / AT operation */
        unsigned key = op1 << 8 | crm << 4 | op2;
        enum { IC_ALL, IC_VA, DC_ZVA, DC_PoC, DC_PoU, DC_SW, AT, NONE } kind = NONE;
        switch (key) {
        case 0x010: case 0x050: kind = IC_ALL; break;         /* IC IALLUIS, IALLU */
        case 0x351: kind = IC_VA; break;                      /* IC IVAU */
        case 0x341: kind = DC_ZVA; break;                     /* DC ZVA */
        case 0x061: case 0x3A1: case 0x3C1: case 0x3E1: kind = DC_PoC; break; /* IVAC CVAC CVAP CIVAC */
        case 0x3B1: kind = DC_PoU; break;                     /* DC CVAU */
        case 0x062: case 0x0A2: case 0x0E2: kind = DC_SW; break; /* ISW CSW CISW */
        case 0x080: case 0x081: case 0x082: case 0x083:       /* AT S1E1R/W, S1E0R/W */
        case 0x480: case 0x481: case 0x484: case 0x485: case 0x486: case 0x487:
            kind = AT;
            break;
        default:
            return cpu_undefined(c);
        }
        if (el == 0) {
            bool ok = (kind == DC_ZVA && (sctlr1 & SCTLR_DZE)) ||
                      ((kind == IC_VA || kind == DC_PoC || kind == DC_PoU) && (sctlr1 & SCTLR_UCI) &&
                       key != 0x061);
            if (!ok && !tge)
                return cpu_trap(c, el0_target, EC_SYSREG, sys_iss(i->raw, false));
            if (key == 0x061 || kind == AT || kind == IC_ALL || kind == DC_SW)
                return cpu_undefined(c);
        }
        if (el < 2 && !tge) {
            bool trap = (kind == DC_SW && (hcr & HCR_TSW)) || (kind == DC_PoC && (hcr & HCR_TPC)) ||
                        ((kind == IC_ALL || kind == IC_VA || kind == DC_PoU) && (hcr & HCR_TPU));
            if (trap)
                return cpu_trap(c, 2, EC_SYSREG, sys_iss(i->raw, false));
        }
        switch (kind) {
        case IC_ALL:
            cpu_decode_invalidate_all(c->cluster);
            break;
        case IC_VA: {
            uint64_t pa;
            struct cpu_fault f;
            if (!cpu_mem_probe(c, xt, CPU_ACC_READ, 0, &pa, &f))
                cpu_decode_invalidate(c->cluster, pa & ~63ull, 64);
            break;
        }
        case DC_ZVA:
            if (dc_zva(c, xt))
                return c->pc;
            break;
        case AT:
            if (at_op(c, enc, xt, op2 & 1, op1 == 0 && (op2 & 2)))
                return c->pc;
            break;
        default:
            break;
        }
    } else if (crn == 8) {
        if (el == 1 && !tge && (hcr & HCR_TTLB))
            return cpu_trap(c, 2, EC_SYSREG, sys_iss(i->raw, false));
        /* The soft TLB caches translations of every core: flush them all
         * (broadcast and local forms alike). */
        struct cpu_cluster *cl = c->cluster;
        for (unsigned k = 0; k < cl->ncores; k++)
            cpu_tlb_flush(cl->cores[k]);
        if (c->xlat && c->xlat->sys_op) {
            uint64_t par;
            struct cpu_fault f;
            (void)c->xlat->sys_op(c->xlat_ctx, c, enc, xt, &par, &f);
        }
    } else {
        return cpu_undefined(c);
    }
    if (c->hooks.on_sys_op)
        c->hooks.on_sys_op(c->hooks.ctx, c, enc, xt);
    return pc + 4;
}

uint64_t exec_sysl(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return cpu_undefined(c);
}

/* ---- hints, barriers ---- */

/* WFI/WFE traps: EL0 by SCTLR_EL1.nTWI/nTWE to EL1, EL0/EL1 by HCR_EL2.TWI/TWE
 * to EL2.  Returns the EL to trap to, or 0. */
static unsigned wfx_trap_el(const struct cpu *c, bool wfe)
{
    uint64_t hcr = SR(c, HCR_EL2);
    if (c->ps.el == 0 && !(hcr & HCR_TGE) && !(SR(c, SCTLR_EL1) & (wfe ? SCTLR_NTWE : SCTLR_NTWI)))
        return 1;
    if (c->ps.el < 2 && (hcr & (wfe ? HCR_TWE : HCR_TWI)))
        return 2;
    return 0;
}

uint64_t exec_hint(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned h = (unsigned)bits(i->raw, 11, 5);
    switch (h) {
    case 2:   /* WFE */
    case 3: { /* WFI */
        bool wfe = h == 2;
        unsigned t = wfx_trap_el(c, wfe);
        if (t)
            return cpu_trap(c, t, EC_WFX, 1u << 24 | 0xEu << 20 | (wfe ? 1 : 0));
        if (wfe) {
            if (c->event_reg) {
                c->event_reg = false;
                return pc + 4;
            }
            if (cpu_interrupt_pending(c))
                return pc + 4;
            c->run_state = CPU_WAIT_WFE;
            cpu_stop(c, CPU_STOP_WFE);
        } else {
            if (cpu_interrupt_pending(c))
                return pc + 4;
            c->run_state = CPU_WAIT_WFI;
            cpu_stop(c, CPU_STOP_WFI);
        }
        return pc + 4;
    }
    case 4: { /* SEV */
        struct cpu_cluster *cl = c->cluster;
        for (unsigned k = 0; k < cl->ncores; k++)
            cl->cores[k]->event_reg = true;
        return pc + 4;
    }
    case 5:   /* SEVL */
        c->event_reg = true;
        return pc + 4;
    default:  /* NOP, YIELD and every unallocated hint */
        return pc + 4;
    }
}

uint64_t exec_clrex(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->monitor.valid) {
        c->monitor.valid = false;
        c->cluster->active_monitors--;
    }
    return pc + 4;
}

uint64_t exec_barrier(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->hooks.on_barrier)
        c->hooks.on_barrier(c->hooks.ctx, c, bits(i->raw, 5, 5) ? 'M' : 'D',
                            (unsigned)bits(i->raw, 11, 8));
    return pc + 4;
}

uint64_t exec_isb(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->hooks.on_barrier)
        c->hooks.on_barrier(c->hooks.ctx, c, 'I', (unsigned)bits(i->raw, 11, 8));
    c->events |= CPU_EV_REFETCH | CPU_EV_IRQ;   /* context synchronization */
    cpu_context_sync(c);
    return pc + 4;
}

/* ---- exception generation and return ---- */

static uint32_t imm16(const struct cpu_insn *i)
{
    return (uint32_t)bits(i->raw, 20, 5);
}

uint64_t exec_svc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return cpu_take_exception(c, cpu_sync_target_el(c), EXC_SYNC, esr_make(EC_SVC, imm16(i)), pc + 4);
}

uint64_t exec_hvc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->ps.el == 0 || (SR(c, HCR_EL2) & HCR_HCD))
        return cpu_undefined(c);
    return cpu_take_exception(c, 2, EXC_SYNC, esr_make(EC_HVC, imm16(i)), pc + 4);
}

uint64_t exec_smc(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->ps.el == 0)
        return cpu_undefined(c);
    if (c->ps.el == 1 && (SR(c, HCR_EL2) & HCR_TSC))
        return cpu_trap(c, 2, EC_SMC, imm16(i));   /* ELR is the SMC itself */
    if (c->cfg.profile == CPU_PROFILE_R)
        return cpu_undefined(c);                   /* no EL3 */
    cpu_psci_call(c);
    return pc + 4;
}

uint64_t exec_brk(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    unsigned t = cpu_sync_target_el(c);
    if (c->ps.el < 2 && (SR(c, MDCR_EL2) & (1u << 8)))   /* MDCR_EL2.TDE */
        t = 2;
    return cpu_trap(c, t, EC_BRK, imm16(i));
}

uint64_t exec_hlt(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    /* Halting debug is not implemented, so HLT is UNDEFINED except as the
     * semihosting call (privileged ELs only, as QEMU's default). */
    if (c->cfg.semihosting && imm16(i) == 0xF000 && c->ps.el > 0) {
        cpu_semihost_call(c);
        return pc + 4;
    }
    return cpu_undefined(c);
}

uint64_t exec_eret(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    if (c->ps.el == 0)
        return cpu_undefined(c);
    return cpu_exception_return(c);
}
