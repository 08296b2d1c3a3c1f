/* Device tree property helpers for the platform parser: messages that name
 * the node and property, cells, strings, and the growing arrays the platform
 * is made of.  Every reader checks lengths itself because the tree is input. */
#include "sim/platform_internal.h"

#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plat_fail(struct plat_ctx *c, int node, const char *prop, const char *fmt, ...)
{
    char what[MSA_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);

    char path[256];
    if (node < 0) {
        return msa_error_set(c->err, "%s: %s", c->src, what);
    }
    if (fdt_get_path(c->fdt, node, path, sizeof path) != 0)
        snprintf(path, sizeof path, "at offset %d", node);
    if (prop)
        return msa_error_set(c->err, "%s: node %s: property %s: %s", c->src, path, prop, what);
    return msa_error_set(c->err, "%s: node %s: %s", c->src, path, what);
}

int plat_oom(struct plat_ctx *c)
{
    return msa_error_set(c->err, "%s: out of memory while building the platform", c->src);
}

int plat_cells(struct plat_ctx *c, int node, const char *name, uint32_t dflt, uint32_t *out)
{
    int len;
    const void *v = fdt_getprop(c->fdt, node, name, &len);
    if (!v) {
        if (len != -FDT_ERR_NOTFOUND)
            return plat_fail(c, node, name, "unreadable (%s)", fdt_strerror(len));
        *out = dflt;
        return 0;
    }
    if (len != 4)
        return plat_fail(c, node, name, "length %d, expected one 4-byte cell", len);
    uint32_t be;
    memcpy(&be, v, sizeof be);
    *out = fdt32_to_cpu(be);
    return 0;
}

int plat_get_string(struct plat_ctx *c, int node, const char *prop, const char **out)
{
    int len;
    const char *v = fdt_getprop(c->fdt, node, prop, &len);
    *out = NULL;
    if (!v) {
        if (len != -FDT_ERR_NOTFOUND)
            return plat_fail(c, node, prop, "unreadable (%s)", fdt_strerror(len));
        return 0;
    }
    if (len <= 0 || v[len - 1] != '\0')
        return plat_fail(c, node, prop, "not a NUL-terminated string");
    *out = v;
    return 0;
}

char *plat_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int plat_dup_string(struct plat_ctx *c, int node, const char *prop, char **out)
{
    const char *s;
    *out = NULL;
    if (plat_get_string(c, node, prop, &s) < 0)
        return -1;
    if (s && !(*out = plat_strdup(s)))
        return plat_oom(c);
    return 0;
}

int plat_get_u32(struct plat_ctx *c, int node, const char *prop, bool *present, uint32_t *out)
{
    int len;
    const void *v = fdt_getprop(c->fdt, node, prop, &len);
    *present = false;
    if (!v) {
        if (len != -FDT_ERR_NOTFOUND)
            return plat_fail(c, node, prop, "unreadable (%s)", fdt_strerror(len));
        return 0;
    }
    if (len != 4)
        return plat_fail(c, node, prop, "length %d, expected one 4-byte cell", len);
    uint32_t be;
    memcpy(&be, v, sizeof be);
    *out = fdt32_to_cpu(be);
    *present = true;
    return 0;
}

bool plat_has_prop(struct plat_ctx *c, int node, const char *prop)
{
    return fdt_getprop(c->fdt, node, prop, NULL) != NULL;
}

bool plat_is_enabled(struct plat_ctx *c, int node)
{
    int len;
    const char *s = fdt_getprop(c->fdt, node, "status", &len);
    if (!s)
        return true;
    return (len == 5 && memcmp(s, "okay", 5) == 0) || (len == 3 && memcmp(s, "ok", 3) == 0);
}

bool plat_is_compatible(struct plat_ctx *c, int node, const char *compat)
{
    return fdt_node_check_compatible(c->fdt, node, compat) == 0;
}

int plat_push(struct plat_ctx *c, void *items_ptr, size_t *count, size_t elem_size,
              const void *value)
{
    /* items_ptr points at a `T *`; it is read and written with memcpy so the
     * helper stays type-agnostic without aliasing a `T *` as a `void *`. */
    char *items;
    memcpy(&items, items_ptr, sizeof items);
    size_t n = *count;
    /* Grow when the count reaches a power of two: amortised doubling without
     * a separate capacity field. */
    if (n == 0 || (n & (n - 1)) == 0) {
        size_t cap = n ? 2 * n : 1;
        char *grown = realloc(items, cap * elem_size);
        if (!grown)
            return plat_oom(c);
        items = grown;
        memcpy(items_ptr, &items, sizeof items);
    }
    memcpy(items + n * elem_size, value, elem_size);
    *count = n + 1;
    return 0;
}

int plat_push_range(struct plat_ctx *c, struct platform_ranges *r, uint64_t base, uint64_t size)
{
    struct platform_range v = { base, size };
    return plat_push(c, &r->items, &r->count, sizeof v, &v);
}

void plat_free_ranges(struct platform_ranges *r)
{
    free(r->items);
    r->items = NULL;
    r->count = 0;
}

void plat_free_modules(struct platform_modules *m)
{
    for (size_t i = 0; i < m->count; i++) {
        free(m->items[i].name);
        free(m->items[i].bootargs);
    }
    free(m->items);
    m->items = NULL;
    m->count = 0;
}

void platform_free(struct platform *p)
{
    if (!p)
        return;
    free(p->source);
    free(p->fdt);
    free(p->model);
    free(p->compatible);
    plat_free_ranges(&p->memory);
    for (size_t i = 0; i < p->reserved.count; i++)
        free(p->reserved.items[i].name);
    free(p->reserved.items);
    for (size_t i = 0; i < p->cpus.count; i++) {
        free(p->cpus.items[i].compatible);
        free(p->cpus.items[i].enable_method);
    }
    free(p->cpus.items);
    free(p->gic.compatible);
    plat_free_ranges(&p->gic.redistributors);
    for (size_t i = 0; i < p->uarts.count; i++) {
        free(p->uarts.items[i].compatible);
        free(p->uarts.items[i].path);
    }
    free(p->uarts.items);
    free(p->psci_method);
    free(p->chosen.bootargs);
    free(p->chosen.xen_bootargs);
    free(p->chosen.stdout_path);
    plat_free_ranges(&p->chosen.static_heap);
    plat_free_modules(&p->chosen.modules);
    for (size_t i = 0; i < p->domains.count; i++) {
        struct platform_domain *d = &p->domains.items[i];
        free(d->name);
        plat_free_ranges(&d->static_mem);
        plat_free_modules(&d->modules);
    }
    free(p->domains.items);
    free(p);
}
