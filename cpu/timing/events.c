/* The costs of the events a hypervisor causes, each a named parameter:
 * MPU register writes and the synchronization that makes them effective,
 * other system register writes, ISB (drains and refills the pipeline), DSB
 * and DMB (wait for outstanding accesses), TLBI (local or broadcast), cache
 * maintenance by VA, exception entry and return.  Every one blocks the
 * pipeline at the instruction or delays the next fetch, and is charged to
 * its CPI category. */
#include "cpu/timing/internal.h"

/* MPU writes become effective at a context synchronization event. */
static uint64_t mpu_sync_cost(struct timing_core *c)
{
    if (!c->mpu_dirty)
        return 0;
    c->mpu_dirty = false;
    c->st.mpu_syncs++;
    return c->p->mpu_sync;
}

void tm_event_exception(struct timing_core *c)
{
    const struct tm_params *p = c->p;
    c->st.exc_entries++;
    tm_stall(c, mpu_sync_cost(c), TIMING_CPI_MPU_SYNC);
    tm_redirect(c, c->now, p->pipe_stages + p->exc_entry, TIMING_CPI_EXCEPTIONS);
    tm_xlat_forget(c);
}

static uint64_t xt_value(struct cpu *cpu, unsigned xt)
{
    return (cpu && xt < 31) ? cpu->r[xt] : 0;
}

static void tlbi(struct timing_core *c, struct cpu *cpu, const struct tm_op *op)
{
    const struct tm_params *p = c->p;
    bool broadcast = op->sys == TM_SYS_TLBI_VA_IS || op->sys == TM_SYS_TLBI_ALL_IS;
    bool by_va = op->sys == TM_SYS_TLBI_VA || op->sys == TM_SYS_TLBI_VA_IS;
    uint64_t va = (xt_value(cpu, op->xt) & 0xFFFFFFFFFFFull) << 12;
    struct timing_system *s = c->sys;
    for (unsigned i = 0; i < s->ncores; i++) {
        struct timing_core *o = s->cores[i];
        if (o != c && !broadcast)
            continue;
        if (by_va)
            tm_tlb_flush_va(&o->tlb, va);
        else
            tm_tlb_flush(&o->tlb);
        tm_xlat_forget(o);
    }
    if (broadcast) {
        c->st.tlbi_broadcast++;
        tm_stall(c, p->tlbi_broadcast, TIMING_CPI_TLB);
    } else {
        c->st.tlbi_local++;
        tm_stall(c, p->tlbi_local, TIMING_CPI_TLB);
    }
}

static void maintenance(struct timing_core *c, struct cpu *cpu, const struct tm_op *op,
                        const struct cpu_insn_record *rec)
{
    const struct tm_params *p = c->p;
    enum timing_mem_type type;
    switch (op->sys) {
    case TM_SYS_DC_CLEAN:
    case TM_SYS_DC_INVAL:
    case TM_SYS_DC_CIVAC:
    case TM_SYS_DC_ZVA: {
        c->st.dc_ops++;
        uint64_t va = xt_value(cpu, op->xt);
        uint64_t pa = tm_translate(c, cpu, va, rec->el, false, &type);
        unsigned stall = (type == TIMING_MEM_WB || type == TIMING_MEM_WT)
                             ? tm_mem_dc(c, pa, (enum tm_sys)op->sys, c->now)
                             : 0;
        tm_stall(c, p->dc_cost + stall, TIMING_CPI_DCACHE);
        break;
    }
    case TM_SYS_DC_SETWAY:
        c->st.dc_ops++;
        tm_stall(c, p->dc_cost, TIMING_CPI_DCACHE);
        break;
    case TM_SYS_IC_IVAU: {
        c->st.ic_ops++;
        uint64_t pa = tm_translate(c, cpu, xt_value(cpu, op->xt), rec->el, false, &type);
        tm_mem_ic(c, pa, TM_SYS_IC_IVAU);
        tm_stall(c, p->ic_cost, TIMING_CPI_ICACHE);
        c->fetch_line = ~0ull;
        break;
    }
    case TM_SYS_IC_IALLU:
    case TM_SYS_IC_IALLUIS:
        c->st.ic_ops++;
        tm_mem_ic(c, 0, (enum tm_sys)op->sys);
        tm_stall(c, p->ic_cost, TIMING_CPI_ICACHE);
        c->fetch_line = ~0ull;
        break;
    case TM_SYS_TLBI_VA:
    case TM_SYS_TLBI_VA_IS:
    case TM_SYS_TLBI_ALL:
    case TM_SYS_TLBI_ALL_IS:
        tlbi(c, cpu, op);
        break;
    case TM_SYS_AT:
        /* AT walks the tables without using the TLBs */
        tm_stall(c, p->tlb_main_latency + p->tlb_walk_latency, TIMING_CPI_TLB);
        break;
    default:
        break;
    }
}

void tm_event_insn(struct timing_core *c, struct cpu *cpu, const struct tm_op *op,
                   const struct cpu_insn_record *rec)
{
    const struct tm_params *p = c->p;
    uint64_t d = c->fwd;
    switch (op->cls) {
    case TM_C_MRS:
        for (unsigned i = 0; i < op->ndst; i++) {
            c->reg_ready[op->dst[i]] = c->now + op->lat + d;
            c->reg_base[op->dst[i]] = c->now + op->lat + d;
            c->reg_cat[op->dst[i]] = TIMING_CPI_BASE;
        }
        break;
    case TM_C_MSR:
        /* may change translation or cacheability: forget what was remembered */
        tm_stall(c, p->sysreg_write, TIMING_CPI_BASE);
        tm_xlat_forget(c);
        for (unsigned i = 0; i < op->ndst; i++) {
            c->reg_ready[op->dst[i]] = c->now;
            c->reg_base[op->dst[i]] = c->now;
        }
        break;
    case TM_C_MSR_MPU:
        c->st.mpu_writes++;
        c->mpu_dirty = true;
        tm_stall(c, p->mpu_write, TIMING_CPI_MPU_SYNC);
        break;
    case TM_C_ISB: {
        c->st.isb++;
        bool mpu = c->mpu_dirty;
        uint64_t extra = mpu_sync_cost(c);
        tm_redirect(c, c->now, p->pipe_stages + p->isb_cost + extra,
                    mpu ? TIMING_CPI_MPU_SYNC : TIMING_CPI_BARRIERS);
        tm_xlat_forget(c);
        break;
    }
    case TM_C_DSB: {
        c->st.dsb++;
        uint64_t drain = tm_wbuf_drained(c);
        if (c->loads_done > drain)
            drain = c->loads_done;
        if (drain > c->now)
            tm_stall(c, drain - c->now, TIMING_CPI_BARRIERS);
        tm_stall(c, p->dsb_cost, TIMING_CPI_BARRIERS);
        break;
    }
    case TM_C_DMB: {
        c->st.dmb++;
        uint64_t drain = tm_wbuf_drained(c);
        if (drain > c->now)
            tm_stall(c, drain - c->now, TIMING_CPI_BARRIERS);
        tm_stall(c, p->dmb_cost, TIMING_CPI_BARRIERS);
        break;
    }
    case TM_C_SYS:
        maintenance(c, cpu, op, rec);
        break;
    case TM_C_ERET:
        if (!rec->exception) {
            c->st.exc_returns++;
            tm_stall(c, mpu_sync_cost(c), TIMING_CPI_MPU_SYNC);
            tm_redirect(c, c->now, p->pipe_stages + p->exc_return, TIMING_CPI_EXCEPTIONS);
            tm_xlat_forget(c);
        }
        break;
    default:
        /* TM_C_EXC: the exception entry is charged by the caller */
        break;
    }
}
