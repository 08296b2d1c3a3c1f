/* Shared between the grant-table files (hv_gnttab*.c): one command's
 * context and the helpers every command uses. */
#ifndef MSASIM_HV_HV_GNTTAB_INTERNAL_H
#define MSASIM_HV_HV_GNTTAB_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct hv;
struct hv_guests;

/* The command in progress: the calling domain (index `ld`) on `core`, and
 * the first module failure met (a map_domain_page that failed), which
 * ends the hypercall and goes to the error policy. */
struct hv_gnt_ctx {
    struct hv_guests *g;
    unsigned core;
    int ld;
    int modrc;
};

uint64_t hv_gnt_get_le(const uint8_t *p, unsigned n);
void hv_gnt_put_le(uint8_t *p, uint64_t v, unsigned n);
/* copy_from_guest / copy_to_guest of domain `d`'s memory: 0, or -1 for an
 * address outside it or a module failure (then kept in c->modrc). */
int hv_gnt_copy(struct hv_gnt_ctx *c, int d, uint64_t gpa, void *buf, uint64_t len,
                bool to_guest);
/* The loop of the batched commands (map_grant_ref, unmap_grant_ref, copy):
 * for each of r[2] operations of `size` bytes from guest address r[1], the
 * operation is read, `one` carries it out (its GNTST status, or a module
 * failure left in c->modrc, which ends the command), the status is put at
 * `status_at`, and bytes [back_at, back_at + back_len) of the operation go
 * back to the guest (the whole of it for a map, the status alone for a
 * copy, as Xen writes them).  r[0] = 0, or -EFAULT for an operation the
 * guest's memory does not hold; returns c->modrc.  `size` is at most
 * HV_GNT_OP_MAX. */
#define HV_GNT_OP_MAX 40
typedef int (*hv_gnt_op_fn)(struct hv_gnt_ctx *c, uint8_t *op);
int hv_gnt_each_op(struct hv_guests *g, unsigned core, int d, uint64_t *r, unsigned size,
                   unsigned status_at, unsigned back_at, unsigned back_len, hv_gnt_op_fn one);
/* The physical page behind guest page `gpa` of domain `d` (its RAM only). */
bool hv_gnt_frame_pa(const struct hv *hv, int d, uint64_t gpa, uint64_t *pa);
/* The domain index of `domid` (DOMID_SELF is `self`), -1 if none. */
int hv_gnt_domain_of(const struct hv *hv, int self, uint32_t domid);

/* Pin entry `ref` of domain rd's table for the calling domain, read-only
 * or writable (map_grant_ref's and acquire_grant_for_copy's common part):
 * GNTST_okay with the granted frame's physical address, or a GNTST_*
 * error. */
int hv_gnt_pin(struct hv_gnt_ctx *c, int rd, uint32_t ref, bool readonly, uint64_t *frame_pa);
/* Drop one pin; the last writable pin clears GTF_writing, the last pin
 * GTF_reading in the shared entry. */
void hv_gnt_unpin(struct hv_gnt_ctx *c, int rd, uint32_t ref, bool readonly);

#endif
