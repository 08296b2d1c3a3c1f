#include "sim/machine.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/dev_pl011.h"
#include "sim/loader.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/symbols.h"

void machine_config_default(struct machine_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->platform = "fvp-r";
    cfg->profile = MACHINE_PROFILE_FROM_PLATFORM;
    cfg->mpu_regions = 32;
    cfg->el1_mpu_regions = 16;
    cfg->quantum = 1000;
}

const char *machine_stop_name(enum machine_stop s)
{
    switch (s) {
    case MACHINE_STOP_EXIT: return "exit";
    case MACHINE_STOP_SYSTEM_OFF: return "system-off";
    case MACHINE_STOP_SYSTEM_RESET: return "system-reset";
    case MACHINE_STOP_LIMIT: return "instruction-limit";
    case MACHINE_STOP_FAULT_LOOP: return "fault-loop";
    case MACHINE_STOP_DEADLOCK: return "deadlock";
    case MACHINE_STOP_ALL_OFF: return "all-cores-off";
    case MACHINE_STOP_REQUESTED: return "stop-requested";
    case MACHINE_STOP_CYCLE_LIMIT: return "cycle-limit";
    }
    return "?";
}

/* ---- the cores' view of the bus ---------------------------------------- */

static uint8_t *machine_host_ptr(void *ctx, uint64_t pa, bool write)
{
    struct machine *m = ctx;
    uint8_t *p = ram_host_ptr(m->ram, pa, write);
    if (!p && m->cfg.external_host_ptr)
        p = m->cfg.external_host_ptr(m->cfg.external_ctx, pa, write);
    return p;
}

static int machine_mmio_read(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
    struct machine *m = ctx;
    if (!bus_find_device(&m->bus, pa)) {
        m->bus.unmapped_accesses++;
        *val = 0;
        return CPU_BUS_DECODE_ERROR;
    }
    /* A device may answer with a decode error itself (an embedder's region
     * with nothing at that offset); anything else nonzero is a slave error. */
    int rc = bus_mmio_read(&m->bus, pa, size, val);
    return rc == CPU_BUS_DECODE_ERROR ? rc : rc ? CPU_BUS_SLAVE_ERROR : CPU_BUS_OK;
}

static int machine_mmio_write(void *ctx, uint64_t pa, unsigned size, uint64_t val)
{
    struct machine *m = ctx;
    if (!bus_find_device(&m->bus, pa)) {
        m->bus.unmapped_accesses++;
        return CPU_BUS_DECODE_ERROR;
    }
    int rc = bus_mmio_write(&m->bus, pa, size, val);
    return rc == CPU_BUS_DECODE_ERROR ? rc : rc ? CPU_BUS_SLAVE_ERROR : CPU_BUS_OK;
}

static void machine_console(struct machine *m, const char *bytes, size_t len)
{
    if (m->cfg.console)
        m->cfg.console(m->cfg.console_ctx, bytes, len);
    else
        fwrite(bytes, 1, len, stdout);
}

static void uart_output(void *ctx, const char *bytes, unsigned len)
{
    machine_console(ctx, bytes, len);
}

static void semihost_write(void *ctx, struct cpu *cpu, int fd, const char *buf, size_t len)
{
    struct machine *m = ctx;
    if (fd == 2 && !m->cfg.console) {
        fflush(stdout);
        fwrite(buf, 1, len, stderr);
        return;
    }
    machine_console(m, buf, len);
}

/* ---- construction ------------------------------------------------------ */

/* The external range overlapping [base, base+size) that starts lowest. */
static const struct machine_range *first_external(const struct machine *m, uint64_t base,
                                                  uint64_t size)
{
    const struct machine_range *best = NULL;
    for (unsigned k = 0; k < m->cfg.nexternal; k++) {
        const struct machine_range *x = &m->cfg.external[k];
        if (x->base < base + size && base < x->base + x->size && (!best || x->base < best->base))
            best = x;
    }
    return best;
}

static int add_ram(struct machine *m, struct msa_error *err)
{
    m->ram = ram_new();
    if (!m->ram)
        return msa_error_set(err, "out of memory creating RAM");
    for (size_t i = 0; i < m->plat->memory.count; i++) {
        const struct platform_range *r = &m->plat->memory.items[i];
        /* What an embedder serves is cut out of the bank. */
        uint64_t base = r->base, end = r->base + r->size;
        while (base < end) {
            const struct machine_range *x = first_external(m, base, end - base);
            uint64_t piece_end = x ? (x->base > base ? x->base : base) : end;
            if (piece_end > base && ram_add_bank(m->ram, base, piece_end - base, err) < 0)
                return msa_error_prefix(err, "%s: memory bank %zu: ", m->plat->source, i);
            base = x ? x->base + x->size : end;
        }
    }
    return 0;
}

static int add_uarts(struct machine *m, struct msa_error *err)
{
    size_t n = m->plat->uarts.count;
    if (n > MACHINE_MAX_UARTS)
        n = MACHINE_MAX_UARTS;
    m->uarts = calloc(n ? n : 1, sizeof *m->uarts);
    if (!m->uarts)
        return msa_error_set(err, "out of memory creating UARTs");
    for (size_t i = 0; i < n; i++) {
        const struct platform_uart *u = &m->plat->uarts.items[i];
        if (!u->enabled || first_external(m, u->base, PL011_SIZE))
            continue;
        pl011_init(&m->uarts[m->nuarts], uart_output, m);
        struct mmio_device d = pl011_device(&m->uarts[m->nuarts], u->path ? u->path : "uart", u->base);
        if (bus_add_device(&m->bus, &d, err) < 0)
            return msa_error_prefix(err, "%s: ", m->plat->source);
        m->nuarts++;
    }
    return 0;
}

static int add_cores(struct machine *m, struct msa_error *err)
{
    unsigned listed = (unsigned)m->plat->cpus.count;
    unsigned n = m->cfg.cores ? m->cfg.cores : (listed ? listed : 1);
    if (n > MACHINE_MAX_CORES)
        return msa_error_set(err, "--cores: %u is more than the %d cores msasim simulates", n,
                             MACHINE_MAX_CORES);
    enum cpu_profile prof = m->profile == 'r' ? CPU_PROFILE_R : CPU_PROFILE_A;
    m->cluster = cpu_cluster_create(prof);
    if (!m->cluster)
        return msa_error_set(err, "out of memory creating the cores");
    struct cpu_bus bus = {m, machine_host_ptr, machine_mmio_read, machine_mmio_write};
    struct cpu_config cc = {0};
    cc.profile = prof;
    cc.semihosting = true;
    cc.msa_frac = m->profile == 'r' && m->cfg.el1_mmu ? 2 : 1;
    cc.gicv3 = machine_has_gicv3(m);
    struct cpu_hooks hooks = {0};
    hooks.ctx = m;
    hooks.console_write = semihost_write;
    for (unsigned i = 0; i < n; i++) {
        /* The device tree gives the affinity of the cores it lists; extra
         * cores asked for with --cores continue the numbering in Aff0. */
        uint64_t mpidr = i < listed ? m->plat->cpus.items[i].mpidr : i;
        m->cores[i] = cpu_create(m->cluster, i, mpidr, &cc, &bus);
        if (!m->cores[i])
            return msa_error_set(err, "cannot create core %u", i);
        cpu_set_hooks(m->cores[i], &hooks);
        m->ncores++;
    }
    return 0;
}

int machine_create(const struct machine_config *cfg, struct machine **out, struct msa_error *err)
{
    *out = NULL;
    struct machine *m = calloc(1, sizeof *m);
    if (!m)
        return msa_error_set(err, "out of memory");
    m->cfg = *cfg;
    bus_init(&m->bus);
    if (platform_load(cfg->platform, &m->plat, err) < 0)
        goto fail;
    if (cfg->profile == MACHINE_PROFILE_FROM_PLATFORM)
        m->profile = m->plat->profile;
    else
        m->profile = cfg->profile == MACHINE_PROFILE_R ? 'r' : 'a';
    if (cfg->el1_mmu && m->profile != 'r') {
        msa_error_set(err, "--el1-msa: 'mmu' is an option of profile r (profile a always has its MMU)");
        goto fail;
    }
    if (add_ram(m, err) < 0 || add_uarts(m, err) < 0 || add_cores(m, err) < 0 ||
        machine_attach_gic(m, err) < 0)
        goto fail;
    if (m->profile == 'r' && machine_attach_mpus(m, err) < 0)
        goto fail;
    if ((m->profile == 'a' || cfg->el1_mmu) && machine_attach_mmus(m, err) < 0)
        goto fail;
    if (m->profile == 'a' && machine_el2_maps_attach(m, err) < 0)
        goto fail;
    if (cfg->timing && machine_timing_attach(m, err) < 0)
        goto fail;
    *out = m;
    return 0;
fail:
    machine_destroy(m);
    return -1;
}

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    machine_hv_free(m);
    machine_free_gic(m);
    for (unsigned i = 0; i < m->ncores; i++)
        cpu_destroy(m->cores[i]);
    if (m->cluster)
        cpu_cluster_destroy(m->cluster);
    machine_timing_free(m);
    symbols_free(m->syms);
    machine_free_mmus(m);
    machine_el2_maps_free(m);
    free(m->uarts);
    free(m->mpus);
    if (m->ram)
        ram_free(m->ram);
    platform_free(m->plat);
    free(m);
}

int machine_load_program(struct machine *m, const char *path, struct msa_error *err)
{
    struct loaded_image img;
    if (load_file_auto(m->ram, path, LOAD_ADDR_NONE, &img, err) < 0)
        return -1;
    machine_start_program(m, &img);
    return 0;
}

void machine_start_program(struct machine *m, struct loaded_image *img)
{
    cpu_cluster_code_written(m->cluster, img->low, img->high - img->low);
    symbols_free(m->syms);
    m->syms = img->syms;
    img->syms = NULL;
    machine_timing_program_loaded(m);
    loaded_image_release(img);
    m->entry = img->entry;
    cpu_reset(m->cores[0], img->entry);
    if (m->profile == 'r')
        for (unsigned i = 1; i < m->ncores; i++)
            cpu_reset(m->cores[i], img->entry);
}

/* ---- the scheduler ----------------------------------------------------- */

/* "stopped after COUNT UNIT (OPTION)": an embedder running in short slices
 * gets one at the end of every slice, so it is put together without
 * printf. */
static void limit_message(char *out, size_t n, uint64_t count, const char *rest)
{
    static const char head[] = "stopped after ";
    char digits[20];
    size_t k = 0;
    do {
        digits[k++] = (char)('0' + count % 10);
        count /= 10;
    } while (count);
    size_t len = 0;
    for (size_t i = 0; head[i] && len + 1 < n; i++)
        out[len++] = head[i];
    while (k && len + 1 < n)
        out[len++] = digits[--k];
    for (size_t i = 0; rest[i] && len + 1 < n; i++)
        out[len++] = rest[i];
    if (n)
        out[len] = 0;
}

static bool stop_is_final(enum cpu_stop r)
{
    return r == CPU_STOP_EXIT || r == CPU_STOP_SYSTEM_OFF || r == CPU_STOP_SYSTEM_RESET ||
           r == CPU_STOP_FAULT_LOOP || r == CPU_STOP_REQUESTED;
}

struct machine_result machine_run(struct machine *m, uint64_t max_insns,
                                  void (*progress)(void *ctx, uint64_t insns), void *ctx)
{
    return machine_run_cycles(m, max_insns, 0, progress, ctx);
}

struct machine_result machine_run_cycles(struct machine *m, uint64_t max_insns, uint64_t max_cycles,
                                         void (*progress)(void *ctx, uint64_t insns), void *ctx)
{
    struct machine_result res;
    memset(&res, 0, sizeof res);
    uint64_t next_progress = 1u << 24;
    /* Without the cycle model a cycle is an instruction: the tighter of the
     * two bounds is the instruction limit, and the hot loop stays as it is. */
    bool cycles_are_insns = false;
    uint64_t timed_bound = 0;
    if (max_cycles && m->timing) {
        timed_bound = max_cycles;
    } else if (max_cycles && (!max_insns || max_cycles < max_insns)) {
        max_insns = max_cycles;
        cycles_are_insns = true;
    }
    for (;;) {
        bool anyone_ran = false;
        bool anyone_waiting = false;
        bool anyone_at_bound = false;
        for (unsigned i = 0; i < m->ncores; i++) {
            struct cpu *c = m->cores[i];
            uint64_t budget = m->cfg.quantum;
            if (max_insns && max_insns - m->total_insns < budget)
                budget = max_insns - m->total_insns;
            m->running_core = i;
            /* Cycle model: once per turn, a core at the bound sits out; the
             * hook stops the others at the bound inside the turn. */
            if (timed_bound) {
                if (machine_core_cycles(m, i) >= timed_bound) {
                    anyone_at_bound = true;
                    continue;
                }
                machine_timing_stop_at(m, timed_bound);
            }
            struct cpu_run_result r = cpu_run(c, budget);
            if (timed_bound) {
                machine_timing_stop_at(m, 0);
                if (machine_timing_bound_hit(m)) {
                    r.reason = CPU_STOP_LIMIT;
                    anyone_at_bound = true;
                }
            }
            /* A hypervisor model drives the IRQ lines itself (its slice
             * timer); otherwise the GIC samples its inputs. */
            if (m->el2maps)
                machine_el2_maps_poll(m);
            if (m->hv)
                machine_hv_poll_timers(m, i);
            else if (m->gic)
                machine_gic_poll(m, i, r.reason == CPU_STOP_WFI || r.reason == CPU_STOP_WFE,
                                 budget - r.insns);
            m->total_insns += r.insns;
            if (r.insns)
                anyone_ran = true;
            if (r.reason == CPU_STOP_FAULT_LOOP && m->hv &&
                machine_hv_guest_stuck(m, i, r.fault_pc, r.fault_el, r.fault_esr))
                r.reason = CPU_STOP_LIMIT;   /* the core goes on at its next turn */
            if (stop_is_final(r.reason)) {
                res.core = i;
                switch (r.reason) {
                case CPU_STOP_EXIT:
                    res.reason = MACHINE_STOP_EXIT;
                    res.exit_status = r.exit_status;
                    break;
                case CPU_STOP_SYSTEM_OFF:
                    res.reason = MACHINE_STOP_SYSTEM_OFF;
                    break;
                case CPU_STOP_SYSTEM_RESET:
                    res.reason = MACHINE_STOP_SYSTEM_RESET;
                    break;
                case CPU_STOP_REQUESTED:
                    res.reason = MACHINE_STOP_REQUESTED;
                    break;
                default:
                    res.reason = MACHINE_STOP_FAULT_LOOP;
                    snprintf(res.message, sizeof res.message,
                             "core %u is stuck in a loop of exceptions: PC 0x%" PRIx64
                             ", taken to EL%u with ESR 0x%08" PRIx32 " (EC 0x%02x)",
                             i, r.fault_pc, r.fault_el, r.fault_esr, (unsigned)(r.fault_esr >> 26));
                }
                goto done;
            }
            if (r.reason == CPU_STOP_WFI || r.reason == CPU_STOP_WFE)
                anyone_waiting = true;
            if (max_insns && m->total_insns >= max_insns) {
                res.reason = cycles_are_insns ? MACHINE_STOP_CYCLE_LIMIT : MACHINE_STOP_LIMIT;
                limit_message(res.message, sizeof res.message, m->total_insns,
                              cycles_are_insns
                                  ? " cycles (--max-cycles; without --timing on a cycle is an instruction)"
                                  : " instructions (--max-insns)");
                goto done;
            }
        }
        if (progress && m->total_insns >= next_progress) {
            progress(ctx, m->total_insns);
            next_progress = m->total_insns + (1u << 24);
        }
        if (!anyone_ran && anyone_at_bound) {
            /* every core that can run has reached the bound */
            res.reason = MACHINE_STOP_CYCLE_LIMIT;
            limit_message(res.message, sizeof res.message, machine_cycles(m), " cycles (--max-cycles)");
            goto done;
        }
        if (!anyone_ran && anyone_waiting && !m->hv && machine_gic_skip_idle(m))
            continue;
        if (!anyone_ran) {
            /* No core executed anything this round: with no device that could
             * raise an interrupt later, the machine can never move again. */
            res.reason = anyone_waiting ? MACHINE_STOP_DEADLOCK : MACHINE_STOP_ALL_OFF;
            snprintf(res.message, sizeof res.message, "%s",
                     anyone_waiting ? "every core is waiting (WFI/WFE) and nothing can wake it"
                                    : "every core is powered off");
            goto done;
        }
    }
done:
    res.insns = m->total_insns;
    /* A final stop (not a limit an embedder's slice set): the observer of
     * EL2's tables takes in what is pending. */
    if (m->el2maps && res.reason != MACHINE_STOP_LIMIT && res.reason != MACHINE_STOP_CYCLE_LIMIT)
        machine_el2_maps_finish(m);
    return res;
}
