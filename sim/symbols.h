/* Symbol table of a loaded program, sorted by address, for attributing
 * cycles and faults to functions ("main+0x24"). */
#ifndef MSASIM_SIM_SYMBOLS_H
#define MSASIM_SIM_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

enum symbol_kind {
    SYMBOL_FUNC,
    SYMBOL_OBJECT,
};

struct symbol {
    uint64_t addr;
    uint64_t size;          /* 0 when the producer gave none (see lookup) */
    const char *name;       /* owned by the table */
    enum symbol_kind kind;
};

struct symbols;

struct symbols *symbols_new(void);
void symbols_free(struct symbols *syms);

/* Copies `name`.  Returns -1 when host memory runs out. */
int symbols_add(struct symbols *syms, const char *name, uint64_t addr,
                uint64_t size, enum symbol_kind kind);
/* Sorts by address (at one address: sized before unsized, functions before
 * objects) and drops exact duplicates.  Call it after the last symbols_add
 * and before any lookup. */
void symbols_finish(struct symbols *syms);

size_t symbols_count(const struct symbols *syms);
const struct symbol *symbols_at(const struct symbols *syms, size_t i);

/* The symbol covering `addr`: the nearest one starting at or below it, if
 * addr is inside its size.  A symbol of size 0 (assembly without .size)
 * covers up to the next symbol, or only its own address if it is the last.
 * Returns the name and sets *offset (may be NULL), or returns NULL. */
const char *symbols_lookup(const struct symbols *syms, uint64_t addr,
                           uint64_t *offset);
/* Address of the first symbol named `name`; -1 if there is none. */
int symbols_find(const struct symbols *syms, const char *name, uint64_t *addr);

#endif
