/* Simulated RAM: a few banks of physical memory whose pages are allocated on
 * first write, so a platform with several GiB of RAM costs only the pages a
 * run touches.
 *
 * Page size is 4 KiB.  It is the smallest translation granule and the size
 * hypervisors map and unmap most often, so the per-page "holds decoded code"
 * flag invalidates no more of the decode cache than a real code write can
 * affect, and a guest that touches scattered words does not pull in 64 KiB a
 * touch.  The price is a bigger page directory, which is itself allocated
 * lazily (see ram.c).
 *
 * Lookup is O(1) in the page number: a linear scan over the (few) banks, then
 * a two-level directory indexed by the page number within the bank.
 *
 * Not thread-safe: the first write to a page allocates it.  Cores that run in
 * one host thread (the scheduler interleaves them) need no locking. */
#ifndef MSASIM_SIM_RAM_H
#define MSASIM_SIM_RAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

#define RAM_PAGE_SHIFT 12
#define RAM_PAGE_SIZE  (UINT64_C(1) << RAM_PAGE_SHIFT)
#define RAM_PAGE_MASK  (RAM_PAGE_SIZE - 1)

#define RAM_MAX_BANKS  16
/* Total RAM cap: 1 TiB, what a 40-bit physical address space can hold. */
#define RAM_MAX_TOTAL  (UINT64_C(1) << 40)
/* Highest physical address a bank may reach (52-bit PA, FEAT_LPA). */
#define RAM_MAX_PA     (UINT64_C(1) << 52)

struct ram;

/* Called when a write reaches a page flagged as holding decoded code, before
 * the bytes change.  `page_pa` is the page's base address.  The flag is
 * cleared before the call: the decode cache drops what it had for the page
 * and flags it again (ram_mark_code) when it next decodes from it. */
typedef void (*ram_code_write_fn)(void *ctx, uint64_t page_pa);

struct ram *ram_new(void);
void ram_free(struct ram *ram);

/* Adds [base, base+size).  Base and size must be multiples of 4 KiB, size
 * non-zero, the bank must not overlap another one, and the total stays within
 * RAM_MAX_TOTAL.  The error names the conflicting bank. */
int ram_add_bank(struct ram *ram, uint64_t base, uint64_t size,
                 struct msa_error *err);

unsigned ram_bank_count(const struct ram *ram);
/* Bank i in ascending address order; returns -1 if i is out of range. */
int ram_bank(const struct ram *ram, unsigned i, uint64_t *base, uint64_t *size);
uint64_t ram_total_size(const struct ram *ram);
/* "[0x40000000, 0x80000000)" per bank, comma-separated, or "none"; for error
 * messages.  Always NUL-terminates `buf`. */
void ram_format_banks(const struct ram *ram, char *buf, size_t bufsize);

/* True if every byte of [pa, pa+len) is RAM (len 0: pa itself is RAM).  The
 * range may span adjacent banks. */
bool ram_contains(const struct ram *ram, uint64_t pa, uint64_t len);

/* Host pointer to the byte at `pa`, valid to the end of its 4 KiB page, or
 * NULL if `pa` is not RAM.  With for_write false an untouched page gives a
 * pointer into a shared page of zeros that must not be written.  With
 * for_write true the page is allocated if needed and the code-write hook runs
 * if the page was flagged as code.  A caller that keeps write pointers (a
 * soft TLB) must drop them for a page when it flags that page as code. */
uint8_t *ram_host_ptr(struct ram *ram, uint64_t pa, bool for_write);

/* Copies spanning pages and banks; -1 (nothing copied) if any byte of the
 * range is outside RAM. */
int ram_read(struct ram *ram, uint64_t pa, void *buf, uint64_t len);
int ram_write(struct ram *ram, uint64_t pa, const void *buf, uint64_t len);
/* Zeroes a range; untouched pages stay unallocated (they read as zero). */
int ram_zero(struct ram *ram, uint64_t pa, uint64_t len);

/* Decode-cache support: flag the page holding `pa` as code (allocating it,
 * so its first write is seen) and register the hook.  -1 if pa is not RAM. */
int ram_mark_code(struct ram *ram, uint64_t pa);
bool ram_is_code(const struct ram *ram, uint64_t pa);
void ram_set_code_write_hook(struct ram *ram, ram_code_write_fn fn, void *ctx);

/* Memory figures: pages allocated (written at least once) and host bytes
 * held for them, directories included. */
uint64_t ram_pages_touched(const struct ram *ram);
uint64_t ram_bytes_allocated(const struct ram *ram);

#endif
