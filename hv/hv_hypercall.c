/* Xen's hypercalls on Arm, as a guest sees them: HVC #0xEA1, the number in
 * x16, arguments in x0-x4, the result in x0 (negative errno on failure).
 * Numbers and sub-commands follow xen/include/public (xen.h, sched.h,
 * version.h, memory.h, grant_table.h); guest buffers are read and written
 * through hv_guest_copy, i.e. map_domain_page per page.  memory_op and
 * grant_table_op are in hv_memory_op.c and hv_hypercall_gnttab.c. */
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/hv_hypercall_ops.h"

/* The Xen version the model answers with (XENVER_version). */
#define HV_XEN_MAJOR 4
#define HV_XEN_MINOR 22
#define HV_XEN_EXTRAVERSION "-msasim"

enum {
    HYPERVISOR_memory_op = 12,
    HYPERVISOR_xen_version = 17,
    HYPERVISOR_console_io = 18,
    HYPERVISOR_grant_table_op = 20,
    HYPERVISOR_sched_op = 29,
};
enum { CONSOLEIO_write = 0, CONSOLEIO_read = 1 };
enum { SCHEDOP_yield = 0, SCHEDOP_block = 1, SCHEDOP_shutdown = 2 };
enum { XENVER_version = 0, XENVER_extraversion = 1 };
#define XEN_EXTRAVERSION_LEN 16
enum { SHUTDOWN_poweroff = 0, SHUTDOWN_crash = 3, SHUTDOWN_MAX = 5 };

/* Guest-copy status to a hypercall result; module failures pass through. */
static int copy_status(int rc, uint64_t *x0, int *modrc)
{
    if (rc < HV_GUEST_MOD_ERR) {
        *modrc = rc - HV_GUEST_MOD_ERR;
        return -1;
    }
    *x0 = (uint64_t)(int64_t)rc;
    return rc ? -1 : 0;
}

/* Xen writes a guest's console in chunks of this many bytes. */
#define CONSOLE_CHUNK 128

static int console_io(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    int modrc = 0;
    switch (r[0]) {
    case CONSOLEIO_write: {
        uint64_t count = r[1], gpa = r[2], done = 0;
        char buf[CONSOLE_CHUNK];
        while (done < count) {
            uint64_t n = count - done < CONSOLE_CHUNK ? count - done : CONSOLE_CHUNK;
            int rc = hv_guest_copy(g, core, d, gpa + done, buf, n, false);
            if (copy_status(rc, &r[0], &modrc) < 0)
                return modrc;
            hv_guest_output(g, d, buf, (size_t)n);
            done += n;
        }
        r[0] = 0;
        return 0;
    }
    case CONSOLEIO_read:
        r[0] = 0;   /* no input is modelled */
        return 0;
    default:
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
}

static int sched_op(struct hv_guests *g, unsigned core, int d, uint64_t *r,
                    struct hv_guest_outcome *out)
{
    int modrc = 0;
    switch (r[0]) {
    case SCHEDOP_yield:
        g->dom[d].counts.yields++;
        out->action = HV_ACT_YIELD;
        r[0] = 0;
        return 0;
    case SCHEDOP_block:
        g->dom[d].counts.blocks++;
        out->action = HV_ACT_BLOCK;
        r[0] = 0;
        return 0;
    case SCHEDOP_shutdown: {
        uint32_t reason;   /* struct sched_shutdown { unsigned int reason; } */
        int rc = hv_guest_copy(g, core, d, r[1], &reason, sizeof reason, false);
        if (copy_status(rc, &r[0], &modrc) < 0)
            return modrc;
        if (reason >= SHUTDOWN_MAX) {
            r[0] = (uint64_t)-HV_EINVAL;
            return 0;
        }
        out->action = HV_ACT_SHUTDOWN;
        out->reason = reason;
        r[0] = 0;
        return 0;
    }
    default:
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
}

static int xen_version(struct hv_guests *g, unsigned core, int d, uint64_t *r)
{
    int modrc = 0;
    switch (r[0]) {
    case XENVER_version:
        r[0] = (uint64_t)HV_XEN_MAJOR << 16 | HV_XEN_MINOR;
        return 0;
    case XENVER_extraversion: {
        char v[XEN_EXTRAVERSION_LEN] = {0};
        memcpy(v, HV_XEN_EXTRAVERSION, sizeof HV_XEN_EXTRAVERSION);
        int rc = hv_guest_copy(g, core, d, r[1], v, sizeof v, true);
        if (copy_status(rc, &r[0], &modrc) < 0)
            return modrc;
        r[0] = 0;
        return 0;
    }
    default:
        r[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
}

int hv_hypercall(struct hv_guests *g, unsigned core, int d, uint64_t *regs,
                 struct hv_guest_outcome *out)
{
    g->dom[d].counts.hypercalls++;
    switch (regs[16]) {
    case HYPERVISOR_console_io: return console_io(g, core, d, regs);
    case HYPERVISOR_sched_op: return sched_op(g, core, d, regs, out);
    case HYPERVISOR_xen_version: return xen_version(g, core, d, regs);
    case HYPERVISOR_memory_op: return hv_memory_op(g, core, d, regs);
    case HYPERVISOR_grant_table_op: return hv_grant_table_op(g, core, d, regs);
    default:
        /* The rest are not modelled. */
        regs[0] = (uint64_t)-HV_ENOSYS;
        return 0;
    }
}
