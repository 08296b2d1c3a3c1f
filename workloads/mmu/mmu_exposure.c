/* A miniature hypervisor for the EL2 map observer (tests/cli/el2_maps.sh):
 * what it maps is known exactly, so the observer's figures can be checked.
 *
 * EL2 maps the program (4 MiB at 0x40000000), the UART page, and a
 * "directmap" of the guest's 8 MiB at 0x42000000, all flat.  The guest
 * (VMID 3) gets, at stage 2, the program flat (4 MiB) and its 8 MiB at IPA
 * 0x80000000, plus the UART page (a device, not RAM).  Tables (4 KiB
 * granule, walks from level 1): EL2 has its root, the level-2 tables of
 * the first and second GiB and the UART page's level-3 table (4 pages);
 * stage 2 the same plus the level-2 table of the third GiB (5 pages).  The guest runs a while;
 * then EL2 takes the upper 4 MiB of the directmap away (two 2 MiB blocks,
 * each followed by TLBI VAE2IS), invalidates the UART page 3000 times in a
 * row, and spins a while at EL2.  So the guest's RAM is 12 MiB, of which
 * EL2 can read 12 MiB at first and 8 MiB at the end. */
#include "mmu/mmu_rt.h"

#define IMAGE      0x40000000ull
#define IMAGE_SIZE 0x00400000ull
#define GUEST_PA   0x42000000ull
#define GUEST_SIZE 0x00800000ull
#define GUEST_IPA  0x80000000ull
#define UART       0x09000000ull
#define VMID       3ull

static u64 *root, *s2root;

/* The guest: sums its memory a few times over (long enough for the
 * observer, which looks after every scheduling turn, to see it run). */
static u64 guest(u64 words)
{
    u64 sum = 0;
    for (int pass = 0; pass < 4; pass++)
        for (u64 i = 0; i < words; i++)
            sum += read64(GUEST_IPA + i * 8);
    return sum;
}

static void spin(unsigned n)
{
    for (volatile unsigned i = 0; i < n; i++)
        ;
}

int main(void)
{
    root = pt_alloc();
    pt_map_blocks(root, IMAGE, IMAGE_SIZE, S1_RAM);
    pt_map_blocks(root, GUEST_PA, GUEST_SIZE, S1_RAM);
    pt_map(root, UART, UART, 3, S1_DEV);
    s2root = pt_alloc();
    pt_map_blocks(s2root, IMAGE, IMAGE_SIZE, S2_RAM);
    for (u64 off = 0; off < GUEST_SIZE; off += 0x200000)
        pt_map(s2root, GUEST_IPA + off, GUEST_PA + off, 2, S2_RAM);
    pt_map(s2root, UART, UART, 3, S2_MEMATTR(1) | D_AF | S2_AP_R | S2_AP_W | S2_XN);
    for (u64 i = 0; i < 2048; i++)
        write64(GUEST_PA + i * 8, i);

    write_sysreg(mair_el2, MAIR_VALUE);
    write_sysreg(tcr_el2, TCR_EL2_VALUE);
    write_sysreg(ttbr0_el2, (u64)root);
    write_sysreg(vtcr_el2, VTCR_VALUE);
    write_sysreg(vttbr_el2, (u64)s2root | VMID << 48);
    write_sysreg(hcr_el2, HCR_RW | HCR_VM);
    write_sysreg(sctlr_el1, SCTLR_EL1_RES1);
    tlbi_all(alle2);
    tlbi_all(alle1);
    dsb(ish);
    isb();
    write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I);
    isb();
    puts_("el2: mmu on\n");

    extern char __stack_el1_top[];
    put_kv("guest sum", run_el1(guest, 2048, (u64)__stack_el1_top));

    /* the upper half of the directmap goes */
    for (u64 off = GUEST_SIZE / 2; off < GUEST_SIZE; off += 0x200000) {
        *pt_slot(root, GUEST_PA + off, 2) = 0;
        dsb(ishst);
        tlbi(vae2is, (GUEST_PA + off) >> 12);
        dsb(ish);
        isb();
    }
    puts_("el2: upper 4 MiB of the directmap unmapped\n");
    /* TLB maintenance in a steady stream, one per scheduling turn or so:
     * the observer paces its readings (el2maps.rereads_deferred). */
    u64 *uart = pt_slot(root, UART, 3);
    for (int i = 0; i < 3000; i++) {
        *uart = *uart;
        dsb(ishst);
        tlbi(vae2is, UART >> 12);
        dsb(ish);
        spin(300);
    }
    puts_("el2: 3000 TLBIs\n");
    spin(20000);
    return 0;
}
