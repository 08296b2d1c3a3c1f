/* TLB maintenance that reaches another core: core 0 builds the tables and
 * starts core 1 (PSCI CPU_ON); both run at EL2 with the same EL2 stage-1
 * tables, and core 1 also runs an EL1 guest under the shared stage 2
 * (stage 1 off).  Core 1 reads when core 0 asks, so its TLBs hold the old
 * translation; core 0 changes the tables and invalidates with the Inner
 * Shareable forms (TLBI VAE2IS, ALLE2IS, IPAS2E1IS + VMALLE1IS,
 * VMALLS12E1IS), and core 1 must see the change; break-before-make across
 * cores.  Only core 0 prints (core 1's fault lines come while core 0
 * waits), so the output is deterministic.  Run with 2 cores. */
#include "mmu/mmu_rt.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE 0x40000000ull
#define TEST_PA  0x41000000ull
#define TEST_VA  0x80000000ull
#define PAGE(n)  ((u64)(n) << 12)

static u64 *root, *s2root;
static u64 stack_el2_1[1024] __attribute__((aligned(16)));
static u64 stack_el1_1[1024] __attribute__((aligned(16)));

/* the mailbox: core 0 writes cmd/arg, core 1 answers in result and done */
enum { CMD_NONE, CMD_READ, CMD_GUEST_READ };
static volatile u64 cmd, arg, result, done, up;

static void show(const char *name, u64 v)
{
    puts_("  ");
    put_kv(name, v);
}

static void mmu_on(void)
{
    write_sysreg(mair_el2, MAIR_VALUE);
    write_sysreg(tcr_el2, TCR_EL2_VALUE);
    write_sysreg(ttbr0_el2, (u64)root);
    write_sysreg(vtcr_el2, VTCR_VALUE);
    write_sysreg(vttbr_el2, (u64)s2root | (1ull << 48));
    write_sysreg(hcr_el2, HCR_RW | HCR_VM);
    write_sysreg(sctlr_el1, SCTLR_EL1_RES1);
    dsb(ish);
    isb();
    write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
}

static u64 g_read(u64 ipa)
{
    return probe_read(ipa);
}

void secondary_main(void)
{
    tlbi_all(alle2);
    tlbi_all(alle1);
    dsb(nsh);
    mmu_on();
    up = 1;
    dsb(ish);
    __asm__ volatile("sev");
    for (;;) {
        while (cmd == CMD_NONE)
            __asm__ volatile("wfe");
        dsb(ish);
        isb();
        u64 c = cmd;
        cmd = CMD_NONE;
        if (c == CMD_READ)
            result = probe_read(arg);
        else
            result = run_el1(g_read, arg, (u64)&stack_el1_1[1024]);
        dsb(ish);
        done = 1;
        __asm__ volatile("sev");
    }
}

/* Asks core 1 to read `va` (at EL2, or as its EL1 guest) and waits. */
static u64 remote(u64 c, u64 va)
{
    done = 0;
    arg = va;
    dsb(ish);
    cmd = c;
    dsb(ish);
    __asm__ volatile("sev");
    while (!done)
        __asm__ volatile("wfe");
    return result;
}

static void set_page(u64 *tbl, u64 va, u64 pa, u64 attrs)
{
    *pt_slot(tbl, va, 3) = pa | attrs | D_TABLE | D_VALID;
    dsb(ishst);
}

int main(void)
{
    write64(TEST_PA + PAGE(0), 0x1111);
    write64(TEST_PA + PAGE(1), 0x2222);
    write64(TEST_PA + PAGE(5), 0x5555);

    root = pt_alloc();
    pt_map_blocks(root, RAM_BASE, RAM_SIZE, S1_RAM);
    pt_map(root, TEST_VA, TEST_PA, 3, S1_RAM);
    s2root = pt_alloc();
    pt_map_blocks(s2root, RAM_BASE, 0x200000, S2_RAM);
    pt_map(s2root, TEST_PA, TEST_PA, 3, S2_RAM);
    tlbi_all(alle2);
    tlbi_all(alle1);
    dsb(ish);
    mmu_on();
    step("core 0: el2 mmu on");

    s64 rc = start_core(1, (u64)&stack_el2_1[1024]);
    show("cpu_on", (u64)rc);
    while (!up)
        __asm__ volatile("wfe");
    step("core 1: el2 mmu on");

    step("el2 page: core 1 reads, core 0 remaps, tlbi vae2is");
    show("core 1 before", remote(CMD_READ, TEST_VA));
    set_page(root, TEST_VA, TEST_PA + PAGE(1), S1_RAM);
    tlbi(vae2is, TEST_VA >> 12);
    dsb(ish);
    show("core 1 after", remote(CMD_READ, TEST_VA));

    step("el2 page: remap, tlbi alle2is");
    set_page(root, TEST_VA, TEST_PA + PAGE(5), S1_RAM);
    tlbi_all(alle2is);
    dsb(ish);
    show("core 1 after", remote(CMD_READ, TEST_VA));

    step("el2 page: break before make across cores");
    *pt_slot(root, TEST_VA, 3) = 0;
    dsb(ishst);
    tlbi(vae2is, TEST_VA >> 12);
    dsb(ish);
    show("core 1 read", remote(CMD_READ, TEST_VA));
    set_page(root, TEST_VA, TEST_PA + PAGE(0), S1_RAM);
    show("core 1 after", remote(CMD_READ, TEST_VA));

    step("stage 2: core 1's guest reads, core 0 remaps, tlbi ipas2e1is + vmalle1is");
    show("guest before", remote(CMD_GUEST_READ, TEST_PA));
    set_page(s2root, TEST_PA, TEST_PA + PAGE(1), S2_RAM);
    tlbi(ipas2e1is, TEST_PA >> 12);
    dsb(ish);
    tlbi_all(vmalle1is);
    dsb(ish);
    show("guest after", remote(CMD_GUEST_READ, TEST_PA));

    step("stage 2: remap, tlbi vmalls12e1is");
    set_page(s2root, TEST_PA, TEST_PA + PAGE(5), S2_RAM);
    tlbi_all(vmalls12e1is);
    dsb(ish);
    show("guest after", remote(CMD_GUEST_READ, TEST_PA));

    step("done");
    put_kv("exceptions", exc_count);
    return 0;
}
