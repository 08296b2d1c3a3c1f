/* Trapped accesses to the EL1 virtual-memory control registers, as a
 * hypervisor sees them: with HCR_EL2.TVM every EL1 write of SCTLR_EL1,
 * TTBR0/1_EL1, TCR_EL1, ESR_EL1, FAR_EL1, AFSR0/1_EL1, MAIR_EL1, AMAIR_EL1
 * and CONTEXTIDR_EL1 traps to EL2 (EC 0x18); with HCR_EL2.TRVM every read
 * does.  The EL2 handler decodes the syndrome (op0, op1, CRn, CRm, op2, Rt,
 * direction), prints it with ESR/ELR/SPSR, emulates the access on the real
 * register and steps over the instruction.  Then the traps are turned off
 * and EL1 reads the registers back, and WFI is trapped with HCR_EL2.TWI.
 * QEMU's output is the reference. */
#include "lib/rt.h"

extern char __stack_el1_top[];

#define HCR_RW   (1ull << 31)
#define HCR_TRVM (1ull << 30)
#define HCR_TVM  (1ull << 26)
#define HCR_TWI  (1ull << 13)

/* The registers TVM/TRVM trap, by their encoding (op0=3, op1=0). */
struct vmreg {
    const char *name;
    unsigned crn, crm, op2;
};
static const struct vmreg vmregs[] = {
    {"sctlr_el1", 1, 0, 0},      {"ttbr0_el1", 2, 0, 0},  {"ttbr1_el1", 2, 0, 1},
    {"tcr_el1", 2, 0, 2},        {"afsr0_el1", 5, 1, 0},  {"afsr1_el1", 5, 1, 1},
    {"esr_el1", 5, 2, 0},        {"far_el1", 6, 0, 0},    {"mair_el1", 10, 2, 0},
    {"amair_el1", 10, 3, 0},     {"contextidr_el1", 13, 0, 1},
};
#define NVMREGS (sizeof vmregs / sizeof vmregs[0])

static int find_vmreg(unsigned crn, unsigned crm, unsigned op2)
{
    for (unsigned k = 0; k < NVMREGS; k++)
        if (vmregs[k].crn == crn && vmregs[k].crm == crm && vmregs[k].op2 == op2)
            return (int)k;
    return -1;
}

/* The EL2 side of an emulated access to register k. */
static u64 el1_reg_read(int k)
{
    switch (k) {
    case 0: return read_sysreg(sctlr_el1);
    case 1: return read_sysreg(ttbr0_el1);
    case 2: return read_sysreg(ttbr1_el1);
    case 3: return read_sysreg(tcr_el1);
    case 4: return read_sysreg(afsr0_el1);
    case 5: return read_sysreg(afsr1_el1);
    case 6: return read_sysreg(esr_el1);
    case 7: return read_sysreg(far_el1);
    case 8: return read_sysreg(mair_el1);
    case 9: return read_sysreg(amair_el1);
    default: return read_sysreg(contextidr_el1);
    }
}

static void el1_reg_write(int k, u64 v)
{
    switch (k) {
    case 0: write_sysreg(sctlr_el1, v); break;
    case 1: write_sysreg(ttbr0_el1, v); break;
    case 2: write_sysreg(ttbr1_el1, v); break;
    case 3: write_sysreg(tcr_el1, v); break;
    case 4: write_sysreg(afsr0_el1, v); break;
    case 5: write_sysreg(afsr1_el1, v); break;
    case 6: write_sysreg(esr_el1, v); break;
    case 7: write_sysreg(far_el1, v); break;
    case 8: write_sysreg(mair_el1, v); break;
    case 9: write_sysreg(amair_el1, v); break;
    default: write_sysreg(contextidr_el1, v); break;
    }
}

static void line(const char *who, u64 esr, u64 elr, u64 spsr)
{
    puts_(who);
    puts_(" ec=");
    put_hex(esr >> 26);
    puts_(" esr=");
    put_hex(esr);
    puts_(" elr=");
    put_hex(elr);
    puts_(" spsr=");
    put_hex(spsr);
}

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2), spsr = read_sysreg(spsr_el2);
    unsigned ec = (unsigned)(esr >> 26);
    line("el2", esr, elr, spsr);
    if (ec == 0x18) {
        unsigned iss = (unsigned)(esr & 0x1ffffff);
        unsigned op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
        unsigned crn = (iss >> 10) & 15, rt = (iss >> 5) & 31, crm = (iss >> 1) & 15;
        int read = iss & 1;
        int k = op0 == 3 && op1 == 0 ? find_vmreg(crn, crm, op2) : -1;
        puts_(read ? " read " : " write ");
        puts_(k >= 0 ? vmregs[k].name : "?");
        puts_(" rt=");
        put_dec(rt);
        puts_("\n");
        if (k >= 0 && rt < 31) {
            if (read)
                f->x[rt] = el1_reg_read(k);
            else
                el1_reg_write(k, f->x[rt]);
        }
        write_sysreg(elr_el2, elr + 4);
        return;
    }
    puts_("\n");
    if (ec == 0x16) {
        /* HVC #n from EL1: n = the new trap configuration */
        u64 hcr = HCR_RW;
        unsigned imm = (unsigned)(esr & 0xffff);
        if (imm & 1)
            hcr |= HCR_TVM;
        if (imm & 2)
            hcr |= HCR_TRVM;
        if (imm & 4)
            hcr |= HCR_TWI;
        write_sysreg(hcr_el2, hcr);
        isb();
        if (imm == 0xfff) {
            puts_("exc_vmregs: done\n");
            rt_exit(0);
        }
        return;
    }
    if (ec == 0x01) {
        write_sysreg(elr_el2, elr + 4);
        return;
    }
    puts_("exc_vmregs: unexpected exception\n");
    rt_exit(1);
    (void)idx;
}

void exc_el1(struct frame *f, u64 idx)
{
    line("el1", read_sysreg(esr_el1), read_sysreg(elr_el1), read_sysreg(spsr_el1));
    puts_("\nexc_vmregs: unexpected exception at EL1\n");
    rt_exit(1);
    (void)f;
    (void)idx;
}

/* Values written by EL1: harmless with the MMU off, and all bits defined. */
static u64 test_value(int k)
{
    switch (k) {
    case 0: return read_sysreg(sctlr_el1);   /* leave the MMU off */
    case 1: return 0x0001000040123000ull;    /* ASID 1, table at 0x40123000 */
    case 2: return 0x0002000040456000ull;
    case 3: return 0x0000000080803519ull;    /* T0SZ 25, 4K granule, IPS 32 bits */
    case 6: return 0x5a000042ull;
    case 7: return 0x0000123456789abcull;
    case 8: return 0x000000ff440c0400ull;
    case 10: return 0x42ull;
    default: return 0;                        /* AFSR0/1 and AMAIR: RES0 bits on QEMU */
    }
}

static void __attribute__((noinline)) write_all(void)
{
    for (int k = 0; k < (int)NVMREGS; k++) {
        u64 v = test_value(k);
        switch (k) {
        case 0: __asm__ volatile("msr sctlr_el1, %0" ::"r"(v)); break;
        case 1: __asm__ volatile("msr ttbr0_el1, %0" ::"r"(v)); break;
        case 2: __asm__ volatile("msr ttbr1_el1, %0" ::"r"(v)); break;
        case 3: __asm__ volatile("msr tcr_el1, %0" ::"r"(v)); break;
        case 4: __asm__ volatile("msr afsr0_el1, %0" ::"r"(v)); break;
        case 5: __asm__ volatile("msr afsr1_el1, %0" ::"r"(v)); break;
        case 6: __asm__ volatile("msr esr_el1, %0" ::"r"(v)); break;
        case 7: __asm__ volatile("msr far_el1, %0" ::"r"(v)); break;
        case 8: __asm__ volatile("msr mair_el1, %0" ::"r"(v)); break;
        case 9: __asm__ volatile("msr amair_el1, %0" ::"r"(v)); break;
        default: __asm__ volatile("msr contextidr_el1, %0" ::"r"(v)); break;
        }
    }
    isb();
}

static void __attribute__((noinline)) read_all(const char *how)
{
    static const int shown[] = {1, 2, 3, 8, 10};   /* registers with full storage */
    u64 v[NVMREGS];
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v[0]));
    __asm__ volatile("mrs %0, ttbr0_el1" : "=r"(v[1]));
    __asm__ volatile("mrs %0, ttbr1_el1" : "=r"(v[2]));
    __asm__ volatile("mrs %0, tcr_el1" : "=r"(v[3]));
    __asm__ volatile("mrs %0, afsr0_el1" : "=r"(v[4]));
    __asm__ volatile("mrs %0, afsr1_el1" : "=r"(v[5]));
    __asm__ volatile("mrs %0, esr_el1" : "=r"(v[6]));
    __asm__ volatile("mrs %0, far_el1" : "=r"(v[7]));
    __asm__ volatile("mrs %0, mair_el1" : "=r"(v[8]));
    __asm__ volatile("mrs %0, amair_el1" : "=r"(v[9]));
    __asm__ volatile("mrs %0, contextidr_el1" : "=r"(v[10]));
    for (unsigned k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        puts_(how);
        puts_(" ");
        puts_(vmregs[shown[k]].name);
        puts_("=");
        put_hex(v[shown[k]]);
        puts_("\n");
    }
}

static void __attribute__((noinline)) el1_main(void)
{
    puts_("el1: writes with TVM\n");
    write_all();
    __asm__ volatile("hvc #3");         /* TVM + TRVM */
    puts_("el1: reads with TRVM\n");
    read_all("trapped");
    __asm__ volatile("hvc #4");         /* no VM traps, TWI */
    puts_("el1: reads without traps\n");
    read_all("direct");
    puts_("el1: wfi with TWI\n");
    __asm__ volatile("wfi");
    __asm__ volatile("hvc #0xfff");
    for (;;)
        ;
}

int main(void)
{
    puts_("el2: to el1 with HCR_EL2.TVM\n");
    write_sysreg(hcr_el2, HCR_RW | HCR_TVM);
    write_sysreg(sp_el1, (u64)__stack_el1_top);
    write_sysreg(elr_el2, (u64)el1_main);
    write_sysreg(spsr_el2, 0x3c5);
    __asm__ volatile("eret");
    return 1;
}
