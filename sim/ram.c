/* Lazily allocated simulated RAM.
 *
 * Each bank has a two-level page directory: a top array indexed by
 * (page number within the bank) >> RAM_LEAF_BITS, pointing at leaf tables of
 * RAM_LEAF_ENTRIES page entries.  A top entry with no leaf yet points at a
 * shared leaf of zero entries, so lookup never tests for a missing leaf.
 *
 * A page entry is the host address of the 4 KiB page (page aligned) with bit
 * 0, RAM_ENTRY_WRITABLE, set when a write may go straight through.  0 means
 * the page was never written; an address with bit 0 clear means the page
 * holds decoded code.  Both cases take the one slow-path branch on a write:
 * allocate the page, or notify the decode cache and set the bit again. */
#include "sim/ram.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RAM_LEAF_BITS    9
#define RAM_LEAF_ENTRIES (1u << RAM_LEAF_BITS)
#define RAM_LEAF_MASK    (RAM_LEAF_ENTRIES - 1)

#define RAM_ENTRY_WRITABLE ((uintptr_t)1)

struct ram_bank {
    uint64_t base;
    uint64_t size;
    uintptr_t **dir;      /* top level: one leaf per 2 MiB of the bank */
    uint64_t dir_entries;
};

struct ram {
    struct ram_bank banks[RAM_MAX_BANKS]; /* sorted by base */
    unsigned nbanks;
    uint64_t total;
    uint64_t pages;
    uint64_t leaves;
    uint64_t dir_bytes;
    ram_code_write_fn code_write_fn;
    void *code_write_ctx;
    uint8_t *zero_page;                   /* what untouched pages read as */
    uintptr_t zero_leaf[RAM_LEAF_ENTRIES]; /* stands in for missing leaves */
};

static void *ram_xalloc_page(void)
{
    void *p = aligned_alloc(RAM_PAGE_SIZE, RAM_PAGE_SIZE);
    if (!p) {
        /* Host memory exhaustion is not an input error the simulated machine
         * could report as a fault; stop with a clear message. */
        fprintf(stderr, "msasim: out of host memory for simulated RAM\n");
        abort();
    }
    return p;
}

struct ram *ram_new(void)
{
    struct ram *ram = calloc(1, sizeof *ram);
    if (!ram)
        return NULL;
    ram->zero_page = aligned_alloc(RAM_PAGE_SIZE, RAM_PAGE_SIZE);
    if (!ram->zero_page) {
        free(ram);
        return NULL;
    }
    memset(ram->zero_page, 0, RAM_PAGE_SIZE);
    return ram;
}

void ram_free(struct ram *ram)
{
    if (!ram)
        return;
    for (unsigned b = 0; b < ram->nbanks; b++) {
        struct ram_bank *bank = &ram->banks[b];
        for (uint64_t i = 0; i < bank->dir_entries; i++) {
            uintptr_t *leaf = bank->dir[i];
            if (leaf == ram->zero_leaf)
                continue;
            for (unsigned j = 0; j < RAM_LEAF_ENTRIES; j++)
                free((void *)(leaf[j] & ~RAM_ENTRY_WRITABLE));
            free(leaf);
        }
        free(bank->dir);
    }
    free(ram->zero_page);
    free(ram);
}

int ram_add_bank(struct ram *ram, uint64_t base, uint64_t size,
                 struct msa_error *err)
{
    if (size == 0)
        return msa_error_set(err, "RAM bank at 0x%" PRIx64 ": size is 0, "
                             "expected a non-zero size", base);
    if ((base | size) & RAM_PAGE_MASK)
        return msa_error_set(err, "RAM bank [0x%" PRIx64 ", +0x%" PRIx64 "): "
                             "base and size must be multiples of 4 KiB",
                             base, size);
    if (base >= RAM_MAX_PA || size > RAM_MAX_PA - base)
        return msa_error_set(err, "RAM bank [0x%" PRIx64 ", +0x%" PRIx64 "): "
                             "ends beyond the 52-bit physical address space",
                             base, size);
    if (size > RAM_MAX_TOTAL - ram->total)
        return msa_error_set(err, "RAM bank [0x%" PRIx64 ", 0x%" PRIx64 "): "
                             "total RAM would be 0x%" PRIx64 " bytes, above "
                             "the 1 TiB (40-bit) limit",
                             base, base + size, ram->total + size);
    for (unsigned i = 0; i < ram->nbanks; i++) {
        const struct ram_bank *o = &ram->banks[i];
        if (base < o->base + o->size && o->base < base + size)
            return msa_error_set(err, "RAM bank [0x%" PRIx64 ", 0x%" PRIx64
                                 ") overlaps bank %u [0x%" PRIx64 ", 0x%"
                                 PRIx64 ")", base, base + size, i, o->base,
                                 o->base + o->size);
    }
    if (ram->nbanks == RAM_MAX_BANKS)
        return msa_error_set(err, "RAM bank [0x%" PRIx64 ", 0x%" PRIx64 "): "
                             "too many banks, at most %d", base, base + size,
                             RAM_MAX_BANKS);

    uint64_t pages = size >> RAM_PAGE_SHIFT;
    uint64_t entries = (pages + RAM_LEAF_ENTRIES - 1) >> RAM_LEAF_BITS;
    uintptr_t **dir = malloc(entries * sizeof *dir);
    if (!dir)
        return msa_error_set(err, "RAM bank [0x%" PRIx64 ", 0x%" PRIx64 "): "
                             "out of host memory for its page directory",
                             base, base + size);
    for (uint64_t i = 0; i < entries; i++)
        dir[i] = ram->zero_leaf;

    unsigned pos = ram->nbanks;
    while (pos > 0 && ram->banks[pos - 1].base > base) {
        ram->banks[pos] = ram->banks[pos - 1];
        pos--;
    }
    ram->banks[pos] = (struct ram_bank){
        .base = base, .size = size, .dir = dir, .dir_entries = entries,
    };
    ram->nbanks++;
    ram->total += size;
    ram->dir_bytes += entries * sizeof *dir;
    return 0;
}

unsigned ram_bank_count(const struct ram *ram)
{
    return ram->nbanks;
}

int ram_bank(const struct ram *ram, unsigned i, uint64_t *base, uint64_t *size)
{
    if (i >= ram->nbanks)
        return -1;
    if (base)
        *base = ram->banks[i].base;
    if (size)
        *size = ram->banks[i].size;
    return 0;
}

uint64_t ram_total_size(const struct ram *ram)
{
    return ram->total;
}

void ram_format_banks(const struct ram *ram, char *buf, size_t bufsize)
{
    if (bufsize == 0)
        return;
    buf[0] = '\0';
    if (ram->nbanks == 0) {
        snprintf(buf, bufsize, "none");
        return;
    }
    size_t used = 0;
    for (unsigned i = 0; i < ram->nbanks && used < bufsize; i++) {
        const struct ram_bank *b = &ram->banks[i];
        int n = snprintf(buf + used, bufsize - used,
                         "%s[0x%" PRIx64 ", 0x%" PRIx64 ")", i ? ", " : "",
                         b->base, b->base + b->size);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static inline struct ram_bank *ram_find_bank(const struct ram *ram, uint64_t pa)
{
    for (unsigned i = 0; i < ram->nbanks; i++) {
        const struct ram_bank *b = &ram->banks[i];
        if (pa - b->base < b->size)
            return (struct ram_bank *)b;
    }
    return NULL;
}

bool ram_contains(const struct ram *ram, uint64_t pa, uint64_t len)
{
    if (len == 0)
        return ram_find_bank(ram, pa) != NULL;
    while (len) {
        const struct ram_bank *b = ram_find_bank(ram, pa);
        if (!b)
            return false;
        uint64_t left_in_bank = b->base + b->size - pa;
        if (left_in_bank >= len)
            return true;
        pa += left_in_bank;
        len -= left_in_bank;
    }
    return true;
}

static inline uintptr_t *ram_entry(struct ram_bank *b, uint64_t pa)
{
    uint64_t pn = (pa - b->base) >> RAM_PAGE_SHIFT;
    return &b->dir[pn >> RAM_LEAF_BITS][pn & RAM_LEAF_MASK];
}

/* Makes the entry for `pa` point at an allocated page, creating the leaf and
 * the page as needed, and returns the entry (bit 0 as it was). */
static uintptr_t *ram_entry_alloc(struct ram *ram, struct ram_bank *b,
                                  uint64_t pa)
{
    uint64_t pn = (pa - b->base) >> RAM_PAGE_SHIFT;
    uintptr_t **slot = &b->dir[pn >> RAM_LEAF_BITS];
    if (*slot == ram->zero_leaf) {
        uintptr_t *leaf = calloc(RAM_LEAF_ENTRIES, sizeof *leaf);
        if (!leaf) {
            fprintf(stderr, "msasim: out of host memory for simulated RAM\n");
            abort();
        }
        *slot = leaf;
        ram->leaves++;
    }
    uintptr_t *e = &(*slot)[pn & RAM_LEAF_MASK];
    if (*e == 0) {
        void *page = ram_xalloc_page();
        memset(page, 0, RAM_PAGE_SIZE);
        *e = (uintptr_t)page | RAM_ENTRY_WRITABLE;
        ram->pages++;
    }
    return e;
}

static uint8_t *ram_write_slow(struct ram *ram, struct ram_bank *b, uint64_t pa)
{
    uintptr_t *e = ram_entry_alloc(ram, b, pa);
    if (!(*e & RAM_ENTRY_WRITABLE)) {
        *e |= RAM_ENTRY_WRITABLE;
        if (ram->code_write_fn)
            ram->code_write_fn(ram->code_write_ctx, pa & ~RAM_PAGE_MASK);
    }
    return (uint8_t *)(*e & ~RAM_ENTRY_WRITABLE) + (pa & RAM_PAGE_MASK);
}

uint8_t *ram_host_ptr(struct ram *ram, uint64_t pa, bool for_write)
{
    struct ram_bank *b = ram_find_bank(ram, pa);
    if (!b)
        return NULL;
    uintptr_t e = *ram_entry(b, pa);
    if (for_write) {
        if (__builtin_expect((e & RAM_ENTRY_WRITABLE) != 0, 1))
            return (uint8_t *)(e - RAM_ENTRY_WRITABLE) + (pa & RAM_PAGE_MASK);
        return ram_write_slow(ram, b, pa);
    }
    uint8_t *page = (uint8_t *)(e & ~RAM_ENTRY_WRITABLE);
    return (page ? page : ram->zero_page) + (pa & RAM_PAGE_MASK);
}

static uint64_t ram_chunk(uint64_t pa, uint64_t len)
{
    uint64_t left_in_page = RAM_PAGE_SIZE - (pa & RAM_PAGE_MASK);
    return len < left_in_page ? len : left_in_page;
}

int ram_read(struct ram *ram, uint64_t pa, void *buf, uint64_t len)
{
    if (!ram_contains(ram, pa, len))
        return -1;
    uint8_t *out = buf;
    while (len) {
        uint64_t n = ram_chunk(pa, len);
        memcpy(out, ram_host_ptr(ram, pa, false), n);
        out += n;
        pa += n;
        len -= n;
    }
    return 0;
}

int ram_write(struct ram *ram, uint64_t pa, const void *buf, uint64_t len)
{
    if (!ram_contains(ram, pa, len))
        return -1;
    const uint8_t *in = buf;
    while (len) {
        uint64_t n = ram_chunk(pa, len);
        memcpy(ram_host_ptr(ram, pa, true), in, n);
        in += n;
        pa += n;
        len -= n;
    }
    return 0;
}

int ram_zero(struct ram *ram, uint64_t pa, uint64_t len)
{
    if (!ram_contains(ram, pa, len))
        return -1;
    while (len) {
        uint64_t n = ram_chunk(pa, len);
        struct ram_bank *b = ram_find_bank(ram, pa);
        if (*ram_entry(b, pa) != 0)
            memset(ram_host_ptr(ram, pa, true), 0, n);
        pa += n;
        len -= n;
    }
    return 0;
}

int ram_mark_code(struct ram *ram, uint64_t pa)
{
    struct ram_bank *b = ram_find_bank(ram, pa);
    if (!b)
        return -1;
    uintptr_t *e = ram_entry_alloc(ram, b, pa);
    *e &= ~RAM_ENTRY_WRITABLE;
    return 0;
}

bool ram_is_code(const struct ram *ram, uint64_t pa)
{
    struct ram_bank *b = ram_find_bank(ram, pa);
    if (!b)
        return false;
    uintptr_t e = *ram_entry(b, pa);
    return e != 0 && !(e & RAM_ENTRY_WRITABLE);
}

void ram_set_code_write_hook(struct ram *ram, ram_code_write_fn fn, void *ctx)
{
    ram->code_write_fn = fn;
    ram->code_write_ctx = ctx;
}

uint64_t ram_pages_touched(const struct ram *ram)
{
    return ram->pages;
}

uint64_t ram_bytes_allocated(const struct ram *ram)
{
    return (ram->pages + ram->leaves) * RAM_PAGE_SIZE + ram->dir_bytes
         + RAM_PAGE_SIZE + sizeof *ram;
}
