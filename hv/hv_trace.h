/* Boot traces at the hypervisor model's boundary: the requests the core
 * makes of a memory-manager module, in order, with the cycle and the
 * domain/vCPU context of each.
 *
 * What is recorded are requests, not the module's answers: "map this
 * range for this purpose", "map this page of a guest", "switch core 2 to
 * d1v0".  The MPU writes a module makes in reply are not in the trace, so a
 * replay re-makes the module's decisions under another module, other
 * options or another region count.  Besides the module calls the stream
 * holds the little the core does on its own between them, because the
 * figures depend on it: the copies and cache cleans of domain construction
 * (charged in cycles and checked against the EL2 MPU), the brackets of the
 * composite operations (copy_from_paddr, load_domain: cost accounting and
 * the error policy nest inside them) and the change from boot to run time.
 *
 * Recording: hv_set_event_sink() on a model; every operation the core
 * drives from then on is handed to the sink.  Replay: hv_replay_event() on
 * a model built from the trace's platform applies one event, with the same
 * accounting, checks and error policy as the live path, so a replay under
 * the recorded configuration reproduces the recorded run's figures.  The
 * serialised forms live in sim/trace.h; traces/FORMAT.md specifies them. */
#ifndef MSASIM_HV_HV_TRACE_H
#define MSASIM_HV_HV_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "hv/hv.h"
#include "sim/error.h"

/* The values are the binary trace format's (traces/FORMAT.md): append new
 * kinds at the end, never renumber. */
enum hv_ev_kind {
    HV_EV_BOOT = 0,          /* the module's architecture boot (core 0) */
    HV_EV_CPU_UP,            /* a secondary core comes online: `core` */
    HV_EV_MAP,               /* a hypervisor mapping request; `op` says which kind */
    HV_EV_MAP_DOMAIN_PAGE,   /* map the page at `a` (physical) for the hypervisor */
    HV_EV_UNMAP_DOMAIN_PAGE, /* release the mapping of the page at `a` */
    HV_EV_CREATE_DOMAIN,     /* `domain` */
    HV_EV_P2M_UPDATE,        /* `domain`: gpa `a` -> pa `b`, `c` bytes, `flags` */
    HV_EV_FINISH_BOOT,
    HV_EV_SWITCH,            /* `core` switches to (`domain`, `vcpu`); domain -1: idle */
    HV_EV_COPY,              /* the core copies `c` bytes from `b` to `a` at EL2 */
    HV_EV_CLEAN,             /* the core cleans [a, a + c) to the point of coherency */
    HV_EV_BEGIN,             /* a composite operation `op` starts (`domain` for load_domain) */
    HV_EV_END,               /* ... and ends */
    HV_EV_PHASE,             /* `a`: 0 boot, 1 run time */
    HV_EV_ACCESS,            /* the core reads (`flags` 0), writes (1) or zeroes (2) `c`
                              * bytes at `a` at EL2: a guest's memory through
                              * map_domain_page (format v2) */
    HV_EV_KIND_COUNT
};

/* HV_EV_MAP kinds: HV_OP_MAP, HV_OP_UNMAP, HV_OP_MODIFY, HV_OP_IOREMAP,
 * HV_OP_IOUNMAP.  Composite kinds: HV_OP_COPY_FROM_PADDR, HV_OP_LOAD_DOMAIN. */
bool hv_ev_map_kind_ok(enum hv_op op);
bool hv_ev_composite_ok(enum hv_op op);

/* HV_EV_ACCESS kinds (its `flags`). */
enum hv_access { HV_ACCESS_READ = 0, HV_ACCESS_WRITE = 1, HV_ACCESS_ZERO = 2 };

/* The core of an event: a core number, or HV_ALL_CORES for a mapping every
 * online core gets. */
struct hv_event {
    uint8_t kind;            /* enum hv_ev_kind */
    uint8_t op;              /* enum hv_op for MAP, BEGIN and END */
    uint8_t owner;           /* enum hv_owner (MAP) */
    uint32_t core;
    /* Context: the vCPU running on the core that issues the request (for
     * HV_ALL_CORES, core 0) when the event happens; ctx_domain -1 is the
     * idle vCPU.  Informational: a replay derives it from the switches. */
    int32_t ctx_domain;
    uint32_t ctx_vcpu;
    int32_t domain;          /* index into the platform's domains (d1 is 0); -1 none */
    uint32_t vcpu;
    uint32_t flags;          /* HV_MAP_* */
    uint32_t domid;          /* MAP: HV_DOMID_XEN or a domain id */
    uint64_t cycle;          /* hypervisor cycles charged before the event */
    uint64_t a, b, c;        /* see enum hv_ev_kind */
    const char *purpose;     /* MAP and P2M_UPDATE; must outlive the model */
};

typedef void (*hv_event_fn)(void *ctx, const struct hv_event *ev);

/* Every request the core makes from now on goes to `fn` (NULL stops). */
void hv_set_event_sink(struct hv *hv, hv_event_fn fn, void *ctx);

/* Replay bookkeeping kept by the model between events. */
struct hv_replay_stats {
    uint64_t events;         /* applied */
    uint64_t skipped;        /* left out by the error policy (see below) */
    uint64_t cycle_mismatches;   /* events whose recorded cycle differs from the model's */
    uint64_t first_mismatch;     /* index of the first of them (valid if any) */
};

/* Applies one event to a model built from the trace's platform.  The
 * error policy is the live path's: region exhaustion is counted and, with
 * hv_config.continue_on_exhaustion, the replay goes on; inside a composite
 * operation the first failure ends the composite (its remaining events are
 * skipped, except the unmaps that release a mapping it still holds), and a
 * domain whose create_domain failed is neither mapped nor loaded.  Returns
 * 0 to go on; HV_RUN_FAILED when the simulated hypervisor failed in a way
 * that ends a run (a refused mapping, a fault, an inconsistency, a failed
 * architecture boot, exhaustion without continue_on_exhaustion);
 * HV_RUN_BAD_INPUT when the event does not fit the model (a core, domain or
 * vCPU it does not have, an unbalanced composite).  `err` says why. */
int hv_replay_event(struct hv *hv, const struct hv_event *ev, struct msa_error *err);
/* After the last event: unbalanced composites are bad input; the checks
 * of --check end run; region pressure is closed.  Returns an enum
 * hv_status like hv_boot_run. */
int hv_replay_finish(struct hv *hv, struct msa_error *err);
void hv_replay_stats(const struct hv *hv, struct hv_replay_stats *out);

/* True for a --hv-opt KEY=VALUE the core reads (fdt-addr, heap,
 * heap-size, device, cost.*) rather than the module: a replay under another
 * module keeps these and drops the recorded module's own. */
bool hv_option_is_core(const char *key_value);

/* The text form's name of an event kind (NULL when unknown). */
const char *hv_ev_kind_name(enum hv_ev_kind k);

#endif
