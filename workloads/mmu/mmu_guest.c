/* An EL1 guest under stage 2 (VMSAv8-64, 4 KiB granule, 39-bit VA and
 * IPA).  EL2, with its own MMU off, builds the guest's stage-1 tables and
 * the stage-2 tables, and runs small guest functions at EL1 that take:
 * stage-1 Translation, Access flag and Permission faults and an
 * Instruction Abort on a PXN page (to EL1); stage-2 Translation, Access
 * flag and Permission faults and an Instruction Abort on a stage-2 XN page
 * (to EL2, with HPFAR_EL2); stage-2 faults on the stage-1 table walk
 * (S1PTW) for loads, stores, fetches and AT.  AT S1E1R/W and S1E0R at EL1,
 * AT S12E1R/W, S12E0R and S1E1R at EL2 fill PAR_EL1.  TLB maintenance: a
 * stage-2 remap after TLBI IPAS2E1IS or IPAS2LE1IS + VMALLE1IS,
 * VMALLS12E1IS and ALLE1IS; the guest's own remaps after TLBI VAE1IS,
 * VALE1, VMALLE1, and ASIDE1 and VAAE1IS (non-global pages), a table
 * descriptor changed under the walk cache;
 * VMID-tagged entries (two stage-2 tables, no TLBI between them);
 * break-before-make at stage 2.  Prints ESR, FAR, HPFAR and PAR; QEMU's
 * output is the reference. */
#include "mmu/mmu_rt.h"

#define IMAGE    0x40000000ull   /* the program: flat in every space */
#define TEST_PA  0x41000000ull   /* test pages */
#define TEST_VA  0x80000000ull   /* the guest's view of them */
#define PAGE(n)  ((u64)(n) << 12)
#define PTW_VA   0x80200000ull   /* stage-1 L3 table at an IPA stage 2 lacks */
#define PTW_VA2  0x80400000ull   /* ... at an IPA stage 2 does not let it read */
#define ASID     5ull

static u64 *s1root, *s2root, *s2root_vmid2, *s1_l3_alt;

static void show(const char *name, u64 v)
{
    puts_("  ");
    put_kv(name, v);
}

/* ---- guest functions (EL1) ------------------------------------------------ */

static u64 g_read(u64 va)
{
    return probe_read(va);
}

static u64 g_write(u64 va)
{
    probe_write(va, 0x99);
    return 0;
}

static u64 g_exec(u64 va)
{
    return probe_exec(va);
}

enum { AT_S1E1R, AT_S1E1W, AT_S1E0R };
static u64 at_kind;

static u64 g_at(u64 va)
{
    switch (at_kind) {
    case AT_S1E1R: return at_par(s1e1r, va);
    case AT_S1E1W: return at_par(s1e1w, va);
    default: return at_par(s1e0r, va);
    }
}

/* The guest remaps its page 0 to `ipa` and invalidates as the selector
 * says, then reads it. */
enum { BY_VAE1IS, BY_VALE1, BY_ASIDE1, BY_VAAE1IS, BY_VMALLE1 };
static u64 remap_ipa, remap_by;

static u64 g_remap(u64 va)
{
    u64 *slot = pt_slot(s1root, va, 3);
    *slot = (*slot & ~0x0000FFFFFFFFF000ull) | remap_ipa;
    dsb(ishst);
    if (remap_by == BY_VAE1IS)
        tlbi(vae1is, (va >> 12) | (ASID << 48));
    else if (remap_by == BY_VALE1)
        tlbi(vale1, (va >> 12) | (ASID << 48));
    else if (remap_by == BY_VAAE1IS)
        tlbi(vaae1is, va >> 12);
    else if (remap_by == BY_VMALLE1)
        tlbi_all(vmalle1);
    else
        tlbi(aside1, ASID << 48);
    dsb(ish);
    isb();
    return probe_read(va);
}

/* The guest points the level-2 entry of TEST_VA at another L3 table. */
static u64 g_swap_table(u64 va)
{
    *pt_slot(s1root, va, 2) = (u64)s1_l3_alt | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi(vae1is, (va >> 12) | (ASID << 48));
    dsb(ish);
    isb();
    return probe_read(va);
}

static u64 guest(u64 (*fn)(u64), u64 arg)
{
    return run_el1(fn, arg, (u64)__stack_el1_top);
}

/* ---- EL2 side ------------------------------------------------------------------ */

static void s2_invalidate_ipa(u64 ipa)
{
    dsb(ishst);
    tlbi(ipas2e1is, ipa >> 12);
    dsb(ish);
    tlbi_all(vmalle1is);
    dsb(ish);
    isb();
}

static void build_tables(void)
{
    /* stage 2: the image flat, test pages one by one */
    s2root = pt_alloc();
    pt_map(s2root, IMAGE, IMAGE, 2, S2_RAM);
    pt_map(s2root, TEST_PA + PAGE(0), TEST_PA + PAGE(0), 3, S2_RAM);
    pt_map(s2root, TEST_PA + PAGE(1), TEST_PA + PAGE(1), 3, S2_RAM & ~S2_AP_W);   /* read-only */
    /* IPA page 2: invalid */
    pt_map(s2root, TEST_PA + PAGE(3), TEST_PA + PAGE(3), 3, (S2_RAM & ~S2_AP_W) | S2_XN);
    pt_map(s2root, TEST_PA + PAGE(4), TEST_PA + PAGE(5), 3, S2_RAM);             /* IPA != PA */
    pt_map(s2root, TEST_PA + PAGE(6), TEST_PA + PAGE(0), 3, S2_RAM & ~D_AF);     /* AF = 0 */
    /* IPA page 7: invalid, holds the PTW_VA L3 table */
    pt_map(s2root, TEST_PA + PAGE(8), TEST_PA + PAGE(8), 3,
           S2_RAM & ~(S2_AP_R | S2_AP_W));                                       /* no access */
    pt_map(s2root, TEST_PA + PAGE(9), TEST_PA + PAGE(9), 3, S2_RAM & ~S2_AP_W);   /* code */

    /* a second VMID's stage 2: IPA page 0 elsewhere */
    s2root_vmid2 = pt_alloc();
    pt_map(s2root_vmid2, IMAGE, IMAGE, 2, S2_RAM);
    pt_map(s2root_vmid2, TEST_PA + PAGE(0), TEST_PA + PAGE(5), 3, S2_RAM);

    /* the guest's stage 1 */
    s1root = pt_alloc();
    pt_map(s1root, IMAGE, IMAGE, 2, S1_RAM);
    u64 v = TEST_VA;
    pt_map(s1root, v + PAGE(0), TEST_PA + PAGE(0), 3, S1_RAM);
    pt_map(s1root, v + PAGE(1), TEST_PA + PAGE(1), 3, S1_RAM);
    pt_map(s1root, v + PAGE(2), TEST_PA + PAGE(2), 3, S1_RAM);
    pt_map(s1root, v + PAGE(3), TEST_PA + PAGE(3), 3, S1_RAM | S1_AP_RO);
    pt_map(s1root, v + PAGE(4), TEST_PA + PAGE(4), 3, S1_RAM);
    /* VA page 5: invalid */
    pt_map(s1root, v + PAGE(6), TEST_PA + PAGE(0), 3, S1_RAM & ~D_AF);
    pt_map(s1root, v + PAGE(7), TEST_PA + PAGE(0), 3, S1_RAM | S1_AP_RO);
    pt_map(s1root, v + PAGE(8), TEST_PA + PAGE(9), 3, S1_RAM | S1_AP_RO | S1_PXN);
    pt_map(s1root, v + PAGE(9), TEST_PA + PAGE(9), 3, S1_RAM | S1_AP_RO);
    pt_map(s1root, v + PAGE(10), TEST_PA + PAGE(6), 3, S1_RAM);
    pt_map(s1root, v + PAGE(11), TEST_PA + PAGE(0), 3, S1_RAM | S1_AP_EL0);
    pt_map(s1root, v + PAGE(12), TEST_PA + PAGE(0), 3, S1_RAM | S1_NG);
    *pt_slot(s1root, PTW_VA, 2) = (TEST_PA + PAGE(7)) | D_TABLE | D_VALID;
    *pt_slot(s1root, PTW_VA2, 2) = (TEST_PA + PAGE(8)) | D_TABLE | D_VALID;

    /* another L3 table for TEST_VA: page 0 to IPA page 4 */
    s1_l3_alt = pt_alloc();
    s1_l3_alt[0] = (TEST_PA + PAGE(4)) | S1_RAM | D_TABLE | D_VALID;
}

static void at_el1(const char *name, u64 kind, u64 va)
{
    at_kind = kind;
    report_par(name, guest(g_at, va));
}

int main(void)
{
    write64(TEST_PA + PAGE(0), 0x1111);
    write64(TEST_PA + PAGE(1), 0x2222);
    write64(TEST_PA + PAGE(5), 0x5555);
    put_ret(TEST_PA + PAGE(3));
    put_ret(TEST_PA + PAGE(9));
    build_tables();

    write_sysreg(vtcr_el2, VTCR_VALUE);
    write_sysreg(vttbr_el2, (u64)s2root | (1ull << 48));
    write_sysreg(mair_el1, MAIR_VALUE);
    write_sysreg(tcr_el1, TCR_EL1_VALUE);
    write_sysreg(ttbr0_el1, (u64)s1root | (ASID << 48));
    write_sysreg(hcr_el2, HCR_RW | HCR_VM);
    isb();
    tlbi_all(alle1);
    dsb(ish);
    write_sysreg(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
    step("guest stage 1 and stage 2 on");

    step("read: stage 1 and stage 2 map it");
    show("value", guest(g_read, TEST_VA + PAGE(0)));
    step("read: IPA != PA");
    show("value", guest(g_read, TEST_VA + PAGE(4)));
    step("stage 1 translation fault, level 3 (to el1)");
    guest(g_read, TEST_VA + PAGE(5));
    step("stage 1 access flag fault (to el1)");
    guest(g_read, TEST_VA + PAGE(6));
    step("stage 1 permission fault: write to read-only (to el1)");
    guest(g_write, TEST_VA + PAGE(7));
    step("stage 1 pxn: instruction abort (to el1)");
    show("ran", guest(g_exec, TEST_VA + PAGE(8)));
    step("execute: stage 1 and stage 2 allow it");
    show("ran", guest(g_exec, TEST_VA + PAGE(9)));
    step("stage 2 permission fault: write to read-only (to el2)");
    guest(g_write, TEST_VA + PAGE(1));
    show("value", guest(g_read, TEST_VA + PAGE(1)));
    step("stage 2 translation fault, level 3 (to el2)");
    guest(g_read, TEST_VA + PAGE(2));
    step("stage 2 access flag fault (to el2)");
    guest(g_read, TEST_VA + PAGE(10));
    step("stage 2 xn: instruction abort (to el2)");
    show("ran", guest(g_exec, TEST_VA + PAGE(3)));
    step("s1ptw: stage 2 translation fault on the stage-1 walk, load");
    guest(g_read, PTW_VA);
    step("s1ptw: store");
    guest(g_write, PTW_VA + 0x10);
    step("s1ptw: instruction fetch");
    show("ran", guest(g_exec, PTW_VA));
    step("s1ptw: stage 2 permission fault on the stage-1 walk");
    guest(g_read, PTW_VA2);

    step("at at el1");
    at_el1("s1e1r", AT_S1E1R, TEST_VA + PAGE(0) + 0x28);
    at_el1("s1e1r ipa!=pa", AT_S1E1R, TEST_VA + PAGE(4));
    at_el1("s1e1r s2-invalid ipa", AT_S1E1R, TEST_VA + PAGE(2));
    at_el1("s1e1w s2-read-only ipa", AT_S1E1W, TEST_VA + PAGE(1));
    at_el1("s1e1r invalid", AT_S1E1R, TEST_VA + PAGE(5));
    at_el1("s1e1r af=0", AT_S1E1R, TEST_VA + PAGE(6));
    at_el1("s1e1w read-only", AT_S1E1W, TEST_VA + PAGE(7));
    at_el1("s1e0r el1-only", AT_S1E0R, TEST_VA + PAGE(0));
    at_el1("s1e0r el0 page", AT_S1E0R, TEST_VA + PAGE(11));
    step("at s1e1r at el1 with s1ptw fault: data abort to el2");
    at_el1("s1e1r s1ptw", AT_S1E1R, PTW_VA);

    step("at at el2");
    report_par("s12e1r", at_par(s12e1r, TEST_VA + PAGE(0) + 0x30));
    report_par("s12e1r ipa!=pa", at_par(s12e1r, TEST_VA + PAGE(4)));
    report_par("s12e1w s2-read-only", at_par(s12e1w, TEST_VA + PAGE(1)));
    report_par("s12e1r s2-invalid", at_par(s12e1r, TEST_VA + PAGE(2)));
    report_par("s12e1r s2 af=0", at_par(s12e1r, TEST_VA + PAGE(10)));
    report_par("s12e1r s1 invalid", at_par(s12e1r, TEST_VA + PAGE(5)));
    report_par("s12e1r s1ptw", at_par(s12e1r, PTW_VA));
    report_par("s12e1r s1ptw perm", at_par(s12e1r, PTW_VA2));
    report_par("s12e0r el0 page", at_par(s12e0r, TEST_VA + PAGE(11)));
    report_par("s12e0w el1-only", at_par(s12e0w, TEST_VA + PAGE(0)));
    report_par("s1e1r", at_par(s1e1r, TEST_VA + PAGE(4)));
    report_par("s1e1w", at_par(s1e1w, TEST_VA + PAGE(7)));
    report_par("s1e1r s1ptw", at_par(s1e1r, PTW_VA));
    report_par("s1e0r el0 page", at_par(s1e0r, TEST_VA + PAGE(11)));

    step("stage 2 remap, tlbi ipas2e1is + vmalle1is");
    show("before", guest(g_read, TEST_VA + PAGE(4)));
    *pt_slot(s2root, TEST_PA + PAGE(4), 3) = (TEST_PA + PAGE(0)) | S2_RAM | D_TABLE | D_VALID;
    s2_invalidate_ipa(TEST_PA + PAGE(4));
    show("after", guest(g_read, TEST_VA + PAGE(4)));
    step("stage 2 remap, tlbi vmalls12e1is");
    *pt_slot(s2root, TEST_PA + PAGE(4), 3) = (TEST_PA + PAGE(5)) | S2_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi_all(vmalls12e1is);
    dsb(ish);
    isb();
    show("after", guest(g_read, TEST_VA + PAGE(4)));
    step("stage 2 remap, tlbi alle1is");
    *pt_slot(s2root, TEST_PA + PAGE(4), 3) = (TEST_PA + PAGE(1)) | S2_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi_all(alle1is);
    dsb(ish);
    isb();
    show("after", guest(g_read, TEST_VA + PAGE(4)));

    step("stage 2 remap, tlbi ipas2le1is + vmalle1is");
    *pt_slot(s2root, TEST_PA + PAGE(4), 3) = (TEST_PA + PAGE(5)) | S2_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi(ipas2le1is, (TEST_PA + PAGE(4)) >> 12);
    dsb(ish);
    tlbi_all(vmalle1is);
    dsb(ish);
    isb();
    show("after", guest(g_read, TEST_VA + PAGE(4)));

    step("stage 2 break before make");
    *pt_slot(s2root, TEST_PA + PAGE(0), 3) = 0;
    s2_invalidate_ipa(TEST_PA + PAGE(0));
    guest(g_read, TEST_VA + PAGE(0));
    *pt_slot(s2root, TEST_PA + PAGE(0), 3) = (TEST_PA + PAGE(0)) | S2_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    isb();
    show("after", guest(g_read, TEST_VA + PAGE(0)));

    step("vmid: two stage-2 tables, no tlbi between them");
    show("vmid 1", guest(g_read, TEST_VA + PAGE(0)));
    write_sysreg(vttbr_el2, (u64)s2root_vmid2 | (2ull << 48));
    isb();
    show("vmid 2", guest(g_read, TEST_VA + PAGE(0)));
    write_sysreg(vttbr_el2, (u64)s2root | (1ull << 48));
    isb();
    show("vmid 1", guest(g_read, TEST_VA + PAGE(0)));

    step("guest remaps its page, tlbi vae1is");
    show("before", guest(g_read, TEST_VA + PAGE(0)));
    remap_ipa = TEST_PA + PAGE(4);
    remap_by = BY_VAE1IS;
    show("after", guest(g_remap, TEST_VA + PAGE(0)));
    step("guest remaps its page, tlbi vale1");
    remap_ipa = TEST_PA + PAGE(0);
    remap_by = BY_VALE1;
    show("after", guest(g_remap, TEST_VA + PAGE(0)));
    step("guest remaps a non-global page, tlbi aside1");
    show("before", guest(g_read, TEST_VA + PAGE(12)));
    remap_ipa = TEST_PA + PAGE(4);
    remap_by = BY_ASIDE1;
    show("after", guest(g_remap, TEST_VA + PAGE(12)));
    step("guest remaps a non-global page, tlbi vaae1is");
    remap_ipa = TEST_PA + PAGE(0);
    remap_by = BY_VAAE1IS;
    show("after", guest(g_remap, TEST_VA + PAGE(12)));
    step("guest remaps its page, tlbi vmalle1");
    remap_ipa = TEST_PA + PAGE(4);
    remap_by = BY_VMALLE1;
    show("after", guest(g_remap, TEST_VA + PAGE(12)));
    step("guest replaces a level-3 table, tlbi vae1is");
    show("after", guest(g_swap_table, TEST_VA + PAGE(0)));

    step("done");
    put_kv("exceptions", exc_count);
    return 0;
}
