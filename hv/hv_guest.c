/* Run-time state of the guests: per-domain counters and virtual UARTs, the
 * console sink, guest memory access through map_domain_page, and the
 * figures they add to the statistics. */
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/hv_lib.h"
#include "sim/stats.h"

struct hv_guests *hv_guests_create(struct hv *hv, hv_console_fn console, void *ctx)
{
    struct hv_guests *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->hv = hv;
    g->console = console;
    g->console_ctx = ctx;
    return g;
}

void hv_guests_free(struct hv_guests *g)
{
    free(g);
}

void hv_guest_output(struct hv_guests *g, int domain, const char *bytes, size_t len)
{
    if (domain >= 0 && domain < HV_MAX_DOMAINS)
        g->dom[domain].counts.console_bytes += len;
    if (g->console && len)
        g->console(g->console_ctx, domain, bytes, len);
}

/* The physical address of guest address `gpa` of domain `d`, when it lies
 * in the domain's RAM with `len` bytes after it in the same bank. */
static bool guest_ram_pa(const struct hv *hv, int d, uint64_t gpa, uint64_t len, uint64_t *pa)
{
    const struct hv_domain_info *di = &hv->info.domains[d];
    uint64_t g = HV_GUEST_RAM0_BASE;
    for (unsigned i = 0; i < di->nstatic_mem; i++) {
        const struct hv_range *m = &di->static_mem[i];
        uint64_t base = di->direct_map ? m->base : g;
        if (gpa >= base && gpa - base < m->size && len <= m->size - (gpa - base)) {
            *pa = m->base + (gpa - base);
            return true;
        }
        g += m->size;
    }
    return false;
}

/* copy_from_guest / copy_to_guest: page by page, each page mapped for the
 * hypervisor with map_domain_page and released after the copy (Xen's
 * copy_guest on Arm).  Returns 0, -EFAULT for an address outside the
 * domain's RAM, or a negative enum hv_err (module failure) offset by
 * HV_GUEST_MOD_ERR so that the caller can tell them apart. */
int hv_guest_copy(struct hv_guests *g, unsigned core, int d, uint64_t gpa, void *buf,
                  uint64_t len, bool to_guest)
{
    struct hv *hv = g->hv;
    uint64_t pa;
    if (len == 0)
        return 0;
    if (!guest_ram_pa(hv, d, gpa, len, &pa))
        return -HV_EFAULT;
    uint64_t done = 0;
    while (done < len) {
        uint64_t page = (pa + done) & ~(HV_PAGE_SIZE - 1), off = pa + done - page;
        uint64_t n = HV_PAGE_SIZE - off;
        if (n > len - done)
            n = len - done;
        uint64_t va = page;
        hv_acc_op_begin(hv, HV_OP_MAP_DOMAIN_PAGE);
        int rc = hv_call_map_domain_page(hv, core, page, &va);
        hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
        if (rc)
            return HV_GUEST_MOD_ERR + rc;
        g->map_domain_page_calls++;
        rc = hv_core_access(hv, core, va + off, (char *)buf + done, n,
                            to_guest ? HV_ACCESS_WRITE : HV_ACCESS_READ);
        hv_acc_op_begin(hv, HV_OP_UNMAP_DOMAIN_PAGE);
        int rc2 = hv_call_unmap_domain_page(hv, core, va);
        hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc2);
        if (rc)
            return HV_GUEST_MOD_ERR + rc;
        if (rc2)
            return HV_GUEST_MOD_ERR + rc2;
        done += n;
    }
    return 0;
}

static void add_counts(struct hv_guest_counts *a, const struct hv_guest_counts *b)
{
    a->traps += b->traps;
    a->hypercalls += b->hypercalls;
    a->mmio_emulated += b->mmio_emulated;
    a->aborts_injected += b->aborts_injected;
    a->wfx += b->wfx;
    a->console_bytes += b->console_bytes;
    a->yields += b->yields;
    a->blocks += b->blocks;
}

void hv_guest_counts(const struct hv_guests *g, int domain, struct hv_guest_counts *out)
{
    memset(out, 0, sizeof *out);
    if (domain >= 0) {
        if (domain < HV_MAX_DOMAINS)
            *out = g->dom[domain].counts;
        return;
    }
    for (unsigned d = 0; d < HV_MAX_DOMAINS; d++)
        add_counts(out, &g->dom[d].counts);
}

void hv_guests_export(struct hv_guests *g)
{
    struct stats *s = g->hv->stats;
    if (!s)
        return;
    hv_pressure_close(g->hv);
    struct hv_guest_counts c;
    hv_guest_counts(g, -1, &c);
    static const struct {
        const char *name, *desc;
        size_t off;
    } rows[] = {
        {"hv.guest.traps", "exceptions from guests handled at EL2",
         offsetof(struct hv_guest_counts, traps)},
        {"hv.guest.hypercalls", "HVC #0xEA1 hypercalls", offsetof(struct hv_guest_counts, hypercalls)},
        {"hv.guest.mmio_emulated", "stage-2 data aborts emulated (virtual PL011)",
         offsetof(struct hv_guest_counts, mmio_emulated)},
        {"hv.guest.aborts_injected", "stage-2 aborts delivered to the guest's EL1",
         offsetof(struct hv_guest_counts, aborts_injected)},
        {"hv.guest.wfx", "trapped WFI/WFE", offsetof(struct hv_guest_counts, wfx)},
        {"hv.guest.console_bytes", "bytes written by guests (console_io and vpl011)",
         offsetof(struct hv_guest_counts, console_bytes)},
        {"hv.guest.yields", "SCHEDOP_yield and WFE", offsetof(struct hv_guest_counts, yields)},
        {"hv.guest.blocks", "SCHEDOP_block and WFI", offsetof(struct hv_guest_counts, blocks)},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        uint64_t *ctr = stats_counter(s, rows[i].name, rows[i].desc);
        if (ctr)
            *ctr = *(const uint64_t *)(const void *)((const char *)&c + rows[i].off);
    }
    uint64_t *mdp = stats_counter(s, "hv.guest.map_domain_page",
                                  "map_domain_page calls for guest memory accesses");
    if (mdp)
        *mdp = g->map_domain_page_calls;
    stats_summary_set(s, "guest_hypercalls", (double)c.hypercalls);
    stats_summary_set(s, "guest_mmio_emulated", (double)c.mmio_emulated);
    stats_summary_set(s, "guest_aborts_injected", (double)c.aborts_injected);
    stats_summary_set(s, "guest_map_domain_page_ops", (double)g->map_domain_page_calls);
    hv_gnttab_export(g);
}

uint64_t hv_sysreg_value(const struct hv *hv, unsigned core, unsigned reg)
{
    return core < HV_MAX_CORES && reg < HV_SYSREG_COUNT ? hv->sysregs[core][reg] : 0;
}

int hv_vcpu_index(const struct hv *hv, int domain, unsigned vcpu)
{
    for (unsigned v = 0; v < hv->nvcpus; v++)
        if (hv->vcpus[v].domain == domain && hv->vcpus[v].vcpu == vcpu)
            return (int)v;
    return -1;
}

unsigned hv_vcpu_core(const struct hv *hv, unsigned vcpu)
{
    return vcpu < hv->nvcpus ? hv->vcpus[vcpu].core : 0;
}

unsigned hv_nvcpus(const struct hv *hv)
{
    return hv->nvcpus;
}
