#include "sim/report_model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpu/mpu.h"

const char *const report_cost_part_names[REPORT_COST_PARTS] = {
    "mpu", "barrier", "tlbi", "cache", "mem", "sysreg", "sw",
};

double report_figure(const struct stats *s, const char *name)
{
    const struct stats_metric *m = stats_find(s, name);
    if (!m)
        return NAN;
    if (m->kind == STATS_COUNTER)
        return (double)m->v.counter;
    if (m->kind == STATS_GAUGE)
        return m->v.gauge;
    return NAN;
}

double report_summary(const struct stats *s, const char *key)
{
    double v;
    return stats_summary_get(s, key, &v) ? v : NAN;
}

static uint64_t counter_or_zero(const struct stats *s, const char *name)
{
    const uint64_t *c = stats_find_counter(s, name);
    return c ? *c : 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* ---- timeline values ------------------------------------------------------ */

const char *report_owner_name(unsigned code)
{
    if (code == 0)
        return "free";
    return mpu_owner_name((enum mpu_owner)(code % REPORT_OWNER_STRIDE));
}

void report_holder_label(const struct report_model *m, unsigned code, char *buf, size_t len)
{
    unsigned dom = code / REPORT_OWNER_STRIDE;
    if (code == 0 || dom == 0) {
        snprintf(buf, len, "%s", report_owner_name(code));
        return;
    }
    char key[32];
    snprintf(key, sizeof key, "hv.domain.%u", dom);
    const char *name = stats_meta_get(m->s, key);
    if (name)
        snprintf(buf, len, "%s %s", report_owner_name(code), name);
    else
        snprintf(buf, len, "%s domain %u", report_owner_name(code), dom);
}

uint64_t report_runtime_start(const struct report_model *m)
{
    if (!m->phase)
        return 0;
    size_t n = stats_series_len(m->phase);
    const struct stats_series_point *p = stats_series_points(m->phase);
    for (size_t i = 0; i < n; i++)
        if (p[i].max >= 1)
            return p[i].min == p[i].max ? p[i].cycle : p[i].last_cycle;
    return 0;
}

/* ---- walking a step function ---------------------------------------------- */

/* A stretch of a series: over [a, b) the value is `v`, or, for the merged
 * part of a downsampled point, somewhere in [min, max] with integral `area`. */
struct seg {
    uint64_t a, b;
    bool merged;
    double v, min, max, area;
};

typedef void (*seg_fn)(void *ctx, const struct seg *sg);

static void walk(const struct stats_series *s, uint64_t end, seg_fn fn, void *ctx)
{
    size_t n = stats_series_len(s);
    const struct stats_series_point *p = stats_series_points(s);
    for (size_t i = 0; i < n; i++) {
        if (p[i].last_cycle > p[i].cycle || p[i].min != p[i].max) {
            struct seg m = {p[i].cycle, p[i].last_cycle, true, p[i].value, p[i].min, p[i].max,
                            p[i].area};
            fn(ctx, &m);
        }
        uint64_t next = i + 1 < n ? p[i + 1].cycle : end;
        if (next < p[i].last_cycle)
            next = p[i].last_cycle;
        struct seg c = {p[i].last_cycle, next, false, p[i].value, p[i].value, p[i].value, 0};
        c.area = p[i].value * (double)(next - p[i].last_cycle);
        fn(ctx, &c);
    }
}

/* ---- slot usage -------------------------------------------------------------- */

static void add_holder(struct report_slot_usage *u, unsigned code)
{
    if (code == 0)
        return;
    for (unsigned i = 0; i < u->nholders; i++)
        if (u->holders[i] == code)
            return;
    if (u->nholders < sizeof u->holders / sizeof u->holders[0])
        u->holders[u->nholders++] = code;
    else
        u->more_holders = true;
}

static void usage_seg(void *ctx, const struct seg *sg)
{
    struct report_slot_usage *u = ctx;
    double dur = (double)(sg->b - sg->a);
    add_holder(u, (unsigned)sg->min);
    add_holder(u, (unsigned)sg->max);
    add_holder(u, (unsigned)sg->v);
    if (!sg->merged) {
        if (sg->v != 0)
            u->held += dur;
    } else if (sg->min > 0) {
        u->held += dur;
    } else if (sg->max > 0) {
        /* Free part of the time and held by `max` the rest: exact when
         * only one holder took turns with "free". */
        u->held += fmin(dur, sg->area / sg->max);
        u->approx = true;
    }
}

void report_slot_usage(const struct stats_series *s, uint64_t end, struct report_slot_usage *u)
{
    memset(u, 0, sizeof *u);
    if (!s)
        return;
    walk(s, end, usage_seg, u);
    /* A slot's record starts with a "free" point unless it was taken at
     * the very start; that point is not a change of holder. */
    uint64_t count = stats_series_count(s);
    const struct stats_series_point *p = stats_series_points(s);
    u->changes = count && p[0].min == 0 ? count - 1 : count;
}

/* ---- cells -------------------------------------------------------------------- */

#define CELL_SLOTS 4

struct holder_acc {
    unsigned code[CELL_SLOTS];
    double dur[CELL_SLOTS];
    unsigned n;
    bool overflow;
};

struct cells_ctx {
    uint64_t t0, t1;
    size_t n;
    double width;
    struct holder_acc *acc;          /* holders */
    struct report_value_cell *vals;  /* values */
    double *time;                    /* values: covered time per cell */
};

static void acc_add(struct holder_acc *a, unsigned code, double dur)
{
    for (unsigned i = 0; i < a->n; i++)
        if (a->code[i] == code) {
            a->dur[i] += dur;
            return;
        }
    if (a->n < CELL_SLOTS) {
        a->code[a->n] = code;
        a->dur[a->n++] = dur;
    } else {
        a->overflow = true;
    }
}

/* Calls back for each cell [a, b) overlaps, with the overlap in cycles. */
static void for_cells(const struct cells_ctx *c, uint64_t a, uint64_t b,
                      void (*fn)(const struct cells_ctx *, size_t, double, const struct seg *),
                      const struct seg *sg)
{
    if (b <= c->t0 || a >= c->t1) {
        if (a == b && a >= c->t0 && a < c->t1)
            fn(c, (size_t)((double)(a - c->t0) / c->width), 0, sg);
        return;
    }
    double lo = (double)(a > c->t0 ? a : c->t0) - (double)c->t0;
    double hi = (double)(b < c->t1 ? b : c->t1) - (double)c->t0;
    size_t first = (size_t)(lo / c->width);
    for (size_t i = first; i < c->n; i++) {
        double cl = (double)i * c->width, ch = cl + c->width;
        if (cl >= hi)
            break;
        double ov = fmin(hi, ch) - fmax(lo, cl);
        fn(c, i, ov > 0 ? ov : 0, sg);
    }
}

static void holder_cell(const struct cells_ctx *c, size_t i, double ov, const struct seg *sg)
{
    struct holder_acc *a = &c->acc[i];
    if (!sg->merged) {
        acc_add(a, (unsigned)sg->v, ov);
        return;
    }
    double dur = (double)(sg->b - sg->a);
    if (sg->min == sg->max) {
        acc_add(a, (unsigned)sg->max, ov);
    } else if (sg->min > 0) {
        acc_add(a, (unsigned)sg->max, ov / 2);
        acc_add(a, (unsigned)sg->min, ov / 2);
    } else {
        double frac = dur > 0 ? fmin(1.0, sg->area / sg->max / dur) : 0.5;
        acc_add(a, (unsigned)sg->max, ov * frac);
        acc_add(a, 0, ov * (1 - frac));
    }
}

static void holder_seg(void *ctx, const struct seg *sg)
{
    for_cells(ctx, sg->a, sg->b, holder_cell, sg);
}

void report_holder_cells(const struct stats_series *s, uint64_t t0, uint64_t t1, size_t n,
                         struct report_holder_cell *cells)
{
    memset(cells, 0, n * sizeof *cells);
    if (!s || n == 0 || t1 <= t0)
        return;
    struct cells_ctx c = {t0, t1, n, (double)(t1 - t0) / (double)n, calloc(n, sizeof *c.acc), NULL,
                          NULL};
    if (!c.acc)
        return;
    walk(s, t1, holder_seg, &c);
    for (size_t i = 0; i < n; i++) {
        const struct holder_acc *a = &c.acc[i];
        double best = -1;
        unsigned holders = 0;
        for (unsigned k = 0; k < a->n; k++) {
            if (a->code[k] == 0)
                continue;
            /* A holder seen only at an instant still shows. */
            holders++;
            if (a->dur[k] > best) {
                best = a->dur[k];
                cells[i].code = a->code[k];
            }
        }
        if (holders)
            cells[i].held = fmin(1.0, best / c.width);
        cells[i].several = holders > 1 || a->overflow;
    }
    free(c.acc);
}

static void value_cell(const struct cells_ctx *c, size_t i, double ov, const struct seg *sg)
{
    struct report_value_cell *v = &c->vals[i];
    if (!v->has) {
        v->has = true;
        v->min = sg->min;
        v->max = sg->max;
    }
    v->min = fmin(v->min, sg->min);
    v->max = fmax(v->max, sg->max);
    double dur = (double)(sg->b - sg->a);
    v->mean += sg->merged ? (dur > 0 ? sg->area * ov / dur : 0) : sg->v * ov;
    c->time[i] += ov;
}

static void value_seg(void *ctx, const struct seg *sg)
{
    for_cells(ctx, sg->a, sg->b, value_cell, sg);
}

void report_value_cells(const struct stats_series *s, uint64_t t0, uint64_t t1, size_t n,
                        struct report_value_cell *cells)
{
    memset(cells, 0, n * sizeof *cells);
    if (!s || n == 0 || t1 <= t0)
        return;
    struct cells_ctx c = {t0, t1, n, (double)(t1 - t0) / (double)n, NULL, cells,
                          calloc(n, sizeof(double))};
    if (!c.time)
        return;
    walk(s, t1, value_seg, &c);
    for (size_t i = 0; i < n; i++) {
        if (!cells[i].has)
            continue;
        cells[i].mean = c.time[i] > 0 ? cells[i].mean / c.time[i] : cells[i].max;
    }
    free(c.time);
}

/* ---- building the model ------------------------------------------------------ */

static uint64_t series_end(const struct stats_series *s)
{
    size_t n = s ? stats_series_len(s) : 0;
    return n ? stats_series_points(s)[n - 1].last_cycle : 0;
}

static struct report_core *core_of(struct report_model *m, unsigned c)
{
    if (c >= REPORT_MAX_CORES)
        return NULL;
    while (m->ncores <= c) {
        struct report_core *k = &m->core[m->ncores];
        memset(k, 0, sizeof *k);
        k->core = m->ncores++;
        k->now = k->peak = k->mean = k->headroom = NAN;
        k->boot_peak = k->runtime_peak = k->failures = NAN;
    }
    return &m->core[c];
}

/* "hv.core3.rest" -> 3 and "rest"; false when the name is not of that form. */
static bool parse_core(const char *name, const char *prefix, unsigned *core, const char **rest)
{
    if (!has_prefix(name, prefix))
        return false;
    char *end;
    unsigned long c = strtoul(name + strlen(prefix), &end, 10);
    if (end == name + strlen(prefix) || *end != '.' || c >= REPORT_MAX_CORES)
        return false;
    *core = (unsigned)c;
    *rest = end + 1;
    return true;
}

static void hv_core_figures(struct report_model *m, const struct stats_metric *mt)
{
    unsigned c;
    const char *rest;
    if (!parse_core(mt->name, "hv.core", &c, &rest))
        return;
    struct report_core *k = core_of(m, c);
    if (!k)
        return;
    m->from_hv = true;
    double v = mt->kind == STATS_GAUGE ? mt->v.gauge
               : mt->kind == STATS_COUNTER ? (double)mt->v.counter : NAN;
    if (strcmp(rest, "regions") == 0 && mt->kind == STATS_SERIES)
        k->pressure = mt->v.series;
    else if (strcmp(rest, "regions.now") == 0)
        k->now = v;
    else if (strcmp(rest, "regions.peak") == 0)
        k->peak = v;
    else if (strcmp(rest, "regions.mean") == 0)
        k->mean = v;
    else if (strcmp(rest, "regions.headroom") == 0)
        k->headroom = v;
    else if (strcmp(rest, "regions.boot.peak") == 0)
        k->boot_peak = v;
    else if (strcmp(rest, "regions.runtime.peak") == 0)
        k->runtime_peak = v;
    else if (strcmp(rest, "region_failures") == 0)
        k->failures = v;
    else if (has_prefix(rest, "slot.") && has_suffix(rest, ".owner") && mt->kind == STATS_SERIES) {
        char *end;
        unsigned long slot = strtoul(rest + 5, &end, 10);
        if (strcmp(end, ".owner") == 0 && slot < REPORT_MAX_SLOTS) {
            if (!k->slot[slot])
                k->slots_used++;
            k->slot[slot] = mt->v.series;
        }
    }
}

/* A run without the hypervisor model: the machine's own EL2 MPU counters. */
static void mpu_core_figures(struct report_model *m, const struct stats_metric *mt)
{
    unsigned c;
    const char *rest;
    if (m->from_hv || !parse_core(mt->name, "mpu.core", &c, &rest) || !has_prefix(rest, "el2."))
        return;
    struct report_core *k = core_of(m, c);
    if (!k)
        return;
    rest += 4;
    double v = mt->kind == STATS_GAUGE ? mt->v.gauge
               : mt->kind == STATS_COUNTER ? (double)mt->v.counter : NAN;
    if (strcmp(rest, "regions_enabled") == 0)
        k->now = v;
    else if (strcmp(rest, "regions_peak") == 0)
        k->peak = v;
    else if (strcmp(rest, "regions_mean") == 0)
        k->mean = v;
    else if (strcmp(rest, "regions_implemented") == 0 && isnan(m->implemented))
        m->implemented = v;
    else if (strcmp(rest, "regions") == 0 && mt->kind == STATS_SERIES)
        k->pressure = mt->v.series;
}

static int grow(void **items, size_t n, size_t size)
{
    /* Capacity doubles at powers of two. */
    if (n && (n & (n - 1)))
        return 0;
    void *g = realloc(*items, (n ? 2 * n : 8) * size);
    if (!g)
        return -1;
    *items = g;
    return 0;
}

static int op_figures(struct report_model *m, const struct stats_metric *mt)
{
    if (!has_prefix(mt->name, "hv.op.") || !has_suffix(mt->name, ".count") ||
        mt->kind != STATS_COUNTER)
        return 0;
    size_t len = strlen(mt->name) - strlen("hv.op.") - strlen(".count");
    if (len == 0 || len >= sizeof m->ops[0].name)
        return 0;
    if (grow((void **)&m->ops, m->nops, sizeof *m->ops) < 0)
        return -1;
    struct report_op *op = &m->ops[m->nops++];
    memset(op, 0, sizeof *op);
    memcpy(op->name, mt->name + strlen("hv.op."), len);
    op->name[len] = '\0';
    char name[STATS_NAME_MAX + 1];
#define FIG(suffix) (snprintf(name, sizeof name, "hv.op.%s.%s", op->name, suffix), \
                     counter_or_zero(m->s, name))
    op->count = mt->v.counter;
    op->failures = FIG("failures");
    op->cycles = FIG("cycles_total");
    for (int p = 0; p < REPORT_COST_PARTS; p++) {
        char part[32];
        snprintf(part, sizeof part, "cycles.%s", report_cost_part_names[p]);
        op->part[p] = FIG(part);
    }
    op->mpu_writes = FIG("mpu_writes");
    op->barriers = FIG("dsb") + FIG("isb");
    op->tlbi = FIG("tlbi");
    op->cache_ops = FIG("cache_ops");
#undef FIG
    snprintf(name, sizeof name, "hv.op.%s.cycles", op->name);
    op->hist = stats_find_histogram(m->s, name);
    return 0;
}

/* exposure.pair.FROM.TO.byte_cycles (domain names carry no dots there). */
static int pair_figures(struct report_model *m, const struct stats_metric *mt)
{
    const char *prefix = "exposure.pair.", *suffix = ".byte_cycles";
    if (!has_prefix(mt->name, prefix) || !has_suffix(mt->name, suffix) ||
        (mt->kind != STATS_COUNTER && mt->kind != STATS_GAUGE))
        return 0;
    const char *from = mt->name + strlen(prefix);
    const char *dot = strchr(from, '.');
    size_t to_len = strlen(dot ? dot + 1 : "") - strlen(suffix);
    if (!dot || dot == from || (size_t)(dot - from) >= sizeof m->pairs[0].from || !to_len ||
        to_len >= sizeof m->pairs[0].to)
        return 0;
    if (grow((void **)&m->pairs, m->npairs, sizeof *m->pairs) < 0)
        return -1;
    struct report_pair *p = &m->pairs[m->npairs++];
    snprintf(p->from, sizeof p->from, "%.*s", (int)(dot - from), from);
    snprintf(p->to, sizeof p->to, "%.*s", (int)to_len, dot + 1);
    p->byte_cycles = mt->kind == STATS_COUNTER ? (double)mt->v.counter : mt->v.gauge;
    return 0;
}

/* Per-function cycles: counters "<prefix>.func.<name>.cycles" or
 * "func.<name>.cycles", with ".insns" beside them when counted. */
static int func_figures(struct report_model *m, const struct stats_metric *mt)
{
    if (mt->kind != STATS_COUNTER || !has_suffix(mt->name, ".cycles"))
        return 0;
    const char *f;
    if (has_prefix(mt->name, "func.")) {
        f = mt->name + 5;
    } else {
        f = strstr(mt->name, ".func.");
        if (!f)
            return 0;
        f += 6;
    }
    size_t len = strlen(f) - strlen(".cycles");
    if (len == 0 || len >= sizeof m->funcs[0].name)
        return 0;
    /* The same function on several cores adds up. */
    for (size_t i = 0; i < m->nfuncs; i++)
        if (strlen(m->funcs[i].name) == len && strncmp(m->funcs[i].name, f, len) == 0) {
            m->funcs[i].value += (double)mt->v.counter;
            return 0;
        }
    if (grow((void **)&m->funcs, m->nfuncs, sizeof *m->funcs) < 0)
        return -1;
    struct report_named *fn = &m->funcs[m->nfuncs++];
    snprintf(fn->name, sizeof fn->name, "%.*s", (int)len, f);
    fn->value = (double)mt->v.counter;
    char insns[STATS_NAME_MAX + 1];
    snprintf(insns, sizeof insns, "%.*s.insns", (int)(strlen(mt->name) - strlen(".cycles")),
             mt->name);
    fn->extra = report_figure(m->s, insns);
    snprintf(insns, sizeof insns, "%.*s.calls", (int)(strlen(mt->name) - strlen(".cycles")),
             mt->name);
    fn->calls = report_figure(m->s, insns);
    return 0;
}

/* el2maps.vmidN.ram_bytes and its companions: one row per VM. */
static int vm_figures(struct report_model *m, const struct stats_metric *mt)
{
    static const char prefix[] = "el2maps.";
    if (!has_prefix(mt->name, prefix) || !has_suffix(mt->name, ".ram_bytes") ||
        strncmp(mt->name + strlen(prefix), "vmid", 4) != 0)
        return 0;
    const char *vm = mt->name + strlen(prefix);
    size_t len = strlen(vm) - strlen(".ram_bytes");
    if (len >= sizeof m->vms[0].name)
        return 0;
    if (grow((void **)&m->vms, m->nvms, sizeof *m->vms) < 0)
        return -1;
    struct report_vm *v = &m->vms[m->nvms++];
    snprintf(v->name, sizeof v->name, "%.*s", (int)len, vm);
    char n[STATS_NAME_MAX + 1];
#define FIG(field, key) (snprintf(n, sizeof n, "el2maps.%s." key, v->name), v->field = report_figure(m->s, n))
    FIG(ram, "ram_bytes");
    FIG(readable, "el2_readable_bytes");
    FIG(readable_peak, "el2_readable_bytes_peak");
    FIG(s2_pages, "s2_table_pages");
    FIG(byte_cycles, "exposure_byte_cycles");
#undef FIG
    return 0;
}

/* mmu.coreN.tlbi.KIND.ops */
static int tlbi_figures(struct report_model *m, const struct stats_metric *mt)
{
    unsigned c;
    const char *rest;
    if (mt->kind != STATS_COUNTER || !parse_core(mt->name, "mmu.core", &c, &rest) ||
        !has_prefix(rest, "tlbi.") || !has_suffix(rest, ".ops") || !mt->v.counter)
        return 0;
    const char *kind = rest + strlen("tlbi.");
    size_t len = strlen(kind) - strlen(".ops");
    if (!len || len >= sizeof m->tlbi[0].kind)
        return 0;
    struct report_tlbi *t = NULL;
    for (size_t i = 0; i < m->ntlbi && !t; i++)
        if (strlen(m->tlbi[i].kind) == len && strncmp(m->tlbi[i].kind, kind, len) == 0)
            t = &m->tlbi[i];
    if (!t) {
        if (grow((void **)&m->tlbi, m->ntlbi, sizeof *m->tlbi) < 0)
            return -1;
        t = &m->tlbi[m->ntlbi++];
        memset(t, 0, sizeof *t);
        snprintf(t->kind, sizeof t->kind, "%.*s", (int)len, kind);
    }
    t->per_core[c] += mt->v.counter;
    t->total += mt->v.counter;
    if (c + 1 > m->tlbi_cores)
        m->tlbi_cores = c + 1;
    return 0;
}

static int by_total(const void *pa, const void *pb)
{
    const struct report_tlbi *a = pa, *b = pb;
    if (a->total != b->total)
        return a->total > b->total ? -1 : 1;
    return strcmp(a->kind, b->kind);
}

bool report_function_shown(const struct report_model *m, size_t i, size_t top, const char *pick)
{
    if (i < top)
        return true;
    if (!pick)
        return false;
    const char *name = m->funcs[i].name;
    for (const char *w = pick; *w;) {
        size_t len = strcspn(w, ",");
        for (const char *at = name; len && *at; at++)
            if (strncmp(at, w, len) == 0)
                return true;
        w += len;
        if (*w == ',')
            w++;
    }
    return false;
}

static int by_cycles(const void *pa, const void *pb)
{
    const struct report_op *a = pa, *b = pb;
    if (a->cycles != b->cycles)
        return a->cycles > b->cycles ? -1 : 1;
    return strcmp(a->name, b->name);
}

static int by_value(const void *pa, const void *pb)
{
    const struct report_named *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value > b->value ? -1 : 1;
    return strcmp(a->name, b->name);
}

static void exposure_series(struct report_model *m, const struct stats_metric *mt)
{
    if (mt->kind != STATS_SERIES || m->nexposure >= sizeof m->exposure / sizeof m->exposure[0])
        return;
    struct report_exposure_series *e = &m->exposure[m->nexposure];
    unsigned c;
    const char *rest;
    if (strcmp(mt->name, "exposure.bytes") == 0)
        snprintf(e->label, sizeof e->label, "all cores");
    else if (parse_core(mt->name, "exposure.core", &c, &rest) && strcmp(rest, "bytes") == 0)
        snprintf(e->label, sizeof e->label, "core %u", c);
    else
        return;
    e->series = mt->v.series;
    m->nexposure++;
}

static void make_title(struct report_model *m)
{
    const char *module = stats_meta_get(m->s, "hv.module");
    const char *plat = stats_meta_get(m->s, "hv.platform");
    if (!plat)
        plat = stats_meta_get(m->s, "platform");
    const char *slash = plat ? strrchr(plat, '/') : NULL;
    if (slash && slash[1])
        plat = slash + 1;
    if (module && plat)
        snprintf(m->title, sizeof m->title, "%s on %s", module, plat);
    else if (plat)
        snprintf(m->title, sizeof m->title, "run on %s", plat);
    else
        snprintf(m->title, sizeof m->title, "statistics");
}

int report_model_build(const struct stats *s, struct report_model *m)
{
    memset(m, 0, sizeof *m);
    m->s = s;
    m->implemented = report_summary(s, "regions_implemented");
    make_title(m);
    size_t n = stats_metric_count(s);
    for (size_t i = 0; i < n; i++)
        hv_core_figures(m, stats_metric_at(s, i));
    for (size_t i = 0; i < n; i++) {
        const struct stats_metric *mt = stats_metric_at(s, i);
        mpu_core_figures(m, mt);
        exposure_series(m, mt);
        if (op_figures(m, mt) < 0 || pair_figures(m, mt) < 0 || func_figures(m, mt) < 0 ||
            vm_figures(m, mt) < 0 || tlbi_figures(m, mt) < 0) {
            report_model_release(m);
            return -1;
        }
        if (mt->kind == STATS_SERIES) {
            uint64_t e = series_end(mt->v.series);
            if (e > m->end_cycle)
                m->end_cycle = e;
        }
    }
    m->phase = stats_find_series(s, "hv.phase");
    m->el2_table_pages = report_figure(s, "el2maps.el2.table_pages");
    /* The axis runs to the end of the run, not just to the last change. */
    const char *ends[] = {"hv_cycles", "cycles"};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
        double v = report_summary(s, ends[i]);
        if (v > (double)m->end_cycle && v < 1.8e19)
            m->end_cycle = (uint64_t)v;
    }
    for (size_t i = 0; i < stats_summary_count(s); i++) {
        const char *key = stats_summary_key(s, i);
        if (!has_prefix(key, "cpi_stack.") || !key[10])
            continue;
        if (grow((void **)&m->cpi, m->ncpi, sizeof *m->cpi) < 0) {
            report_model_release(m);
            return -1;
        }
        struct report_named *p = &m->cpi[m->ncpi++];
        snprintf(p->name, sizeof p->name, "%s", key + 10);
        p->value = stats_summary_value(s, i);
        p->extra = NAN;
        p->calls = NAN;
    }
    if (m->nops)
        qsort(m->ops, m->nops, sizeof *m->ops, by_cycles);
    if (m->nfuncs)
        qsort(m->funcs, m->nfuncs, sizeof *m->funcs, by_value);
    if (m->ntlbi)
        qsort(m->tlbi, m->ntlbi, sizeof *m->tlbi, by_total);
    return 0;
}

void report_model_release(struct report_model *m)
{
    free(m->ops);
    free(m->pairs);
    free(m->cpi);
    free(m->funcs);
    free(m->vms);
    m->vms = NULL;
    m->nvms = 0;
    free(m->tlbi);
    m->tlbi = NULL;
    m->ntlbi = 0;
    m->ops = NULL;
    m->pairs = NULL;
    m->cpi = NULL;
    m->funcs = NULL;
    m->nops = m->npairs = m->ncpi = m->nfuncs = 0;
}
