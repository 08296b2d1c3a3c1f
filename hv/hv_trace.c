/* Recording the core's requests to the module.
 *
 * The live path (hv_run.c, hv_domain_load.c) calls the module through the
 * hv_call_* primitives below and brackets its own work with
 * hv_composite_begin/end, hv_core_copy and hv_core_clean; each of them
 * hands an event to the sink when one is installed.  The replay
 * (hv_replay.c) drives the same primitives from events, so that a replay
 * with a sink installed records the same trace again.
 *
 * Pages mapped with map_domain_page are named by their physical address in
 * the trace, never by the address the module returned: under PMSA the two
 * are equal, but a module with a mapcache would hand out other addresses,
 * and the trace must not depend on the module.  A small table of the pages
 * held translates in both directions. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/hv_lib.h"
#include "hv/hv_trace.h"
#include "hv/hv_tracer.h"

struct hv_tracer *hv_tracer_get(struct hv *hv)
{
    if (!hv->tracer)
        hv->tracer = calloc(1, sizeof *hv->tracer);
    return hv->tracer;
}

void hv_trace_free(struct hv *hv)
{
    free(hv->tracer);
    hv->tracer = NULL;
}

void hv_set_event_sink(struct hv *hv, hv_event_fn fn, void *ctx)
{
    struct hv_tracer *t = hv_tracer_get(hv);
    if (!t)
        return;
    t->fn = fn;
    t->ctx = ctx;
}

/* ---- Names ------------------------------------------------------------- */

bool hv_ev_map_kind_ok(enum hv_op op)
{
    return op == HV_OP_MAP || op == HV_OP_UNMAP || op == HV_OP_MODIFY || op == HV_OP_IOREMAP ||
           op == HV_OP_IOUNMAP;
}

bool hv_ev_composite_ok(enum hv_op op)
{
    return op == HV_OP_COPY_FROM_PADDR || op == HV_OP_LOAD_DOMAIN;
}

const char *hv_ev_kind_name(enum hv_ev_kind k)
{
    static const char *const names[HV_EV_KIND_COUNT] = {
        [HV_EV_BOOT] = "boot",
        [HV_EV_CPU_UP] = "cpu_up",
        [HV_EV_MAP] = "map",
        [HV_EV_MAP_DOMAIN_PAGE] = "map_domain_page",
        [HV_EV_UNMAP_DOMAIN_PAGE] = "unmap_domain_page",
        [HV_EV_CREATE_DOMAIN] = "create_domain",
        [HV_EV_P2M_UPDATE] = "p2m_update",
        [HV_EV_FINISH_BOOT] = "finish_boot",
        [HV_EV_SWITCH] = "switch",
        [HV_EV_COPY] = "copy",
        [HV_EV_CLEAN] = "clean",
        [HV_EV_BEGIN] = "begin",
        [HV_EV_END] = "end",
        [HV_EV_PHASE] = "phase",
        [HV_EV_ACCESS] = "access",
    };
    return (unsigned)k < HV_EV_KIND_COUNT ? names[k] : NULL;
}

bool hv_option_is_core(const char *kv)
{
    const char *eq = strchr(kv, '=');
    size_t n = eq ? (size_t)(eq - kv) : strlen(kv);
    char key[64];
    if (n >= sizeof key)
        return false;
    memcpy(key, kv, n);
    key[n] = '\0';
    return strncmp(key, "cost.", 5) == 0 || hv_is_core_option(key);
}

/* ---- Recording --------------------------------------------------------- */

static bool recording(const struct hv *hv)
{
    return hv->tracer && hv->tracer->fn;
}

static void emit(struct hv *hv, struct hv_event *ev)
{
    unsigned c = ev->core == HV_ALL_CORES ? 0 : ev->core;
    int v = c < hv->ncores ? hv->cur_vcpu[c] : -1;
    ev->cycle = hv->now;
    ev->ctx_domain = v >= 0 ? hv->vcpus[v].domain : -1;
    ev->ctx_vcpu = v >= 0 ? hv->vcpus[v].vcpu : 0;
    hv->tracer->fn(hv->tracer->ctx, ev);
}

void hv_emit_simple(struct hv *hv, enum hv_ev_kind kind, unsigned core, int domain, uint64_t a)
{
    if (!recording(hv))
        return;
    struct hv_event ev = {.kind = (uint8_t)kind, .core = core, .domain = domain, .a = a};
    emit(hv, &ev);
}

void hv_set_phase(struct hv *hv, enum hv_phase phase)
{
    if (phase != hv->phase)
        hv_emit_simple(hv, HV_EV_PHASE, 0, -1, (uint64_t)phase);
    hv_pressure_set_phase(hv, phase);
}

void hv_emit_p2m(struct hv *hv, unsigned core, int domain, uint64_t gpa, uint64_t pa,
                 uint64_t size, uint32_t flags, const char *purpose)
{
    if (!recording(hv))
        return;
    struct hv_event ev = {.kind = HV_EV_P2M_UPDATE, .core = core, .domain = domain, .a = gpa,
                          .b = pa, .c = size, .flags = flags, .purpose = purpose};
    emit(hv, &ev);
}

void hv_emit_switch(struct hv *hv, unsigned core, int vcpu)
{
    if (!recording(hv))
        return;
    struct hv_event ev = {.kind = HV_EV_SWITCH, .core = core, .domain = -1};
    if (vcpu >= 0) {
        ev.domain = hv->vcpus[vcpu].domain;
        ev.vcpu = hv->vcpus[vcpu].vcpu;
    }
    emit(hv, &ev);
}

/* ---- The primitives the live path and the replay share ------------------ */

int hv_call_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req)
{
    if (recording(hv)) {
        struct hv_event ev = {.kind = HV_EV_MAP, .op = (uint8_t)kind, .owner = (uint8_t)req->owner,
                              .core = req->core, .domain = -1, .flags = req->flags,
                              .domid = req->domid, .a = req->base, .b = req->size,
                              .purpose = req->purpose};
        emit(hv, &ev);
    }
    return hv->mod->map(hv->state, &hv->hal, req);
}

/* hv_held_by_pa's other direction. */
static struct held_page *held_by_va(struct hv_tracer *t, unsigned core, uint64_t va)
{
    if (!t)
        return NULL;
    for (struct held_page *h = t->pages + t->npages; h-- != t->pages;)
        if (va - h->va < HV_PAGE_SIZE && h->core == core)
            return h;
    return NULL;
}

/* A page's event, out of line: the primitives below then need no stack
 * for an event when nothing is recorded. */
static __attribute__((noinline)) void emit_page(struct hv *hv, enum hv_ev_kind kind,
                                                unsigned core, uint64_t pa)
{
    struct hv_event ev = {.kind = (uint8_t)kind, .core = core, .domain = -1, .a = pa};
    emit(hv, &ev);
}

int hv_call_map_domain_page(struct hv *hv, unsigned core, uint64_t pa, uint64_t *va)
{
    if (recording(hv))
        emit_page(hv, HV_EV_MAP_DOMAIN_PAGE, core, pa);
    *va = pa;
    int rc = hv->mod->map_domain_page
                 ? hv->mod->map_domain_page(hv->state, &hv->hal, core, pa, va)
                 : HV_ERR_NOTSUP;
    /* Held pages are tracked whether or not a trace is recorded: an MMU
     * module's HAL accesses name them by the address it handed out. */
    struct hv_tracer *t = hv_tracer_get(hv);
    if (rc == 0 && t && t->npages < HELD_MAX)
        t->pages[t->npages++] = (struct held_page){core, pa & ~(HV_PAGE_SIZE - 1),
                                                   *va & ~(HV_PAGE_SIZE - 1)};
    return rc;
}

/* The release of a page (its entry in the table of held pages gone) and
 * the module's unmap. */
static inline int unmap_page(struct hv *hv, struct hv_tracer *t, struct held_page *h,
                             unsigned core, uint64_t va)
{
    if (h)
        *h = t->pages[--t->npages];
    return hv->mod->unmap_domain_page ? hv->mod->unmap_domain_page(hv->state, &hv->hal, core, va)
                                      : HV_ERR_NOTSUP;
}

/* An unmap that is recorded: its event, then the unmap.  Out of line, so
 * that an unmap that is not recorded reaches the module with no frame (the
 * copies, cleans and accesses below are split the same way). */
static __attribute__((noinline)) int unmap_recorded(struct hv *hv, struct hv_tracer *t,
                                                    struct held_page *h, unsigned core,
                                                    uint64_t va)
{
    emit_page(hv, HV_EV_UNMAP_DOMAIN_PAGE, core, h ? h->pa + (va - h->va) : va);
    return unmap_page(hv, t, h, core, va);
}

int hv_call_unmap_domain_page(struct hv *hv, unsigned core, uint64_t va)
{
    struct hv_tracer *t = hv->tracer;
    struct held_page *h = held_by_va(t, core, va);
    if (recording(hv))
        return unmap_recorded(hv, t, h, core, va);
    return unmap_page(hv, t, h, core, va);
}

uint64_t hv_held_pa_of(struct hv *hv, unsigned core, uint64_t va, bool *held)
{
    struct held_page *h = held_by_va(hv->tracer, core, va);
    if (held)
        *held = h != NULL;
    return h ? h->pa + (va - h->va) : va;
}

/* The trace names memory by physical address: an address inside a page
 * held through map_domain_page is translated. */
static uint64_t pa_of(struct hv *hv, unsigned core, uint64_t va)
{
    return hv_held_pa_of(hv, core, va, NULL);
}

/* A copy that is recorded: its event, then the copy (see unmap_recorded). */
static __attribute__((noinline)) int copy_recorded(struct hv *hv, unsigned core, uint64_t dst,
                                                   uint64_t src, uint64_t len)
{
    struct hv_event ev = {.kind = HV_EV_COPY, .core = core, .domain = -1,
                          .a = pa_of(hv, core, dst), .b = pa_of(hv, core, src), .c = len};
    emit(hv, &ev);
    return hv->hal.ops->mem_copy(&hv->hal, core, dst, src, len);
}

static inline int access_op(struct hv *hv, unsigned core, uint64_t va, void *buf, uint64_t len,
                            enum hv_access kind)
{
    switch (kind) {
    case HV_ACCESS_WRITE: return hv->hal.ops->mem_write(&hv->hal, core, va, buf, len);
    case HV_ACCESS_ZERO: return hv->hal.ops->mem_set(&hv->hal, core, va, 0, len);
    default: return hv->hal.ops->mem_read(&hv->hal, core, va, buf, len);
    }
}

/* An access that is recorded (see unmap_recorded). */
static __attribute__((noinline)) int access_recorded(struct hv *hv, unsigned core, uint64_t va,
                                                     void *buf, uint64_t len, enum hv_access kind)
{
    struct hv_event ev = {.kind = HV_EV_ACCESS, .core = core, .domain = -1,
                          .a = pa_of(hv, core, va), .c = len, .flags = kind};
    emit(hv, &ev);
    return access_op(hv, core, va, buf, len, kind);
}

/* A clean that is recorded (see unmap_recorded). */
static __attribute__((noinline)) void clean_recorded(struct hv *hv, unsigned core, uint64_t base,
                                                     uint64_t len)
{
    struct hv_event ev = {.kind = HV_EV_CLEAN, .core = core, .domain = -1,
                          .a = pa_of(hv, core, base), .c = len};
    emit(hv, &ev);
    hv->hal.ops->dcache(&hv->hal, core, HV_DC_CLEAN, base, len);
}

int hv_core_copy(struct hv *hv, unsigned core, uint64_t dst, uint64_t src, uint64_t len)
{
    if (recording(hv))
        return copy_recorded(hv, core, dst, src, len);
    return hv->hal.ops->mem_copy(&hv->hal, core, dst, src, len);
}

int hv_core_access(struct hv *hv, unsigned core, uint64_t va, void *buf, uint64_t len,
                   enum hv_access kind)
{
    if (recording(hv))
        return access_recorded(hv, core, va, buf, len, kind);
    return access_op(hv, core, va, buf, len, kind);
}

void hv_core_clean(struct hv *hv, unsigned core, uint64_t base, uint64_t len)
{
    if (recording(hv)) {
        clean_recorded(hv, core, base, len);
        return;
    }
    hv->hal.ops->dcache(&hv->hal, core, HV_DC_CLEAN, base, len);
}

void hv_composite_begin(struct hv *hv, enum hv_op op, int domain)
{
    if (recording(hv)) {
        struct hv_event ev = {.kind = HV_EV_BEGIN, .op = (uint8_t)op, .core = hv->cur_core,
                              .domain = domain};
        emit(hv, &ev);
    }
    hv_acc_op_begin(hv, op);
}

void hv_composite_end(struct hv *hv, enum hv_op op, int rc)
{
    hv_acc_op_end(hv, op, rc);
    if (recording(hv)) {
        struct hv_event ev = {.kind = HV_EV_END, .op = (uint8_t)op, .core = hv->cur_core,
                              .domain = -1};
        emit(hv, &ev);
    }
}

