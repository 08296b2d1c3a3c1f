/* Armv8-R AArch64 with the optional EL1 MMU (run on fvp-r with --el1-msa
 * mmu): ID_AA64MMFR0_EL1.MSA_frac = 2, and with VTCR_EL2.MSA = 1 the EL1
 * guest translates with VMSAv8-64 stage 1 while the EL2 MPU acts as its
 * stage 2 (flat IPA == PA).  The guest takes stage-1 faults (to EL1), EL2
 * MPU faults on its accesses (stage 2, Permission fault level 0, to EL2)
 * and on its stage-1 table walk (S1PTW, with HPFAR_EL2), looks addresses
 * up with AT S1E1R (the S1PTW case is a Data Abort to EL2), and remaps its
 * own page after TLBI VAE1IS; EL2 looks up with AT S12E1R.  With
 * VTCR_EL2.MSA = 0 and SCTLR_EL1.M = 0 the same accesses are flat and
 * only the EL2 MPU applies.  No QEMU model has this core: the expected
 * output was checked by hand against the architecture. */
#include "mmu/mmu_rt.h"

#define IMAGE    0x40000000ull
#define TEST_PA  0x41000000ull
#define TEST_VA  0x80000000ull
#define PAGE(n)  ((u64)(n) << 12)
#define PTW_VA   0x80200000ull   /* its L3 table is at IPA page 4: no region */
#define VTCR_MSA (1ull << 31)

/* EL2 MPU registers (PMSAv8-64; the names are not known to the assembler) */
#define write_prselr(v) write_sysreg(S3_4_C6_C2_1, v)
#define write_prbar(v)  write_sysreg(S3_4_C6_C8_0, v)
#define write_prlar(v)  write_sysreg(S3_4_C6_C8_1, v)
#define AP_RW_ALL 1ull
#define AP_RO_ALL 3ull

static u64 *s1root;

static void show(const char *name, u64 v)
{
    puts_("  ");
    put_kv(name, v);
}

/* EL2 MPU region `n`: [base, limit] for EL2 and EL1&0, Normal memory. */
static void region(unsigned n, u64 base, u64 limit, u64 ap)
{
    write_prselr(n);
    isb();
    write_prbar(base | (3ull << 4) | (ap << 2));
    write_prlar((limit & ~63ull) | 1);
}

static u64 g_read(u64 va)
{
    return probe_read(va);
}

static u64 g_write(u64 va)
{
    probe_write(va, 0x99);
    return 0;
}

static u64 g_at(u64 va)
{
    return at_par(s1e1r, va);
}

static u64 g_remap(u64 va)
{
    *pt_slot(s1root, va, 3) = (TEST_PA + PAGE(2)) | S1_RAM | D_TABLE | D_VALID;
    dsb(ishst);
    tlbi(vae1is, va >> 12);
    dsb(ish);
    isb();
    return probe_read(va);
}

static u64 guest(u64 (*fn)(u64), u64 arg)
{
    return run_el1(fn, arg, (u64)__stack_el1_top);
}

int main(void)
{
    u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
    show("ID_AA64MMFR0_EL1.MSA", (mmfr0 >> 48) & 0xF);
    show("ID_AA64MMFR0_EL1.MSA_frac", (mmfr0 >> 52) & 0xF);

    write64(TEST_PA + PAGE(0), 0x1111);
    write64(TEST_PA + PAGE(1), 0x2222);
    write64(TEST_PA + PAGE(2), 0x3333);

    /* the EL2 MPU: the guest's stage 2 */
    write_sysreg(mair_el2, MAIR_VALUE);
    region(0, IMAGE, IMAGE + 0x1FFFFF, AP_RW_ALL);
    region(1, TEST_PA, TEST_PA + PAGE(2) - 1, AP_RW_ALL);
    region(2, TEST_PA + PAGE(2), TEST_PA + PAGE(3) - 1, AP_RO_ALL);

    /* the guest's stage 1 */
    s1root = pt_alloc();
    pt_map(s1root, IMAGE, IMAGE, 2, S1_RAM);
    pt_map(s1root, TEST_VA + PAGE(0), TEST_PA + PAGE(0), 3, S1_RAM);
    pt_map(s1root, TEST_VA + PAGE(1), TEST_PA + PAGE(1), 3, S1_RAM | S1_AP_RO);
    pt_map(s1root, TEST_VA + PAGE(2), TEST_PA + PAGE(2), 3, S1_RAM);
    pt_map(s1root, TEST_VA + PAGE(3), TEST_PA + PAGE(3), 3, S1_RAM);
    /* VA page 5: invalid */
    *pt_slot(s1root, PTW_VA, 2) = (TEST_PA + PAGE(4)) | D_TABLE | D_VALID;

    write_sysreg(mair_el1, MAIR_VALUE);
    write_sysreg(tcr_el1, TCR_EL1_VALUE);
    write_sysreg(ttbr0_el1, (u64)s1root);
    write_sysreg(vtcr_el2, VTCR_MSA);
    write_sysreg(ttbr0_el2, 1ull << 48);   /* VSCTLR_EL2: VMID 1 */
    write_sysreg(hcr_el2, HCR_RW | HCR_VM);
    isb();
    tlbi_all(vmalle1);
    dsb(ish);
    write_sysreg(sctlr_el1, SCTLR_EL1_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
    step("el1 vmsa stage 1 over the el2 mpu");

    step("read: stage 1 page, mpu region");
    show("value", guest(g_read, TEST_VA + PAGE(0)));
    step("stage 1 permission fault: write to read-only (to el1)");
    guest(g_write, TEST_VA + PAGE(1));
    step("stage 1 translation fault, level 3 (to el1)");
    guest(g_read, TEST_VA + PAGE(5));
    step("el2 mpu read-only region: write faults (to el2), read works");
    guest(g_write, TEST_VA + PAGE(2));
    show("value", guest(g_read, TEST_VA + PAGE(2)));
    step("ipa in no el2 mpu region (to el2)");
    guest(g_read, TEST_VA + PAGE(3));
    step("s1ptw: the stage-1 table is in no el2 mpu region (to el2)");
    guest(g_read, PTW_VA);

    step("at");
    report_par("s1e1r at el1", guest(g_at, TEST_VA + PAGE(0) + 0x40));
    report_par("s1e1r at el1, invalid", guest(g_at, TEST_VA + PAGE(5)));
    step("s1e1r at el1 with s1ptw fault: data abort to el2");
    guest(g_at, PTW_VA);
    report_par("s12e1r at el2", at_par(s12e1r, TEST_VA + PAGE(2)));
    report_par("s12e1r at el2, no region", at_par(s12e1r, TEST_VA + PAGE(3)));

    step("guest remaps its page, tlbi vae1is");
    show("after", guest(g_remap, TEST_VA + PAGE(0)));

    step("vtcr_el2.msa = 0, sctlr_el1.m = 0: flat, the el2 mpu only");
    write_sysreg(sctlr_el1, SCTLR_EL1_RES1);
    write_sysreg(vtcr_el2, 0);
    isb();
    show("value", guest(g_read, TEST_PA + PAGE(1)));
    guest(g_read, TEST_VA);

    step("done");
    put_kv("exceptions", exc_count);
    return 0;
}
