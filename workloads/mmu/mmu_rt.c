/* Runtime of the VMSAv8-64 test programs (see mmu_rt.h). */
#include "mmu/mmu_rt.h"

#define POOL_TABLES 48

static u64 pool[POOL_TABLES][512] __attribute__((aligned(4096)));
static unsigned pool_used;

volatile unsigned exc_count;

u64 *pt_alloc(void)
{
    if (pool_used == POOL_TABLES) {
        puts_("table pool exhausted\n");
        rt_exit(1);
    }
    u64 *t = pool[pool_used++];
    for (int k = 0; k < 512; k++)
        t[k] = 0;
    return t;
}

static unsigned index_at(u64 va, int level)
{
    return (unsigned)(va >> (39 - 9 * level)) & 511;
}

u64 *pt_slot(u64 *root, u64 va, int level)
{
    u64 *t = root;
    for (int l = 1; l < level; l++) {
        u64 *d = &t[index_at(va, l)];
        if ((*d & 3) != 3) {
            u64 *next = pt_alloc();
            *d = (u64)next | D_TABLE | D_VALID;
        }
        t = (u64 *)(*d & 0x0000FFFFFFFFF000ull);
    }
    return &t[index_at(va, level)];
}

void pt_map(u64 *root, u64 va, u64 oa, int level, u64 attrs)
{
    *pt_slot(root, va, level) = oa | attrs | D_VALID | (level == 3 ? D_TABLE : 0);
}

void pt_map_blocks(u64 *root, u64 base, u64 size, u64 attrs)
{
    for (u64 a = base; a < base + size; a += 1ull << 21)
        pt_map(root, a, a, 2, attrs);
}

void put_ret(u64 pa)
{
    *(volatile u32 *)pa = 0xd65f03c0;   /* RET */
    __asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic iallu\n\tdsb ish\n\tisb" ::"r"(pa) : "memory");
}

s64 start_core(u64 mpidr, u64 stack_top)
{
    register u64 x0 __asm__("x0") = 0xC4000003;   /* CPU_ON, SMC64 */
    register u64 x1 __asm__("x1") = mpidr;
    register u64 x2 __asm__("x2") = (u64)secondary_entry;
    register u64 x3 __asm__("x3") = stack_top;
    __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
    return (s64)x0;
}

/* Programs that start other cores define their own. */
__attribute__((weak)) void secondary_main(void)
{
}

void step(const char *name)
{
    puts_(name);
    puts_("\n");
}

void report_par(const char *name, u64 par)
{
    puts_("  ");
    puts_(name);
    puts_(" par=");
    put_hex(par);
    puts_("\n");
}

static int hpfar_defined(u64 esr)
{
    unsigned fsc = (unsigned)esr & 0x3F;
    unsigned kind = fsc & 0x3C;
    return (esr & (1u << 7)) || kind == 0x00 || kind == 0x04 || kind == 0x08;
}

void report_exc(unsigned el, u64 esr, u64 far, u64 hpfar)
{
    unsigned ec = (unsigned)(esr >> 26);
    puts_(el == 2 ? "  el2 ec=" : "  el1 ec=");
    put_hex(ec);
    puts_(" esr=");
    put_hex(esr);
    puts_(" far=");
    put_hex(far);
    if (el == 2 && (ec == 0x20 || ec == 0x24) && hpfar_defined(esr)) {
        puts_(" hpfar=");
        put_hex(hpfar);
    }
    puts_("\n");
}

static int is_abort(unsigned ec)
{
    return ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25;
}

/* Data aborts resume after the access (every probe is one instruction);
 * instruction aborts return to the caller of the probe, whose BLR left the
 * return address in X30, with 0 as the probe's result. */
static void resume(struct frame *f, unsigned ec, u64 *elr)
{
    if (ec == 0x20 || ec == 0x21) {
        *elr = f->x[30];
        f->x[0] = 0;
    } else
        *elr += 4;
}

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2), elr = read_sysreg(elr_el2);
    unsigned ec = (unsigned)(esr >> 26);
    if (ec == 0x16 && (esr & 0xffff) == 0xfff) {
        /* the guest is done: back to run_el1's caller, at EL2h */
        write_sysreg(elr_el2, (u64)el1_return);
        write_sysreg(spsr_el2, 0x3c9);
        return;
    }
    if (!is_abort(ec)) {
        puts_("unexpected exception at el2\n");
        put_kv("vector", idx);
        put_kv("esr", esr);
        put_kv("elr", elr);
        put_kv("far", read_sysreg(far_el2));
        rt_exit(1);
    }
    exc_count++;
    report_exc(2, esr, read_sysreg(far_el2), read_sysreg(hpfar_el2));
    resume(f, ec, &elr);
    write_sysreg(elr_el2, elr);
}

void exc_el1(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el1), elr = read_sysreg(elr_el1);
    unsigned ec = (unsigned)(esr >> 26);
    if (!is_abort(ec)) {
        puts_("unexpected exception at el1\n");
        put_kv("vector", idx);
        put_kv("esr", esr);
        put_kv("elr", elr);
        put_kv("far", read_sysreg(far_el1));
        rt_exit(1);
    }
    exc_count++;
    report_exc(1, esr, read_sysreg(far_el1), 0);
    resume(f, ec, &elr);
    write_sysreg(elr_el1, elr);
}
