/* The embedding API (sim/msasim.h): a machine behind a handle, run in slices
 * of cycles, with the embedder's regions, interrupts and statistics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/embed_internal.h"
#include "sim/stats.h"

const char *msasim_version(void)
{
    return MSASIM_VERSION;
}

void msasim_options_init(struct msasim_options *o)
{
    memset(o, 0, sizeof *o);
    o->platform = "fvp-r";
}

const char *msasim_last_error(const msasim_t *h)
{
    return h ? h->err.msg : "no handle";
}

/* The machine's clock (machine_cycles): the cycle model's count of the most
 * advanced core with timing on, the instructions of all cores without.
 * Both are live during a run, so callbacks see the time of their own
 * access. */
uint64_t embed_now(const struct msasim *h)
{
    return h->m ? machine_cycles(h->m) : 0;
}

uint64_t msasim_cycles(const msasim_t *h)
{
    return embed_now(h);
}

uint64_t msasim_core_cycles(const msasim_t *h, unsigned core)
{
    return machine_core_cycles(h->m, core);
}

uint64_t msasim_insns(const msasim_t *h, unsigned core)
{
    return core < h->m->ncores ? h->m->cores[core]->icount : 0;
}

unsigned msasim_core_count(const msasim_t *h)
{
    return h->m->ncores;
}

/* ---- creation ------------------------------------------------------------- */

static int config_from_options(const struct msasim_options *o, struct machine_config *cfg,
                               struct msa_error *err)
{
    machine_config_default(cfg);
    if (o->platform)
        cfg->platform = o->platform;
    if (!o->profile)
        cfg->profile = MACHINE_PROFILE_FROM_PLATFORM;
    else if (!strcmp(o->profile, "r"))
        cfg->profile = MACHINE_PROFILE_R;
    else if (!strcmp(o->profile, "a"))
        cfg->profile = MACHINE_PROFILE_A;
    else
        return msa_error_set(err, "options: profile '%s' is not accepted; expected r or a", o->profile);
    cfg->cores = o->cores;
    if (o->mpu_regions > 256 || o->el1_mpu_regions > 256)
        return msa_error_set(err, "options: %s %u is not accepted; expected 1 to 256",
                             o->mpu_regions > 256 ? "mpu_regions" : "el1_mpu_regions",
                             o->mpu_regions > 256 ? o->mpu_regions : o->el1_mpu_regions);
    if (o->mpu_regions)
        cfg->mpu_regions = o->mpu_regions;
    if (o->el1_mpu_regions)
        cfg->el1_mpu_regions = o->el1_mpu_regions;
    cfg->el1_mmu = o->el1_mmu;
    if (o->quantum)
        cfg->quantum = o->quantum;
    unsigned nsets = 0;
    while (o->settings && o->settings[nsets])
        nsets++;
    if (!o->timing && (o->timing_core || nsets))
        return msa_error_set(err, "options: %s needs timing on",
                             o->timing_core ? "timing_core" : "a setting (KEY=VALUE)");
    cfg->timing = o->timing;
    cfg->timing_core = o->timing_core;
    cfg->timing_sets = o->settings;
    cfg->ntiming_sets = nsets;
    cfg->console = o->console;
    cfg->console_ctx = o->console_ctx;
    return 0;
}

msasim_t *msasim_create(const struct msasim_options *o, char *err, size_t errlen)
{
    struct msasim *h = calloc(1, sizeof *h);
    if (!h) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return NULL;
    }
    struct machine_config cfg;
    if (config_from_options(o, &cfg, &h->err) < 0 ||
        embed_regions_init(h, o->regions, o->nregions, &h->err) < 0)
        goto fail;
    cfg.external = h->ranges;
    cfg.nexternal = h->nregions;
    cfg.external_host_ptr = embed_host_ptr;
    cfg.external_peek = embed_peek;
    cfg.external_ctx = h;
    h->progress = o->progress;
    h->progress_ctx = o->progress_ctx;
    if (machine_create(&cfg, &h->m, &h->err) < 0 || embed_regions_attach(h, &h->err) < 0)
        goto fail;
    return h;
fail:
    if (err && errlen)
        snprintf(err, errlen, "%s", h->err.msg);
    msasim_destroy(h);
    return NULL;
}

void msasim_destroy(msasim_t *h)
{
    if (!h)
        return;
    embed_regions_free(h);   /* writes local copies back first */
    machine_destroy(h->m);
    free(h);
}

/* ---- running -------------------------------------------------------------- */

const char *msasim_stop_name(enum msasim_stop s)
{
    switch (s) {
    case MSASIM_STOP_LIMIT: return "limit";
    case MSASIM_STOP_EXIT: return "exit";
    case MSASIM_STOP_SYSTEM_OFF: return "system-off";
    case MSASIM_STOP_SYSTEM_RESET: return "system-reset";
    case MSASIM_STOP_FAULT_LOOP: return "fault-loop";
    case MSASIM_STOP_IDLE: return "idle";
    case MSASIM_STOP_ALL_OFF: return "all-cores-off";
    case MSASIM_STOP_REQUESTED: return "stop-requested";
    }
    return "?";
}

int msasim_exit_code(const struct msasim_result *r)
{
    switch (r->reason) {
    case MSASIM_STOP_EXIT: return r->exit_status;
    case MSASIM_STOP_SYSTEM_OFF:
    case MSASIM_STOP_ALL_OFF: return 0;
    default: return 1;
    }
}

static enum msasim_stop stop_from_machine(enum machine_stop s)
{
    switch (s) {
    case MACHINE_STOP_EXIT: return MSASIM_STOP_EXIT;
    case MACHINE_STOP_SYSTEM_OFF: return MSASIM_STOP_SYSTEM_OFF;
    case MACHINE_STOP_SYSTEM_RESET: return MSASIM_STOP_SYSTEM_RESET;
    case MACHINE_STOP_LIMIT:
    case MACHINE_STOP_CYCLE_LIMIT: return MSASIM_STOP_LIMIT;
    case MACHINE_STOP_FAULT_LOOP: return MSASIM_STOP_FAULT_LOOP;
    case MACHINE_STOP_DEADLOCK: return MSASIM_STOP_IDLE;
    case MACHINE_STOP_ALL_OFF: return MSASIM_STOP_ALL_OFF;
    case MACHINE_STOP_REQUESTED: return MSASIM_STOP_REQUESTED;
    }
    return MSASIM_STOP_FAULT_LOOP;
}

static bool stop_is_final(enum msasim_stop s)
{
    return s != MSASIM_STOP_LIMIT && s != MSASIM_STOP_IDLE && s != MSASIM_STOP_REQUESTED;
}

static void fill_result(const struct machine_result *mr, struct msasim_result *r)
{
    r->reason = stop_from_machine(mr->reason);
    r->exit_status = mr->exit_status;
    r->core = mr->core;
    /* both are 256 bytes and NUL-terminated; no printf: once a slice */
    size_t n = strnlen(mr->message, sizeof r->message - 1);
    memcpy(r->message, mr->message, n);
    r->message[n] = 0;
}

static void run_progress(void *ctx, uint64_t insns)
{
    struct msasim *h = ctx;
    h->progress(h->progress_ctx, embed_now(h));
}

int msasim_run(msasim_t *h, uint64_t max_cycles, struct msasim_result *r)
{
    return msasim_run_limits(h, max_cycles, 0, r);
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

int msasim_run_limits(msasim_t *h, uint64_t max_cycles, uint64_t max_insns, struct msasim_result *r)
{
    memset(r, 0, sizeof *r);
    if (!h->loaded)
        return msa_error_set(&h->err, "run: no program loaded (msasim_load_program or msasim_start)");
    if (h->final) {
        fill_result(&h->last, r);
        return 0;
    }
    if (h->stop_requested) {
        h->stop_requested = false;
        r->reason = MSASIM_STOP_REQUESTED;
        return 0;
    }
    struct machine *m = h->m;
    uint64_t start = embed_now(h);
    /* The machine's bounds are absolute: its clock and its instruction
     * count now, plus the budgets. */
    uint64_t cycle_target = max_cycles ? add_saturating(start, max_cycles) : 0;
    uint64_t insn_target = max_insns ? add_saturating(m->total_insns, max_insns) : 0;
    h->in_run = true;
    h->last = machine_run_cycles(m, insn_target, cycle_target, h->progress ? run_progress : NULL, h);
    h->in_run = false;
    embed_regions_sync(h);
    if (h->code_hi > h->code_lo) {
        cpu_cluster_code_written(m->cluster, h->code_lo, h->code_hi - h->code_lo);
        h->code_lo = h->code_hi = 0;
    }
    fill_result(&h->last, r);
    r->cycles = embed_now(h) - start;
    h->final = stop_is_final(r->reason);
    return 0;
}

void msasim_request_stop(msasim_t *h)
{
    if (h->in_run)
        cpu_request_stop(h->m->cores[h->m->running_core]);
    else
        h->stop_requested = true;
}

int msasim_set_irq(msasim_t *h, unsigned core, enum msasim_irq_line line, bool level)
{
    if (core >= h->m->ncores)
        return msa_error_set(&h->err, "set_irq: core %u does not exist; the machine has %u", core,
                             h->m->ncores);
    struct cpu *c = h->m->cores[core];
    struct cpu_irq_lines l = c->lines;
    switch (line) {
    case MSASIM_IRQ: l.irq = level; break;
    case MSASIM_FIQ: l.fiq = level; break;
    case MSASIM_VIRQ: l.virq = level; break;
    case MSASIM_VFIQ: l.vfiq = level; break;
    case MSASIM_SERROR: l.serror = level; break;
    default:
        return msa_error_set(&h->err, "set_irq: line %d is not accepted; expected an msasim_irq_line",
                             (int)line);
    }
    cpu_set_irq_lines(c, &l);
    return 0;
}

/* ---- memory notifications ---------------------------------------------------- */

void msasim_invalidate_direct(msasim_t *h, uint64_t start, uint64_t end)
{
    embed_regions_invalidate(h, start, end);
}

void msasim_memory_written(msasim_t *h, uint64_t addr, uint64_t len)
{
    if (!len)
        return;
    uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
    embed_regions_refresh(h, addr, end);
    /* Inside a run the instruction being executed may be among those
     * decoded there: the change is seen when the run returns, as a write by
     * another initiator is at the end of a quantum. */
    if (!h->in_run) {
        cpu_cluster_code_written(h->m->cluster, addr, len);
    } else if (h->code_hi <= h->code_lo) {
        h->code_lo = addr;
        h->code_hi = end;
    } else {
        h->code_lo = addr < h->code_lo ? addr : h->code_lo;
        h->code_hi = end > h->code_hi ? end : h->code_hi;
    }
}

/* ---- statistics ---------------------------------------------------------------- */

/* Statistics names allow [A-Za-z0-9_.-]; a region's name may hold more. */
static void metric_name(char *out, size_t n, const char *region, const char *field)
{
    int k = snprintf(out, n, "embed.%s", region);
    for (int i = 6; i < k && (size_t)i < n; i++) {
        char c = out[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            out[i] = '_';
    }
    size_t used = strlen(out);
    snprintf(out + used, n - used, ".%s", field);
}

int msasim_export_stats(msasim_t *h, struct stats *s)
{
    machine_export_stats(h->m, &h->last, s);
    for (unsigned k = 0; k < h->nregions; k++) {
        const struct embed_region *g = &h->regions[k];
        const struct {
            const char *field, *desc;
            uint64_t v;
        } rows[] = {
            {"reads", "reads the region served by callback", g->reads},
            {"writes", "writes the region served by callback", g->writes},
            {"errors", "callback accesses answered with an error", g->errors},
            {"direct_grants", "direct (DMI) windows obtained", g->direct_grants},
            {"page_copies", "pages reached through a local copy (no direct window)", g->copies_made},
            {"writebacks", "runs of bytes written back from local copies", g->writebacks},
        };
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
            char name[STATS_NAME_MAX + 1];
            metric_name(name, sizeof name, g->name, rows[i].field);
            uint64_t *c = stats_counter(s, name, rows[i].desc);
            if (!c)
                return msa_error_set(&h->err, "statistics: cannot register %s", name);
            *c = rows[i].v;
        }
    }
    return 0;
}

char *msasim_stats_json(msasim_t *h)
{
    struct stats *s = stats_new();
    if (!s)
        return NULL;
    stats_meta_set(s, "tool", "msasim " MSASIM_VERSION);
    stats_meta_set(s, "command", "embedded");
    char *buf = NULL;
    size_t len = 0;
    FILE *f = NULL;
    if (msasim_export_stats(h, s) == 0 && (f = open_memstream(&buf, &len)) != NULL) {
        stats_write_json(s, f);
        if (fclose(f) != 0) {
            free(buf);
            buf = NULL;
        }
    }
    stats_free(s);
    return buf;
}
