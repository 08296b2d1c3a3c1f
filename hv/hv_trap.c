/* Traps from guests: the exception syndrome decoded as Xen's
 * do_trap_guest_sync does, one top-level HV_OP_TRAP operation each.
 *
 *   HVC #0xEA1       hypercall (hv_hypercall.c)
 *   HVC #0, SMC #0   PSCI from the guest: version, SYSTEM_OFF, SYSTEM_RESET
 *   other HVC, SMC   an undefined instruction injected (Xen: an HVC
 *                    immediate that is not the hypercall tag, or an SMCCC
 *                    call with a non-zero immediate)
 *   data abort       in the domain's vpl011 window with a valid syndrome:
 *                    emulated (hv_trap_vpl011.c), the instruction skipped;
 *                    otherwise an abort injected into the guest's EL1
 *   instruction abort injected
 *   WFI / WFE        (HCR_EL2.TWI/TWE) block / yield, the instruction skipped
 *
 * The module sees each trap first (handle_trap); what it leaves is handled
 * here. */
#include <inttypes.h>
#include <string.h>

#include "hv/hv_internal.h"

enum {
    EC_WFX = 0x01, EC_HVC64 = 0x16, EC_SMC64 = 0x17, EC_IABT_LOW = 0x20, EC_IABT_CUR = 0x21,
    EC_DABT_LOW = 0x24, EC_DABT_CUR = 0x25,
};
#define ESR_IL (1u << 25)
#define ISS_ISV (1u << 24)
#define ISS_SSE (1u << 21)
#define ISS_SF (1u << 15)
#define ISS_WNR (1u << 6)
#define FSC_SYNC_EXTERNAL 0x10u

#define XEN_HYPERCALL_TAG 0xEA1u

/* PSCI function ids (SMC32 and SMC64 calling conventions). */
#define PSCI_VERSION 0x84000000u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_1_1 0x10001u
#define PSCI_NOT_SUPPORTED ((uint64_t)-1)

static void psci(struct hv_guests *g, int d, uint64_t *r, struct hv_guest_outcome *out)
{
    switch ((uint32_t)r[0]) {
    case PSCI_VERSION:
        r[0] = PSCI_1_1;
        break;
    case PSCI_SYSTEM_OFF:
        out->action = HV_ACT_SHUTDOWN;
        out->reason = 0;
        break;
    case PSCI_SYSTEM_RESET:
        out->action = HV_ACT_SHUTDOWN;
        out->reason = 1;
        break;
    default:
        r[0] = PSCI_NOT_SUPPORTED;
    }
}

/* An abort for the guest's own EL1: taken from EL0 it is a lower-EL abort,
 * from EL1 a current-EL one; the syndrome says synchronous external abort,
 * as Xen does for accesses it cannot serve. */
static void inject(struct hv_guests *g, int d, const struct hv_trap *t, bool data,
                   struct hv_guest_outcome *out)
{
    bool from_el0 = ((t->spsr >> 2) & 3) == 0;
    unsigned ec = data ? (from_el0 ? EC_DABT_LOW : EC_DABT_CUR)
                       : (from_el0 ? EC_IABT_LOW : EC_IABT_CUR);
    uint32_t iss = FSC_SYNC_EXTERNAL | (data ? (t->esr & ISS_WNR) : 0);
    out->action = HV_ACT_INJECT_ABORT;
    out->inject_esr = (uint32_t)ec << 26 | ESR_IL | iss;
    out->inject_far = t->far;
    g->dom[d].counts.aborts_injected++;
}

/* An undefined instruction for the guest's EL1 (Xen's
 * inject_undef_exception): EC 0 at the guest's own vector, the guest's
 * ELR the trap's return address. */
static void inject_undef(struct hv_guest_outcome *out)
{
    out->action = HV_ACT_INJECT_ABORT;
    out->inject_esr = ESR_IL;
    out->inject_far = 0;
}

/* A data abort in the vpl011 window: the load or store done for the guest
 * from the syndrome (ISV, SAS, SSE, SRT, SF, WnR). */
static bool emulate_mmio(struct hv_guests *g, int d, struct hv_trap *t, uint64_t ipa)
{
    uint32_t iss = t->esr & 0x1FFFFFFu;
    if (!(iss & ISS_ISV))
        return false;
    unsigned size = 1u << ((iss >> 22) & 3);
    unsigned srt = (iss >> 16) & 31;
    bool write = iss & ISS_WNR;
    uint64_t mask = size == 8 ? ~0ull : ((1ull << (size * 8)) - 1);
    uint64_t val = 0;
    if (write)
        val = srt == 31 ? 0 : t->regs[srt] & mask;
    if (!hv_vpl011_access(g, d, ipa - HV_VPL011_BASE, write, size, &val))
        return false;
    if (!write && srt != 31) {
        val &= mask;
        if ((iss & ISS_SSE) && size < 8 && (val >> (size * 8 - 1)) & 1)
            val |= ~mask;
        if (!(iss & ISS_SF))
            val &= 0xFFFFFFFFull;
        t->regs[srt] = val;
    }
    g->dom[d].counts.mmio_emulated++;
    return true;
}

static int dispatch(struct hv_guests *g, unsigned core, int d, struct hv_trap *t,
                    struct hv_guest_outcome *out, struct msa_error *err)
{
    const struct hv_domain_info *di = &g->hv->info.domains[d];
    unsigned ec = t->esr >> 26;
    switch (ec) {
    case EC_HVC64:
        /* ELR already points after the HVC. */
        if ((t->esr & 0xFFFF) == XEN_HYPERCALL_TAG)
            return hv_hypercall(g, core, d, t->regs, out);
        if ((t->esr & 0xFFFF) == 0) {
            psci(g, d, t->regs, out);
            return 0;
        }
        inject_undef(out);
        return 0;
    case EC_SMC64:
        /* A trapped SMC (HCR_EL2.TSC) returns past the instruction; with
         * an immediate SMCCC does not define it is undefined, at the SMC. */
        if (t->esr & 0xFFFF) {
            inject_undef(out);
            return 0;
        }
        t->elr += 4;
        psci(g, d, t->regs, out);
        return 0;
    case EC_WFX:
        t->elr += 4;
        g->dom[d].counts.wfx++;
        if (t->esr & 1) {
            g->dom[d].counts.yields++;
            out->action = HV_ACT_YIELD;
        } else {
            g->dom[d].counts.blocks++;
            out->action = HV_ACT_BLOCK;
        }
        return 0;
    case EC_DABT_LOW: {
        uint64_t ipa = t->hpfar ? ((t->hpfar >> 4) << 12) | (t->far & 0xFFF) : t->far;
        if (di->vpl011 && ipa >= HV_VPL011_BASE && ipa - HV_VPL011_BASE < HV_VPL011_SIZE &&
            emulate_mmio(g, d, t, ipa)) {
            t->elr += 4;
            return 0;
        }
        inject(g, d, t, true, out);
        return 0;
    }
    case EC_IABT_LOW:
        inject(g, d, t, false, out);
        return 0;
    default:
        msa_error_set(err, "domain %s vCPU on core %u: trap with ESR 0x%08" PRIx32
                      " (EC 0x%02x) at 0x%" PRIx64 " is not handled by the hypervisor model",
                      di->name, core, t->esr, ec, t->elr);
        return 1;
    }
}

int hv_guest_trap(struct hv_guests *g, struct hv_trap *trap, struct hv_guest_outcome *out,
                  struct msa_error *err)
{
    struct hv *hv = g->hv;
    memset(out, 0, sizeof *out);
    if (trap->vcpu >= hv->nvcpus) {
        msa_error_set(err, "trap from vCPU %u: the model has %u vCPUs", trap->vcpu, hv->nvcpus);
        return -HV_RUN_FAILED;
    }
    int d = hv->vcpus[trap->vcpu].domain;
    unsigned core = trap->core;
    g->dom[d].counts.traps++;
    hv_begin_top(hv, HV_OP_TRAP, core);
    int rc = hv->mod->handle_trap ? hv->mod->handle_trap(hv->state, &hv->hal, trap)
                                  : HV_TRAP_UNHANDLED;
    int result = HV_TRAP_HANDLED;
    if (rc == HV_TRAP_UNHANDLED) {
        rc = dispatch(g, core, d, trap, out, err);
        if (rc == 1) {
            result = HV_TRAP_UNHANDLED;
            rc = 0;
        }
    }
    hv_acc_op_end(hv, HV_OP_TRAP, rc);
    struct msa_error e2 = {{0}};
    int st = hv_finish_op(hv, HV_OP_TRAP, rc, result == HV_TRAP_UNHANDLED ? &e2 : err);
    if (st > 0)
        return -st;
    if (st < 0) {
        /* Exhaustion with the run continuing: the guest sees the failure. */
        trap->regs[0] = (uint64_t)-HV_EFAULT;
    }
    return result;
}
