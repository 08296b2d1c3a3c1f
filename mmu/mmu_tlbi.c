/* TLB maintenance.  Each TLBI is a row: its encoding (SYS #op1, C8, Cm,
 * #op2), whether it is an Inner Shareable (broadcast) form, and its scope:
 *
 *   VMALLE1    EL1&0 stage-1 and combined entries, current VMID
 *   VAE1       ... for one VA, ASID from Xt or global
 *   ASIDE1     ... non-global entries of one ASID
 *   VAAE1      ... for one VA, any ASID
 *   VALE1/VAALE1  as VAE1/VAAE1, leaf entries only
 *   ALLE1      every EL1&0 entry, every VMID, both stages
 *   VMALLS12E1 every EL1&0 entry of the current VMID, both stages
 *   IPAS2E1    stage-2 entries (IPA cache, stage-2 walk cache) for one
 *              IPA, current VMID; IPAS2LE1 leaf (IPA cache) only
 *   ALLE2      every EL2 entry; VAE2/VALE2 one VA
 *
 * Walk-cache entries are table descriptors: the VA forms drop those on the
 * path of the VA (with the ASID they were walked under), the last-level
 * forms leave them.  Combined stage 1+2 entries are stage-1 entries: the
 * IPA forms do not reach them. */
#include "mmu/mmu_internal.h"

enum tlbi_scope {
    SC_VMALLE1, SC_VAE1, SC_ASIDE1, SC_VAAE1,
    SC_ALLE2, SC_VAE2, SC_ALLE1, SC_VMALLS12E1, SC_IPAS2E1,
};

struct tlbi_row {
    const char *name;
    uint8_t op1, crm, op2;
    uint8_t scope;
    bool broadcast;
    bool last_level;
};

static const struct tlbi_row rows[MMU_TLBI_COUNT] = {
    [MMU_TLBI_VMALLE1]      = {"VMALLE1",      0, 7, 0, SC_VMALLE1,    false, false},
    [MMU_TLBI_VMALLE1IS]    = {"VMALLE1IS",    0, 3, 0, SC_VMALLE1,    true,  false},
    [MMU_TLBI_VAE1]         = {"VAE1",         0, 7, 1, SC_VAE1,       false, false},
    [MMU_TLBI_VAE1IS]       = {"VAE1IS",       0, 3, 1, SC_VAE1,       true,  false},
    [MMU_TLBI_ASIDE1]       = {"ASIDE1",       0, 7, 2, SC_ASIDE1,     false, false},
    [MMU_TLBI_ASIDE1IS]     = {"ASIDE1IS",     0, 3, 2, SC_ASIDE1,     true,  false},
    [MMU_TLBI_VAAE1]        = {"VAAE1",        0, 7, 3, SC_VAAE1,      false, false},
    [MMU_TLBI_VAAE1IS]      = {"VAAE1IS",      0, 3, 3, SC_VAAE1,      true,  false},
    [MMU_TLBI_VALE1]        = {"VALE1",        0, 7, 5, SC_VAE1,       false, true},
    [MMU_TLBI_VALE1IS]      = {"VALE1IS",      0, 3, 5, SC_VAE1,       true,  true},
    [MMU_TLBI_VAALE1]       = {"VAALE1",       0, 7, 7, SC_VAAE1,      false, true},
    [MMU_TLBI_VAALE1IS]     = {"VAALE1IS",     0, 3, 7, SC_VAAE1,      true,  true},
    [MMU_TLBI_ALLE2]        = {"ALLE2",        4, 7, 0, SC_ALLE2,      false, false},
    [MMU_TLBI_ALLE2IS]      = {"ALLE2IS",      4, 3, 0, SC_ALLE2,      true,  false},
    [MMU_TLBI_VAE2]         = {"VAE2",         4, 7, 1, SC_VAE2,       false, false},
    [MMU_TLBI_VAE2IS]       = {"VAE2IS",       4, 3, 1, SC_VAE2,       true,  false},
    [MMU_TLBI_VALE2]        = {"VALE2",        4, 7, 5, SC_VAE2,       false, true},
    [MMU_TLBI_VALE2IS]      = {"VALE2IS",      4, 3, 5, SC_VAE2,       true,  true},
    [MMU_TLBI_ALLE1]        = {"ALLE1",        4, 7, 4, SC_ALLE1,      false, false},
    [MMU_TLBI_ALLE1IS]      = {"ALLE1IS",      4, 3, 4, SC_ALLE1,      true,  false},
    [MMU_TLBI_VMALLS12E1]   = {"VMALLS12E1",   4, 7, 6, SC_VMALLS12E1, false, false},
    [MMU_TLBI_VMALLS12E1IS] = {"VMALLS12E1IS", 4, 3, 6, SC_VMALLS12E1, true,  false},
    [MMU_TLBI_IPAS2E1]      = {"IPAS2E1",      4, 4, 1, SC_IPAS2E1,    false, false},
    [MMU_TLBI_IPAS2E1IS]    = {"IPAS2E1IS",    4, 0, 1, SC_IPAS2E1,    true,  false},
    [MMU_TLBI_IPAS2LE1]     = {"IPAS2LE1",     4, 4, 5, SC_IPAS2E1,    false, true},
    [MMU_TLBI_IPAS2LE1IS]   = {"IPAS2LE1IS",   4, 0, 5, SC_IPAS2E1,    true,  true},
};

int mmu_tlbi_decode(unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
    if (crn != 8)
        return -1;
    for (unsigned i = 0; i < MMU_TLBI_COUNT; i++)
        if (rows[i].op1 == op1 && rows[i].crm == crm && rows[i].op2 == op2)
            return (int)i;
    return -1;
}

const char *mmu_tlbi_name(enum mmu_tlbi_op op)
{
    return (unsigned)op < MMU_TLBI_COUNT ? rows[op].name : "?";
}

unsigned mmu_tlbi_min_el(enum mmu_tlbi_op op)
{
    return (unsigned)op < MMU_TLBI_COUNT && rows[op].op1 == 4 ? 2 : 1;
}

bool mmu_tlbi_is_broadcast(enum mmu_tlbi_op op)
{
    return (unsigned)op < MMU_TLBI_COUNT && rows[op].broadcast;
}

bool mmu_tlbi_broadcasts(enum mmu_tlbi_op op, unsigned from_el, uint64_t hcr)
{
    if (mmu_tlbi_is_broadcast(op))
        return true;
    /* HCR_EL2.FB: EL1 executes the EL1 forms as their IS forms */
    return from_el == 1 && (hcr & MMU_HCR_FB) && (unsigned)op < MMU_TLBI_COUNT &&
           rows[op].op1 == 0;
}

struct tlbi_match {
    bool el10, el2, stage2;  /* entry classes reached */
    bool s1_walk, s2_walk;   /* walk-cache entries reached, per class */
    bool in_walk_array;
    bool any_vmid;
    uint16_t vmid;
    bool by_asid;            /* non-global entries of `asid` only */
    bool va_asid;            /* global entries, or those of `asid` */
    uint16_t asid, asid_mask;
    bool by_addr;            /* entries containing `addr` (VA, or IPA) */
    uint64_t addr;
};

static bool hits(const struct mmu_tlbe *e, const void *arg)
{
    const struct tlbi_match *m = arg;
    bool s2e = (e->tag & MMU_TAG_STAGE2_ENTRY) != 0;
    bool el2 = !s2e && (e->tag & MMU_TAG_EL2);
    if (s2e ? !m->stage2 : el2 ? !m->el2 : !m->el10)
        return false;
    if (m->in_walk_array && !(s2e ? m->s2_walk : m->s1_walk))
        return false;
    if (!el2 && !m->any_vmid && e->vmid != m->vmid)
        return false;
    if (m->by_asid && (e->global || ((e->asid ^ m->asid) & m->asid_mask)))
        return false;
    if (m->va_asid && !e->global && ((e->asid ^ m->asid) & m->asid_mask))
        return false;
    if (m->by_addr && (m->addr & e->mask) != e->va)
        return false;
    return true;
}

unsigned mmu_tlbi(struct mmu_tlb *tlb, enum mmu_tlbi_op op, uint64_t xt, uint16_t vmid,
                  bool asid16)
{
    if ((unsigned)op >= MMU_TLBI_COUNT)
        return 0;
    const struct tlbi_row *r = &rows[op];
    struct tlbi_match m = {
        .vmid = vmid,
        .asid = (uint16_t)(xt >> 48),
        .asid_mask = asid16 ? 0xFFFF : 0xFF,
    };
    uint64_t va = mmu_sext55((xt & ((1ull << 44) - 1)) << 12);
    uint64_t ipa = (xt & ((1ull << 40) - 1)) << 12;

    switch ((enum tlbi_scope)r->scope) {
    case SC_VMALLE1:
        m.el10 = true;
        break;
    case SC_VAE1:
        m.el10 = m.by_addr = m.va_asid = true;
        m.addr = va;
        break;
    case SC_ASIDE1:
        m.el10 = m.by_asid = true;
        break;
    case SC_VAAE1:
        m.el10 = m.by_addr = true;
        m.addr = va;
        break;
    case SC_ALLE2:
        m.el2 = true;
        break;
    case SC_VAE2:
        m.el2 = m.by_addr = true;
        m.addr = va;
        break;
    case SC_ALLE1:
        m.el10 = m.stage2 = m.any_vmid = true;
        break;
    case SC_VMALLS12E1:
        m.el10 = m.stage2 = true;
        break;
    case SC_IPAS2E1:
        m.stage2 = m.by_addr = true;
        m.addr = ipa;
        break;
    }
    m.s1_walk = m.s2_walk = !r->last_level;

    unsigned total = 0;
    for (unsigned l = 0; l < MMU_TLB_LEVEL_COUNT; l++) {
        m.in_walk_array = l == MMU_TLB_WALK;
        unsigned n = mmu_tlba_invalidate(&tlb->arr[l], hits, &m);
        tlb->stats.tlbi_dropped_level[l] += n;
        total += n;
    }
    tlb->stats.tlbi_ops[op]++;
    tlb->stats.tlbi_dropped[op] += total;
    return total;
}
