/* The in-order superscalar pipeline, one instruction at a time.
 *
 * `now` is the cycle in which the current issue group issues.  An
 * instruction joins the group when there is a free slot and a free unit of
 * its kind, its operands are ready (scoreboard), and the front end has
 * delivered it; otherwise it opens a group in the first cycle where all of
 * that holds.  Results become ready their latency later (forwarding), loads
 * the latency the memory system reports.  Blocking events (translation
 * misses, full write buffer, barriers, system register writes) stall the
 * pipeline at the instruction; redirects (mispredictions, exceptions, ISB)
 * delay the fetch of the next instruction.
 *
 * The CPI stack: every cycle `now` advances is charged to one category.
 * The part of a wait the instruction would have had anyway (issue width,
 * latencies of hits) is base; the rest goes to the cause of the wait that
 * bound it: the category stored with a register's ready time (a load miss
 * is dcache), or the front end's (the redirect's category, then I-cache).
 * So the parts add up to the cycles exactly. */
#include <string.h>

#include "cpu/timing/internal.h"

static inline const struct tm_op *decoded(struct timing_core *c, uint64_t pc, uint32_t insn)
{
    struct tm_dent *d = &c->dcache[(pc >> 2) & ((1u << TM_DCACHE_BITS) - 1)];
    if (TM_LIKELY(d->pc == pc && d->insn == insn))
        return &d->op;
    d->pc = pc;
    d->insn = insn;
    tm_decode(c->p, insn, &d->op);
    return &d->op;
}

static inline void fetch(struct timing_core *c, struct cpu *cpu, uint64_t pc, unsigned el)
{
    uint64_t line = pc >> c->l1i.line_shift;
    if (TM_LIKELY(line == c->fetch_line))
        return;
    c->fetch_line = line;
    enum timing_mem_type type;
    uint64_t pa = tm_translate(c, cpu, pc, el, true, &type);
    unsigned extra = tm_mem_fetch(c, pa, type);
    if (extra) {
        /* the line arrives `extra` cycles after the instruction could have
         * issued, in a group of its own */
        uint64_t start = c->fetch_ready > c->now + 1 ? c->fetch_ready : c->now + 1;
        c->fetch_ready = start + extra;
        c->group_closed = true;
    }
}

static inline void write_dst(struct timing_core *c, unsigned r, uint64_t ready, uint64_t base, unsigned cat)
{
    c->reg_ready[r] = ready;
    c->reg_base[r] = base;
    c->reg_cat[r] = (uint8_t)cat;
}


static void mem_op(struct timing_core *c, struct cpu *cpu, const struct tm_op *op,
                   const struct cpu_insn_record *rec)
{
    const struct tm_params *p = c->p;
    uint64_t d = c->fwd;
    unsigned lat = (unsigned)p->l1d_latency, base = lat, stall = 0;
    if (rec->mem_size && !rec->exception) {
        enum timing_mem_type type;
        uint64_t pa = tm_translate(c, cpu, rec->mem_va, rec->el, false, &type);
        unsigned size = rec->mem_size * ((op->flags & TM_F_PAIR) ? 2u : 1u);
        if (op->flags & TM_F_LOAD)
            lat = tm_mem_data(c, pa, size, false, type, c->now, &stall, &base);
        if (op->flags & TM_F_STORE) {
            unsigned s2 = 0, b2;
            unsigned l2 = tm_mem_data(c, pa, size, true, type, c->now, &s2, &b2);
            if (!(op->flags & TM_F_LOAD)) {
                lat = l2;
                base = b2;
            }
            stall += s2;
        }
        tm_stall(c, stall, TIMING_CPI_DCACHE);
    }
    if (op->flags & TM_F_EXCL) {
        lat += (unsigned)p->lat_atomic;
        base += (unsigned)p->lat_atomic;
    }
    uint64_t t = c->now;
    for (unsigned i = 0; i < op->ndst; i++)
        write_dst(c, op->dst[i], t + lat + d, t + base + d, TIMING_CPI_DCACHE);
    if (op->ndst && t + lat > c->loads_done)
        c->loads_done = t + lat;
    if (op->wb_dst != TM_NOREG)
        write_dst(c, op->wb_dst, t + p->lat_alu + d, t + p->lat_alu + d, TIMING_CPI_BASE);
}

static void branch(struct timing_core *c, const struct tm_op *op, const struct cpu_insn_record *rec, uint64_t t)
{
    const struct tm_params *p = c->p;
    struct tm_bpred *bp = &c->bp;
    uint64_t pc = rec->pc;
    bool taken = rec->next_pc != pc + 4;
    bool mispredict = false, btb_miss = false;
    uint64_t predicted;
    c->st.branches++;
    switch (op->cls) {
    case TM_C_BCOND: {
        uint64_t target = pc + (int64_t)op->off;
        c->st.cond_branches++;
        bool pred = tm_bpred_resolve(bp, pc, target, taken);
        if (taken && !tm_btb_lookup(bp, pc, &predicted)) {
            tm_btb_insert(bp, pc, target);
            btb_miss = pred;
        }
        mispredict = pred != taken;
        break;
    }
    case TM_C_B:
    case TM_C_BL:
        if (!tm_btb_lookup(bp, pc, &predicted)) {
            btb_miss = true;
            tm_btb_insert(bp, pc, rec->next_pc);
        }
        if (op->cls == TM_C_BL)
            tm_ras_push(bp, pc + 4);
        break;
    case TM_C_BR:
    case TM_C_BLR:
        if (!tm_btb_lookup(bp, pc, &predicted) || predicted != rec->next_pc) {
            mispredict = true;
            tm_btb_insert(bp, pc, rec->next_pc);
        }
        if (op->cls == TM_C_BLR)
            tm_ras_push(bp, pc + 4);
        break;
    default: /* TM_C_RET */
        if (tm_ras_pop(bp, &predicted)) {
            if (predicted != rec->next_pc) {
                mispredict = true;
                c->st.ras_mispredicts++;
            }
        } else if (!tm_btb_lookup(bp, pc, &predicted) || predicted != rec->next_pc) {
            mispredict = true;
        }
        if (!p->bp_ras)
            tm_btb_insert(bp, pc, rec->next_pc);
        break;
    }
    if (mispredict) {
        c->st.mispredicts++;
        tm_redirect(c, t, p->bp_mispredict, TIMING_CPI_BRANCH);
        return;
    }
    if (taken) {
        if (p->issue_taken_ends_group)
            c->group_closed = true;
        uint64_t bubble = p->bp_taken_bubble;
        if (btb_miss) {
            c->st.btb_misses++;
            bubble += p->bp_btb_miss;
        }
        if (bubble)
            tm_redirect(c, t, bubble, TIMING_CPI_BRANCH);
    }
}

/* The function holding pc becomes the current one (binary search over the
 * sorted ranges); between functions, the gap is remembered so that the
 * instructions in it do not search again. */
static void enter_function(struct timing_core *c, uint64_t pc)
{
    struct timing_system *s = c->sys;
    size_t lo = 0, hi = s->nfn;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->fn_start[mid] <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo && pc < s->fn_end[lo - 1]) {
        c->fn_cur = &c->fn[lo - 1];
        c->fn_lo = s->fn_start[lo - 1];
        c->fn_hi = s->fn_end[lo - 1];
    } else {
        c->fn_cur = &c->fn_none;
        c->fn_lo = lo ? s->fn_end[lo - 1] : 0;
        c->fn_hi = lo < s->nfn ? s->fn_start[lo] : ~0ull;
        if (c->fn_lo > pc || c->fn_hi <= pc) {
            c->fn_lo = pc;
            c->fn_hi = pc + 1;
        }
    }
}

static inline void attribute_function(struct timing_core *c, uint64_t pc, uint64_t spent)
{
    if (TM_UNLIKELY(!(pc >= c->fn_lo && pc < c->fn_hi)))
        enter_function(c, pc);
    struct timing_fn_stats *f = c->fn_cur;
    /* A call lands on a function's first instruction: by BL/BLR, or by a
     * branch from another function (a tail call).  A loop back to the
     * function's own start is not one. */
    if (TM_UNLIKELY(c->call_pending)) {
        c->call_pending = false;
        if (pc == c->call_target && pc == c->fn_lo && f != &c->fn_none && (c->call_link || c->call_from != f))
            f->calls++;
    }
    f->cycles += spent;
    f->insns++;
    if (TM_UNLIKELY(c->st.mispredicts != c->fn_misp_seen)) {
        f->mispredicts += c->st.mispredicts - c->fn_misp_seen;
        c->fn_misp_seen = c->st.mispredicts;
    }
}

void timing_core_insn(struct timing_core *c, struct cpu *cpu, const struct cpu_insn_record *rec)
{
    const struct tm_params *p = c->p;
    uint64_t pc = rec->pc;
    uint64_t before = c->now;
    uint64_t spent = 0;
    if (TM_UNLIKELY(!c->started)) {
        c->started = true;
        c->active = true;
        c->st.cpi[TIMING_CPI_BASE] += 1;
        spent = 1;
        c->last_el = rec->el;
        c->ctx_stale = true;
    } else if (TM_UNLIKELY(pc != c->expect_pc)) {
        /* an interrupt, or a host-side change of PC: an exception entry */
        tm_event_exception(c);
    }
    if (TM_UNLIKELY(rec->el != c->last_el)) {
        c->last_el = rec->el;
        c->ctx_stale = true;
        c->fetch_line = ~0ull;
    }
    const struct tm_op *op = decoded(c, pc, rec->insn);
    fetch(c, cpu, pc, rec->el);

    /* issue cycle */
    uint64_t now = c->now;
    unsigned u = op->unit;
    uint64_t t0 = now;
    if (c->slots >= p->issue_width || c->group_closed || c->unit_used[u] >= c->unit_cap[u])
        t0 = now + 1;
    uint64_t t = t0, tb = t0;
    int bind = -1;                       /* -1 base, -2 front end, else a register */
    if (c->fetch_ready > t) {
        t = c->fetch_ready;
        bind = -2;
    }
    for (unsigned i = 0; i < op->nsrc; i++) {
        unsigned r = op->src[i];
        if (c->reg_ready[r] > t) {
            t = c->reg_ready[r];
            bind = (int)r;
        }
        if (c->reg_base[r] > tb)
            tb = c->reg_base[r];
    }
    if (c->unit_free[u] > t) {
        t = c->unit_free[u];
        bind = -1;
    }
    if (c->unit_free[u] > tb)
        tb = c->unit_free[u];
    if (t > now) {
        uint64_t b = tb > now ? (tb < t ? tb : t) : now;
        c->st.cpi[TIMING_CPI_BASE] += b - now;
        if (t > b) {
            if (bind == -2) {
                if (c->redirect > b) {
                    uint64_t e = c->redirect < t ? c->redirect : t;
                    c->st.cpi[c->redirect_cat] += e - b;
                    b = e;
                }
                c->st.cpi[TIMING_CPI_ICACHE] += t - b;
            } else if (bind >= 0) {
                c->st.cpi[c->reg_cat[bind]] += t - b;
            } else {
                c->st.cpi[TIMING_CPI_BASE] += t - b;
            }
        }
        c->now = t;
        c->slots = 0;
        c->group_closed = false;
        memset(c->unit_used, 0, sizeof c->unit_used);
    }
    c->slots++;
    c->unit_used[u]++;

    /* execution */
    uint64_t d = c->fwd;
    switch (op->cls) {
    case TM_C_ALU:
    case TM_C_ALU_SHIFT:
    case TM_C_MUL:
    case TM_C_FP:
        for (unsigned i = 0; i < op->ndst; i++)
            write_dst(c, op->dst[i], t + op->lat + d, t + op->lat + d, TIMING_CPI_BASE);
        break;
    case TM_C_DIV:
        for (unsigned i = 0; i < op->ndst; i++)
            write_dst(c, op->dst[i], t + op->lat + d, t + op->lat + d, TIMING_CPI_BASE);
        if (p->issue_div_blocking)
            c->unit_free[TM_U_DIV] = t + op->lat;
        break;
    case TM_C_LOAD:
    case TM_C_STORE:
    case TM_C_ATOMIC:
        mem_op(c, cpu, op, rec);
        break;
    case TM_C_B:
    case TM_C_BL:
    case TM_C_BCOND:
    case TM_C_BR:
    case TM_C_BLR:
    case TM_C_RET:
        if (!rec->exception)
            branch(c, op, rec, t);
        for (unsigned i = 0; i < op->ndst; i++)
            write_dst(c, op->dst[i], t + p->lat_alu + d, t + p->lat_alu + d, TIMING_CPI_BASE);
        break;
    case TM_C_NOP:
        break;
    default:
        tm_event_insn(c, cpu, op, rec);
        break;
    }
    if (TM_UNLIKELY(rec->exception))
        tm_event_exception(c);
    c->expect_pc = rec->next_pc;
    c->st.insns++;
    spent += c->now - before;
    if (rec->el == 2)
        c->st.el2_cycles += spent;
    if (c->nfn) {
        attribute_function(c, pc, spent);
        if (op->cls >= TM_C_B && op->cls <= TM_C_BLR && !rec->exception && rec->next_pc != pc + 4) {
            c->call_pending = true;
            c->call_link = op->cls == TM_C_BL || op->cls == TM_C_BLR;
            c->call_target = rec->next_pc;
            c->call_from = c->fn_cur;
        }
    }
}

const struct timing_stats *timing_core_stats(struct timing_core *c)
{
    c->st.cycles = c->started ? c->now + 1 : 0;
    return &c->st;
}

void timing_core_function(const struct timing_core *c, size_t f, struct timing_fn_stats *out)
{
    static const struct timing_fn_stats none;
    *out = f < c->nfn ? c->fn[f] : none;
}
