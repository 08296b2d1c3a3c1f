/* Runtime of the user-mode test programs (see urt.h). */
#include "urt.h"

long sys6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a0;
    register long x1 __asm__("x1") = a1;
    register long x2 __asm__("x2") = a2;
    register long x3 __asm__("x3") = a3;
    register long x4 __asm__("x4") = a4;
    register long x5 __asm__("x5") = a5;
    __asm__ volatile("svc #0"
                     : "+r"(x0)
                     : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                     : "memory");
    return x0;
}

void urt_exit(int status)
{
    for (;;)
        sys1(SYS_exit_group, status);
}

void rt_exit(int status)
{
    urt_exit(status);
}

unsigned long urt_strlen(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

void urt_puts(const char *s)
{
    sys3(SYS_write, 1, s, urt_strlen(s));
}

void puts_(const char *s)
{
    urt_puts(s);
}

void put_hex(u64 v)
{
    char buf[19];
    buf[0] = '0';
    buf[1] = 'x';
    for (int k = 0; k < 16; k++)
        buf[2 + k] = "0123456789abcdef"[(v >> (60 - 4 * k)) & 15];
    buf[18] = 0;
    urt_puts(buf);
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
    urt_puts(buf + n);
}

void put_kv(const char *key, u64 v)
{
    urt_puts(key);
    urt_puts("=");
    put_hex(v);
    urt_puts("\n");
}

static int failed;

void check(const char *name, u64 got, u64 want)
{
    if (got == want) {
        urt_puts("ok   ");
        urt_puts(name);
        urt_puts("\n");
        return;
    }
    failed++;
    urt_puts("FAIL ");
    urt_puts(name);
    urt_puts(" got=");
    put_hex(got);
    urt_puts(" want=");
    put_hex(want);
    urt_puts("\n");
}

int checks_failed(void)
{
    return failed;
}
