/* What software running at EL2 maps, seen from outside (profile a, no
 * hypervisor model: a real hypervisor such as Xen owns EL2 and its tables).
 *
 * The observer reads the translation tables the cores point at:
 *   - the EL2 regime's (TTBR0_EL2): the table pages, and which physical
 *     memory EL2 can read;
 *   - each VMID's stage 2 (the VTTBR_EL2 a core ran with while HCR_EL2.VM
 *     was set): the table pages, and the RAM the stage 2 maps, which is
 *     what that VM owns.
 * The exposure of a VM is the part of its RAM that EL2 can read, in bytes,
 * integrated over the cycles the cores spend at EL2 (byte-cycles; the cycle
 * model counts those, so the integral needs --timing on).
 *
 * The hypervisor's own bookkeeping is not visible, so the tables are read
 * again whenever they may have changed in a way that matters: after a
 * scheduling turn (of one core, cfg.quantum instructions) in which a TLB
 * invalidation was executed at EL2 (removing or changing a mapping requires
 * one), and when a core's EL2 or stage-2 base registers differ from what was
 * last seen (checked after each turn).  A mapping added without a TLBI (an
 * invalid entry made valid) is seen at the next of those.
 *
 * Readings after a TLBI are paced so that the observer never costs much
 * more than the run itself: each costs the descriptors it reads, and the
 * run earns READ_CREDIT_PER_INSN of them per instruction executed (a
 * burst up to READ_CREDIT_MAX); a TLBI with the credit spent waits for it.
 * A change of base registers is read at once, and so is what is pending
 * when the run ends. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "mmu/mmu.h"
#include "sim/machine.h"
#include "sim/ram.h"
#include "sim/stats.h"

#define MAX_VMS 64
#define READ_CREDIT_PER_INSN 0.1
#define READ_CREDIT_MAX 4e6
#define HCR_VM (1ull << 0)
#define SCTLR_M (1ull << 0)
#define PA_LIMIT (1ull << 48)

/* Sorted, disjoint [start, end) ranges. */
struct ranges {
    uint64_t (*r)[2];
    size_t n, cap;
};

/* The EL2 registers of a core, as last seen. */
struct el2_view {
    bool off;                    /* the core is powered off: it reads nothing */
    uint64_t sctlr, tcr, ttbr0;
    struct ranges readable;      /* physical memory EL2 can read */
    unsigned tables;
};

struct vm {
    uint16_t vmid;
    uint64_t vttbr, vtcr;
    struct ranges ram;           /* the RAM its stage 2 maps */
    unsigned tables, tables_peak;
    uint64_t ram_bytes_peak;
    uint64_t exposed[MACHINE_MAX_CORES];   /* of its RAM, readable at EL2 by core i */
    uint64_t exposed_peak;
    double byte_cycles;
};

struct machine_el2_maps {
    struct mmu_bus bus;
    struct el2_view view[MACHINE_MAX_CORES];
    unsigned el2_tables_peak;
    struct vm vm[MAX_VMS];
    unsigned nvm;
    bool vms_dropped;            /* more VMIDs than MAX_VMS */
    bool truncated;              /* an enumeration hit its bound */
    uint64_t el2_seen[MACHINE_MAX_CORES];  /* EL2 cycles integrated so far */
    uint64_t el2_cycles_with_vms;          /* of those, once some VM was known */
    uint64_t recomputes;
    bool tlbi_seen;              /* a TLBI at EL2 since the last reading */
    double credit;               /* descriptors the next readings may read */
    uint64_t credit_insns;       /* m->total_insns when credit was last earned */
    uint64_t deferred;           /* readings a TLBI asked for that waited for credit */
};

static int read_pa(void *ctx, uint64_t pa, uint64_t *val8)
{
    struct ram *ram = ctx;
    return ram_read(ram, pa, val8, 8) < 0 ? 1 : 0;
}

static int ranges_add(struct ranges *s, uint64_t start, uint64_t end)
{
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        void *p = realloc(s->r, ncap * sizeof *s->r);
        if (!p)
            return -1;
        s->r = p;
        s->cap = ncap;
    }
    s->r[s->n][0] = start;
    s->r[s->n][1] = end;
    s->n++;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Sorts and merges overlapping or touching ranges. */
static void ranges_normalize(struct ranges *s)
{
    if (s->n < 2)
        return;
    qsort(s->r, s->n, sizeof *s->r, by_start);
    size_t k = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->r[i][0] <= s->r[k][1]) {
            if (s->r[i][1] > s->r[k][1])
                s->r[k][1] = s->r[i][1];
        } else {
            k++;
            s->r[k][0] = s->r[i][0];
            s->r[k][1] = s->r[i][1];
        }
    }
    s->n = k + 1;
}

static uint64_t ranges_bytes(const struct ranges *s)
{
    uint64_t n = 0;
    for (size_t i = 0; i < s->n; i++)
        n += s->r[i][1] - s->r[i][0];
    return n;
}

static uint64_t overlap_bytes(const struct ranges *a, const struct ranges *b)
{
    uint64_t n = 0;
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        uint64_t lo = a->r[i][0] > b->r[j][0] ? a->r[i][0] : b->r[j][0];
        uint64_t hi = a->r[i][1] < b->r[j][1] ? a->r[i][1] : b->r[j][1];
        if (lo < hi)
            n += hi - lo;
        if (a->r[i][1] < b->r[j][1])
            i++;
        else
            j++;
    }
    return n;
}

/* ---- reading the tables ---------------------------------------------------- */

struct collect {
    struct ranges *out;
    const struct ram *ram;       /* stage 2: keep RAM only */
    unsigned need;               /* MMU_ENUM_* a mapping must grant (0: any) */
    bool failed;
};

static void on_leaf(void *ctx, const struct mmu_enum_leaf *l)
{
    struct collect *c = ctx;
    if (c->need ? !(l->perm & c->need) : !l->perm)
        return;
    uint64_t start = l->oa, end = l->oa + l->size;
    if (c->ram) {
        /* the part of the mapping that is RAM, bank by bank */
        for (unsigned b = 0; b < ram_bank_count(c->ram); b++) {
            uint64_t base, size;
            ram_bank(c->ram, b, &base, &size);
            uint64_t lo = start > base ? start : base;
            uint64_t hi = end < base + size ? end : base + size;
            if (lo < hi && ranges_add(c->out, lo, hi) < 0)
                c->failed = true;
        }
        return;
    }
    if (ranges_add(c->out, start, end) < 0)
        c->failed = true;
}

typedef int (*enum_fn)(const struct mmu_ctl *ctl, const struct mmu_bus *bus,
                       const struct mmu_enum_visitor *v, struct mmu_enum_result *r);

/* Reads one tree with `fn` into c->out (sorted and merged), paying for the
 * descriptors read; its table pages, 0 when the registers describe none. */
static unsigned read_tree(struct machine_el2_maps *e, enum_fn fn, const struct mmu_ctl *ctl,
                          struct collect *c)
{
    struct mmu_enum_visitor vis = {.ctx = c, .leaf = on_leaf};
    struct mmu_enum_result r;
    unsigned tables = 0;
    if (fn(ctl, &e->bus, &vis, &r) == 0) {
        e->credit -= (double)r.descriptors;
        tables = r.tables;
        e->truncated |= r.truncated || c->failed;
    }
    ranges_normalize(c->out);
    return tables;
}

static void read_el2(struct machine *m, struct el2_view *v)
{
    struct machine_el2_maps *e = m->el2maps;
    v->readable.n = 0;
    v->tables = 0;
    if (v->off)
        return;
    if (!(v->sctlr & SCTLR_M)) {
        /* translation off: EL2 reaches every physical address */
        ranges_add(&v->readable, 0, PA_LIMIT);
        return;
    }
    struct mmu_ctl ctl = {.regime = MMU_REGIME_EL2, .sctlr = v->sctlr, .tcr = v->tcr, .ttbr0 = v->ttbr0,
                          .pa_bits = machine_pa_bits(m)};
    struct collect c = {.out = &v->readable, .need = MMU_ENUM_R};
    v->tables = read_tree(e, mmu_enum_el2, &ctl, &c);
}

static void read_vm(struct machine *m, struct vm *vm)
{
    struct machine_el2_maps *e = m->el2maps;
    vm->ram.n = 0;
    struct mmu_ctl ctl = {.regime = MMU_REGIME_EL10, .vtcr = vm->vtcr, .vttbr = vm->vttbr,
                          .pa_bits = machine_pa_bits(m)};
    struct collect c = {.out = &vm->ram, .ram = m->ram};
    vm->tables = read_tree(e, mmu_enum_s2, &ctl, &c);
    if (vm->tables > vm->tables_peak)
        vm->tables_peak = vm->tables;
    uint64_t bytes = ranges_bytes(&vm->ram);
    if (bytes > vm->ram_bytes_peak)
        vm->ram_bytes_peak = bytes;
}

/* ---- keeping up with the cores ------------------------------------------------ */

static uint64_t el2_cycles(const struct machine *m, unsigned core)
{
    return machine_core_el2_cycles(m, core);
}

/* Adds the EL2 cycles since the last call, at the exposure in force. */
static void integrate(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    for (unsigned i = 0; i < m->ncores; i++) {
        uint64_t now = el2_cycles(m, i);
        uint64_t d = now - e->el2_seen[i];
        e->el2_seen[i] = now;
        if (e->nvm)
            e->el2_cycles_with_vms += d;
        for (unsigned k = 0; k < e->nvm; k++)
            e->vm[k].byte_cycles += (double)e->vm[k].exposed[i] * (double)d;
    }
}

static struct vm *vm_for(struct machine_el2_maps *e, uint16_t vmid)
{
    for (unsigned k = 0; k < e->nvm; k++)
        if (e->vm[k].vmid == vmid)
            return &e->vm[k];
    if (e->nvm == MAX_VMS) {
        e->vms_dropped = true;
        return NULL;
    }
    struct vm *vm = &e->vm[e->nvm++];
    memset(vm, 0, sizeof *vm);
    vm->vmid = vmid;
    return vm;
}

static uint16_t vmid_of(uint64_t vttbr, uint64_t vtcr)
{
    uint16_t v = (uint16_t)(vttbr >> 48);
    return (vtcr & MMU_VTCR_VS) ? v : (uint16_t)(v & 0xFF);
}

/* Takes in the cores' registers; true when something changed. */
static bool snapshot(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    bool changed = false;
    for (unsigned i = 0; i < m->ncores; i++) {
        const struct cpu *c = m->cores[i];
        struct el2_view *v = &e->view[i];
        uint64_t sctlr = c->sr[CPU_SR_SCTLR_EL2] & SCTLR_M ? c->sr[CPU_SR_SCTLR_EL2] : 0;
        bool off = c->run_state == CPU_POWERED_OFF;
        if (off != v->off || sctlr != v->sctlr ||
            (sctlr && (c->sr[CPU_SR_TCR_EL2] != v->tcr || c->sr[CPU_SR_TTBR0_EL2] != v->ttbr0))) {
            v->off = off;
            v->sctlr = sctlr;
            v->tcr = c->sr[CPU_SR_TCR_EL2];
            v->ttbr0 = c->sr[CPU_SR_TTBR0_EL2];
            changed = true;
        }
        if (!(c->sr[CPU_SR_HCR_EL2] & HCR_VM) || !(c->sr[CPU_SR_VTTBR_EL2] & MMU_DESC_OA_MASK))
            continue;
        uint64_t vttbr = c->sr[CPU_SR_VTTBR_EL2], vtcr = c->sr[CPU_SR_VTCR_EL2];
        struct vm *vm = vm_for(e, vmid_of(vttbr, vtcr));
        if (vm && (vm->vttbr != vttbr || vm->vtcr != vtcr)) {
            vm->vttbr = vttbr;
            vm->vtcr = vtcr;
            changed = true;
        }
    }
    return changed;
}

/* Reads every tree again and sets the exposure from now on (the time
 * before was integrated by the caller, before snapshot() could add VMs). */
static void recompute(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    e->recomputes++;
    unsigned tables = 0;
    for (unsigned i = 0; i < m->ncores; i++) {
        struct el2_view *v = &e->view[i];
        /* cores with the same registers share one reading */
        unsigned same = i;
        for (unsigned j = 0; j < i; j++)
            if (e->view[j].off == v->off && e->view[j].sctlr == v->sctlr && e->view[j].tcr == v->tcr &&
                e->view[j].ttbr0 == v->ttbr0) {
                same = j;
                break;
            }
        if (same == i) {
            read_el2(m, v);
            tables += v->tables;
        } else {
            v->readable.n = 0;
            for (size_t k = 0; k < e->view[same].readable.n; k++)
                ranges_add(&v->readable, e->view[same].readable.r[k][0], e->view[same].readable.r[k][1]);
            v->tables = e->view[same].tables;
        }
    }
    if (tables > e->el2_tables_peak)
        e->el2_tables_peak = tables;
    for (unsigned k = 0; k < e->nvm; k++) {
        struct vm *vm = &e->vm[k];
        read_vm(m, vm);
        for (unsigned i = 0; i < m->ncores; i++) {
            vm->exposed[i] = overlap_bytes(&vm->ram, &e->view[i].readable);
            if (vm->exposed[i] > vm->exposed_peak)
                vm->exposed_peak = vm->exposed[i];
        }
    }
}

int machine_el2_maps_attach(struct machine *m, struct msa_error *err)
{
    struct machine_el2_maps *e = calloc(1, sizeof *e);
    if (!e)
        return msa_error_set(err, "out of memory creating the EL2 map observer");
    e->bus.ctx = m->ram;
    e->bus.read_pa = read_pa;
    e->credit = READ_CREDIT_MAX;
    m->el2maps = e;
    return 0;
}

static void earn_credit(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    e->credit += (double)(m->total_insns - e->credit_insns) * READ_CREDIT_PER_INSN;
    e->credit_insns = m->total_insns;
    if (e->credit > READ_CREDIT_MAX)
        e->credit = READ_CREDIT_MAX;
}

void machine_el2_maps_poll(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    if (!e || m->hv)
        return;
    integrate(m);
    earn_credit(m);
    bool changed = snapshot(m);
    if (e->tlbi_seen && !changed && e->credit < 0) {
        e->deferred++;
        return;
    }
    if (changed || e->tlbi_seen) {
        e->tlbi_seen = false;
        recompute(m);
    }
}

void machine_el2_maps_finish(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    if (!e || m->hv)
        return;
    integrate(m);
    if (snapshot(m) || e->tlbi_seen) {
        e->tlbi_seen = false;
        recompute(m);
    }
}

/* The tables are read after the turn, not at once: a hypervisor that
 * invalidates in bursts (one TLBI per page) costs one reading a turn. */
void machine_el2_maps_tlbi(struct machine *m, const struct cpu *cpu)
{
    if (m->el2maps && !m->hv && cpu_current_el(cpu) == 2)
        m->el2maps->tlbi_seen = true;
}

void machine_el2_maps_free(struct machine *m)
{
    struct machine_el2_maps *e = m->el2maps;
    if (!e)
        return;
    for (unsigned i = 0; i < MACHINE_MAX_CORES; i++)
        free(e->view[i].readable.r);
    for (unsigned k = 0; k < e->nvm; k++)
        free(e->vm[k].ram.r);
    free(e);
    m->el2maps = NULL;
}

/* ---- figures ---------------------------------------------------------------- */

static void put_counter(struct stats *s, const char *name, uint64_t v, const char *help)
{
    uint64_t *c = stats_counter(s, name, help);
    if (c)
        *c = v;
}

static void put_gauge(struct stats *s, const char *name, double v, const char *help)
{
    double *g = stats_gauge(s, name, help);
    if (g)
        *g = v;
}

void machine_el2_maps_export(const struct machine *m, struct stats *s)
{
    const struct machine_el2_maps *e = m->el2maps;
    if (!e || m->hv || !e->recomputes)
        return;
    bool el2_on = false;
    unsigned el2_tables = 0;
    for (unsigned i = 0; i < m->ncores; i++) {
        if (e->view[i].sctlr & SCTLR_M)
            el2_on = true;
        if (e->view[i].tables > el2_tables)
            el2_tables = e->view[i].tables;
    }
    if (!el2_on && !e->nvm)
        return;
    put_counter(s, "el2maps.rereads", e->recomputes,
                "times the tables were read again (a TLBI at EL2, or new base registers)");
    put_counter(s, "el2maps.truncated", e->truncated,
                "1 when a table tree was too large (or looped) to read whole");
    put_counter(s, "el2maps.rereads_deferred", e->deferred,
                "turns a reading after a TLBI waited for (the observer's pacing)");
    put_counter(s, "el2maps.vmids_untracked", e->vms_dropped,
                "1 when more VMIDs ran than the observer keeps (64)");
    put_gauge(s, "el2maps.el2.table_pages", el2_tables,
              "pages of the EL2 regime's translation tables at the end");
    put_gauge(s, "el2maps.el2.table_pages_peak", e->el2_tables_peak,
              "most pages the EL2 regime's tables used at once");
    uint64_t pages = el2_tables;
    double total = 0;
    bool timed = m->timing != NULL;
    if (timed && e->nvm) {
        uint64_t cycles = e->el2_cycles_with_vms;
        for (unsigned i = 0; i < m->ncores; i++)
            cycles += el2_cycles(m, i) - e->el2_seen[i];
        put_counter(s, "el2maps.el2_cycles", cycles,
                    "cycles at EL2 (all cores) since the first VM was seen: what exposure integrates over");
    }
    char n[STATS_NAME_MAX + 1];
    for (unsigned k = 0; k < e->nvm; k++) {
        const struct vm *vm = &e->vm[k];
        pages += vm->tables;
        uint64_t exposed_now = 0;
        double bc = vm->byte_cycles;
        for (unsigned i = 0; i < m->ncores; i++) {
            /* the stretch since the last reading, at the exposure in force */
            bc += (double)vm->exposed[i] * (double)(el2_cycles(m, i) - e->el2_seen[i]);
            if (vm->exposed[i] > exposed_now)
                exposed_now = vm->exposed[i];
        }
        total += bc;
#define NAME(field) (snprintf(n, sizeof n, "el2maps.vmid%u." field, (unsigned)vm->vmid), n)
        put_gauge(s, NAME("s2_table_pages"), vm->tables, "pages of its stage-2 tables at the end");
        put_gauge(s, NAME("s2_table_pages_peak"), vm->tables_peak, "most pages its stage-2 tables used");
        put_gauge(s, NAME("ram_bytes"), (double)ranges_bytes(&vm->ram), "RAM its stage 2 maps, at the end");
        put_gauge(s, NAME("ram_bytes_peak"), (double)vm->ram_bytes_peak, "most RAM its stage 2 mapped");
        put_gauge(s, NAME("el2_readable_bytes"), (double)exposed_now,
                  "of that RAM, bytes EL2 can read, at the end");
        put_gauge(s, NAME("el2_readable_bytes_peak"), (double)vm->exposed_peak,
                  "most of its RAM EL2 could read at once");
        if (timed)
            put_gauge(s, NAME("exposure_byte_cycles"), bc,
                      "its RAM readable at EL2, integrated over the cores' cycles at EL2");
#undef NAME
    }
    put_gauge(s, "el2maps.table_pages", (double)pages,
              "translation-table pages at the end: EL2 regime and every stage 2");
    stats_summary_set(s, "page_table_pages", (double)pages);
    if (timed && e->nvm)
        stats_summary_set(s, "exposure_byte_cycles", total);
}
