/* Guests under a hypervisor model: the glue between the machine (cores,
 * MPUs, RAM) and the model in hv/.
 *
 * Each guest file becomes a dom0less domain of the machine's platform, as
 * if the device tree had a /chosen node for it: one vCPU, direct-mapped
 * static memory that starts at the image's lowest address, a virtual
 * PL011, and the image as its multiboot,kernel module: the file is loaded
 * where it runs, moved to a module slot (as a bootloader would leave it),
 * and Xen's domain construction copies it back into the domain page by
 * page through map_domain_page.  The model then boots as
 * `msasim boot` does, every core switches to its first vCPU, and the core
 * enters the guest at EL1 with the EL2 state the module programmed
 * (HCR_EL2, VSCTLR_EL2, VTCR_EL2, SCTLR_EL1).
 *
 * The hypervisor's own code does not execute: exceptions taken to EL2 are
 * handed to hv_guest_trap from the core's exception hook and the core
 * returns to the guest as if the handler had executed ERET.
 *
 * Several guests: `run --hv xen-mpu A.elf B.elf` makes domains domU1,
 * domU2, ... (each ELF linked at its own 16 MiB; Images go to consecutive
 * 16 MiB slots from GUEST_IMAGE_BASE).  The model places the vCPUs on the
 * cores; with fewer cores than vCPUs (--cores 1, say) a core's vCPUs take
 * turns, round robin in vCPU order: at a yield or a block (SCHEDOP_yield,
 * SCHEDOP_block, trapped WFI/WFE), when the slice timer's interrupt ends
 * its time slice (--hv-opt slice=N instructions, default DEFAULT_SLICE) or
 * a trap comes after it, and when its domain shuts down.  A switch saves the vCPU's registers and
 * EL1 state (struct vcpu_context), calls the model's context switch (the
 * stage-2 regions of the domains, counted as context_switches) and
 * restores the next vCPU.  The run ends when every core is off: exit 0
 * when every domain powered off, 1 when one crashed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "hv/hal.h"
#include "hv/hv.h"
#include "mpu/mpu.h"
#include "sim/loader.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/stats.h"
#include "sim/symbols.h"
#include "sim/trace_record.h"

/* Where an arm64 Image guest is put (an ELF goes to its own addresses):
 * RAM on fvp-r, clear of the hypervisor's image (from 2 MiB), its heap
 * (the top of the first bank) and the device tree. */
#define GUEST_IMAGE_BASE UINT64_C(0x60000000)
/* Where the guests' images lie before the hypervisor copies them into
 * their domains (the bootloader's multiboot,kernel modules): one slot of
 * GUEST_MEM_SIZE per guest. */
#define GUEST_MODULE_BASE UINT64_C(0x70000000)
/* The static memory each guest gets, from its lowest address. */
#define GUEST_MEM_SIZE (UINT64_C(16) << 20)

#define ENC_HCR_EL2 CPU_SYSREG_ENC(3, 4, 1, 1, 0)
#define ENC_VSCTLR_EL2 CPU_SYSREG_ENC(3, 4, 2, 0, 0)
#define ENC_VTCR_EL2 CPU_SYSREG_ENC(3, 4, 2, 1, 2)
#define ENC_SCTLR_EL1 CPU_SYSREG_ENC(3, 0, 1, 0, 0)
#define ENC_SCTLR_EL2 CPU_SYSREG_ENC(3, 4, 1, 0, 0)
#define ENC_MAIR_EL2 CPU_SYSREG_ENC(3, 4, 10, 2, 0)
#define ENC_VTTBR_EL2 CPU_SYSREG_ENC(3, 4, 2, 1, 0)
#define ENC_CNTHP_CTL_EL2 CPU_SYSREG_ENC(3, 4, 14, 2, 1)
#define ENC_CNTHP_CVAL_EL2 CPU_SYSREG_ENC(3, 4, 14, 2, 2)
#define ENC_VBAR_EL2 CPU_SYSREG_ENC(3, 4, 12, 0, 0)
#define ENC_ESR_EL1 CPU_SYSREG_ENC(3, 0, 5, 2, 0)
#define ENC_FAR_EL1 CPU_SYSREG_ENC(3, 0, 6, 0, 0)
#define ENC_ELR_EL1 CPU_SYSREG_ENC(3, 0, 4, 0, 1)
#define ENC_SPSR_EL1 CPU_SYSREG_ENC(3, 0, 4, 0, 0)
#define ENC_VBAR_EL1 CPU_SYSREG_ENC(3, 0, 12, 0, 0)
#define ENC_ESR_EL2 CPU_SYSREG_ENC(3, 4, 5, 2, 0)
#define ENC_FAR_EL2 CPU_SYSREG_ENC(3, 4, 6, 0, 0)
#define ENC_HPFAR_EL2 CPU_SYSREG_ENC(3, 4, 6, 0, 4)
#define ENC_ELR_EL2 CPU_SYSREG_ENC(3, 4, 4, 0, 1)
#define ENC_SPSR_EL2 CPU_SYSREG_ENC(3, 4, 4, 0, 0)

/* SPSR for EL1h with D, A, I, F masked: how a vCPU starts and how an
 * injected exception enters the guest's vector. */
#define SPSR_EL1H_MASKED 0x3C5ull

/* The EL1 state of a vCPU that is not on its core: what the guests can
 * change and the next vCPU on the same core would overwrite. */
static const uint32_t vcpu_sysregs[] = {
    CPU_SYSREG_ENC(3, 0, 4, 1, 0),   /* SP_EL0 */
    CPU_SYSREG_ENC(3, 4, 4, 1, 0),   /* SP_EL1 */
    ENC_ELR_EL1, ENC_SPSR_EL1, ENC_ESR_EL1, ENC_FAR_EL1, ENC_VBAR_EL1, ENC_SCTLR_EL1,
    CPU_SYSREG_ENC(3, 0, 1, 0, 2),   /* CPACR_EL1 */
    CPU_SYSREG_ENC(3, 0, 2, 0, 0),   /* TTBR0_EL1 */
    CPU_SYSREG_ENC(3, 0, 2, 0, 1),   /* TTBR1_EL1 */
    CPU_SYSREG_ENC(3, 0, 2, 0, 2),   /* TCR_EL1 */
    CPU_SYSREG_ENC(3, 0, 10, 2, 0),  /* MAIR_EL1 */
    CPU_SYSREG_ENC(3, 0, 7, 4, 0),   /* PAR_EL1 */
    CPU_SYSREG_ENC(3, 0, 13, 0, 1),  /* CONTEXTIDR_EL1 */
    CPU_SYSREG_ENC(3, 0, 13, 0, 4),  /* TPIDR_EL1 */
    CPU_SYSREG_ENC(3, 3, 13, 0, 2),  /* TPIDR_EL0 */
    CPU_SYSREG_ENC(3, 3, 13, 0, 3),  /* TPIDRRO_EL0 */
    CPU_SYSREG_ENC(3, 0, 14, 1, 0),  /* CNTKCTL_EL1 */
    /* PRSELR_EL1: the model restores the EL1 MPU's regions, not the
     * selector the guest left, which the next guest would see. */
    CPU_SYSREG_ENC(3, 0, 6, 2, 1),
};
#define VCPU_NSYSREGS (sizeof vcpu_sysregs / sizeof vcpu_sysregs[0])

/* A vCPU off its core: general registers, where it resumes (PC and
 * PSTATE, as ELR_EL2/SPSR_EL2 of the trap that took it off) and its EL1
 * system registers. */
struct vcpu_context {
    uint64_t x[31];
    uint64_t pc, pstate;
    uint64_t sysreg[VCPU_NSYSREGS];
};

/* Instructions a vCPU runs before another vCPU of its core gets the core
 * (--hv-opt slice=N), as Xen's credit scheduler does with its time slice:
 * the scheduler sets the core's EL2 physical timer (CNTHP, counting
 * instructions as the system counter does here) to the end of the slice;
 * its interrupt, routed to EL2 by HCR_EL2.IMO, preempts the vCPU (the
 * machine polls the timer output after each core's turn, standing in for
 * the interrupt controller).  A trap after the slice ends also switches. */
#define DEFAULT_SLICE 100000u
/* The vector offset of an IRQ taken from a lower EL in AArch64. */
#define VECTOR_IRQ_LOWER 0x480u

struct machine_hv {
    struct hv *hv;
    struct hv_guests *guests;
    int core_vcpu[MACHINE_MAX_CORES];     /* the vCPU each core runs, -1 none */
    uint64_t slice;
    uint64_t slice_start[MACHINE_MAX_CORES]; /* core icount when its vCPU got it */
    unsigned nvcpus;
    struct vcpu_context *ctx;             /* [nvcpus] */
    bool *vcpu_off;                       /* [nvcpus]: its domain shut down */
    unsigned ndomains, nshut;
    bool shut[HV_MAX_DOMAINS];
    unsigned reason[HV_MAX_DOMAINS];
    bool failed;
    char message[MSA_ERROR_MAX];
    uint64_t preemptions;                 /* slice timer interrupts that switched vCPUs */
    struct stats *stats;
    /* --trace-out: the recording, and the device tree it embeds (the
     * platform with the guests as xen,domain nodes). */
    struct trace_recording *rec;
    unsigned char *trace_dtb;
    size_t tree_domains;                  /* xen,domain nodes the platform came with */
    /* A guest whose abort handler faults again (no vectors set up, say)
     * would take the same injected abort forever: its domain is crashed
     * instead, the run goes on with the others and exits 1. */
    struct inject_watch {
        uint64_t elr, icount;
        uint32_t esr;
        unsigned repeats;
    } inject_loop[MACHINE_MAX_CORES];
};

#define INJECT_LOOP_LIMIT 64    /* identical injections in a row */
#define INJECT_LOOP_PROGRESS 16 /* guest instructions between them that still count as none */

static void guest_console(void *ctx, int domain, const char *bytes, size_t len)
{
    struct machine *m = ctx;
    if (m->cfg.console)
        m->cfg.console(m->cfg.console_ctx, bytes, len);
    else
        fwrite(bytes, 1, len, stdout);
}

/* ---- the domains, added to the platform ------------------------------- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

int machine_hv_move_image(struct machine *m, const char *path, const struct loaded_image *img,
                          uint64_t to, uint64_t room, struct msa_error *err)
{
    uint64_t len = img->high - img->low;
    if (!platform_ram_contains(m->plat, to, room))
        return msa_error_set(err, "%s: no RAM at 0x%" PRIx64 " for the guest's boot module",
                             path, to);
    uint8_t buf[4096];
    for (uint64_t done = 0; done < len; done += sizeof buf) {
        uint64_t n = len - done < sizeof buf ? len - done : sizeof buf;
        if (ram_read(m->ram, img->low + done, buf, n) < 0 ||
            ram_write(m->ram, to + done, buf, n) < 0)
            return msa_error_set(err, "%s: cannot move the image to 0x%" PRIx64, path, to);
    }
    (void)ram_zero(m->ram, img->low, len);
    return 0;
}

static int add_domain(struct machine *m, unsigned i, const char *path,
                      const struct loaded_image *img, uint64_t module, struct msa_error *err)
{
    struct platform *p = m->plat;
    uint64_t base = img->low;
    if (base & 0xFFF)
        return msa_error_set(err, "%s: lowest address 0x%" PRIx64 " is not 4 KiB aligned; "
                             "expected a guest linked at a page boundary", path, base);
    if (img->high - img->low > GUEST_MEM_SIZE || !platform_ram_contains(p, base, GUEST_MEM_SIZE))
        return msa_error_set(err, "%s: the guest's %" PRIu64 " MiB of memory from 0x%" PRIx64
                             " do not lie in RAM of %s", path, GUEST_MEM_SIZE >> 20, base,
                             p->source);
    struct platform_domain *items =
        realloc(p->domains.items, (p->domains.count + 1) * sizeof *items);
    if (!items)
        return msa_error_set(err, "out of memory");
    p->domains.items = items;
    struct platform_domain *d = &items[p->domains.count];
    memset(d, 0, sizeof *d);
    p->domains.count++;
    char name[32];
    snprintf(name, sizeof name, "domU%u", i + 1);
    d->name = dup_str(name);
    d->vcpus = 1;
    d->memory_kib = GUEST_MEM_SIZE >> 10;
    d->direct_map = true;
    d->vpl011 = true;
    d->el1_msa = PLATFORM_EL1_MPU;
    d->static_mem.items = calloc(1, sizeof *d->static_mem.items);
    d->modules.items = calloc(1, sizeof *d->modules.items);
    if (!d->name || !d->static_mem.items || !d->modules.items)
        return msa_error_set(err, "out of memory");
    d->static_mem.items[0] = (struct platform_range){.base = base, .size = GUEST_MEM_SIZE};
    d->static_mem.count = 1;
    snprintf(name, sizeof name, "module@%" PRIx64, module);
    d->modules.items[0] = (struct platform_module){
        .kind = PLATFORM_MODULE_KERNEL, .name = dup_str(name), .base = module,
        .size = img->high - img->low};
    d->modules.count = 1;
    if (!d->modules.items[0].name)
        return msa_error_set(err, "out of memory");
    return 0;
}

/* ---- traps --------------------------------------------------------------- */

static uint64_t sr(struct cpu *c, uint32_t enc)
{
    uint64_t v = 0;
    (void)cpu_sysreg_get(c, enc, &v);
    return v;
}

/* The core leaves the guest for good (its domain shut down or the run
 * failed): powered off, as PSCI CPU_OFF does, so the others go on. */
static void park_core(struct cpu *c)
{
    c->run_state = CPU_POWERED_OFF;
    c->stop_pending = true;
    c->stop_reason = CPU_STOP_OFF;
    c->events |= CPU_EV_STOP;
}

static void inject_abort(struct cpu *c, const struct hv_trap *t, const struct hv_guest_outcome *o)
{
    cpu_sysreg_set(c, ENC_ESR_EL1, o->inject_esr);
    cpu_sysreg_set(c, ENC_FAR_EL1, o->inject_far);
    cpu_sysreg_set(c, ENC_ELR_EL1, t->elr);
    cpu_sysreg_set(c, ENC_SPSR_EL1, t->spsr);
    bool from_el0 = ((t->spsr >> 2) & 3) == 0;
    uint64_t off = from_el0 ? 0x400 : (t->spsr & 1) ? 0x200 : 0x000;
    cpu_sysreg_set(c, ENC_SPSR_EL2, SPSR_EL1H_MASKED);
    cpu_sysreg_set(c, ENC_ELR_EL2, (sr(c, ENC_VBAR_EL1) & ~0x7FFull) + off);
}

static void load_el2_state(struct machine_hv *h, struct cpu *c, unsigned core);

/* ---- round-robin scheduling of the vCPUs of a core ------------------- */

static void save_context(struct cpu *c, struct vcpu_context *v)
{
    for (unsigned i = 0; i < 31; i++)
        v->x[i] = cpu_get_x(c, i);
    v->pc = sr(c, ENC_ELR_EL2);
    v->pstate = sr(c, ENC_SPSR_EL2);
    for (size_t i = 0; i < VCPU_NSYSREGS; i++)
        v->sysreg[i] = sr(c, vcpu_sysregs[i]);
}

static void restore_context(struct cpu *c, const struct vcpu_context *v)
{
    for (unsigned i = 0; i < 31; i++)
        cpu_set_x(c, i, v->x[i]);
    for (size_t i = 0; i < VCPU_NSYSREGS; i++)
        (void)cpu_sysreg_set(c, vcpu_sysregs[i], v->sysreg[i]);
    cpu_sysreg_set(c, ENC_ELR_EL2, v->pc);
    cpu_sysreg_set(c, ENC_SPSR_EL2, v->pstate);
}

/* The next vCPU of core `core` after `cur` in index order, wrapping
 * round, that has not shut down; -1 when there is none but `cur`. */
static int next_vcpu(const struct machine_hv *h, unsigned core, int cur)
{
    for (unsigned k = 1; k <= h->nvcpus; k++) {
        unsigned v = ((unsigned)cur + k) % h->nvcpus;
        if ((int)v != cur && !h->vcpu_off[v] && hv_vcpu_core(h->hv, v) == core)
            return (int)v;
    }
    return -1;
}

/* The running vCPU's slice starts now: the core's EL2 physical timer is
 * set to its end when another vCPU waits for the core, off otherwise. */
static void arm_slice_timer(struct machine_hv *h, struct cpu *c)
{
    h->slice_start[c->id] = c->icount;
    bool shared = next_vcpu(h, c->id, h->core_vcpu[c->id]) >= 0;
    cpu_sysreg_set(c, ENC_CNTHP_CVAL_EL2, c->icount + h->slice);
    cpu_sysreg_set(c, ENC_CNTHP_CTL_EL2, shared ? 1 : 0);
}

static void fail(struct machine_hv *h, const char *msg)
{
    if (!h->failed)
        snprintf(h->message, sizeof h->message, "%s", msg);
    h->failed = true;
}

/* Takes the core's vCPU off (its state saved when `save`, the core being
 * at EL2 with ELR_EL2/SPSR_EL2 where the vCPU resumes) and puts the next
 * one of the core on, through the model's context switch (the stage-2
 * regions of the domains).  Returns false when there is no other vCPU. */
static bool switch_vcpu(struct machine *m, struct cpu *c, bool save)
{
    struct machine_hv *h = m->hv;
    int cur = h->core_vcpu[c->id];
    int next = next_vcpu(h, c->id, cur);
    if (next < 0)
        return false;
    if (save)
        save_context(c, &h->ctx[cur]);
    struct msa_error err = {{0}};
    if (hv_context_switch(h->hv, c->id, next, &err) > 0) {
        fail(h, err.msg);
        park_core(c);
        return false;
    }
    cpu_tlb_flush(c);
    load_el2_state(h, c, c->id);
    restore_context(c, &h->ctx[next]);
    h->core_vcpu[c->id] = next;
    arm_slice_timer(h, c);
    return true;
}

/* The slice timer's interrupt: the vCPU is preempted where it was.  (Also
 * the way off the core for a vCPU whose domain was crashed while it ran at
 * EL1: machine_hv_guest_stuck.) */
static void on_slice_timer(struct machine *m, struct cpu *c)
{
    struct machine_hv *h = m->hv;
    struct cpu_irq_lines lines = c->lines;
    lines.irq = false;
    cpu_set_irq_lines(c, &lines);
    cpu_sysreg_set(c, ENC_CNTHP_CTL_EL2, 0);
    if (h->vcpu_off[h->core_vcpu[c->id]]) {
        if (switch_vcpu(m, c, false)) {
            cpu_eret(c);
        } else {
            h->core_vcpu[c->id] = -1;
            park_core(c);
        }
        return;
    }
    if (switch_vcpu(m, c, true))
        h->preemptions++;
    else
        arm_slice_timer(h, c);
    cpu_eret(c);
}

void machine_hv_poll_timers(struct machine *m, unsigned core)
{
    struct machine_hv *h = m->hv;
    if (!h || core >= m->ncores || h->core_vcpu[core] < 0)
        return;
    struct cpu *c = m->cores[core];
    if ((cpu_timer_lines(c) & 4) && !c->lines.irq) {
        struct cpu_irq_lines lines = c->lines;
        lines.irq = true;
        cpu_set_irq_lines(c, &lines);
    }
}

#define SHUTDOWN_CRASH 3u
#define HCR_IMO (1ull << 4)

/* The domain vCPU `v` belongs to (vCPU 0 of each domain is looked up), or -1. */
static int domain_of_vcpu(const struct machine_hv *h, int v)
{
    const struct hv_boot_info *info = hv_info(h->hv);
    for (unsigned k = 0; k < info->ndomains; k++)
        if (hv_vcpu_index(h->hv, (int)k, 0) == v)
            return (int)k;
    return -1;
}

static void mark_shut(struct machine_hv *h, int d, unsigned reason)
{
    if (d >= 0 && !h->shut[d]) {
        h->shut[d] = true;
        h->reason[d] = reason;
        h->nshut++;
    }
}

bool machine_hv_guest_stuck(struct machine *m, unsigned core, uint64_t pc, unsigned el, uint32_t esr)
{
    struct machine_hv *h = m->hv;
    if (!h || core >= m->ncores || h->core_vcpu[core] < 0 || el != 1)
        return false;
    struct cpu *c = m->cores[core];
    if (!(sr(c, ENC_HCR_EL2) & HCR_IMO))
        return false;
    int v = h->core_vcpu[core];
    mark_shut(h, domain_of_vcpu(h, v), SHUTDOWN_CRASH);
    h->vcpu_off[v] = true;
    if (!h->failed)
        snprintf(h->message, sizeof h->message,
                 "core %u: the guest is stuck in a loop of exceptions at its own EL1: PC 0x%llx, "
                 "ESR_EL1 0x%08x (EC 0x%02x); its domain was crashed",
                 core, (unsigned long long)pc, esr, esr >> 26);
    h->failed = true;
    /* An IRQ routed to EL2 is taken from EL1 whatever PSTATE.I says: it
     * brings the core to EL2, where on_slice_timer takes the vCPU off. */
    struct cpu_irq_lines lines = c->lines;
    lines.irq = true;
    cpu_set_irq_lines(c, &lines);
    return true;
}

/* Whether the abort about to be injected is the same one again, with no
 * progress in between, for the INJECT_LOOP_LIMIT-th time; the message
 * names it. */
static bool inject_loops(struct machine_hv *h, struct cpu *c, const struct hv_trap *t,
                         const struct hv_guest_outcome *out)
{
    struct inject_watch *lp = &h->inject_loop[c->id];
    if (lp->elr == t->elr && lp->esr == out->inject_esr && c->icount - lp->icount < INJECT_LOOP_PROGRESS)
        lp->repeats++;
    else
        lp->repeats = 0;
    lp->elr = t->elr;
    lp->esr = out->inject_esr;
    lp->icount = c->icount;
    if (lp->repeats < INJECT_LOOP_LIMIT)
        return false;
    lp->repeats = 0;
    if (!h->failed)
        snprintf(h->message, sizeof h->message,
                 "core %u: the guest is stuck in a loop of injected aborts: PC 0x%llx at EL1, "
                 "ESR_EL1 0x%08x (EC 0x%02x), FAR 0x%llx; its domain was crashed",
                 c->id, (unsigned long long)t->elr, out->inject_esr, out->inject_esr >> 26,
                 (unsigned long long)out->inject_far);
    h->failed = true;
    return true;
}

static void on_exception(void *ctx, struct cpu *c, unsigned target_el, uint32_t esr)
{
    struct machine *m = ctx;
    struct machine_hv *h = m->hv;
    if (!h || target_el != 2 || c->id >= MACHINE_MAX_CORES || h->core_vcpu[c->id] < 0)
        return;
    if (((c->pc - sr(c, ENC_VBAR_EL2)) & 0x7FF) == VECTOR_IRQ_LOWER) {
        on_slice_timer(m, c);
        return;
    }
    uint64_t regs[31];
    for (unsigned i = 0; i < 31; i++)
        regs[i] = cpu_get_x(c, i);
    struct hv_trap t = {
        .core = c->id, .vcpu = (unsigned)h->core_vcpu[c->id], .esr = esr,
        .far = sr(c, ENC_FAR_EL2), .hpfar = sr(c, ENC_HPFAR_EL2), .regs = regs,
        .elr = sr(c, ENC_ELR_EL2), .spsr = sr(c, ENC_SPSR_EL2),
    };
    struct hv_guest_outcome out;
    struct msa_error err = {{0}};
    int rc = hv_guest_trap(h->guests, &t, &out, &err);
    /* The model may have changed the MPU (map_domain_page and back). */
    cpu_tlb_flush(c);
    if (rc != HV_TRAP_HANDLED) {
        if (!h->failed)
            snprintf(h->message, sizeof h->message, "%s", err.msg);
        h->failed = true;
        park_core(c);
        return;
    }
    for (unsigned i = 0; i < 31; i++)
        cpu_set_x(c, i, regs[i]);
    int d = domain_of_vcpu(h, h->core_vcpu[c->id]);
    if (out.action == HV_ACT_INJECT_ABORT && inject_loops(h, c, &t, &out)) {
        /* The domain is crashed (Xen's domain_crash); the other vCPUs of
         * the core go on. */
        out.action = HV_ACT_SHUTDOWN;
        out.reason = SHUTDOWN_CRASH;
    }
    switch (out.action) {
    case HV_ACT_SHUTDOWN:
        mark_shut(h, d, out.reason);
        h->vcpu_off[t.vcpu] = true;
        if (switch_vcpu(m, c, false))
            cpu_eret(c);
        else {
            h->core_vcpu[c->id] = -1;
            park_core(c);
        }
        return;
    case HV_ACT_INJECT_ABORT:
        inject_abort(c, &t, &out);
        break;
    default:
        /* Yield and block give the core to the next vCPU; alone on its
         * core (and with no event sources) the vCPU runs on at once, as
         * with an event pending. */
        cpu_sysreg_set(c, ENC_ELR_EL2, t.elr);
    }
    if (out.action == HV_ACT_YIELD || out.action == HV_ACT_BLOCK ||
        c->icount - h->slice_start[c->id] >= h->slice)
        (void)switch_vcpu(m, c, true);
    cpu_eret(c);
}

/* ---- start -------------------------------------------------------------- */

static void load_el2_state(struct machine_hv *h, struct cpu *c, unsigned core)
{
    static const struct {
        unsigned reg;
        uint32_t enc;
    } regs[] = {
        {HV_SYSREG_HCR_EL2, ENC_HCR_EL2},     {HV_SYSREG_VSCTLR_EL2, ENC_VSCTLR_EL2},
        {HV_SYSREG_VTCR_EL2, ENC_VTCR_EL2},   {HV_SYSREG_SCTLR_EL1, ENC_SCTLR_EL1},
        {HV_SYSREG_SCTLR_EL2, ENC_SCTLR_EL2}, {HV_SYSREG_MAIR_EL2, ENC_MAIR_EL2},
        {HV_SYSREG_VTTBR_EL2, ENC_VTTBR_EL2},
    };
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        (void)cpu_sysreg_set(c, regs[i].enc, hv_sysreg_value(h->hv, core, regs[i].reg));
}

static int boot_model(struct machine_hv *h, struct msa_error *err)
{
    int (*const steps[])(struct hv *, struct msa_error *) = {
        hv_step_arch_boot, hv_step_devices, hv_step_secondary_cpus, hv_step_domains,
        hv_step_finish_boot, hv_step_runtime_switches,
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int st = steps[i](h->hv, err);
        if (st > 0)
            return -1;
    }
    return 0;
}

/* The recording starts before the model boots, so the trace holds the
 * whole run: boot, domain construction, and the guests' requests. */
static int start_trace(struct machine *m, const struct machine_hv_config *hc,
                       struct hv_config *cfg, struct msa_error *err)
{
    struct machine_hv *h = m->hv;
    size_t size;
    if (platform_dtb_with_domains(m->plat, h->tree_domains, &h->trace_dtb, &size, err) < 0)
        return -1;
    /* The header takes the region counts from the configuration; the
     * machine's MPUs are what the model got. */
    if (m->mpus) {
        cfg->mpu_regions = m->mpus[0].el2.nregions;
        cfg->el1_mpu_regions = m->mpus[0].el1.nregions;
    }
    struct trace_header th;
    if (trace_header_with_dtb(m->plat->source, h->trace_dtb, size, cfg,
                              "recorded by msasim run: the guests are the device tree's "
                              "xen,domain nodes", &th, err) < 0)
        return -1;
    return trace_record_start(h->hv, hc->trace_out, &th, &h->rec, err);
}

int machine_hv_trace_finish(struct machine *m, struct msa_error *err)
{
    if (!m->hv || !m->hv->rec)
        return 0;
    int rc = trace_record_finish(m->hv->rec, err);
    m->hv->rec = NULL;
    return rc;
}

int machine_hv_attach(struct machine *m, const struct machine_hv_config *hc, struct stats *stats,
                      struct msa_error *err)
{
    if (m->hv)
        return msa_error_set(err, "--hv: the machine already runs a hypervisor model");
    /* The module says which cores it manages: the EL2 MPU (r) or the EL2
     * MMU and stage-2 page tables (a). */
    const struct hv_module_ops *ops;
    void *dl;
    if (hv_module_resolve(hc->module, &ops, &dl, err) < 0)
        return -1;
    char want = ops->profile ? ops->profile : 'r';
    hv_module_release(dl);
    if (m->profile != want)
        return msa_error_set(err, "--hv %s: the model manages profile %c cores; %s has "
                             "profile %c cores (--profile, --platform)", hc->module, want,
                             m->plat->source, m->profile);
    size_t tree_domains = m->plat->domains.count;
    if (tree_domains && hc->nguests)
        return msa_error_set(err, "%s: has %zu xen,domain node%s: the guests are their "
                             "multiboot modules (--module ADDR:FILE), not files on the command "
                             "line", m->plat->source, tree_domains, tree_domains == 1 ? "" : "s");
    if (!tree_domains && hc->nmodules)
        return msa_error_set(err, "--module %s: %s has no xen,domain nodes whose modules it "
                             "could fill; give the guests on the command line instead",
                             hc->modules[0], m->plat->source);
    if (!tree_domains && hc->nguests == 0)
        return msa_error_set(err, "--hv %s: no guest given; expected one or more guest files "
                             "(ELF or arm64 Image), or a platform with xen,domain nodes",
                             hc->module);
    if (tree_domains > HV_MAX_DOMAINS)
        return msa_error_set(err, "%s: %zu xen,domain nodes: the model holds at most %u domains",
                             m->plat->source, tree_domains, HV_MAX_DOMAINS);
    struct machine_hv *h = calloc(1, sizeof *h);
    if (!h)
        return msa_error_set(err, "out of memory");
    m->hv = h;
    for (unsigned c = 0; c < MACHINE_MAX_CORES; c++)
        h->core_vcpu[c] = -1;
    h->tree_domains = tree_domains;
    h->stats = stats;

    uint64_t entries[HV_MAX_DOMAINS];
    if (hc->nguests > HV_MAX_DOMAINS)
        return msa_error_set(err, "%u guests: the model holds at most %u domains", hc->nguests,
                             HV_MAX_DOMAINS);
    if (tree_domains && machine_hv_load_modules(m, hc->modules, hc->nmodules, entries, err) < 0)
        return -1;
    for (unsigned i = 0; i < hc->nguests; i++) {
        struct loaded_image img;
        uint64_t at = GUEST_IMAGE_BASE + (uint64_t)i * GUEST_MEM_SIZE;
        if (load_file_auto(m->ram, hc->guests[i], at, &img, err) < 0)
            return -1;
        cpu_cluster_code_written(m->cluster, img.low, img.high - img.low);
        entries[i] = img.entry;
        if (i == 0) {
            symbols_free(m->syms);
            m->syms = img.syms;
            img.syms = NULL;
        }
        loaded_image_release(&img);
        uint64_t module = GUEST_MODULE_BASE + (uint64_t)i * GUEST_MEM_SIZE;
        if (add_domain(m, i, hc->guests[i], &img, module, err) < 0 ||
            machine_hv_move_image(m, hc->guests[i], &img, module, GUEST_MEM_SIZE, err) < 0)
            return -1;
    }
    h->ndomains = tree_domains ? (unsigned)tree_domains : hc->nguests;

    /* With fewer cores than the device tree lists (--cores), the model
     * sees the cores that exist: the others' cpu nodes are dropped, and
     * the vCPUs share the cores that are left. */
    if (m->ncores && m->plat->cpus.count > m->ncores) {
        for (size_t i = m->ncores; i < m->plat->cpus.count; i++) {
            free(m->plat->cpus.items[i].compatible);
            free(m->plat->cpus.items[i].enable_method);
        }
        m->plat->cpus.count = m->ncores;
    }
    /* slice=N is the machine's (the scheduler runs here); the rest go to
     * the model. */
    h->slice = DEFAULT_SLICE;
    const char **opts = calloc(hc->noptions + 1, sizeof *opts);
    unsigned nopts = 0;
    if (!opts)
        return msa_error_set(err, "out of memory");
    for (unsigned i = 0; i < hc->noptions; i++) {
        if (strncmp(hc->options[i], "slice=", 6) != 0) {
            opts[nopts++] = hc->options[i];
            continue;
        }
        char *end;
        const char *val = hc->options[i] + 6;
        unsigned long long n = strtoull(val, &end, 0);
        if (*val < '0' || *val > '9' || *end || n == 0) {
            free(opts);
            return msa_error_set(err, "--hv-opt %s: expected slice=N, N a positive number of "
                                 "instructions", hc->options[i]);
        }
        h->slice = n;
    }
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = hc->module;
    cfg.options = opts;
    cfg.noptions = nopts;
    cfg.mpus = m->mpus;
    cfg.nmpus = m->ncores;
    cfg.ram = m->ram;
    cfg.check = hc->check_every_op ? HV_CHECK_EVERY : HV_CHECK_END;
    int created = hv_create(&cfg, m->plat, stats, &h->hv, err);
    if (created == HV_RUN_OK && hc->trace_out && start_trace(m, hc, &cfg, err) < 0)
        created = HV_RUN_FAILED;
    free(opts);
    if (created != HV_RUN_OK)
        return -1;
    if (boot_model(h, err) < 0)
        return -1;
    h->guests = hv_guests_create(h->hv, guest_console, m);
    if (!h->guests)
        return msa_error_set(err, "out of memory");
    /* The model copied the kernels: drop what the cores decoded. */
    for (unsigned i = 0; i < h->ndomains; i++) {
        const struct hv_domain_info *di = &hv_info(h->hv)->domains[i];
        if (di->nstatic_mem == 0)
            continue;
        cpu_cluster_code_written(m->cluster, di->static_mem[0].base, di->static_mem[0].size);
    }

    for (unsigned i = 0; i < m->ncores; i++) {
        struct cpu_hooks hooks = m->cores[i]->hooks;
        hooks.on_exception = on_exception;
        hooks.ctx = m;
        cpu_set_hooks(m->cores[i], &hooks);
        /* No debugger sits behind a guest: HLT #0xF000 is UNDEFINED, as
         * on a board under Xen, instead of a semihosting call by which a
         * guest could print past the hypervisor or end the whole run. */
        m->cores[i]->cfg.semihosting = false;
    }
    h->nvcpus = hv_nvcpus(h->hv);
    h->ctx = calloc(h->nvcpus ? h->nvcpus : 1, sizeof *h->ctx);
    h->vcpu_off = calloc(h->nvcpus ? h->nvcpus : 1, sizeof *h->vcpu_off);
    if (!h->ctx || !h->vcpu_off)
        return msa_error_set(err, "out of memory");
    /* Every core with a vCPU enters its first one at EL1; the others of
     * the core start from the same reset state at their entry points. */
    for (unsigned d = 0; d < h->ndomains; d++) {
        int v = hv_vcpu_index(h->hv, (int)d, 0);
        if (v < 0)
            continue;
        unsigned core = hv_vcpu_core(h->hv, (unsigned)v);
        if (core >= m->ncores)
            continue;
        struct cpu *c = m->cores[core];
        if (h->core_vcpu[core] >= 0) {
            h->ctx[v] = h->ctx[h->core_vcpu[core]];
            h->ctx[v].pc = entries[d];
            continue;
        }
        cpu_reset(c, entries[d]);
        load_el2_state(h, c, core);
        cpu_sysreg_set(c, ENC_SPSR_EL2, SPSR_EL1H_MASKED);
        cpu_sysreg_set(c, ENC_ELR_EL2, entries[d]);
        save_context(c, &h->ctx[v]);
        cpu_eret(c);
        cpu_tlb_flush(c);
        h->core_vcpu[core] = v;
    }
    for (unsigned core = 0; core < m->ncores; core++)
        if (h->core_vcpu[core] >= 0)
            arm_slice_timer(h, m->cores[core]);
    m->entry = entries[0];
    return 0;
}

int machine_hv_exit_status(const struct machine *m, const struct machine_result *r, char *msg,
                           size_t len)
{
    const struct machine_hv *h = m->hv;
    if (!h)
        return -1;
    if (h->failed) {
        snprintf(msg, len, "%s", h->message);
        return 1;
    }
    if (r->reason != MACHINE_STOP_ALL_OFF || h->nshut < h->ndomains)
        return -1;
    int status = 0;
    for (unsigned d = 0; d < h->ndomains; d++)
        if (h->reason[d] == 3)   /* SHUTDOWN_crash */
            status = 1;
    if (status)
        snprintf(msg, len, "a guest shut down with SHUTDOWN_crash");
    return status;
}

void machine_hv_export(struct machine *m)
{
    if (!m->hv || !m->hv->hv)
        return;
    if (m->hv->guests)
        hv_guests_export(m->hv->guests);
    hv_export_stats(m->hv->hv);
    if (m->hv->stats) {
        uint64_t *p = stats_counter(m->hv->stats, "hv.preemptions",
                                    "vCPUs preempted by the slice timer's interrupt");
        if (p)
            *p = m->hv->preemptions;
        stats_summary_set(m->hv->stats, "guest_preemptions", (double)m->hv->preemptions);
    }
}

void machine_hv_free(struct machine *m)
{
    if (!m->hv)
        return;
    hv_guests_free(m->hv->guests);
    trace_record_abort(m->hv->rec);
    free(m->hv->trace_dtb);
    hv_destroy(m->hv->hv);
    free(m->hv->ctx);
    free(m->hv->vcpu_off);
    free(m->hv);
    m->hv = NULL;
}
