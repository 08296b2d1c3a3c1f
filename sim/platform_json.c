/* The platform as JSON, for scripts and golden tests.  Addresses and sizes
 * are integers; absent strings are null.  Shape (stable; new keys may be
 * added, none renamed or removed):
 *
 * {
 *   "source": str, "model": str|null, "compatible": str|null,
 *   "profile": "a"|"r",
 *   "memory":   [{"base", "size"}],                      sorted by base
 *   "reserved": [{"base", "size", "name"}],              name "/memreserve/" or the node name
 *   "cpus":     [{"mpidr", "compatible", "enable_method", "release_addr": int|null}],
 *   "gic": null | {"version": 2|3, "compatible", "version_inferred": bool,
 *                  "interrupt_cells",
 *                  "distributor": {"base", "size"},
 *                  "redistributors": [{"base", "size"}],    GICv3 only, else []
 *                  "cpu_interface" | "hyp_interface" | "vcpu_interface":
 *                                 {"base", "size"} | null},
 *   "uarts":    [{"base", "size", "compatible", "path", "enabled": bool}],
 *   "timer": bool, "timer_frequency": int (0 = not given),
 *   "psci": null | {"method": "hvc"|"smc"},
 *   "chosen": {"bootargs", "xen_bootargs", "stdout_path": str|null,
 *              "stdout_uart": index into uarts | null,
 *              "static_heap": [{"base", "size"}],
 *              "modules": [MODULE]},
 *   "domains": [{"name", "vcpus", "memory_kib", "static_mem": [{"base", "size"}],
 *                "direct_map": bool, "el1_msa": "mpu"|"mmu", "vpl011": bool,
 *                "modules": [MODULE]}]
 * }
 * MODULE = {"kind": "kernel"|"ramdisk"|"device-tree"|"xsm-policy"|"module",
 *           "name", "base", "size", "bootargs": str|null}
 */
#include "sim/platform.h"

#include "sim/json_writer.h"

static void write_range(struct json_writer *w, const struct platform_range *r)
{
    json_begin_object(w);
    json_kv_uint(w, "base", r->base);
    json_kv_uint(w, "size", r->size);
    json_end_object(w);
}

static void write_ranges(struct json_writer *w, const char *key, const struct platform_ranges *r)
{
    json_key(w, key);
    json_begin_array(w);
    for (size_t i = 0; i < r->count; i++)
        write_range(w, &r->items[i]);
    json_end_array(w);
}

static void write_optional_range(struct json_writer *w, const char *key, const struct platform_range *r)
{
    json_key(w, key);
    if (r->size)
        write_range(w, r);
    else
        json_null(w);
}

static void write_modules(struct json_writer *w, const struct platform_modules *m)
{
    json_key(w, "modules");
    json_begin_array(w);
    for (size_t i = 0; i < m->count; i++) {
        const struct platform_module *mod = &m->items[i];
        json_begin_object(w);
        json_kv_string(w, "kind", platform_module_kind_name(mod->kind));
        json_kv_string(w, "name", mod->name);
        json_kv_uint(w, "base", mod->base);
        json_kv_uint(w, "size", mod->size);
        json_kv_string(w, "bootargs", mod->bootargs);
        json_end_object(w);
    }
    json_end_array(w);
}

static void write_cpus(struct json_writer *w, const struct platform *p)
{
    json_key(w, "cpus");
    json_begin_array(w);
    for (size_t i = 0; i < p->cpus.count; i++) {
        const struct platform_cpu *c = &p->cpus.items[i];
        json_begin_object(w);
        json_kv_uint(w, "mpidr", c->mpidr);
        json_kv_string(w, "compatible", c->compatible);
        json_kv_string(w, "enable_method", c->enable_method);
        json_key(w, "release_addr");
        if (c->has_release_addr)
            json_uint(w, c->release_addr);
        else
            json_null(w);
        json_end_object(w);
    }
    json_end_array(w);
}

static void write_gic(struct json_writer *w, const struct platform *p)
{
    json_key(w, "gic");
    if (!p->has_gic) {
        json_null(w);
        return;
    }
    const struct platform_gic *g = &p->gic;
    json_begin_object(w);
    json_kv_uint(w, "version", (uint64_t)g->version);
    json_kv_string(w, "compatible", g->compatible);
    json_kv_bool(w, "version_inferred", g->version_inferred);
    json_kv_uint(w, "interrupt_cells", g->interrupt_cells);
    json_key(w, "distributor");
    write_range(w, &g->distributor);
    write_ranges(w, "redistributors", &g->redistributors);
    write_optional_range(w, "cpu_interface", &g->cpu_interface);
    write_optional_range(w, "hyp_interface", &g->hyp_interface);
    write_optional_range(w, "vcpu_interface", &g->vcpu_interface);
    json_end_object(w);
}

static void write_devices(struct json_writer *w, const struct platform *p)
{
    json_key(w, "uarts");
    json_begin_array(w);
    for (size_t i = 0; i < p->uarts.count; i++) {
        const struct platform_uart *u = &p->uarts.items[i];
        json_begin_object(w);
        json_kv_uint(w, "base", u->base);
        json_kv_uint(w, "size", u->size);
        json_kv_string(w, "compatible", u->compatible);
        json_kv_string(w, "path", u->path);
        json_kv_bool(w, "enabled", u->enabled);
        json_end_object(w);
    }
    json_end_array(w);
    json_kv_bool(w, "timer", p->timer);
    json_kv_uint(w, "timer_frequency", p->timer_frequency);
    json_key(w, "psci");
    if (p->psci_method) {
        json_begin_object(w);
        json_kv_string(w, "method", p->psci_method);
        json_end_object(w);
    } else {
        json_null(w);
    }
}

static void write_chosen(struct json_writer *w, const struct platform_chosen *ch)
{
    json_key(w, "chosen");
    json_begin_object(w);
    json_kv_string(w, "bootargs", ch->bootargs);
    json_kv_string(w, "xen_bootargs", ch->xen_bootargs);
    json_kv_string(w, "stdout_path", ch->stdout_path);
    json_key(w, "stdout_uart");
    if (ch->stdout_uart >= 0)
        json_uint(w, (uint64_t)ch->stdout_uart);
    else
        json_null(w);
    write_ranges(w, "static_heap", &ch->static_heap);
    write_modules(w, &ch->modules);
    json_end_object(w);
}

static void write_domains(struct json_writer *w, const struct platform *p)
{
    json_key(w, "domains");
    json_begin_array(w);
    for (size_t i = 0; i < p->domains.count; i++) {
        const struct platform_domain *d = &p->domains.items[i];
        json_begin_object(w);
        json_kv_string(w, "name", d->name);
        json_kv_uint(w, "vcpus", d->vcpus);
        json_kv_uint(w, "memory_kib", d->memory_kib);
        write_ranges(w, "static_mem", &d->static_mem);
        json_kv_bool(w, "direct_map", d->direct_map);
        json_kv_string(w, "el1_msa", platform_el1_msa_name(d->el1_msa));
        json_kv_bool(w, "vpl011", d->vpl011);
        write_modules(w, &d->modules);
        json_end_object(w);
    }
    json_end_array(w);
}

void platform_write_json(const struct platform *p, FILE *out)
{
    struct json_writer w;
    json_init(&w, out, true);
    json_begin_object(&w);
    json_kv_string(&w, "source", p->source);
    json_kv_string(&w, "model", p->model);
    json_kv_string(&w, "compatible", p->compatible);
    char profile[2] = { p->profile, '\0' };
    json_kv_string(&w, "profile", profile);
    write_ranges(&w, "memory", &p->memory);

    json_key(&w, "reserved");
    json_begin_array(&w);
    for (size_t i = 0; i < p->reserved.count; i++) {
        const struct platform_reserved *r = &p->reserved.items[i];
        json_begin_object(&w);
        json_kv_uint(&w, "base", r->base);
        json_kv_uint(&w, "size", r->size);
        json_kv_string(&w, "name", r->name);
        json_end_object(&w);
    }
    json_end_array(&w);

    write_cpus(&w, p);
    write_gic(&w, p);
    write_devices(&w, p);
    write_chosen(&w, &p->chosen);
    write_domains(&w, p);
    json_end_object(&w);
    json_finish(&w);
}
