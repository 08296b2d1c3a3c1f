/* The machine's interrupt wiring when the platform has a GICv3: the
 * controller on the bus, the generic timer outputs of each core as its
 * PPIs (CNTP 30, CNTV 27, CNTHP 26, CNTHPS 20, the INTIDs of QEMU's virt
 * and the Arm FVPs' device trees), each PL011's interrupt output as the
 * SPI its device-tree node names, and time for cores that wait.
 *
 * Time while waiting: the system counter a core reads is its own
 * instruction count (deterministic), plus the instruction slots it spent
 * waiting in WFI/WFE.  A waiting core is charged its whole quantum each
 * scheduler round, as if it had executed it, so that its timers keep
 * running while other cores work; when every core waits, the machine
 * moves every core's counter forward to the first timer that will fire,
 * and only when no timer is armed is the machine in deadlock. */
#include "sim/machine.h"

#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/dev_gicv3.h"
#include "sim/dev_pl011.h"
#include "sim/platform.h"

struct machine_gic {
    struct gicv3 *gic;
    uint64_t idle[MACHINE_MAX_CORES];      /* counter ticks spent waiting */
    unsigned uart_intid[MACHINE_MAX_UARTS]; /* 0: no interrupt wired */
};

/* Timer output bit (cpu_timer_lines) -> PPI. */
static const unsigned timer_ppi[4] = {30, 27, 26, 20};

static bool overlaps_external(const struct machine *m, uint64_t base, uint64_t size)
{
    for (unsigned k = 0; k < m->cfg.nexternal; k++) {
        const struct machine_range *x = &m->cfg.external[k];
        if (x->base < base + size && base < x->base + x->size)
            return true;
    }
    return false;
}

/* A GICv3 the platform lists, whose first redistributor region holds a
 * frame pair for every core the machine will have, and that no embedder
 * serves itself.  (A platform without room for the cores asked for keeps
 * running without an interrupt controller, as before there was one.) */
bool machine_has_gicv3(const struct machine *m)
{
    const struct platform *p = m->plat;
    if (!p->has_gic || p->gic.version != PLATFORM_GIC_V3 || p->gic.redistributors.count == 0)
        return false;
    unsigned listed = (unsigned)p->cpus.count;
    unsigned n = m->ncores ? m->ncores : m->cfg.cores ? m->cfg.cores : listed ? listed : 1;
    const struct platform_range *rd = &p->gic.redistributors.items[0];
    return rd->size >= (uint64_t)n * GICV3_REDIST_STRIDE &&
           !overlaps_external(m, p->gic.distributor.base, GICV3_DIST_SIZE) &&
           !overlaps_external(m, rd->base, rd->size);
}

static uint64_t counter(void *ctx, struct cpu *c)
{
    struct machine *m = ctx;
    return c->icount + (m->gic && c->id < MACHINE_MAX_CORES ? m->gic->idle[c->id] : 0);
}

/* The INTID of a device node's first interrupt (GIC binding: type 0 = SPI,
 * 1 = PPI, then the number), or 0. */
static unsigned node_intid(const struct platform *p, const char *path)
{
    if (!p->fdt || !path)
        return 0;
    int node = fdt_path_offset(p->fdt, path);
    int len = 0;
    const fdt32_t *v = node < 0 ? NULL : fdt_getprop(p->fdt, node, "interrupts", &len);
    if (!v || len < 8)
        return 0;
    uint32_t type = fdt32_to_cpu(v[0]), num = fdt32_to_cpu(v[1]);
    uint32_t intid = type == 0 ? num + 32 : type == 1 ? num + 16 : 0;
    return intid < GICV3_NR_IRQS ? intid : 0;
}

static void sample_inputs(void *ctx, unsigned core)
{
    machine_gic_poll(ctx, core, false, 0);
}

int machine_attach_gic(struct machine *m, struct msa_error *err)
{
    const struct platform *p = m->plat;
    if (!machine_has_gicv3(m) || m->gic)
        return 0;
    const struct platform_range *rd = &p->gic.redistributors.items[0];
    m->gic = calloc(1, sizeof *m->gic);
    if (!m->gic || !(m->gic->gic = gicv3_create(m->cores, m->ncores)))
        return msa_error_set(err, "out of memory creating the GIC");
    struct mmio_device d = gicv3_dist_device(m->gic->gic, p->gic.distributor.base);
    struct mmio_device r = gicv3_redist_device(m->gic->gic, rd->base);
    if (bus_add_device(&m->bus, &d, err) < 0 || bus_add_device(&m->bus, &r, err) < 0)
        return msa_error_prefix(err, "%s: ", p->source);
    gicv3_set_sampler(m->gic->gic, sample_inputs, m);
    /* UARTs were added in platform order, skipping disabled ones. */
    unsigned u = 0;
    for (size_t i = 0; i < p->uarts.count && u < m->nuarts; i++) {
        if (!p->uarts.items[i].enabled)
            continue;
        m->gic->uart_intid[u++] = node_intid(p, p->uarts.items[i].path);
    }
    for (unsigned i = 0; i < m->ncores; i++) {
        struct cpu_hooks h = m->cores[i]->hooks;
        h.counter = counter;
        h.ctx = m;
        cpu_set_hooks(m->cores[i], &h);
    }
    return 0;
}

void machine_free_gic(struct machine *m)
{
    if (!m->gic)
        return;
    gicv3_free(m->gic->gic);
    free(m->gic);
    m->gic = NULL;
}

void machine_gic_poll(struct machine *m, unsigned core, bool waited, uint64_t slots)
{
    struct machine_gic *mg = m->gic;
    if (!mg || core >= m->ncores)
        return;
    if (waited)
        mg->idle[core] += slots;
    unsigned lines = cpu_timer_lines(m->cores[core]);
    for (unsigned t = 0; t < 4; t++)
        gicv3_set_level(mg->gic, core, timer_ppi[t], (lines >> t) & 1);
    for (unsigned u = 0; u < m->nuarts; u++)
        if (mg->uart_intid[u] >= 32)
            gicv3_set_level(mg->gic, 0, mg->uart_intid[u], pl011_irq_level(&m->uarts[u]));
}

bool machine_gic_skip_idle(struct machine *m)
{
    struct machine_gic *mg = m->gic;
    if (!mg)
        return false;
    uint64_t first = UINT64_MAX;
    for (unsigned i = 0; i < m->ncores; i++) {
        uint64_t t = cpu_timer_ticks_to_fire(m->cores[i]);
        if (t < first)
            first = t;
    }
    if (first == UINT64_MAX || first == 0)
        return false;
    for (unsigned i = 0; i < m->ncores; i++) {
        mg->idle[i] += first;
        machine_gic_poll(m, i, false, 0);
    }
    return true;
}

struct gicv3 *machine_gic(const struct machine *m)
{
    return m->gic ? m->gic->gic : NULL;
}
