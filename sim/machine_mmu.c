/* The cores' translation seam served by the VMSAv8-64 model (mmu/mmu.h).
 *
 * Profile a: every core has its own TLBs (struct mmu_tlb); each request the
 * core cannot serve from its soft TLB becomes an mmu_translate() with the
 * control registers in effect, page tables are read from the machine's
 * RAM, TLBI reaches the TLBs its scope names (every core's for the
 * broadcast forms), and AT fills PAR_EL1 from mmu_at().
 *
 * Profile r with the EL1 MMU (ID_AA64MMFR0_EL1.MSA_frac = 2): while
 * VTCR_EL2.MSA = 1, EL1&0 stage 1 is a VMSA walk and the EL2 MPU stands in
 * for stage 2 (mmu_stage2_mpu); the EL2 regime, the MPU registers and
 * VTCR_EL2.MSA = 0 stay with the MPU ops machine_attach_mpus installed,
 * which this layer wraps.
 *
 * The MMU holds no state the core must synchronize: the registers are read
 * at every call, and the core flushes its soft TLB whenever one of them is
 * written, so context synchronization has nothing to do here. */
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "mmu/mmu.h"
#include "mpu/mpu.h"
#include "sim/machine.h"

#define VTCR_MSA (1ull << 31)   /* Armv8-R: EL1&0 stage 1 is VMSA */
#define PAR_NS   (1ull << 9)    /* PAR_EL1.NS, when F = 0 */

struct machine_mmus {
    struct mmu_tlb *tlb;                 /* one per core */
    unsigned ntlb;
    const struct cpu_xlat_ops *mpu_ops;  /* profile r: the MPU seam wrapped */
    struct mmu_bus bus;
    struct cpu_bus mem;                  /* the cores' view of memory */
};

static int read_pa(void *ctx, uint64_t pa, uint64_t *val8)
{
    const struct cpu_bus *mem = ctx;
    /* Walks read memory the cores could fetch from; a device is an
     * external abort on the walk. */
    uint8_t *p = mem->host_ptr ? mem->host_ptr(mem->ctx, pa, false) : NULL;
    if (!p)
        return 1;
    memcpy(val8, p, 8);
    return 0;
}

/* The registers of `regime` in effect on `cpu`. */
static void control_regs(const struct machine *m, const struct cpu *cpu, enum mmu_regime regime,
                         struct mmu_ctl *ctl)
{
    memset(ctl, 0, sizeof *ctl);
    ctl->regime = regime;
    if (regime == MMU_REGIME_EL2) {
        ctl->sctlr = cpu->sr[CPU_SR_SCTLR_EL2];
        ctl->tcr = cpu->sr[CPU_SR_TCR_EL2];
        ctl->ttbr0 = cpu->sr[CPU_SR_TTBR0_EL2];
        ctl->mair = cpu->sr[CPU_SR_MAIR_EL2];
    } else {
        ctl->sctlr = cpu->sr[CPU_SR_SCTLR_EL1];
        ctl->tcr = cpu->sr[CPU_SR_TCR_EL1];
        ctl->ttbr0 = cpu->sr[CPU_SR_TTBR0_EL1];
        ctl->ttbr1 = cpu->sr[CPU_SR_TTBR1_EL1];
        ctl->mair = cpu->sr[CPU_SR_MAIR_EL1];
    }
    ctl->hcr = cpu->sr[CPU_SR_HCR_EL2];
    ctl->vtcr = cpu->sr[CPU_SR_VTCR_EL2];
    /* Armv8-R has no VTTBR_EL2: VSCTLR_EL2 (TTBR0_EL2's encoding) holds
     * the VMID at [63:48]. */
    ctl->vttbr = m->profile == 'r' ? cpu->sr[CPU_SR_TTBR0_EL2] : cpu->sr[CPU_SR_VTTBR_EL2];
    ctl->pa_bits = machine_pa_bits(m);
}

unsigned machine_pa_bits(const struct machine *m)
{
    /* PARange the core reports in ID_AA64MMFR0_EL1 */
    return m->profile == 'r' ? 40 : 44;
}

/* Profile r: EL1&0 translated by the MMU with the EL2 MPU as stage 2. */
static bool el1_vmsa(const struct machine *m, const struct cpu *cpu)
{
    return m->profile == 'r' && (cpu->sr[CPU_SR_VTCR_EL2] & VTCR_MSA);
}

static void set_fault(const struct mmu_result *res, struct cpu_fault *fault)
{
    fault->stage = res->stage;
    fault->level = (int8_t)res->level;
    fault->fsc = res->fsc;
    fault->s1ptw = res->s1ptw;
    fault->ipa_valid = res->ipa_valid;
    fault->ipa = res->fault_ipa;
}

/* Everything one MMU operation of `cpu` needs: registers of `regime`, and
 * on profile r the EL2 MPU plugged in as stage 2 (`s2` must outlive the
 * call). */
static void prepare(struct machine *m, struct cpu *cpu, enum mmu_regime regime, struct mmu_ctl *ctl,
                    struct mpu_ctl *mctl, struct mmu_mpu_stage2 *s2)
{
    control_regs(m, cpu, regime, ctl);
    if (m->profile == 'r') {
        mpu_ctl_from_regs(mctl, cpu->sr[CPU_SR_SCTLR_EL1], cpu->sr[CPU_SR_SCTLR_EL2],
                          cpu->sr[CPU_SR_HCR_EL2], cpu->sr[CPU_SR_VTCR_EL2],
                          cpu->sr[CPU_SR_MAIR_EL1], cpu->sr[CPU_SR_MAIR_EL2]);
        s2->pair = &m->mpus[cpu->id];
        s2->ctl = mctl;
        ctl->stage2 = mmu_stage2_mpu;
        ctl->stage2_ctx = s2;
    }
}

static int mmu_xlat_translate(void *ctx, struct cpu *cpu, const struct cpu_xlat_req *req,
                              struct cpu_xlat *out, struct cpu_fault *fault)
{
    struct machine *m = ctx;
    struct machine_mmus *mm = m->mmus;
    if (m->profile == 'r' && (req->regime_el2 || !el1_vmsa(m, cpu)))
        return mm->mpu_ops->translate(ctx, cpu, req, out, fault);
    struct mmu_ctl ctl;
    struct mpu_ctl mctl;
    struct mmu_mpu_stage2 s2;
    prepare(m, cpu, req->regime_el2 ? MMU_REGIME_EL2 : MMU_REGIME_EL10, &ctl, &mctl, &s2);
    bool unpriv = req->el == 0 && cpu_current_el(cpu) == 1;
    struct mmu_req r = {
        .va = req->va,
        .type = req->kind == CPU_ACC_WRITE ? MMU_ACC_WRITE
              : req->kind == CPU_ACC_EXEC ? MMU_ACC_EXEC : MMU_ACC_READ,
        .el = (uint8_t)(unpriv ? 1 : req->el),
        .unprivileged = unpriv,
    };
    struct mmu_result res;
    if (!mmu_translate(&mm->tlb[cpu->id], &ctl, &mm->bus, &r, &res)) {
        set_fault(&res, fault);
        return 1;
    }
    out->pa = res.pa;
    /* The core may keep the page in its soft TLB when the whole 4 KiB
     * page translates alike; it drops it at every TLBI and register write. */
    out->page_ok = res.page_shift >= 12;
    return 0;
}

/* TLBI: the scope rules are the model's; the machine only decides which
 * cores' TLBs it reaches. */
static void do_tlbi(struct machine *m, struct cpu *cpu, unsigned op1, unsigned crn, unsigned crm,
                    unsigned op2, uint64_t xt)
{
    struct machine_mmus *mm = m->mmus;
    int op = mmu_tlbi_decode(op1, crn, crm, op2);
    if (op < 0) {
        /* An encoding the model does not name (the core accepts every
         * TLBI encoding): dropping everything is always allowed. */
        for (unsigned k = 0; k < mm->ntlb; k++)
            mmu_tlb_flush_all(&mm->tlb[k]);
        return;
    }
    struct mmu_ctl ctl;
    control_regs(m, cpu, MMU_REGIME_EL10, &ctl);
    uint16_t vmid = mmu_ctl_vmid(&ctl);
    bool asid16 = (ctl.tcr & MMU_TCR_AS) != 0;
    if (mmu_tlbi_broadcasts((enum mmu_tlbi_op)op, cpu_current_el(cpu), ctl.hcr)) {
        for (unsigned k = 0; k < mm->ntlb; k++)
            mmu_tlbi(&mm->tlb[k], (enum mmu_tlbi_op)op, xt, vmid, asid16);
    } else {
        mmu_tlbi(&mm->tlb[cpu->id], (enum mmu_tlbi_op)op, xt, vmid, asid16);
    }
    machine_el2_maps_tlbi(m, cpu);
}

static int mmu_xlat_sys_op(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t xt, uint64_t *par,
                           struct cpu_fault *fault)
{
    struct machine *m = ctx;
    struct machine_mmus *mm = m->mmus;
    unsigned op1 = (enc >> 11) & 7, crn = (enc >> 7) & 15, crm = (enc >> 3) & 15, op2 = enc & 7;
    if (crn == 8) {
        do_tlbi(m, cpu, op1, crn, crm, op2, xt);
        return 0;
    }
    int op = mmu_at_decode(op1, crn, crm, op2);
    if (op < 0)
        return -1;
    enum mmu_regime regime = mmu_at_regime((enum mmu_at_op)op);
    /* Profile r: the EL2 regime is PMSA, and so is EL1&0 until VTCR_EL2.MSA
     * says otherwise; the core answers those from its own translation. */
    if (m->profile == 'r' && (regime == MMU_REGIME_EL2 || !el1_vmsa(m, cpu)))
        return -1;
    struct mmu_ctl ctl;
    struct mpu_ctl mctl;
    struct mmu_mpu_stage2 s2;
    prepare(m, cpu, regime, &ctl, &mctl, &s2);
    struct mmu_at_out o;
    mmu_at(&mm->tlb[cpu->id], &ctl, &mm->bus, (enum mmu_at_op)op, xt, cpu_current_el(cpu), &o);
    if (o.take_exception) {
        set_fault(&o.fault, fault);
        return 1;
    }
    *par = o.par;
    /* PAR_EL1.NS of a successful lookup is UNKNOWN in a Non-secure
     * regime; the cores of profile a run Non-secure, and like QEMU they
     * report the Non-secure output address space. */
    if (m->profile == 'a' && !(o.par & MMU_PAR_F))
        *par |= PAR_NS;
    return 0;
}

/* Profile r: the MPU keeps its registers and synchronization. */
static int wrapped_sysreg_read(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t *val)
{
    struct machine *m = ctx;
    const struct cpu_xlat_ops *in = m->mmus->mpu_ops;
    return in->sysreg_read ? in->sysreg_read(ctx, cpu, enc, val) : 1;
}

static int wrapped_sysreg_write(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t val)
{
    struct machine *m = ctx;
    const struct cpu_xlat_ops *in = m->mmus->mpu_ops;
    return in->sysreg_write ? in->sysreg_write(ctx, cpu, enc, val) : 1;
}

static int wrapped_context_sync(void *ctx, struct cpu *cpu)
{
    struct machine *m = ctx;
    const struct cpu_xlat_ops *in = m->mmus->mpu_ops;
    return in->context_sync ? in->context_sync(ctx, cpu) : 0;
}

static const struct cpu_xlat_ops mmu_xlat_ops = {
    .translate = mmu_xlat_translate,
    .sys_op = mmu_xlat_sys_op,
};

static const struct cpu_xlat_ops el1_mmu_xlat_ops = {
    .translate = mmu_xlat_translate,
    .sysreg_read = wrapped_sysreg_read,
    .sysreg_write = wrapped_sysreg_write,
    .context_sync = wrapped_context_sync,
    .sys_op = mmu_xlat_sys_op,
};

int machine_attach_mmus(struct machine *m, struct msa_error *err)
{
    if (m->ncores == 0)
        return msa_error_set(err, "the MMUs need the cores created first");
    if (m->profile == 'r' && !m->mpus)
        return msa_error_set(err, "the EL1 MMU of profile r needs the MPUs attached first");
    struct machine_mmus *mm = calloc(1, sizeof *mm);
    if (!mm)
        return msa_error_set(err, "out of memory creating the MMUs");
    m->mmus = mm;
    mm->tlb = calloc(m->ncores, sizeof *mm->tlb);
    if (!mm->tlb)
        return msa_error_set(err, "out of memory creating the TLBs");
    mm->mem = m->cores[0]->bus;
    mm->bus.ctx = &mm->mem;
    mm->bus.read_pa = read_pa;
    for (unsigned i = 0; i < m->ncores; i++) {
        if (mmu_tlb_init(&mm->tlb[i], NULL, err) < 0)
            return msa_error_prefix(err, "core %u: ", i);
        mm->ntlb++;
    }
    if (m->profile == 'r')
        mm->mpu_ops = m->cores[0]->xlat;
    for (unsigned i = 0; i < m->ncores; i++)
        cpu_set_xlat(m->cores[i], m->profile == 'r' ? &el1_mmu_xlat_ops : &mmu_xlat_ops, m);
    return 0;
}

void machine_free_mmus(struct machine *m)
{
    struct machine_mmus *mm = m->mmus;
    if (!mm)
        return;
    for (unsigned i = 0; i < mm->ntlb; i++)
        mmu_tlb_free(&mm->tlb[i]);
    free(mm->tlb);
    free(mm);
    m->mmus = NULL;
}

const struct mmu_tlb *machine_core_tlb(const struct machine *m, unsigned core)
{
    if (!m->mmus || core >= m->mmus->ntlb)
        return NULL;
    return &m->mmus->tlb[core];
}
