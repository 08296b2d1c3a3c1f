/* The larger hypercalls of the guests of `msasim run --hv`, each in its own
 * file: memory_op (hv_memory_op.c), grant_table_op (hv_hypercall_gnttab.c).
 * Each takes the registers of the HVC (arguments in regs[0..4]), writes the
 * result to regs[0] (negative errno on failure) and returns 0 or a module
 * status (a failed map_domain_page). */
#ifndef HV_HYPERCALL_OPS_H
#define HV_HYPERCALL_OPS_H

#include <stdint.h>

struct hv_guests;

/* memory_op for domain `d`: the command in regs[0] (low 6 bits; the bits
 * above are the extent to start from, Xen's continuation encoding), the
 * guest address of a struct xen_memory_reservation in regs[1].  The result
 * is the number of extents completed, or a negative errno. */
int hv_memory_op(struct hv_guests *g, unsigned core, int d, uint64_t *regs);

/* grant_table_op for domain `d`: the command in regs[0], the guest address
 * of the argument array in regs[1], its count in regs[2]. */
int hv_grant_table_op(struct hv_guests *g, unsigned core, int d, uint64_t *regs);

#endif
