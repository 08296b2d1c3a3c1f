/* Grant tables of the guests of `msasim run --hv`: what the model keeps per
 * domain (where the domain placed its table frame, the entries of it that
 * are in use, the grants it has mapped) and the grant_table_op commands that
 * use it (hv_gnttab.c, hv_gnttab_map.c, hv_gnttab_copy.c; the hypercall
 * itself is decoded in hv_hypercall_gnttab.c).
 *
 * Values and layouts are those of xen/include/public/grant_table.h (v1
 * entries) on arm64. */
#ifndef MSASIM_HV_HV_GNTTAB_H
#define MSASIM_HV_HV_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hv.h"

/* GNTST_*: the status of one operation. */
enum {
    GNTST_okay = 0,
    GNTST_general_error = -1,
    GNTST_bad_domain = -2,
    GNTST_bad_gntref = -3,
    GNTST_bad_handle = -4,
    GNTST_bad_virt_addr = -5,
    GNTST_bad_dev_addr = -6,
    GNTST_no_device_space = -7,
    GNTST_permission_denied = -8,
    GNTST_bad_page = -9,
    GNTST_bad_copy_arg = -10,
};

/* struct grant_entry_v1 { uint16_t flags; domid_t domid; uint32_t frame; } */
#define HV_GNT_ENTRY_SIZE 8u
#define HV_GNT_ENTRIES_PER_FRAME (4096u / HV_GNT_ENTRY_SIZE)
#define GTF_permit_access 0x1u
#define GTF_type_mask 0x3u
#define GTF_readonly (1u << 2)
#define GTF_reading (1u << 3)
#define GTF_writing (1u << 4)

/* GNTMAP_* (struct gnttab_map_grant_ref.flags) and GNTCOPY_*. */
#define GNTMAP_device_map (1u << 0)
#define GNTMAP_host_map (1u << 1)
#define GNTMAP_readonly (1u << 2)
#define GNTMAP_application_map (1u << 3)
#define GNTMAP_contains_pte (1u << 4)
#define GNTCOPY_source_gref (1u << 0)
#define GNTCOPY_dest_gref (1u << 1)

#define HV_DOMID_SELF 0x7FF0u
/* xen_pfn_t with all bits set: a frame not in the physical map. */
#define HV_INVALID_GFN UINT64_MAX

/* Xen's maptrack holds thousands of handles; the model's guests need few. */
#define HV_GNT_MAX_MAPS 64
/* An entry of a granting domain's table in use: Xen's active entry (one
 * per grant reference). */
struct hv_gnt_active {
    bool used;
    uint32_t user_domid;     /* the domain the entry is pinned for */
    uint64_t frame_pa;       /* the granted frame */
    unsigned pin_read, pin_write;
};

/* A grant mapped by a domain: Xen's maptrack entry, found by its handle
 * (the index). */
struct hv_gnt_map {
    bool used;
    int granter;             /* domain index */
    uint32_t ref;
    uint32_t flags;          /* GNTMAP_* */
    uint64_t host_addr;      /* page-aligned guest address of the mapping */
    uint64_t frame_pa;
};

struct hv_gnt_domain {
    bool placed;             /* XENMEM_add_to_physmap(grant_table, 0) done */
    uint64_t table_gpa;      /* its page in the domain's memory */
    struct hv_gnt_active act[HV_GNT_ENTRIES_PER_FRAME];
    struct hv_gnt_map map[HV_GNT_MAX_MAPS];
};

struct hv_gnttab {
    struct hv_gnt_domain dom[HV_MAX_DOMAINS];
    uint64_t maps, unmaps, copies, copy_bytes, failures;
    unsigned regions, regions_peak;   /* stage-2 regions added for grants */
};

/* ---- Checks with no state (Xen's rules), for the commands and tests ---- */

/* An entry pinned for domain `user`: GTF_permit_access, the entry's domid
 * equal to the user's, and not GTF_readonly for a writable use.  Returns
 * GNTST_okay or GNTST_general_error (what Xen answers for all three). */
int hv_gnt_check_entry(uint16_t flags, uint16_t domid, uint16_t user, bool readonly);
/* The flags of a map request on Arm: neither host_map nor device_map is
 * GNTST_bad_gntref; device_map, application_map or contains_pte (a
 * translated guest) is GNTST_general_error. */
int hv_gnt_check_map_flags(uint32_t flags);
/* Offsets and length of a copy within one page: GNTST_bad_copy_arg if not. */
int hv_gnt_check_copy_args(unsigned src_offset, unsigned dest_offset, unsigned len);

/* ---- The commands (arguments in regs as hv_grant_table_op takes them) ---- */

struct hv_guests;
int hv_gnttab_map(struct hv_guests *g, unsigned core, int d, uint64_t *regs);
int hv_gnttab_unmap(struct hv_guests *g, unsigned core, int d, uint64_t *regs);
int hv_gnttab_copy(struct hv_guests *g, unsigned core, int d, uint64_t *regs);

/* XENMEM_add_to_physmap of XENMAPSPACE_grant_table, index 0, for domain
 * `d` at guest frame `gpfn`: 0 or a negative Xen errno; a module failure
 * is returned offset by HV_GUEST_MOD_ERR as hv_guest_copy does. */
int hv_gnttab_place(struct hv_guests *g, unsigned core, int d, uint64_t gpfn);
/* The guest frame of domain d's table frame, HV_INVALID_GFN before it is
 * placed. */
uint64_t hv_gnttab_frame_gfn(const struct hv_guests *g, int d);

/* hv.gnttab.* counters and the summary keys grant_maps, grant_unmaps,
 * grant_copies and grant_regions_peak. */
void hv_gnttab_export(struct hv_guests *g);

#endif
