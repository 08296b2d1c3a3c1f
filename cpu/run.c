/* The run loop: fetch the decoded entry for PC (the page is cached until
 * PC leaves it or something changes translation), call its handler, go on
 * with the PC it returns.  Everything unusual (interrupts, stop requests,
 * illegal execution state, refetch after a context change) is signalled in
 * cpu->events and handled between instructions. */
#include "cpu/internal.h"

/* Decoded entries of the page holding `pc`, or NULL after taking an
 * instruction abort / PC alignment fault.  *cacheable is false when the
 * translation of this page must be redone for every instruction. */
static struct cpu_insn *fetch_page(struct cpu *c, uint64_t pc, bool *cacheable)
{
    *cacheable = false;
    if (pc & 3) {
        c->pc = pc;
        if (c->ps.el == 2)
            SR(c, FAR_EL2) = pc;
        else if (cpu_sync_target_el(c) == 2)
            SR(c, FAR_EL2) = pc;
        else
            SR(c, FAR_EL1) = pc;
        cpu_trap(c, cpu_sync_target_el(c), EC_PC_ALIGN, 0);
        return NULL;
    }
    unsigned el = c->ps.el;
    struct cpu_itlb_entry *it = &c->itlb[el][(pc >> 12) % CPU_TLB_SIZE];
    if (it->vpage == (pc & ~0xFFFull)) {
        *cacheable = true;
        return it->page;
    }
    c->pc = pc;
    uint64_t pa;
    bool page_ok = true;
    struct cpu_fault f;
    /* translation (same seam as data accesses) */
    {
        struct cpu_xlat_req req = {.va = pc, .kind = CPU_ACC_EXEC, .size = 4, .el = el,
                                   .regime_el2 = el == 2};
        bool on = false;
        if (c->xlat && c->xlat->translate) {
            uint64_t hcr = SR(c, HCR_EL2);
            on = el == 2 ? (SR(c, SCTLR_EL2) & SCTLR_M) != 0
                         : !(hcr & HCR_TGE) && ((SR(c, SCTLR_EL1) & SCTLR_M) || (hcr & HCR_VM));
        }
        if (on) {
            struct cpu_xlat out = {0};
            memset(&f, 0, sizeof f);
            if (c->xlat->translate(c->xlat_ctx, c, &req, &out, &f)) {
                cpu_abort(c, pc, CPU_ACC_EXEC, 0, &f, false);
                return NULL;
            }
            pa = out.pa;
            page_ok = out.page_ok;
        } else {
            unsigned pab = c->cfg.profile == CPU_PROFILE_R ? 40 : 44;
            if (pc >> pab) {
                f = (struct cpu_fault){.stage = 1, .fsc = 0x00};
                cpu_abort(c, pc, CPU_ACC_EXEC, 0, &f, false);
                return NULL;
            }
            pa = pc;
        }
    }
    uint8_t *host = c->bus.host_ptr ? c->bus.host_ptr(c->bus.ctx, pa & ~0xFFFull, true) : NULL;
    if (!host) {
        /* Instructions are only fetched from RAM: anything else is a
         * synchronous external abort on the fetch. */
        f = (struct cpu_fault){.stage = 1, .fsc = 0x10};
        cpu_abort(c, pc, CPU_ACC_EXEC, 0, &f, false);
        return NULL;
    }
    struct cpu_insn *page = cpu_decode_page_lookup(c, pa, host);
    if (!page) {
        f = (struct cpu_fault){.stage = 1, .fsc = 0x10};
        cpu_abort(c, pc, CPU_ACC_EXEC, 0, &f, false);
        return NULL;
    }
    if (page_ok) {
        it->vpage = pc & ~0xFFFull;
        it->page = page;
        *cacheable = true;
    }
    return page;
}

void cpu_set_irq_lines(struct cpu *c, const struct cpu_irq_lines *lines)
{
    c->lines = *lines;
    c->events |= CPU_EV_IRQ;
}

void cpu_send_event(struct cpu *c)
{
    c->event_reg = true;
}

/* Whether a waiting core wakes up now. */
static bool wakes(struct cpu *c)
{
    switch (c->run_state) {
    case CPU_WAIT_WFI:
        return cpu_interrupt_pending(c);
    case CPU_WAIT_WFE:
        if (c->event_reg) {
            c->event_reg = false;
            return true;
        }
        return cpu_interrupt_pending(c);
    default:
        return c->run_state == CPU_RUNNING;
    }
}

/* The instruction loop; `traced` (a constant in each instantiation) adds
 * the per-instruction record for the cycle model. */
static inline __attribute__((always_inline)) void run_loop(struct cpu *c, uint64_t end, bool traced)
{
    uint64_t pc = c->pc;
    uint64_t page_va = ~0ull;
    struct cpu_insn *page = NULL;

    while (c->icount < end) {
        if (UNLIKELY(c->events)) {
            uint32_t ev = c->events;
            c->events = 0;
            c->pc = pc;
            if (ev & CPU_EV_STOP)
                break;
            page_va = ~0ull;
            if ((ev & CPU_EV_IRQ) && cpu_check_interrupts(c)) {
                pc = c->pc;
                continue;
            }
            if ((ev & CPU_EV_ILLEGAL) && c->ps.il) {
                pc = cpu_trap(c, cpu_sync_target_el(c), EC_ILLEGAL, 0);
                c->icount++;
                continue;
            }
        }
        if (UNLIKELY((pc & ~0xFFFull) != page_va)) {
            bool cacheable;
            page = fetch_page(c, pc, &cacheable);
            if (!page) {
                pc = c->pc;
                c->icount++;
                continue;
            }
            page_va = cacheable ? (pc & ~0xFFFull) : ~0ull;
        }
        const struct cpu_insn *i = &page[(pc >> 2) & 1023];
        c->pc = pc;
        if (traced) {
            struct cpu_insn_record rec = {.pc = pc, .el = c->ps.el};
            c->mem_size = 0;
            pc = i->fn(c, i, pc);
            /* the handler may have been replaced by its decoded form */
            rec.insn = page[(rec.pc >> 2) & 1023].raw;
            rec.exception = c->pc != rec.pc;
            rec.mem_size = c->mem_size;
            rec.mem_va = c->mem_va;
            rec.mem_write = c->mem_write;
            rec.next_pc = pc;
            c->r[CPU_R_ZR] = 0;
            c->icount++;
            c->hooks.on_insn(c->hooks.ctx, c, &rec);
        } else {
            pc = i->fn(c, i, pc);
            c->r[CPU_R_ZR] = 0;
            c->icount++;
        }
    }
    c->pc = pc;
}

struct cpu_run_result cpu_run(struct cpu *c, uint64_t max_insns)
{
    struct cpu_run_result res = {.reason = CPU_STOP_LIMIT};
    uint64_t start = c->icount;
    if (c->run_state == CPU_POWERED_OFF) {
        res.reason = CPU_STOP_OFF;
        return res;
    }
    if (c->run_state != CPU_RUNNING) {
        if (!wakes(c)) {
            res.reason = c->run_state == CPU_WAIT_WFI ? CPU_STOP_WFI : CPU_STOP_WFE;
            return res;
        }
        c->run_state = CPU_RUNNING;
    }
    c->events |= CPU_EV_REFETCH | CPU_EV_IRQ;
    if (c->hooks.on_insn)
        run_loop(c, start + max_insns, true);
    else
        run_loop(c, start + max_insns, false);
    res.insns = c->icount - start;
    if (c->stop_pending) {
        c->stop_pending = false;
        res.reason = c->stop_reason;
        c->events &= ~CPU_EV_STOP;
        switch (res.reason) {
        case CPU_STOP_EXIT:
            res.exit_status = c->exit_status;
            break;
        case CPU_STOP_FAULT_LOOP:
            res.fault_pc = c->last_exc_elr;
            res.fault_el = c->last_exc_el;
            res.fault_esr = c->last_exc_esr;
            c->exc_repeats = 0;
            break;
        case CPU_STOP_WFI:
        case CPU_STOP_WFE:
            break;
        default:
            break;
        }
    }
    return res;
}
