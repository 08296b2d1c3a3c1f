/* The platform as a short aligned summary for people: one labelled line per
 * fact, hex addresses, sizes also in KiB/MiB/GiB. */
#include "sim/platform.h"

#include <inttypes.h>

#define LABEL "%-14s"

/* "1 GiB", "496 MiB", "4 KiB" when exact, else bytes. */
static const char *human_size(uint64_t size, char *buf, size_t len)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    unsigned u = 0;
    while (u + 1 < sizeof units / sizeof units[0] && size >= 1024 && size % 1024 == 0) {
        size /= 1024;
        u++;
    }
    snprintf(buf, len, "%" PRIu64 " %s", size, units[u]);
    return buf;
}

static void range_line(FILE *out, const char *label, uint64_t base, uint64_t size, const char *tail)
{
    char h[32];
    human_size(size, h, sizeof h);
    if (tail && *tail)
        fprintf(out, LABEL "0x%010" PRIx64 " +0x%-10" PRIx64 " %-10s %s\n", label, base, size, h, tail);
    else
        fprintf(out, LABEL "0x%010" PRIx64 " +0x%-10" PRIx64 " %s\n", label, base, size, h);
}

static void write_modules(FILE *out, const char *label, const struct platform_modules *m)
{
    for (size_t i = 0; i < m->count; i++) {
        const struct platform_module *mod = &m->items[i];
        char tail[256];
        snprintf(tail, sizeof tail, "%s%s%s%s", platform_module_kind_name(mod->kind),
                 mod->bootargs ? " \"" : "", mod->bootargs ? mod->bootargs : "",
                 mod->bootargs ? "\"" : "");
        range_line(out, label, mod->base, mod->size, tail);
    }
}

static void write_cpus(FILE *out, const struct platform *p)
{
    const struct platform_cpu *c0 = &p->cpus.items[0];
    fprintf(out, LABEL "%zu x %s, %s, profile %c\n", "cpus", p->cpus.count,
            c0->compatible ? c0->compatible : "(no compatible)",
            c0->enable_method ? c0->enable_method : "no enable-method", p->profile);
    fprintf(out, LABEL, "mpidr");
    for (size_t i = 0; i < p->cpus.count; i++)
        fprintf(out, "%s0x%" PRIx64, i ? " " : "", p->cpus.items[i].mpidr);
    fputc('\n', out);
}

static void write_gic(FILE *out, const struct platform *p)
{
    if (!p->has_gic) {
        fprintf(out, LABEL "none\n", "gic");
        return;
    }
    const struct platform_gic *g = &p->gic;
    char tail[128];
    snprintf(tail, sizeof tail, "GICv%d distributor (%s%s, %u interrupt cells)", (int)g->version,
             g->compatible, g->version_inferred ? ", version inferred" : "", g->interrupt_cells);
    range_line(out, "gic", g->distributor.base, g->distributor.size, tail);
    for (size_t i = 0; i < g->redistributors.count; i++)
        range_line(out, "", g->redistributors.items[i].base, g->redistributors.items[i].size,
                   "redistributors");
    const struct platform_range *extra[] = { &g->cpu_interface, &g->hyp_interface, &g->vcpu_interface };
    const char *names[] = { "cpu interface", "hyp interface", "vcpu interface" };
    for (size_t i = 0; i < 3; i++)
        if (extra[i]->size)
            range_line(out, "", extra[i]->base, extra[i]->size, names[i]);
}

static void write_devices(FILE *out, const struct platform *p)
{
    for (size_t i = 0; i < p->uarts.count; i++) {
        const struct platform_uart *u = &p->uarts.items[i];
        char tail[300];
        snprintf(tail, sizeof tail, "%s %s%s%s", u->compatible, u->path,
                 u->enabled ? "" : " (disabled)",
                 p->chosen.stdout_uart == (int)i ? " (console)" : "");
        range_line(out, i ? "" : "uart", u->base, u->size, tail);
    }
    if (p->timer && p->timer_frequency)
        fprintf(out, LABEL "yes, %" PRIu32 " Hz\n", "timer", p->timer_frequency);
    else
        fprintf(out, LABEL "%s\n", "timer", p->timer ? "yes" : "no");
    fprintf(out, LABEL "%s\n", "psci", p->psci_method ? p->psci_method : "none");
}

static void write_chosen(FILE *out, const struct platform_chosen *ch)
{
    if (ch->bootargs)
        fprintf(out, LABEL "%s\n", "bootargs", ch->bootargs);
    if (ch->xen_bootargs)
        fprintf(out, LABEL "%s\n", "xen-bootargs", ch->xen_bootargs);
    if (ch->stdout_path)
        fprintf(out, LABEL "%s\n", "stdout-path", ch->stdout_path);
    for (size_t i = 0; i < ch->static_heap.count; i++)
        range_line(out, "static-heap", ch->static_heap.items[i].base, ch->static_heap.items[i].size, "");
    write_modules(out, "module", &ch->modules);
}

static void write_domains(FILE *out, const struct platform *p)
{
    for (size_t i = 0; i < p->domains.count; i++) {
        const struct platform_domain *d = &p->domains.items[i];
        fprintf(out, LABEL "%s: %" PRIu32 " vcpu%s, %" PRIu64 " KiB, el1 %s%s%s\n", "domain", d->name,
                d->vcpus, d->vcpus == 1 ? "" : "s", d->memory_kib, platform_el1_msa_name(d->el1_msa),
                d->direct_map ? ", direct-map" : "", d->vpl011 ? ", vpl011" : "");
        for (size_t k = 0; k < d->static_mem.count; k++)
            range_line(out, "  static-mem", d->static_mem.items[k].base, d->static_mem.items[k].size, "");
        write_modules(out, "  module", &d->modules);
    }
}

void platform_write_text(const struct platform *p, FILE *out)
{
    fprintf(out, LABEL "%s%s%s%s\n", "platform", p->source, p->model ? " (" : "",
            p->model ? p->model : "", p->model ? ")" : "");
    char h[32];
    for (size_t i = 0; i < p->memory.count; i++)
        range_line(out, i ? "" : "memory", p->memory.items[i].base, p->memory.items[i].size, "");
    fprintf(out, LABEL "%s in %zu bank%s\n", "", human_size(platform_ram_total(p), h, sizeof h),
            p->memory.count, p->memory.count == 1 ? "" : "s");
    for (size_t i = 0; i < p->reserved.count; i++)
        range_line(out, i ? "" : "reserved", p->reserved.items[i].base, p->reserved.items[i].size,
                   p->reserved.items[i].name);
    if (p->cpus.count)
        write_cpus(out, p);
    write_gic(out, p);
    write_devices(out, p);
    write_chosen(out, &p->chosen);
    write_domains(out, p);
}
