/* Runtime of the bare-metal test programs (see rt.h). */
#include "rt.h"

long sh_call(long op, const void *arg)
{
    register long x0 __asm__("x0") = op;
    register const void *x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void sh_write0(const char *s)
{
    sh_call(0x04, s);
}

void rt_exit(int status)
{
    /* SYS_EXIT with ADP_Stopped_ApplicationExit and the status. */
    u64 block[2] = {0x20026, (u64)(unsigned)status};
    sh_call(0x18, block);
    for (;;)
        __asm__ volatile("wfi");
}

void uart_putc(char ch)
{
    volatile u32 *uart = (volatile u32 *)0x09000000;
    uart[0] = (u32)(unsigned char)ch;
}

void puts_(const char *s)
{
    sh_write0(s);
}

void put_hex(u64 v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int k = 0; k < 16; k++)
        buf[2 + k] = "0123456789abcdef"[(v >> (60 - 4 * k)) & 15];
    buf[18] = 0;
    sh_write0(buf);
}

void put_dec(s64 v)
{
    char buf[24];
    int n = 23;
    buf[n] = 0;
    u64 u = v < 0 ? (u64)0 - (u64)v : (u64)v;
    do {
        buf[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--n] = '-';
    sh_write0(buf + n);
}

void put_kv(const char *key, u64 v)
{
    sh_write0(key);
    sh_write0("=");
    put_hex(v);
    sh_write0("\n");
}

static int failed;

void check(const char *name, u64 got, u64 want)
{
    if (got == want) {
        sh_write0("ok   ");
        sh_write0(name);
        sh_write0("\n");
        return;
    }
    failed++;
    sh_write0("FAIL ");
    sh_write0(name);
    sh_write0(" got=");
    put_hex(got);
    sh_write0(" want=");
    put_hex(want);
    sh_write0("\n");
}

int checks_failed(void)
{
    return failed;
}

static void unexpected(const char *el, u64 idx, u64 esr, u64 elr, u64 far)
{
    sh_write0("unexpected exception at ");
    sh_write0(el);
    sh_write0("\n");
    put_kv("vector", idx);
    put_kv("esr", esr);
    put_kv("elr", elr);
    put_kv("far", far);
    rt_exit(1);
}

__attribute__((weak)) void exc_el2(struct frame *f, u64 idx)
{
    (void)f;
    unexpected("el2", idx, read_sysreg(esr_el2), read_sysreg(elr_el2), read_sysreg(far_el2));
}

__attribute__((weak)) void exc_el1(struct frame *f, u64 idx)
{
    (void)f;
    unexpected("el1", idx, read_sysreg(esr_el1), read_sysreg(elr_el1), read_sysreg(far_el1));
}
