/* Shared by the platform_*.c files only: the parse context and the device
 * tree helpers (cells, reg, ranges, strings) every part of the parser uses. */
#ifndef MSASIM_SIM_PLATFORM_INTERNAL_H
#define MSASIM_SIM_PLATFORM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/platform.h"

struct plat_ctx {
    const void *fdt;
    const char *src;           /* file or built-in name, first word of every error */
    struct msa_error *err;
    struct platform *p;
};

/* "SRC: node PATH: property PROP: <message>" (PROP may be NULL); returns -1. */
int plat_fail(struct plat_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int plat_oom(struct plat_ctx *c);

/* A #address-cells / #size-cells style property of `node` itself, `dflt`
 * when absent (the device tree spec defaults are 2 and 1). */
int plat_cells(struct plat_ctx *c, int node, const char *name, uint32_t dflt, uint32_t *out);

/* `prop` of `node` as (address, size) pairs of `ac` / `sc` cells, untranslated.
 * A missing property gives an empty list.  Errors: length not a multiple of
 * the entry size, cells counts this parser cannot hold in 64 bits, wrap. */
int plat_read_pairs(struct plat_ctx *c, int node, const char *prop,
                    uint32_t ac, uint32_t sc, struct platform_ranges *out);

/* The node's reg, read with its parent's cells and translated through every
 * ancestor's `ranges` to a CPU physical address. */
int plat_read_reg(struct plat_ctx *c, int node, struct platform_ranges *out);

/* A string property: NULL when absent; an error when not NUL-terminated. */
int plat_get_string(struct plat_ctx *c, int node, const char *prop, const char **out);
/* The same, copied (NULL stays NULL). */
int plat_dup_string(struct plat_ctx *c, int node, const char *prop, char **out);
/* A one-cell property; `*present` false (and *out untouched) when absent. */
int plat_get_u32(struct plat_ctx *c, int node, const char *prop, bool *present, uint32_t *out);
bool plat_has_prop(struct plat_ctx *c, int node, const char *prop);
bool plat_is_enabled(struct plat_ctx *c, int node);
/* True when the node's compatible list holds `compat` exactly. */
bool plat_is_compatible(struct plat_ctx *c, int node, const char *compat);

char *plat_strdup(const char *s);

/* Appends one element to a growing array (capacity doubles at powers of
 * two); -1 on allocation failure with the error set. */
int plat_push(struct plat_ctx *c, void *items_ptr, size_t *count, size_t elem_size,
              const void *value);
int plat_push_range(struct plat_ctx *c, struct platform_ranges *r, uint64_t base, uint64_t size);

void plat_free_ranges(struct platform_ranges *r);
void plat_free_modules(struct platform_modules *m);

/* /chosen: boot arguments, static heap, modules, dom0less domains. */
int plat_parse_chosen(struct plat_ctx *c);

#endif
