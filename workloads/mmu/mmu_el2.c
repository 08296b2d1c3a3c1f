/* EL2 stage 1 (VMSAv8-64, 4 KiB granule, 39-bit VA): builds the EL2
 * tables, turns the EL2 MMU on, and takes Translation faults at levels 0
 * to 3, an Access flag fault, a Permission fault (write to read-only), an
 * Address size fault and an Instruction Abort on an execute-never page;
 * looks addresses up with AT S1E2R/W; and checks TLB maintenance: a remap
 * seen after TLBI VAE2IS, VALE2 and ALLE2, and break-before-make (an
 * invalid entry is never cached, so making it valid needs no TLBI).
 * Prints ESR, FAR and PAR_EL1; QEMU's output is the reference. */
#include "mmu/mmu_rt.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x40000000ull
#define UART     0x09000000ull
#define TEST_PA  0x41000000ull   /* test pages (RAM the image does not use) */
#define TEST_VA  0x80000000ull   /* where they are mapped */
#define PAGE(n)  ((u64)(n) << 12)

static u64 *root;

static void map_test(unsigned va_page, u64 pa, u64 attrs)
{
    pt_map(root, TEST_VA + PAGE(va_page), pa, 3, attrs);
}

static void show(const char *name, u64 v)
{
    puts_("  ");
    put_kv(name, v);
}

static void tlbi_page(u64 va)
{
    dsb(ishst);
    tlbi(vae2is, va >> 12);
    dsb(ish);
    isb();
}

int main(void)
{
    /* contents the tests read back */
    write64(TEST_PA + PAGE(0), 0x1111);
    write64(TEST_PA + PAGE(1), 0x2222);
    write64(TEST_PA + PAGE(5), 0x5555);
    write64(TEST_PA + 0x200000 + PAGE(1), 0x7777);
    put_ret(TEST_PA + PAGE(3));

    root = pt_alloc();
    pt_map_blocks(root, RAM_BASE, RAM_SIZE, S1_RAM);
    pt_map(root, UART & ~0x1FFFFFull, UART & ~0x1FFFFFull, 2, S1_DEV);
    map_test(0, TEST_PA + PAGE(0), S1_RAM);                    /* read/write */
    map_test(1, TEST_PA + PAGE(1), S1_RAM | S1_AP_RO);         /* read-only */
    map_test(2, TEST_PA + PAGE(0), S1_RAM & ~D_AF);            /* Access flag 0 */
    map_test(3, TEST_PA + PAGE(3), S1_RAM | S1_XN | S1_AP_RO); /* code, execute-never */
    map_test(4, TEST_PA + PAGE(3), S1_RAM | S1_AP_RO);         /* the same code, executable */
    /* page 5: invalid */
    map_test(6, 0x10000000000ull, S1_RAM);                     /* OA beyond the 40-bit PS */
    map_test(7, TEST_PA + PAGE(0), S1_RAM);                    /* remapped by the TLB tests */
    pt_map(root, TEST_VA + 0x400000, TEST_PA, 2, S1_RAM);      /* a 2 MiB block */

    write_sysreg(mair_el2, MAIR_VALUE);
    write_sysreg(tcr_el2, TCR_EL2_VALUE);
    write_sysreg(ttbr0_el2, (u64)root);
    dsb(ish);
    tlbi_all(alle2);
    dsb(ish);
    isb();
    write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
    step("el2 mmu on");

    step("read read/write page");
    show("value", probe_read(TEST_VA + PAGE(0)));
    step("write read-only page: permission fault, level 3");
    probe_write(TEST_VA + PAGE(1), 1);
    show("value", probe_read(TEST_VA + PAGE(1)));
    step("read page with AF = 0: access flag fault, level 3");
    probe_read(TEST_VA + PAGE(2));
    step("read invalid page: translation fault, level 3");
    probe_read(TEST_VA + PAGE(5));
    step("read under invalid level-2 entry: translation fault, level 2");
    probe_read(TEST_VA + 0x200000);
    step("read under invalid level-1 entry: translation fault, level 1");
    probe_read(0xC0000000ull);
    step("read beyond the 39-bit VA range: translation fault, level 0");
    probe_read(0x8000000000ull);
    step("read page whose output is beyond PS: address size fault, level 3");
    probe_read(TEST_VA + PAGE(6));
    step("execute from execute-never page: instruction abort");
    show("ran", probe_exec(TEST_VA + PAGE(3)));
    step("execute the same code through an executable mapping");
    show("ran", probe_exec(TEST_VA + PAGE(4)));
    step("read through a 2 MiB block");
    show("value", probe_read(TEST_VA + 0x400000 + PAGE(1)));

    step("at s1e2r/s1e2w");
    report_par("s1e2r rw page", at_par(s1e2r, TEST_VA + PAGE(0) + 0x18));
    report_par("s1e2w rw page", at_par(s1e2w, TEST_VA + PAGE(0)));
    report_par("s1e2r ro page", at_par(s1e2r, TEST_VA + PAGE(1)));
    report_par("s1e2w ro page", at_par(s1e2w, TEST_VA + PAGE(1)));
    report_par("s1e2r af=0", at_par(s1e2r, TEST_VA + PAGE(2)));
    report_par("s1e2r invalid l3", at_par(s1e2r, TEST_VA + PAGE(5)));
    report_par("s1e2r invalid l2", at_par(s1e2r, TEST_VA + 0x200000));
    report_par("s1e2r invalid l1", at_par(s1e2r, 0xC0000000ull));
    report_par("s1e2r block", at_par(s1e2r, TEST_VA + 0x400000 + 0x1234));
    report_par("s1e2r ram", at_par(s1e2r, RAM_BASE + 0x345678));
    report_par("s1e2r device", at_par(s1e2r, UART));

    step("remap a page, tlbi vae2is");
    show("before", probe_read(TEST_VA + PAGE(7)));
    *pt_slot(root, TEST_VA + PAGE(7), 3) = (TEST_PA + PAGE(1)) | S1_RAM | D_TABLE | D_VALID;
    tlbi_page(TEST_VA + PAGE(7));
    show("after", probe_read(TEST_VA + PAGE(7)));

    step("remap a page, tlbi vale2");
    *pt_slot(root, TEST_VA + PAGE(7), 3) = (TEST_PA + PAGE(0)) | S1_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi(vale2, (TEST_VA + PAGE(7)) >> 12);
    dsb(ish);
    isb();
    show("after", probe_read(TEST_VA + PAGE(7)));

    step("break before make: invalidate, tlbi, fault; valid again without tlbi");
    *pt_slot(root, TEST_VA + PAGE(7), 3) = 0;
    tlbi_page(TEST_VA + PAGE(7));
    probe_read(TEST_VA + PAGE(7));
    *pt_slot(root, TEST_VA + PAGE(7), 3) = (TEST_PA + PAGE(5)) | S1_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    isb();
    show("after", probe_read(TEST_VA + PAGE(7)));

    step("remap a 2 MiB block, tlbi alle2");
    *pt_slot(root, TEST_VA + 0x400000, 2) = (TEST_PA + 0x200000) | S1_RAM | D_VALID;
    dsb(ishst);
    tlbi_all(alle2);
    dsb(ish);
    isb();
    show("after", probe_read(TEST_VA + 0x400000 + PAGE(1)));

    step("done");
    put_kv("exceptions", exc_count);
    return 0;
}
