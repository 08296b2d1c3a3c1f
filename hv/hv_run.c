/* The model at run time: one module, its state, the MPUs of the
 * platform's cores, and the error policy applied after every top-level
 * operation (exhaustion counted and, unless the run continues on
 * exhaustion, fatal; bad input reported as such; consistency checked when
 * asked). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/platform.h"
#include "sim/stats.h"

void hv_config_default(struct hv_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->module = "xen-mpu";
    cfg->mpu_regions = MPU_DEFAULT_EL2_REGIONS;
    cfg->el1_mpu_regions = MPU_DEFAULT_EL1_REGIONS;
    cfg->check = HV_CHECK_EVERY;
}

void hv_note(struct hv *hv, const char *fmt, ...)
{
    if (hv->nnotes >= HV_MAX_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(hv->notes[hv->nnotes++], MSA_ERROR_MAX, fmt, ap);
    va_end(ap);
}

static int route_options(struct hv *hv, const struct hv_config *cfg, struct msa_error *err)
{
    for (unsigned i = 0; i < cfg->noptions; i++) {
        const char *o = cfg->options[i];
        const char *eq = strchr(o, '=');
        if (!eq || eq == o)
            return msa_error_set(err, "--hv-opt %s: expected KEY=VALUE", o);
        char key[64];
        size_t klen = (size_t)(eq - o);
        if (klen >= sizeof key)
            return msa_error_set(err, "--hv-opt %s: key too long", o);
        memcpy(key, o, klen);
        key[klen] = '\0';
        if (strncmp(key, "cost.", 5) == 0) {
            if (hv_costs_set(&hv->costs, key + 5, eq + 1, err) < 0)
                return -1;
            continue;
        }
        if (hv_is_core_option(key))
            continue;   /* hv_build_info reads them */
        if (!hv->mod->set_option)
            return msa_error_set(err, "--hv-opt %s: module '%s' takes no options", o,
                                 hv->mod->name);
        hv->has_error = false;
        int rc = hv->mod->set_option(hv->state, &hv->hal, key, eq + 1);
        if (rc < 0)
            return msa_error_set(err, "--hv-opt %s: %s", o,
                                 hv->has_error ? hv->error : "not accepted by the module");
    }
    return 0;
}

int hv_create(const struct hv_config *cfg, const struct platform *plat, struct stats *stats,
              struct hv **out, struct msa_error *err)
{
    *out = NULL;
    if (cfg->mpu_regions < 1 || cfg->mpu_regions > MPU_MAX_REGIONS) {
        msa_error_set(err, "--mpu-regions %u: expected a region count from 1 to %u",
                      cfg->mpu_regions, MPU_MAX_REGIONS);
        return HV_RUN_BAD_INPUT;
    }
    if (cfg->el1_mpu_regions < 1 || cfg->el1_mpu_regions > MPU_MAX_REGIONS) {
        msa_error_set(err, "--el1-mpu-regions %u: expected a region count from 1 to %u",
                      cfg->el1_mpu_regions, MPU_MAX_REGIONS);
        return HV_RUN_BAD_INPUT;
    }
    if (plat->cpus.count == 0) {
        msa_error_set(err, "%s: no CPU nodes under /cpus", plat->source);
        return HV_RUN_BAD_INPUT;
    }
    if (plat->cpus.count > HV_MAX_CORES) {
        msa_error_set(err, "%s: %zu CPUs: the hypervisor model handles at most %u", plat->source,
                      plat->cpus.count, HV_MAX_CORES);
        return HV_RUN_BAD_INPUT;
    }
    struct hv *hv = calloc(1, sizeof *hv);
    if (!hv) {
        msa_error_set(err, "out of memory");
        return HV_RUN_FAILED;
    }
    hv->hal.ops = &hv_hal_ops_impl;
    hv->plat = plat;
    hv->depth = 1;
    hv->continue_on_exhaustion = cfg->continue_on_exhaustion;
    hv->check = cfg->check;
    hv->ncores = (unsigned)plat->cpus.count;
    hv->el2_regions = cfg->mpu_regions;
    hv->el1_regions = cfg->el1_mpu_regions;
    hv->cfg_fdt_size = cfg->fdt_size;
    hv_costs_default(&hv->costs);
    for (unsigned c = 0; c < HV_MAX_CORES; c++)
        hv->cur_vcpu[c] = -1;

    int status = HV_RUN_BAD_INPUT;
    if (hv_module_resolve(cfg->module, &hv->mod, &hv->dl, err) < 0)
        goto fail;
    status = HV_RUN_FAILED;
    hv->state = calloc(1, hv->mod->state_size ? hv->mod->state_size : 1);
    hv->press = calloc(hv->ncores, sizeof *hv->press);
    hv->sim_ram = cfg->ram;
    if (cfg->mpus) {
        if (cfg->nmpus != hv->ncores) {
            msa_error_set(err, "%s: %u CPUs but %u MPU pairs handed to the hypervisor model",
                          plat->source, hv->ncores, cfg->nmpus);
            goto fail;
        }
        hv->mpus = cfg->mpus;
        hv->el2_regions = cfg->mpus[0].el2.nregions;
        hv->el1_regions = cfg->mpus[0].el1.nregions;
    } else {
        hv->mpus = calloc(hv->ncores, sizeof *hv->mpus);
        hv->own_mpus = true;
    }
    if (!hv->state || !hv->mpus || !hv->press) {
        msa_error_set(err, "out of memory");
        goto fail;
    }
    for (unsigned c = 0; hv->own_mpus && c < hv->ncores; c++)
        if (mpu_pair_init(&hv->mpus[c], hv->el1_regions, hv->el2_regions, NULL, err) < 0)
            goto fail;
    if (stats) {
        hv->stats = stats;
    } else {
        hv->stats = stats_new();
        hv->own_stats = true;
        if (!hv->stats) {
            msa_error_set(err, "out of memory");
            goto fail;
        }
    }
    status = HV_RUN_BAD_INPUT;
    if (hv->mod->profile && hv->mod->profile != plat->profile)
        hv_note(hv, "%s describes profile %c cores; module %s models profile %c: the boot "
                "layout is computed as if the cores were profile %c", plat->source,
                plat->profile, hv->mod->name, hv->mod->profile, hv->mod->profile);
    if (hv_build_info(hv, cfg->options, cfg->noptions, err) < 0)
        goto fail;
    if (route_options(hv, cfg, err) < 0)
        goto fail;
    status = HV_RUN_FAILED;
    if (hv_expo_attach(hv, err) < 0)
        goto fail;
    hv_pressure_init(hv);
    if (hv->stats) {
        stats_meta_set(hv->stats, "hv.module", hv->mod->name);
        stats_meta_set(hv->stats, "hv.platform", plat->source);
    }
    *out = hv;
    return HV_RUN_OK;
fail:
    hv_destroy(hv);
    return status;
}

void hv_destroy(struct hv *hv)
{
    if (!hv)
        return;
    hv_expo_detach(hv);
    hv_free_info(hv);
    hv_trace_free(hv);
    free(hv->state);
    if (hv->own_mpus)
        free(hv->mpus);
    free(hv->press);
    if (hv->own_stats)
        stats_free(hv->stats);
    hv_module_release(hv->dl);
    free(hv);
}

/* ---- The error policy --------------------------------------------------- */

static const char *module_says(const struct hv *hv, int rc)
{
    if (hv->has_error)
        return hv->error;
    switch (rc) {
    case HV_ERR_INVAL: return "request refused";
    case HV_ERR_NOSPC: return "no free EL2 MPU region";
    case HV_ERR_NOTSUP: return "operation not implemented by the module";
    case HV_ERR_BADCFG: return "configuration not usable";
    case HV_ERR_FAULT: return "hypervisor access faulted";
    default: return "internal error";
    }
}

struct finding_sink {
    struct hv *hv;
};

static void keep_finding(void *ctx, const char *line)
{
    struct hv *hv = ctx;
    if (hv->nfindings < HV_MAX_FINDINGS)
        snprintf(hv->findings[hv->nfindings++], MSA_ERROR_MAX, "%s", line);
}

int hv_check_now(struct hv *hv, const char *when, struct msa_error *err)
{
    unsigned before = hv->nfindings;
    unsigned n = hv_check(hv, keep_finding, hv);
    if (!n)
        return HV_RUN_OK;
    hv->consistency_errors += n;
    msa_error_set(err, "%s: %u inconsistenc%s between the module's region table and the EL2 MPU "
                  "%s: %s", hv->mod->name, n, n == 1 ? "y" : "ies", when,
                  before < hv->nfindings ? hv->findings[before] : "");
    return HV_RUN_FAILED;
}

/* After a top-level operation: 0 to go on; -1 when the operation failed
 * but the run goes on (exhaustion with continue_on_exhaustion); otherwise
 * the enum hv_status that ends the run, with `err` set. */
int hv_finish_op(struct hv *hv, enum hv_op op, int rc, struct msa_error *err)
{
    if (rc >= 0) {
        if (hv->check == HV_CHECK_EVERY) {
            char when[64];
            snprintf(when, sizeof when, "after %s", hv_op_name(op));
            return hv_check_now(hv, when, err);
        }
        return 0;
    }
    const char *why = module_says(hv, rc);
    if (rc == HV_ERR_NOSPC) {
        hv->failures++;
        hv->phase_failures[hv->phase]++;
        if (hv->cur_core < hv->ncores)
            hv->press[hv->cur_core].failures++;
        if (!hv->first_exhaustion[0])
            snprintf(hv->first_exhaustion, sizeof hv->first_exhaustion,
                     "region exhaustion in %s on core %u: %.400s", hv_op_name(op), hv->cur_core, why);
        if (hv->continue_on_exhaustion)
            return -1;
        msa_error_set(err, "%s: region exhaustion in %s on core %u: %s", hv->mod->name,
                      hv_op_name(op), hv->cur_core, why);
        return HV_RUN_FAILED;
    }
    msa_error_set(err, "%s: %s failed on core %u: %s", hv->mod->name, hv_op_name(op),
                  hv->cur_core, why);
    return rc == HV_ERR_BADCFG ? HV_RUN_BAD_INPUT : HV_RUN_FAILED;
}

void hv_begin_top(struct hv *hv, enum hv_op op, unsigned core)
{
    hv->has_error = false;
    hv->cur_core = core == HV_ALL_CORES ? 0 : core;
    hv_acc_op_begin(hv, op);
}

/* ---- Single operations --------------------------------------------------- */

int hv_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req, struct msa_error *err)
{
    hv_begin_top(hv, kind, req->core);
    int rc = hv_call_map(hv, kind, req);
    hv_acc_op_end(hv, kind, rc);
    return hv_finish_op(hv, kind, rc, err);
}

int hv_map_domain_page(struct hv *hv, unsigned core, uint64_t pa, uint64_t *va,
                       struct msa_error *err)
{
    hv_begin_top(hv, HV_OP_MAP_DOMAIN_PAGE, core);
    int rc = hv_call_map_domain_page(hv, core, pa, va);
    hv_acc_op_end(hv, HV_OP_MAP_DOMAIN_PAGE, rc);
    return hv_finish_op(hv, HV_OP_MAP_DOMAIN_PAGE, rc, err);
}

int hv_unmap_domain_page(struct hv *hv, unsigned core, uint64_t va, struct msa_error *err)
{
    hv_begin_top(hv, HV_OP_UNMAP_DOMAIN_PAGE, core);
    int rc = hv_call_unmap_domain_page(hv, core, va);
    hv_acc_op_end(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc);
    return hv_finish_op(hv, HV_OP_UNMAP_DOMAIN_PAGE, rc, err);
}

int hv_context_switch(struct hv *hv, unsigned core, int vcpu, struct msa_error *err)
{
    if (core >= hv->ncores || vcpu >= (int)hv->nvcpus) {
        msa_error_set(err, "context switch: core %u or vCPU %d out of range", core, vcpu);
        return HV_RUN_FAILED;
    }
    if (vcpu >= 0 && hv->vcpus[vcpu].core != core) {
        msa_error_set(err, "context switch: vCPU %d runs on core %u, not %u", vcpu,
                      hv->vcpus[vcpu].core, core);
        return HV_RUN_FAILED;
    }
    int cur = hv->cur_vcpu[core];
    if (cur == vcpu)
        return 0;
    struct hv_vcpu_ref prev = {-1, 0}, next = {-1, 0};
    if (cur >= 0)
        prev = (struct hv_vcpu_ref){hv->vcpus[cur].domain, hv->vcpus[cur].vcpu};
    if (vcpu >= 0)
        next = (struct hv_vcpu_ref){hv->vcpus[vcpu].domain, hv->vcpus[vcpu].vcpu};
    hv_emit_switch(hv, core, vcpu);
    /* EL2 was entered from the vCPU that ran: the switch runs for it. */
    hv_expo_enter(hv, prev.domain >= 0 ? (unsigned)prev.domain : HV_EXPO_XEN);
    hv_begin_top(hv, HV_OP_CONTEXT_SWITCH, core);
    int rc = hv->mod->context_switch
                 ? hv->mod->context_switch(hv->state, &hv->hal, core, &prev, &next)
                 : 0;
    hv_acc_op_end(hv, HV_OP_CONTEXT_SWITCH, rc);
    hv->cur_vcpu[core] = vcpu;
    hv_expo_enter(hv, next.domain >= 0 ? (unsigned)next.domain : HV_EXPO_XEN);
    return hv_finish_op(hv, HV_OP_CONTEXT_SWITCH, rc, err);
}

int hv_handle_trap(struct hv *hv, struct hv_trap *trap, struct msa_error *err)
{
    if (!hv->mod->handle_trap)
        return HV_TRAP_UNHANDLED;
    hv_begin_top(hv, HV_OP_TRAP, trap->core);
    int rc = hv->mod->handle_trap(hv->state, &hv->hal, trap);
    hv_acc_op_end(hv, HV_OP_TRAP, rc);
    if (rc >= 0)
        return rc;
    int st = hv_finish_op(hv, HV_OP_TRAP, rc, err);
    return st > 0 ? -st : st;
}

/* ---- Boot steps ------------------------------------------------------------ */

int hv_step_arch_boot(struct hv *hv, struct msa_error *err)
{
    hv_set_phase(hv, HV_PHASE_BOOT);
    hv->online[0] = true;
    hv_emit_simple(hv, HV_EV_BOOT, 0, -1, 0);
    hv_begin_top(hv, HV_OP_BOOT, 0);
    int rc = hv->mod->boot(hv->state, &hv->hal, &hv->info);
    hv_acc_op_end(hv, HV_OP_BOOT, rc);
    int st = hv_finish_op(hv, HV_OP_BOOT, rc, err);
    /* Without its boot layout nothing else can run, exhaustion or not. */
    if (st < 0)
        msa_error_set(err, "%s: %s", hv->mod->name, hv->first_exhaustion);
    return st < 0 ? HV_RUN_FAILED : st;
}

int hv_nested_map(struct hv *hv, enum hv_op kind, const struct hv_map_req *req)
{
    hv_acc_op_begin(hv, kind);
    int rc = hv_call_map(hv, kind, req);
    hv_acc_op_end(hv, kind, rc);
    return rc;
}

static int ioremap(struct hv *hv, const struct hv_range *r, const char *purpose,
                   struct msa_error *err)
{
    if (!r->size)
        return 0;
    struct hv_map_req req = {.core = HV_ALL_CORES, .base = r->base & ~0xFFFull,
                             .size = ((r->base + r->size + 0xFFF) & ~0xFFFull) - (r->base & ~0xFFFull),
                             .flags = HV_MAP_HYPERVISOR_NOCACHE, .owner = HV_OWNER_DEVICE,
                             .domid = HV_DOMID_XEN, .purpose = purpose};
    int st = hv_map(hv, HV_OP_IOREMAP, &req, err);
    return st < 0 ? 0 : st;
}

/* Xen's copy_from_paddr: a write-combining mapping of the source pages,
 * memcpy, a clean of the destination, and the mapping destroyed.  Returns
 * the module's status; the caller is inside an operation. */
int hv_copy_from_paddr(struct hv *hv, uint64_t dst, uint64_t src, uint64_t len,
                       const char *purpose)
{
    uint64_t s = src & ~0xFFFull, e = (src + len + 0xFFF) & ~0xFFFull;
    struct hv_map_req req = {.core = HV_ALL_CORES, .base = s, .size = e - s,
                             .flags = HV_MAP_HYPERVISOR_WC, .owner = HV_OWNER_OTHER,
                             .domid = HV_DOMID_XEN, .purpose = purpose};
    hv_composite_begin(hv, HV_OP_COPY_FROM_PADDR, -1);
    int rc = hv_nested_map(hv, HV_OP_MAP, &req);
    if (rc == 0) {
        rc = hv_core_copy(hv, 0, dst, src, len);
        if (rc == 0)
            hv_core_clean(hv, 0, dst, len);
        req.flags = 0;
        int rc2 = hv_nested_map(hv, HV_OP_UNMAP, &req);
        if (rc == 0)
            rc = rc2;
    }
    hv_composite_end(hv, HV_OP_COPY_FROM_PADDR, rc);
    return rc;
}

static int copy_from_paddr(struct hv *hv, uint64_t dst, uint64_t src, uint64_t len,
                           const char *purpose, struct msa_error *err)
{
    hv->has_error = false;
    hv->cur_core = 0;
    int rc = hv_copy_from_paddr(hv, dst, src, len, purpose);
    int st = hv_finish_op(hv, HV_OP_COPY_FROM_PADDR, rc, err);
    return st < 0 ? 0 : st;
}

int hv_step_devices(struct hv *hv, struct msa_error *err)
{
    const struct hv_boot_info *in = &hv->info;
    int st;
    if ((st = ioremap(hv, &in->console_uart, "console UART", err)))
        return st;
    if (in->gic_version) {
        if ((st = ioremap(hv, &in->gic_dist, "GIC distributor", err)))
            return st;
        for (unsigned i = 0; i < in->ngic_redist; i++)
            if ((st = ioremap(hv, &in->gic_redist[i], "GIC redistributors", err)))
                return st;
        if (in->gic_version == 2) {
            if ((st = ioremap(hv, &in->gic_cpu, "GIC CPU interface", err)) ||
                (st = ioremap(hv, &in->gic_hyp, "GIC hypervisor interface", err)))
                return st;
        }
    }
    /* relocate_fdt: the tree is copied into the heap (an xmalloc there). */
    if (in->nstatic_heap && in->fdt.size)
        return copy_from_paddr(hv, in->static_heap[0].base, in->fdt.base, in->fdt.size,
                               "device tree (copy_from_paddr)", err);
    return 0;
}

int hv_step_secondary_cpus(struct hv *hv, struct msa_error *err)
{
    for (unsigned c = 1; c < hv->ncores; c++) {
        hv->online[c] = true;
        hv_emit_simple(hv, HV_EV_CPU_UP, c, -1, 0);
        if (!hv->mod->cpu_up)
            continue;
        hv_begin_top(hv, HV_OP_CPU_UP, c);
        int rc = hv->mod->cpu_up(hv->state, &hv->hal, c);
        hv_acc_op_end(hv, HV_OP_CPU_UP, rc);
        int st = hv_finish_op(hv, HV_OP_CPU_UP, rc, err);
        if (st > 0)
            return st;
    }
    return 0;
}

static int p2m_update(struct hv *hv, unsigned d, uint64_t gpa, uint64_t pa, uint64_t size,
                      uint32_t flags, const char *purpose, struct msa_error *err)
{
    hv_emit_p2m(hv, hv->domains[d].vcpu_core[0], (int)d, gpa, pa, size, flags, purpose);
    if (!hv->mod->p2m_update)
        return 0;
    hv_begin_top(hv, HV_OP_P2M_UPDATE, hv->domains[d].vcpu_core[0]);
    int rc = hv->mod->p2m_update(hv->state, &hv->hal, (int)d, gpa, pa, size, flags, purpose);
    hv_acc_op_end(hv, HV_OP_P2M_UPDATE, rc);
    int st = hv_finish_op(hv, HV_OP_P2M_UPDATE, rc, err);
    return st < 0 ? 0 : st;
}

/* Guest RAM of a domain without direct-map starts where Xen's guest
 * layout puts it (GUEST_RAM0_BASE); a PMSA stage 2 cannot translate, so an
 * MPU module refuses such a domain when it is created. */
#define GUEST_RAM0_BASE 0x40000000ull

int hv_step_domains(struct hv *hv, struct msa_error *err)
{
    for (unsigned d = 0; d < hv->info.ndomains; d++) {
        const struct hv_domain_info *di = &hv->domains[d];
        int st;
        /* Building a domain is EL2 work on its behalf (exposure context). */
        hv_expo_enter(hv, d < HV_MAX_DOMAINS ? d : HV_EXPO_XEN);
        hv_emit_simple(hv, HV_EV_CREATE_DOMAIN, di->vcpu_core[0], (int)d, 0);
        if (hv->mod->create_domain) {
            hv_begin_top(hv, HV_OP_CREATE_DOMAIN, di->vcpu_core[0]);
            int rc = hv->mod->create_domain(hv->state, &hv->hal, di);
            hv_acc_op_end(hv, HV_OP_CREATE_DOMAIN, rc);
            st = hv_finish_op(hv, HV_OP_CREATE_DOMAIN, rc, err);
            if (st > 0)
                return st;
            if (st < 0)
                continue;
        }
        uint64_t gpa = GUEST_RAM0_BASE;
        for (unsigned i = 0; i < di->nstatic_mem; i++) {
            const struct hv_range *m = &di->static_mem[i];
            if ((st = p2m_update(hv, d, di->direct_map ? m->base : gpa, m->base, m->size,
                                 HV_MAP_GUEST_RAM, "static-mem", err)))
                return st;
            gpa += m->size;
        }
        for (unsigned i = 0; i < di->ndevices; i++) {
            const struct hv_device *dev = &di->devices[i];
            if ((st = p2m_update(hv, d, dev->base, dev->base, dev->size, HV_MAP_GUEST_DEVICE,
                                 dev->what, err)))
                return st;
        }
        if ((st = hv_load_domain(hv, d, err)))
            return st;
    }
    return 0;
}

int hv_step_finish_boot(struct hv *hv, struct msa_error *err)
{
    /* A domain's build runs until the next one's, or the end of boot (the
     * boundaries a replayed trace also has). */
    hv_expo_enter(hv, HV_EXPO_XEN);
    hv_emit_simple(hv, HV_EV_FINISH_BOOT, 0, -1, 0);
    if (hv->mod->finish_boot) {
        hv_begin_top(hv, HV_OP_FINISH_BOOT, 0);
        int rc = hv->mod->finish_boot(hv->state, &hv->hal);
        hv_acc_op_end(hv, HV_OP_FINISH_BOOT, rc);
        int st = hv_finish_op(hv, HV_OP_FINISH_BOOT, rc, err);
        if (st > 0)
            return st;
    }
    if (hv->check == HV_CHECK_END) {
        int st = hv_check_now(hv, "at the end of boot", err);
        if (st)
            return st;
    }
    hv_set_phase(hv, HV_PHASE_RUNTIME);
    return 0;
}

/* Every core switches to its first vCPU, then once through the others and
 * back, so that each domain's stage-2 regions have been loaded once and
 * the first vCPU of each core is loaded at the end. */
int hv_step_runtime_switches(struct hv *hv, struct msa_error *err)
{
    hv_set_phase(hv, HV_PHASE_RUNTIME);
    for (unsigned c = 0; c < hv->ncores; c++) {
        int first = -1, n = 0;
        for (unsigned v = 0; v < hv->nvcpus; v++) {
            if (hv->vcpus[v].core != c)
                continue;
            if (first < 0)
                first = (int)v;
            n++;
            int st = hv_context_switch(hv, c, (int)v, err);
            if (st > 0)
                return st;
        }
        if (n > 1) {
            int st = hv_context_switch(hv, c, first, err);
            if (st > 0)
                return st;
        }
    }
    if (hv->check == HV_CHECK_END)
        return hv_check_now(hv, "after the runtime context switches", err);
    return 0;
}

int hv_boot_run(struct hv *hv, struct msa_error *err)
{
    int (*const steps[])(struct hv *, struct msa_error *) = {
        hv_step_arch_boot, hv_step_devices, hv_step_secondary_cpus, hv_step_domains,
        hv_step_finish_boot, hv_step_runtime_switches,
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        int st = steps[i](hv, err);
        if (st > 0) {
            hv_pressure_close(hv);
            return st;
        }
    }
    hv_pressure_close(hv);
    /* Only a run that continues on exhaustion gets here with failures. */
    if (hv->failures)
        hv_note(hv, "%" PRIu64 " region exhaustion event%s (the run continued); first: %s",
                hv->failures, hv->failures == 1 ? "" : "s", hv->first_exhaustion);
    return HV_RUN_OK;
}

/* ---- Inspection ------------------------------------------------------------ */

unsigned hv_ncores(const struct hv *hv) { return hv->ncores; }
unsigned hv_mpu_regions(const struct hv *hv) { return hv->el2_regions; }
struct mpu_pair *hv_core_mpus(struct hv *hv, unsigned core)
{
    return core < hv->ncores ? &hv->mpus[core] : NULL;
}
const struct hv_module_ops *hv_module(const struct hv *hv) { return hv->mod; }
const struct hv_boot_info *hv_info(const struct hv *hv) { return &hv->info; }
struct stats *hv_stats(struct hv *hv) { return hv->stats; }

void hv_regions(const struct hv *hv, hv_region_fn fn, void *ctx)
{
    hv->mod->regions(hv->state, fn, ctx);
}

const char *hv_note_at(const struct hv *hv, unsigned i)
{
    return i < hv->nnotes ? hv->notes[i] : NULL;
}

const char *hv_finding_at(const struct hv *hv, unsigned i)
{
    return i < hv->nfindings ? hv->findings[i] : NULL;
}
