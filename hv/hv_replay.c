/* Replaying a trace: each event applied to a model built from the
 * trace's platform through the primitives the live path uses
 * (hv_trace.c), with its accounting, checks and error policy, so that a
 * replay under the recorded configuration repeats the run exactly.  The
 * error policy inside composite operations mirrors how the live code
 * unwinds: after the first failure only the unmaps that release what the
 * composite still holds are made. */
#include <inttypes.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/hv_trace.h"
#include "hv/hv_tracer.h"

/* An event that does not fit the model: bad input, exit status 2. */
#define bad(err, ...) (msa_error_set((err), __VA_ARGS__), HV_RUN_BAD_INPUT)

/* Out of line, so that the per-event path keeps nothing for the message. */
static __attribute__((noinline, cold)) int no_such_core(const struct hv *hv,
                                                        const struct hv_event *ev,
                                                        struct msa_error *err)
{
    return bad(err, "%s on core %" PRIu32 ": the platform has %u core%s",
               hv_ev_kind_name((enum hv_ev_kind)ev->kind), ev->core, hv->ncores,
               hv->ncores == 1 ? "" : "s");
}

static inline int check_core(const struct hv *hv, const struct hv_event *ev, bool all_ok,
                             struct msa_error *err)
{
    if (ev->core == HV_ALL_CORES && all_ok)
        return 0;
    if (ev->core >= hv->ncores)
        return no_such_core(hv, ev, err);
    return 0;
}

static int check_domain(const struct hv *hv, const struct hv_event *ev, struct msa_error *err)
{
    if (ev->domain < 0 || (unsigned)ev->domain >= hv->info.ndomains)
        return bad(err, "%s names domain d%d: the platform has %u dom0less domain%s",
                   hv_ev_kind_name((enum hv_ev_kind)ev->kind), ev->domain + HV_DOMID_FIRST,
                   hv->info.ndomains, hv->info.ndomains == 1 ? "" : "s");
    return 0;
}

/* Whether any composite in progress has failed.  Only the innermost
 * frame needs a look: a frame's result is set only while it is the
 * innermost (inner_result), and a frame begun while an outer one had
 * failed is begun skipped (replay_begin), so an outer failure always
 * shows in the innermost frame too. */
static bool failing(const struct hv_tracer *t)
{
    if (!t->depth)
        return false;
    const struct comp_frame *f = &t->comp[t->depth - 1];
    return f->skipped || f->rc;
}

/* The result of an operation inside a composite: the first failure is the
 * composite's. */
static void inner_result(struct hv_tracer *t, int rc)
{
    if (rc && t->depth && !t->comp[t->depth - 1].rc)
        t->comp[t->depth - 1].rc = rc;
}

static int held_map_find(const struct hv_tracer *t, uint64_t base, uint64_t size)
{
    for (unsigned i = t->nmaps; i-- > 0;)
        if (t->maps[i].base == base && t->maps[i].size == size)
            return (int)i;
    return -1;
}

static int replay_map(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                      struct msa_error *err)
{
    if (!hv_ev_map_kind_ok((enum hv_op)ev->op))
        return bad(err, "map event of kind %s: expected map, unmap, modify, ioremap or iounmap",
                   hv_op_name((enum hv_op)ev->op));
    if (ev->owner >= HV_OWNER_COUNT)
        return bad(err, "map event with owner %u: no such owner", ev->owner);
    int st = check_core(hv, ev, true, err);
    if (st)
        return st;
    struct hv_map_req req = {.core = ev->core, .base = ev->a, .size = ev->b, .flags = ev->flags,
                             .owner = (enum hv_owner)ev->owner, .domid = ev->domid,
                             .purpose = ev->purpose};
    if (!t->depth)
        return hv_map(hv, (enum hv_op)ev->op, &req, err);
    bool removal = !(ev->flags & HV_MAP_PRESENT);
    int held = removal ? held_map_find(t, ev->a, ev->b) : -1;
    if (failing(t) && held < 0) {
        t->rs.skipped++;
        return 0;
    }
    int rc = hv_nested_map(hv, (enum hv_op)ev->op, &req);
    if (held >= 0)
        t->maps[held] = t->maps[--t->nmaps];
    else if (rc == 0 && !removal && t->nmaps < HELD_MAX)
        t->maps[t->nmaps++] = (struct held_map){ev->a, ev->b, t->depth};
    inner_result(t, rc);
    return 0;
}

static int replay_mdp(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                      struct msa_error *err)
{
    int st = check_core(hv, ev, false, err);
    if (st)
        return st;
    uint64_t va;
    if (!t->depth)
        return hv_map_domain_page(hv, ev->core, ev->a, &va, err);
    if (failing(t)) {
        t->rs.skipped++;
        return 0;
    }
    hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
    int rc = hv_call_map_domain_page(hv, ev->core, ev->a, &va);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
    inner_result(t, rc);
    return 0;
}

static int replay_unmap_page(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                             struct msa_error *err)
{
    int st = check_core(hv, ev, false, err);
    if (st)
        return st;
    /* hv_trace_va_of, with the one lookup also telling whether it is held. */
    const struct held_page *h = hv_held_by_pa(t, ev->core, ev->a);
    bool held = h != NULL;
    uint64_t va = h ? h->va + (ev->a - h->pa) : ev->a;
    if (!t->depth)
        return hv_unmap_domain_page(hv, ev->core, va, err);
    if (failing(t) && !held) {
        t->rs.skipped++;
        return 0;
    }
    hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
    int rc = hv_call_unmap_domain_page(hv, ev->core, va);
    hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc);
    inner_result(t, rc);
    return 0;
}

/* A guest's memory read, written or zeroed at EL2 (access): the same
 * checks and charges as the run made, the bytes going to a scratch buffer,
 * a page at a time (a replay has no guest data).  Out of line, so that
 * copies and cleans do not set up its buffer. */
static __attribute__((noinline)) int core_access(struct hv *hv, const struct hv_event *ev,
                                                 uint64_t dst)
{
    uint8_t scratch[4096];
    memset(scratch, 0, sizeof scratch);
    int rc = 0;
    for (uint64_t done = 0; rc == 0 && done < ev->c; done += sizeof scratch) {
        uint64_t n = ev->c - done < sizeof scratch ? ev->c - done : sizeof scratch;
        rc = hv_core_access(hv, ev->core, dst + done, scratch, n, (enum hv_access)ev->flags);
    }
    return rc;
}

/* The core's own memory work: a copy, a cache clean, or an access. */
static int core_memory_work(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev)
{
    uint64_t dst = hv_trace_va_of(t, ev->core, ev->a);
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_COPY:
        return hv_core_copy(hv, ev->core, dst, hv_trace_va_of(t, ev->core, ev->b), ev->c);
    case HV_EV_CLEAN:
        hv_core_clean(hv, ev->core, dst, ev->c);
        return 0;
    default:
        return core_access(hv, ev, dst);
    }
}

static int replay_copy(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                       struct msa_error *err)
{
    int st = check_core(hv, ev, false, err);
    if (st)
        return st;
    if (failing(t)) {
        t->rs.skipped++;
        return 0;
    }
    int rc = core_memory_work(hv, t, ev);
    if (t->depth) {
        inner_result(t, rc);
        return 0;
    }
    if (rc) {
        msa_error_set(err, "%s: %s", hv->mod->name, hv->has_error ? hv->error
                      : ev->kind == HV_EV_ACCESS ? "access faulted" : "copy faulted");
        return HV_RUN_FAILED;
    }
    return 0;
}

static int replay_begin(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                        struct msa_error *err)
{
    if (!hv_ev_composite_ok((enum hv_op)ev->op))
        return bad(err, "begin of %s: expected copy_from_paddr or load_domain",
                   hv_op_name((enum hv_op)ev->op));
    if (t->depth >= HV_OP_STACK - 2)
        return bad(err, "composite operations nested deeper than %u", HV_OP_STACK - 2);
    int st = check_core(hv, ev, false, err);
    if (st)
        return st;
    if (ev->op == HV_OP_LOAD_DOMAIN && (st = check_domain(hv, ev, err)))
        return st;
    bool skip = failing(t) || (ev->op == HV_OP_LOAD_DOMAIN && t->dom_failed[ev->domain]);
    t->comp[t->depth++] = (struct comp_frame){.op = ev->op, .skipped = skip};
    if (skip) {
        t->rs.skipped++;
        return 0;
    }
    if (t->depth == 1) {
        hv->has_error = false;
        hv->cur_core = ev->core;
    }
    hv_composite_begin(hv, (enum hv_op)ev->op, ev->domain);
    return 0;
}

static int replay_end(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                      struct msa_error *err)
{
    if (!t->depth || t->comp[t->depth - 1].op != ev->op)
        return bad(err, "end of %s without its begin", hv_op_name((enum hv_op)ev->op));
    struct comp_frame f = t->comp[--t->depth];
    while (t->nmaps && t->maps[t->nmaps - 1].level > t->depth)
        t->nmaps--;
    if (f.skipped) {
        t->rs.skipped++;
        return 0;
    }
    hv_composite_end(hv, (enum hv_op)ev->op, f.rc);
    if (t->depth) {
        inner_result(t, f.rc);
        return 0;
    }
    int st = hv_finish_op(hv, (enum hv_op)ev->op, f.rc, err);
    return st < 0 ? 0 : st;
}

/* One top-level module operation with the live path's accounting. */
static int top_op(struct hv *hv, enum hv_op op, unsigned core,
                  int (*call)(struct hv *, const struct hv_event *), const struct hv_event *ev,
                  struct msa_error *err)
{
    hv_begin_top(hv, op, core);
    int rc = call(hv, ev);
    hv_acc_op_end(hv, op, rc);
    return hv_finish_op(hv, op, rc, err);
}

static int call_boot(struct hv *hv, const struct hv_event *ev)
{
    return hv->mod->boot(hv->state, &hv->hal, &hv->info);
}

static int call_cpu_up(struct hv *hv, const struct hv_event *ev)
{
    return hv->mod->cpu_up(hv->state, &hv->hal, ev->core);
}

static int call_create_domain(struct hv *hv, const struct hv_event *ev)
{
    return hv->mod->create_domain(hv->state, &hv->hal, &hv->domains[ev->domain]);
}

static int call_p2m(struct hv *hv, const struct hv_event *ev)
{
    return hv->mod->p2m_update(hv->state, &hv->hal, ev->domain, ev->a, ev->b, ev->c, ev->flags,
                               ev->purpose);
}

static int call_finish_boot(struct hv *hv, const struct hv_event *ev)
{
    return hv->mod->finish_boot(hv->state, &hv->hal);
}

/* Events that the core only issues outside composite operations. */
static int replay_top(struct hv *hv, struct hv_tracer *t, const struct hv_event *ev,
                      struct msa_error *err)
{
    int st;
    if (t->depth)
        return bad(err, "%s inside %s: expected it outside composite operations",
                   hv_ev_kind_name((enum hv_ev_kind)ev->kind),
                   hv_op_name((enum hv_op)t->comp[t->depth - 1].op));
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_BOOT:
        hv_set_phase(hv, HV_PHASE_BOOT);
        hv->online[0] = true;
        hv_emit_simple(hv, HV_EV_BOOT, 0, -1, 0);
        st = top_op(hv, HV_OP_BOOT, 0, call_boot, ev, err);
        /* Without its boot layout nothing else can run, exhaustion or not. */
        if (st < 0)
            msa_error_set(err, "%s: %s", hv->mod->name, hv->first_exhaustion);
        return st < 0 ? HV_RUN_FAILED : st;
    case HV_EV_CPU_UP:
        if ((st = check_core(hv, ev, false, err)))
            return st;
        hv->online[ev->core] = true;
        hv_emit_simple(hv, HV_EV_CPU_UP, ev->core, -1, 0);
        if (!hv->mod->cpu_up)
            return 0;
        st = top_op(hv, HV_OP_CPU_UP, ev->core, call_cpu_up, ev, err);
        return st < 0 ? 0 : st;
    case HV_EV_CREATE_DOMAIN:
        if ((st = check_domain(hv, ev, err)))
            return st;
        hv_expo_enter(hv, ev->domain < HV_MAX_DOMAINS ? (unsigned)ev->domain : HV_EXPO_XEN);
        hv_emit_simple(hv, HV_EV_CREATE_DOMAIN, hv->domains[ev->domain].vcpu_core[0], ev->domain,
                       0);
        if (!hv->mod->create_domain)
            return 0;
        st = top_op(hv, HV_OP_CREATE_DOMAIN, hv->domains[ev->domain].vcpu_core[0],
                    call_create_domain, ev, err);
        if (st < 0)
            t->dom_failed[ev->domain] = true;
        return st < 0 ? 0 : st;
    case HV_EV_P2M_UPDATE:
        if ((st = check_domain(hv, ev, err)))
            return st;
        if (t->dom_failed[ev->domain]) {
            t->rs.skipped++;
            return 0;
        }
        hv_emit_p2m(hv, hv->domains[ev->domain].vcpu_core[0], ev->domain, ev->a, ev->b, ev->c,
                    ev->flags, ev->purpose);
        if (!hv->mod->p2m_update)
            return 0;
        st = top_op(hv, HV_OP_P2M_UPDATE, hv->domains[ev->domain].vcpu_core[0], call_p2m, ev,
                    err);
        return st < 0 ? 0 : st;
    case HV_EV_FINISH_BOOT:
        hv_expo_enter(hv, HV_EXPO_XEN);
        hv_emit_simple(hv, HV_EV_FINISH_BOOT, 0, -1, 0);
        if (hv->mod->finish_boot) {
            st = top_op(hv, HV_OP_FINISH_BOOT, 0, call_finish_boot, ev, err);
            if (st > 0)
                return st;
        }
        return hv->check == HV_CHECK_END ? hv_check_now(hv, "at the end of boot", err) : 0;
    case HV_EV_SWITCH: {
        if ((st = check_core(hv, ev, false, err)))
            return st;
        int v = -1;
        if (ev->domain >= 0) {
            if ((st = check_domain(hv, ev, err)))
                return st;
            const struct hv_domain_info *di = &hv->domains[ev->domain];
            if (ev->vcpu >= di->nvcpus)
                return bad(err, "switch to d%dv%" PRIu32 ": domain %s has %u vCPU%s",
                           ev->domain + HV_DOMID_FIRST, ev->vcpu, di->name, di->nvcpus,
                           di->nvcpus == 1 ? "" : "s");
            v = (int)di->vcpu_id[ev->vcpu];
            if (di->vcpu_core[ev->vcpu] != ev->core)
                return bad(err, "switch to d%dv%" PRIu32 " on core %" PRIu32 ": that vCPU runs "
                           "on core %u", ev->domain + HV_DOMID_FIRST, ev->vcpu, ev->core,
                           di->vcpu_core[ev->vcpu]);
        }
        return hv_context_switch(hv, ev->core, v, err);
    }
    case HV_EV_PHASE:
        if (ev->a > HV_PHASE_RUNTIME)
            return bad(err, "phase %" PRIu64 ": expected boot or runtime", ev->a);
        hv_set_phase(hv, (enum hv_phase)ev->a);
        return 0;
    default:
        return bad(err, "event kind %u: not one this msasim replays", ev->kind);
    }
}

int hv_replay_event(struct hv *hv, const struct hv_event *ev, struct msa_error *err)
{
    struct hv_tracer *t = hv->tracer ? hv->tracer : hv_tracer_get(hv);
    if (!t) {
        msa_error_set(err, "out of memory");
        return HV_RUN_FAILED;
    }
    if (ev->cycle != hv->now && t->rs.cycle_mismatches++ == 0)
        t->rs.first_mismatch = t->rs.events + t->rs.skipped;
    uint64_t skipped = t->rs.skipped;
    int st;
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_MAP: st = replay_map(hv, t, ev, err); break;
    case HV_EV_MAP_DOMAIN_PAGE: st = replay_mdp(hv, t, ev, err); break;
    case HV_EV_UNMAP_DOMAIN_PAGE: st = replay_unmap_page(hv, t, ev, err); break;
    case HV_EV_COPY:
    case HV_EV_CLEAN:
    case HV_EV_ACCESS: st = replay_copy(hv, t, ev, err); break;
    case HV_EV_BEGIN: st = replay_begin(hv, t, ev, err); break;
    case HV_EV_END: st = replay_end(hv, t, ev, err); break;
    default: st = replay_top(hv, t, ev, err); break;
    }
    if (t->rs.skipped == skipped)
        t->rs.events++;
    /* A top-level operation that failed on exhaustion and goes on: 0. */
    return st < 0 ? 0 : st;
}

int hv_replay_finish(struct hv *hv, struct msa_error *err)
{
    struct hv_tracer *t = hv_tracer_get(hv);
    if (!t) {
        msa_error_set(err, "out of memory");
        return HV_RUN_FAILED;
    }
    t->finished = true;
    hv_pressure_close(hv);
    if (t->depth)
        return bad(err, "the trace ends inside %s (no end event)",
                   hv_op_name((enum hv_op)t->comp[t->depth - 1].op));
    if (hv->check == HV_CHECK_END) {
        int st = hv_check_now(hv, "at the end of the replay", err);
        if (st)
            return st;
    }
    if (hv->failures)
        hv_note(hv, "%" PRIu64 " region exhaustion event%s (the replay continued); first: %s",
                hv->failures, hv->failures == 1 ? "" : "s", hv->first_exhaustion);
    return HV_RUN_OK;
}

void hv_replay_stats(const struct hv *hv, struct hv_replay_stats *out)
{
    if (hv->tracer)
        *out = hv->tracer->rs;
    else
        memset(out, 0, sizeof *out);
}
