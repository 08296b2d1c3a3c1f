/* GICv3 CPU interface system registers: which encodings they are, the
 * traps the core applies before the machine's interface sees them, and the
 * choice between the physical (ICC_*) and the virtual (ICV_*) view.  The
 * interface's state lives with the interrupt controller (cpu_gic_ops). */
#include "cpu/sysreg.h"

/* Encoding fields, as CPU_SYSREG_ENC packs them. */
#define ENC_OP1(e) (((e) >> 11) & 7)
#define ENC_CRN(e) (((e) >> 7) & 15)
#define ENC_CRM(e) (((e) >> 3) & 15)
#define ENC_OP2(e) ((e) & 7)

#define ICC_PMR_EL1 CPU_SYSREG_ENC(3, 0, 4, 6, 0)

bool cpu_gic_sysreg_enc(uint32_t enc)
{
    if (enc == ICC_PMR_EL1)
        return true;
    if (((enc >> 14) & 3) != 3 || ENC_CRN(enc) != 12)
        return false;
    unsigned op1 = ENC_OP1(enc), crm = ENC_CRM(enc);
    if (op1 == 0)
        return crm >= 8 && crm <= 12;   /* ICC_*_EL1 */
    if (op1 == 4)
        return crm >= 8 && crm <= 13;   /* ICH_*_EL2, ICC_SRE_EL2 */
    return false;
}

/* Group-0 registers (IAR0, EOIR0, HPPIR0, BPR0, AP0Rn, IGRPEN0) are
 * virtualized by HCR_EL2.FMO, the others by IMO (GIC architecture,
 * "Virtual CPU interface"). */
static bool group0_reg(uint32_t enc)
{
    unsigned crm = ENC_CRM(enc), op2 = ENC_OP2(enc);
    return (crm == 8) || (crm == 12 && op2 == 6);
}

static bool sgi_reg(uint32_t enc)
{
    return ENC_CRM(enc) == 11 && ENC_OP2(enc) >= 5;   /* SGI1R, ASGI1R, SGI0R */
}

#define ICC_SRE_EL1 CPU_SYSREG_ENC(3, 0, 12, 12, 5)

int cpu_gic_sysreg_access(struct cpu *c, uint32_t enc, unsigned rt, bool write, uint64_t *val)
{
    if (!c->gic) {
        cpu_undefined(c);
        return -1;
    }
    uint64_t hcr = SR(c, HCR_EL2);
    bool virt = false;
    if (c->ps.el == 1 && ENC_OP1(enc) == 0 && !(hcr & HCR_TGE) && enc != ICC_SRE_EL1) {
        uint64_t route = group0_reg(enc) ? HCR_FMO : HCR_IMO;
        if (sgi_reg(enc) && (hcr & (HCR_IMO | HCR_FMO))) {
            uint32_t iss = (uint32_t)3 << 20 | ENC_OP2(enc) << 17 | ENC_CRN(enc) << 10 |
                           rt << 5 | ENC_CRM(enc) << 1 | (write ? 0 : 1);
            cpu_trap(c, 2, EC_SYSREG, iss);
            return -1;
        }
        virt = (hcr & route) != 0;
    }
    int rc = write ? c->gic->write(c->gic_ctx, c, enc, virt, *val)
                   : c->gic->read(c->gic_ctx, c, enc, virt, val);
    if (rc) {
        cpu_undefined(c);
        return -1;
    }
    return 0;
}
