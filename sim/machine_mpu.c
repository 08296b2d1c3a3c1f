/* Profile r: the cores' translation seam served by the PMSAv8-64 MPUs.
 * Each core has an EL1 and an EL2 MPU (mpu/mpu.h); the core hands its
 * translation requests and the MPU register accesses here. */
#include <stdlib.h>

#include "cpu/cpu.h"
#include "mpu/mpu.h"
#include "sim/machine.h"

static struct mpu_pair *core_mpus(struct machine *m, struct cpu *cpu)
{
    return &m->mpus[cpu->id];
}

static void control_bits(const struct cpu *cpu, struct mpu_ctl *ctl)
{
    mpu_ctl_from_regs(ctl, cpu->sr[CPU_SR_SCTLR_EL1], cpu->sr[CPU_SR_SCTLR_EL2], cpu->sr[CPU_SR_HCR_EL2],
                      cpu->sr[CPU_SR_VTCR_EL2], cpu->sr[CPU_SR_MAIR_EL1], cpu->sr[CPU_SR_MAIR_EL2]);
}

/* True when every address of the 4 KiB page of `va` resolves to region
 * `slot` of `mpu`, so that every access of this kind in the page resolves
 * the same way and the core may cache the page.  Covering the page is not
 * enough: another enabled region inside it makes part of it an overlap,
 * which faults.  The effective regions' segment index (every address in a
 * segment matches the same set of regions) answers it.  Nothing is cached
 * while a region write waits for its context synchronization, so that each
 * such access reaches the MPU and is counted. */
static bool page_in_one_region(struct mpu *mpu, int slot, uint64_t va)
{
    if (slot < 0 || mpu->pending)
        return false;
    uint64_t page = va & ~(uint64_t)0xFFF;
    const struct mpu_index *ix = mpu_segments(mpu);
    unsigned lo = 0, hi = ix->nseg;   /* the last segment starting at or below page */
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (ix->start[mid] <= page)
            lo = mid;
        else
            hi = mid;
    }
    if (ix->region[lo] != slot)
        return false;
    return lo + 1 == ix->nseg || ix->start[lo + 1] > page + 0xFFF;
}

static int report_fault(const struct mpu_result *res, struct cpu_fault *fault)
{
    fault->stage = res->stage;
    fault->level = (int8_t)res->level;
    fault->fsc = res->fsc;
    fault->s1ptw = false;
    fault->ipa_valid = res->stage == 2 && res->hpfar_valid;
    fault->ipa = res->ipa;
    return 1;
}

static int mpu_translate(void *ctx, struct cpu *cpu, const struct cpu_xlat_req *req, struct cpu_xlat *out,
                         struct cpu_fault *fault)
{
    struct machine *m = ctx;
    struct mpu_pair *pair = core_mpus(m, cpu);
    struct mpu_ctl ctl;
    control_bits(cpu, &ctl);
    unsigned cur_el = cpu_current_el(cpu);
    struct mpu_req mr = {
        .addr = req->va,
        .type = req->kind == CPU_ACC_WRITE ? MPU_ACC_WRITE : req->kind == CPU_ACC_EXEC ? MPU_ACC_EXEC : MPU_ACC_READ,
        .el = (uint8_t)(req->el == 0 && cur_el == 1 ? 1 : req->el),
        .unprivileged = req->el == 0 && cur_el == 1,
    };
    struct mpu_result res;
    if (!mpu_lookup(pair, &ctl, &mr, &res))
        return report_fault(&res, fault);
    /* An access that crosses a 64-byte granule may end in another region,
     * or in none (mpu/mpu.h): its last byte is checked too.  Accesses that
     * cross a page reach here byte by byte. */
    if (req->size > 1 && (req->va & (MPU_GRANULE - 1)) + req->size > MPU_GRANULE) {
        struct mpu_req last = mr;
        struct mpu_result last_res;
        last.addr = req->va + req->size - 1;
        if (!mpu_lookup(pair, &ctl, &last, &last_res))
            return report_fault(&last_res, fault);
    }
    out->pa = res.pa;
    /* A page may be cached by the core only when each stage that applied
     * matched one region spanning the page; background hits and small
     * regions are looked up every time. */
    bool el2_regime = req->regime_el2;
    bool s1_on = el2_regime ? ctl.el2_m : (ctl.el1_m && !ctl.hcr_tge);
    bool s2_on = !el2_regime && ctl.hcr_vm;
    bool ok = true;
    if (s1_on)
        ok = page_in_one_region(el2_regime ? &pair->el2 : &pair->el1, res.s1_region, req->va);
    if (ok && s2_on)
        ok = page_in_one_region(&pair->el2, res.s2_region, req->va);
    out->page_ok = ok && (s1_on || s2_on);
    return 0;
}

static int mpu_sysreg_rd(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t *val)
{
    struct machine *m = ctx;
    return mpu_sysreg_read(core_mpus(m, cpu), enc, val) == MPU_SYSREG_OK ? 0 : 1;
}

static int mpu_sysreg_wr(void *ctx, struct cpu *cpu, uint32_t enc, uint64_t val)
{
    struct machine *m = ctx;
    return mpu_sysreg_write(core_mpus(m, cpu), enc, val) == MPU_SYSREG_OK ? 0 : 1;
}

/* Nonzero tells the core its cached translations are stale. */
static int mpu_sync(void *ctx, struct cpu *cpu)
{
    struct machine *m = ctx;
    struct mpu_pair *pair = core_mpus(m, cpu);
    uint64_t before = pair->el1.stats.syncs_changed + pair->el2.stats.syncs_changed;
    mpu_pair_context_sync(pair, cpu->icount);
    return pair->el1.stats.syncs_changed + pair->el2.stats.syncs_changed != before;
}

static const struct cpu_xlat_ops mpu_xlat_ops = {
    .translate = mpu_translate,
    .sysreg_read = mpu_sysreg_rd,
    .sysreg_write = mpu_sysreg_wr,
    .context_sync = mpu_sync,
};

int machine_attach_mpus(struct machine *m, struct msa_error *err)
{
    m->mpus = calloc(m->ncores, sizeof *m->mpus);
    if (!m->mpus)
        return msa_error_set(err, "out of memory creating the MPUs");
    for (unsigned i = 0; i < m->ncores; i++) {
        if (mpu_pair_init(&m->mpus[i], m->cfg.el1_mpu_regions, m->cfg.mpu_regions, NULL, err) < 0)
            return -1;
        cpu_set_xlat(m->cores[i], &mpu_xlat_ops, m);
    }
    return 0;
}
