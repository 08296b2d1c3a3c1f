/* Figures of a run: the summary struct, and the statistics registry
 * (names under "hv."; summary keys listed in hv/hv.h). */
#include <stdio.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/stats.h"

static double mean_of(const struct hv *hv, const struct hv_pressure *p)
{
    uint64_t span = hv->now - p->start;
    return span ? p->area / (double)span : p->cur;
}

static double phase_mean(const struct hv_pressure *p, enum hv_phase ph)
{
    return p->phase_time[ph] ? p->phase_area[ph] / (double)p->phase_time[ph]
                             : (double)p->phase_peak[ph];
}

void hv_summary(const struct hv *hv, struct hv_summary *s)
{
    memset(s, 0, sizeof *s);
    s->cores = hv->ncores;
    s->regions_implemented = hv->el2_regions;
    for (unsigned c = 0; c < hv->ncores; c++) {
        const struct hv_pressure *p = &hv->press[c];
        if (p->cur > s->regions_used)
            s->regions_used = p->cur;
        if (p->peak > s->regions_peak)
            s->regions_peak = p->peak;
        if (p->phase_peak[HV_PHASE_BOOT] > s->regions_boot_peak)
            s->regions_boot_peak = p->phase_peak[HV_PHASE_BOOT];
        if (p->phase_peak[HV_PHASE_RUNTIME] > s->regions_runtime_peak)
            s->regions_runtime_peak = p->phase_peak[HV_PHASE_RUNTIME];
        double m = mean_of(hv, p);
        if (m > s->regions_mean)
            s->regions_mean = m;
    }
    s->headroom = (int)s->regions_implemented - (int)s->regions_peak;
    s->region_failures = hv->failures;
    s->map_ops = hv->map_ops;
    s->map_cycles = hv->map_cycles;
    s->map_domain_page_ops = hv->ops[HV_OP_MAP_DOMAIN_PAGE].count;
    s->context_switches = hv->ops[HV_OP_CONTEXT_SWITCH].count;
    if (s->context_switches)
        s->context_switch_cycles_mean = (double)hv->ops[HV_OP_CONTEXT_SWITCH].total.cycles /
                                        (double)s->context_switches;
    s->cycles = hv->now;
    s->consistency_errors = hv->consistency_errors;
    s->el2_faults = hv->el2_faults;
    s->domains = hv->info.ndomains;
    s->vcpus = hv->nvcpus;
}

/* Stats names allow [A-Za-z0-9_.-]; node names may hold more. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '.' || *s == '-'))
            *s = '_';
}

static void gauge(struct stats *st, const char *name, const char *desc, double v)
{
    double *g = stats_gauge(st, name, desc);
    if (g)
        *g = v;
}

static void counter(struct stats *st, const char *name, const char *desc, uint64_t v)
{
    uint64_t *c = stats_counter(st, name, desc);
    if (c)
        *c = v;
}

static void export_core(struct hv *hv, struct stats *st, unsigned c)
{
    const struct hv_pressure *p = &hv->press[c];
    const struct mpu *m = &hv->mpus[c].el2;
    char name[STATS_NAME_MAX + 1];
#define NAME(...) (snprintf(name, sizeof name, __VA_ARGS__), sanitize(name), name)
    gauge(st, NAME("hv.core%u.regions.now", c), "enabled EL2 regions at the end", p->cur);
    gauge(st, NAME("hv.core%u.regions.peak", c), "most EL2 regions enabled at once", p->peak);
    gauge(st, NAME("hv.core%u.regions.mean", c), "time-weighted mean of enabled EL2 regions",
          mean_of(hv, p));
    gauge(st, NAME("hv.core%u.regions.headroom", c), "implemented minus peak",
          (double)hv->el2_regions - (double)p->peak);
    static const char *const phase_names[HV_PHASE_COUNT] = {"boot", "runtime"};
    for (unsigned ph = 0; ph < HV_PHASE_COUNT; ph++) {
        gauge(st, NAME("hv.core%u.regions.%s.peak", c, phase_names[ph]), "peak in the phase",
              p->phase_peak[ph]);
        gauge(st, NAME("hv.core%u.regions.%s.mean", c, phase_names[ph]),
              "time-weighted mean in the phase", phase_mean(p, (enum hv_phase)ph));
    }
    counter(st, NAME("hv.core%u.region_failures", c), "allocation failures (exhaustion)",
            p->failures);
    for (unsigned o = 1; o < HV_OWNER_COUNT; o++)
        gauge(st, NAME("hv.core%u.regions.owner.%s.peak", c, hv_owner_name((enum hv_owner)o)),
              "peak of regions with this owner", m->stats.peak_by_owner[o]);
    for (unsigned d = 0; d < hv->info.ndomains && d < HV_MAX_DOMAINS; d++)
        gauge(st, NAME("hv.core%u.regions.domain.%s.peak", c, hv->info.domains[d].name),
              "peak of this domain's stage-2 regions", p->dom_peak[d]);
    for (unsigned r = 0; r < MPU_REG_COUNT; r++)
        if (r != MPU_REG_MPUIR)
            counter(st, NAME("hv.core%u.mpu.%s_writes", c, mpu_reg_name((enum mpu_reg)r)),
                    "EL2 MPU register writes", m->stats.reg_writes[r]);
    counter(st, NAME("hv.core%u.mpu.syncs", c), "context synchronizations seen by the EL2 MPU",
            m->stats.syncs);
    counter(st, NAME("hv.core%u.mpu.selector_unsynced", c),
            "PRBAR/PRLAR accesses through a PRSELR not yet synchronized", m->stats.selector_unsynced);
    counter(st, NAME("hv.core%u.mpu.stale_accesses", c),
            "accesses whose outcome depended on a write awaiting its ISB", m->stats.stale_accesses);
#undef NAME
}

static void export_op(struct stats *st, enum hv_op op, const struct hv_op_stats *o)
{
    char name[STATS_NAME_MAX + 1];
    const char *n = hv_op_name(op);
    const struct hv_cost_acc *a = &o->total;
#define C(field, what, desc) \
    (snprintf(name, sizeof name, "hv.op.%s.%s", n, what), counter(st, name, desc, a->field))
    snprintf(name, sizeof name, "hv.op.%s.count", n);
    counter(st, name, "operations", o->count);
    snprintf(name, sizeof name, "hv.op.%s.failures", n);
    counter(st, name, "operations that failed", o->failures);
    C(cycles, "cycles_total", "cycles, sub-operations included");
    C(mpu_writes, "mpu_writes", "MSR to MPU registers");
    C(mpu_reads, "mpu_reads", "MRS from MPU registers");
    C(dsb, "dsb", "DSB barriers");
    C(isb, "isb", "ISB barriers");
    C(tlbi, "tlbi", "TLB invalidations");
    C(cache_ops, "cache_ops", "cache maintenance operations");
    C(cache_lines, "cache_lines", "cache lines maintained");
    C(sysreg_writes, "sysreg_writes", "other system-register writes");
    C(mem_bytes, "mem_bytes", "bytes copied or set by the hypervisor");
    C(sw_steps, "sw_steps", "module table entries examined");
    C(cyc_mpu, "cycles.mpu", "cycles in MPU register accesses");
    C(cyc_barrier, "cycles.barrier", "cycles in DSB and ISB");
    C(cyc_tlbi, "cycles.tlbi", "cycles in TLB invalidation");
    C(cyc_cache, "cycles.cache", "cycles in cache maintenance");
    C(cyc_mem, "cycles.mem", "cycles in copies");
    C(cyc_sysreg, "cycles.sysreg", "cycles in other system-register writes");
    C(cyc_sw, "cycles.sw", "cycles in module bookkeeping");
#undef C
}

void hv_export_stats(struct hv *hv)
{
    struct stats *st = hv->stats;
    if (!st)
        return;
    for (unsigned c = 0; c < hv->ncores; c++)
        export_core(hv, st, c);
    for (unsigned op = 0; op < HV_OP_COUNT; op++)
        if (hv->ops[op].count)
            export_op(st, (enum hv_op)op, &hv->ops[op]);
    /* Names of the domain indices in the slot timelines (hv.coreN.slot.S.owner). */
    for (unsigned d = 0; d < hv->info.ndomains && d < HV_MAX_DOMAINS; d++) {
        char key[32];
        snprintf(key, sizeof key, "hv.domain.%u", d + 1);
        stats_meta_set(st, key, hv->info.domains[d].name);
    }
    struct hv_summary s;
    hv_summary(hv, &s);
    counter(st, "hv.cycles", "cycles charged to the hypervisor model", s.cycles);
    counter(st, "hv.region_failures", "region exhaustion events", s.region_failures);
    counter(st, "hv.region_failures.boot", "... during boot", hv->phase_failures[HV_PHASE_BOOT]);
    counter(st, "hv.region_failures.runtime", "... after boot",
            hv->phase_failures[HV_PHASE_RUNTIME]);
    counter(st, "hv.map_ops", "mapping changes (outermost map-kind operations)", s.map_ops);
    counter(st, "hv.map_cycles", "cycles of those operations", s.map_cycles);
    counter(st, "hv.el2_faults", "hypervisor accesses that faulted on the EL2 MPU", s.el2_faults);
    counter(st, "hv.consistency_errors", "module table vs MPU inconsistencies",
            s.consistency_errors);

    stats_summary_set(st, "regions_peak", s.regions_peak);
    stats_summary_set(st, "regions_implemented", s.regions_implemented);
    stats_summary_set(st, "region_failures", (double)s.region_failures);
    stats_summary_set(st, "map_ops", (double)s.map_ops);
    stats_summary_set(st, "map_cycles", (double)s.map_cycles);
    stats_summary_set(st, "regions_used", s.regions_used);
    stats_summary_set(st, "regions_boot_peak", s.regions_boot_peak);
    stats_summary_set(st, "regions_runtime_peak", s.regions_runtime_peak);
    stats_summary_set(st, "regions_mean", s.regions_mean);
    stats_summary_set(st, "regions_headroom", s.headroom);
    stats_summary_set(st, "map_domain_page_ops", (double)s.map_domain_page_ops);
    stats_summary_set(st, "context_switches", (double)s.context_switches);
    stats_summary_set(st, "context_switch_cycles_mean", s.context_switch_cycles_mean);
    stats_summary_set(st, "hv_cycles", (double)s.cycles);
    stats_summary_set(st, "consistency_errors", s.consistency_errors);
    stats_summary_set(st, "el2_faults", (double)s.el2_faults);
    stats_summary_set(st, "domains", s.domains);
    stats_summary_set(st, "vcpus", s.vcpus);
    hv_expo_export(hv);
}
