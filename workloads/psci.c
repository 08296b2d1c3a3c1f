/* The firmware interface of profile a: PSCI and SMCCC calls by SMC from
 * EL2 (QEMU's virt machine with virtualization=on uses the SMC conduit),
 * ending with SYSTEM_OFF. */
#include "lib/rt.h"

static u64 smc(u64 fid, u64 a1, u64 a2, u64 a3)
{
    register u64 x0 __asm__("x0") = fid;
    register u64 x1 __asm__("x1") = a1;
    register u64 x2 __asm__("x2") = a2;
    register u64 x3 __asm__("x3") = a3;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return x0;
}

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2);
    puts_("exception: ");
    put_kv("esr", esr);
    f->x[0] = 0xdead;
    write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
    (void)idx;
}

static void call(const char *name, u64 fid, u64 a1)
{
    puts_(name);
    puts_(" ");
    put_hex(smc(fid, a1, 0, 0));
    puts_("\n");
}

int main(void)
{
    call("PSCI_VERSION", 0x84000000, 0);
    call("PSCI_FEATURES(PSCI_VERSION)", 0x8400000A, 0x84000000);
    call("PSCI_FEATURES(CPU_ON64)", 0x8400000A, 0xC4000003);
    call("PSCI_FEATURES(SYSTEM_OFF)", 0x8400000A, 0x84000008);
    call("PSCI_FEATURES(bogus)", 0x8400000A, 0x8400001F);
    call("MIGRATE_INFO_TYPE", 0x84000006, 0);
    call("AFFINITY_INFO(0)", 0xC4000004, 0);
    call("AFFINITY_INFO(7)", 0xC4000004, 7);
    call("CPU_ON(7)", 0xC4000003, 7);
    call("unknown PSCI function", 0x8400001E, 0);
    call("SMCCC_VERSION", 0x80000000, 0);
    call("SMCCC_ARCH_FEATURES", 0x80000001, 0x80008000);
    puts_("SYSTEM_OFF\n");
    smc(0x84000008, 0, 0, 0);
    puts_("still running after SYSTEM_OFF\n");
    return 1;
}
