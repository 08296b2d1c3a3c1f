/* Taking exceptions and returning from them, as the architecture says:
 * vector offsets, ELR/SPSR/ESR/FAR/HPFAR, PSTATE on entry, routing of
 * synchronous exceptions and interrupts, ERET with its illegal-return
 * checks, and the fault-loop detector of the run loop. */
#include "cpu/internal.h"

static void note_fault_loop(struct cpu *c, unsigned target, uint32_t esr, uint64_t elr)
{
    bool no_progress = c->icount == c->icount_ctx;
    if (no_progress && elr == c->last_exc_elr && esr == c->last_exc_esr &&
        target == c->last_exc_el) {
        if (++c->exc_repeats >= c->cfg.fault_loop_limit)
            cpu_stop(c, CPU_STOP_FAULT_LOOP);
    } else {
        c->exc_repeats = 0;
    }
    c->last_exc_elr = elr;
    c->last_exc_esr = esr;
    c->last_exc_el = target;
    /* The instruction that took it is counted when its handler returns. */
    c->icount_ctx = c->icount + 1;
}

uint64_t cpu_take_exception(struct cpu *c, unsigned target, unsigned type, uint32_t esr,
                            uint64_t elr)
{
    unsigned from = c->ps.el;
    uint64_t spsr = cpu_pstate_to_spsr(c);
    uint64_t vbar;
    if (target == 2) {
        SR(c, SPSR_EL2) = spsr;
        SR(c, ELR_EL2) = elr;
        if (type == EXC_SYNC || type == EXC_SERROR)
            SR(c, ESR_EL2) = esr;
        vbar = SR(c, VBAR_EL2);
    } else {
        SR(c, SPSR_EL1) = spsr;
        SR(c, ELR_EL1) = elr;
        if (type == EXC_SYNC || type == EXC_SERROR)
            SR(c, ESR_EL1) = esr;
        vbar = SR(c, VBAR_EL1);
    }
    uint64_t off = target == from ? (c->ps.sp ? 0x200 : 0x000) : 0x400;
    cpu_set_el_sp(c, target, 1);
    c->ps.daif = 0xF;
    c->ps.il = 0;
    c->ps.ss = 0;
    c->pc = (vbar & ~0x7FFull) + off + type;
    c->events |= CPU_EV_REFETCH | CPU_EV_IRQ;
    cpu_context_sync(c);   /* exception entry is context synchronizing */
    if (type == EXC_SYNC)
        note_fault_loop(c, target, esr, elr);
    if (c->hooks.on_exception)
        c->hooks.on_exception(c->hooks.ctx, c, target, esr);
    return c->pc;
}

unsigned cpu_sync_target_el(const struct cpu *c)
{
    if (c->ps.el == 2)
        return 2;
    if (c->ps.el == 0 && (SR(c, HCR_EL2) & HCR_TGE))
        return 2;
    return 1;
}

uint64_t cpu_trap(struct cpu *c, unsigned el, unsigned ec, uint32_t iss)
{
    return cpu_take_exception(c, el, EXC_SYNC, esr_make(ec, iss), c->pc);
}

uint64_t cpu_undefined(struct cpu *c)
{
    return cpu_trap(c, cpu_sync_target_el(c), EC_UNKNOWN, 0);
}

uint64_t exec_undef(struct cpu *c, const struct cpu_insn *i, uint64_t pc)
{
    return cpu_undefined(c);
}

uint64_t cpu_abort(struct cpu *c, uint64_t va, enum cpu_access kind, uint32_t iss_template,
                   const struct cpu_fault *f, bool ea)
{
    unsigned target = f->stage == 2 ? 2 : cpu_sync_target_el(c);
    bool same = target == c->ps.el;
    uint32_t iss = f->fsc & 0x3F;
    if (ea)
        iss |= 1u << 9;
    if (f->s1ptw)
        iss |= 1u << 7;
    iss |= iss_template & ISS_CM;
    unsigned ec;
    if (kind == CPU_ACC_EXEC) {
        ec = same ? EC_IABT_CUR : EC_IABT_LOW;
    } else {
        ec = same ? EC_DABT_CUR : EC_DABT_LOW;
        if (kind == CPU_ACC_WRITE || (iss_template & ISS_WNR))
            iss |= ISS_WNR;
        /* The architecture lets ISV be 0 for aborts not taken to EL2; like
         * QEMU, the instruction syndrome is given only for data aborts
         * taken to EL2 that are not stage-1 walk faults (and only for the
         * single-register loads/stores whose template carries ISV). */
        if ((iss_template & ISS_ISV) && target == 2 && !f->s1ptw)
            iss |= iss_template & 0x01FFC000u;   /* ISV SAS SSE SRT SF AR */
    }
    if (target == 2) {
        SR(c, FAR_EL2) = va;
        if (f->stage == 2 && f->ipa_valid)
            SR(c, HPFAR_EL2) = (f->ipa >> 12) << 4;
    } else {
        SR(c, FAR_EL1) = va;
    }
    return cpu_take_exception(c, target, EXC_SYNC, esr_make(ec, iss), c->pc);
}

uint64_t cpu_exception_return(struct cpu *c)
{
    unsigned el = c->ps.el;
    uint64_t spsr = el == 2 ? SR(c, SPSR_EL2) : SR(c, SPSR_EL1);
    uint64_t elr = el == 2 ? SR(c, ELR_EL2) : SR(c, ELR_EL1);
    unsigned m = spsr & 0x1F;
    unsigned tel = (m >> 2) & 3, tsp = m & 1;
    uint64_t hcr = SR(c, HCR_EL2);
    bool illegal = (m & 0x10)                   /* AArch32 is not implemented */
                   || (m & 2)                   /* reserved M[1] */
                   || tel > el || tel == 3
                   || (tel == 0 && tsp)         /* EL0 has no SP_ELx */
                   || (tel == 1 && el == 2 && (hcr & HCR_TGE))
                   /* EL1 in AArch32 per HCR_EL2.RW while SPSR says AArch64 */
                   || (tel == 1 && !(hcr & HCR_RW))
                   || (tel == 0 && el == 2 && !(hcr & HCR_TGE) && !(hcr & HCR_RW));
    set_nzcv(c, (unsigned)(spsr >> 28) & 0xF);
    c->ps.daif = (spsr >> 6) & 0xF;
    c->ps.ss = 0;
    if (illegal) {
        c->ps.il = 1;
    } else {
        cpu_set_el_sp(c, tel, tsp);
        c->ps.il = (spsr >> 20) & 1;
    }
    /* An exception return clears the local exclusive monitor (as QEMU). */
    if (c->monitor.valid) {
        c->monitor.valid = false;
        c->cluster->active_monitors--;
    }
    c->events |= CPU_EV_REFETCH | CPU_EV_IRQ | (c->ps.il ? CPU_EV_ILLEGAL : 0);
    c->icount_ctx = c->icount + 1;
    cpu_context_sync(c);
    return elr;
}

void cpu_eret(struct cpu *c)
{
    if (c->ps.el == 0)
        return;
    c->pc = cpu_exception_return(c);
    /* not an executed instruction: no progress is implied */
    c->icount_ctx = c->icount;
}

/* ---- interrupts ---- */

bool cpu_check_interrupts(struct cpu *c)
{
    const struct cpu_irq_lines *l = &c->lines;
    uint64_t hcr = SR(c, HCR_EL2);
    unsigned el = c->ps.el;
    bool tge = hcr & HCR_TGE;
    /* Physical interrupts: routed to EL2 by HCR_EL2.IMO/FMO/AMO or TGE.
     * An interrupt routed to a higher EL than the current one is taken
     * whatever PSTATE says; one routed to the current EL obeys PSTATE;
     * one routed to a lower EL waits. */
    struct {
        bool pending;
        uint64_t route;
        unsigned mask_bit, type;
    } phys[3] = {
        {l->serror, HCR_AMO, 2, EXC_SERROR},
        {l->fiq, HCR_FMO, 0, EXC_FIQ},
        {l->irq, HCR_IMO, 1, EXC_IRQ},
    };
    for (int k = 0; k < 3; k++) {
        if (!phys[k].pending)
            continue;
        unsigned target = (tge || (hcr & phys[k].route)) ? 2 : 1;
        bool masked = c->ps.daif & (1u << phys[k].mask_bit);
        if (target < el)
            continue;
        if (target == el && masked)
            continue;
        uint32_t esr = phys[k].type == EXC_SERROR ? esr_make(EC_SERROR, 0) : 0;
        cpu_take_exception(c, target, phys[k].type, esr, c->pc);
        return true;
    }
    /* Virtual interrupts: to EL1 only, when the physical one is routed to
     * EL2 and the core is at EL1/EL0 without TGE; masked by PSTATE. */
    if (el < 2 && !tge) {
        struct {
            bool pending;
            uint64_t route;
            unsigned mask_bit, type;
        } virt[3] = {
            {(hcr & HCR_VSE) != 0, HCR_AMO, 2, EXC_SERROR},
            {l->vfiq || (hcr & HCR_VF), HCR_FMO, 0, EXC_FIQ},
            {l->virq || (hcr & HCR_VI), HCR_IMO, 1, EXC_IRQ},
        };
        for (int k = 0; k < 3; k++) {
            if (!virt[k].pending || !(hcr & virt[k].route))
                continue;
            if (c->ps.daif & (1u << virt[k].mask_bit))
                continue;
            uint32_t esr = 0;
            if (virt[k].type == EXC_SERROR) {
                esr = esr_make(EC_SERROR, 0);
                SR(c, HCR_EL2) &= ~HCR_VSE;   /* taking it clears the request */
            }
            cpu_take_exception(c, 1, virt[k].type, esr, c->pc);
            return true;
        }
    }
    return false;
}
