/* The system calls and the initial process state user mode provides:
 * argv/envp/auxv as Linux lays them out for a static executable, write,
 * writev, brk, anonymous mmap/munmap/mprotect, uname, identity, limits,
 * clocks, getrandom, and -ENOSYS for an unknown number.  Prints only what
 * is the same under qemu-aarch64 and msasim run --user. */
#include "lib/urt.h"

#include <elf.h>

extern char _start[], __ehdr_start[], _end[];

static u64 auxv_get(char **envp, u64 type)
{
    while (*envp)
        envp++;
    for (u64 *a = (u64 *)(envp + 1); a[0] != AT_NULL; a += 2)
        if (a[0] == type)
            return a[1];
    return ~0ull;
}

static int same_str(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

static void check_auxv(char **argv, char **envp)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)__ehdr_start;
    check("auxv AT_PAGESZ", auxv_get(envp, AT_PAGESZ), 4096);
    check("auxv AT_PHDR", auxv_get(envp, AT_PHDR), (u64)__ehdr_start + eh->e_phoff);
    check("auxv AT_PHENT", auxv_get(envp, AT_PHENT), sizeof(Elf64_Phdr));
    check("auxv AT_PHNUM", auxv_get(envp, AT_PHNUM), eh->e_phnum);
    check("auxv AT_ENTRY", auxv_get(envp, AT_ENTRY), (u64)_start);
    check("auxv AT_RANDOM given", auxv_get(envp, AT_RANDOM) != ~0ull && auxv_get(envp, AT_RANDOM) != 0, 1);
    check("auxv AT_EXECFN", same_str((const char *)auxv_get(envp, AT_EXECFN), argv[0]), 1);
    check("auxv AT_SECURE", auxv_get(envp, AT_SECURE), 0);
}

static void check_output(void)
{
    check("write", (u64)sys3(SYS_write, 1, "write\n", 6), 6);
    struct {
        const char *base;
        u64 len;
    } iov[3] = {{"wri", 3}, {"tev", 3}, {"\n", 1}};
    check("writev", (u64)sys3(SYS_writev, 1, iov, 3), 7);
    check("write to a closed fd", (u64)sys3(SYS_write, 9, "x", 1), (u64)-9);   /* EBADF */
}

static void check_brk(void)
{
    u64 cur = (u64)sys1(SYS_brk, 0);
    check("brk starts after the image", cur >= (u64)_end && cur - (u64)_end < 0x10000000, 1);
    u64 want = cur + 100000;
    check("brk grows", (u64)sys1(SYS_brk, want), want);
    volatile char *p = (volatile char *)cur;
    p[0] = 1;
    p[99999] = 2;
    check("brk memory is usable", (u64)(p[0] + p[99999]), 3);
    check("brk shrinks", (u64)sys1(SYS_brk, cur + 10), cur + 10);
    check("brk below the start is refused", (u64)sys1(SYS_brk, 4096), cur + 10);
}

static void check_mmap(void)
{
    long a = sys6(SYS_mmap, 0, 3 * 4096, 3 /* RW */, 0x22 /* PRIVATE|ANON */, -1, 0);
    check("mmap is page aligned", a > 0 && (a & 4095) == 0, 1);
    volatile u64 *q = (volatile u64 *)a;
    q[0] = 0x1234;
    q[3 * 512 - 1] = 0x5678;
    check("mmap memory is usable", q[0] + q[3 * 512 - 1], 0x1234 + 0x5678);
    check("mmap memory starts zeroed", q[700], 0);
    check("munmap", (u64)sys2(SYS_munmap, a, 3 * 4096), 0);
    long r = sys6(SYS_mmap, 0, 4096, 1 /* R */, 0x22, -1, 0);
    check("mmap read-only", r > 0, 1);
    check("mprotect to RW", (u64)sys3(SYS_mprotect, r, 4096, 3), 0);
    *(volatile u64 *)r = 7;
    check("write after mprotect", *(volatile u64 *)r, 7);
    check("mmap of length 0 fails", (u64)sys6(SYS_mmap, 0, 0, 3, 0x22, -1, 0), (u64)-22);
    check("mprotect of an unmapped page fails", (u64)sys3(SYS_mprotect, 0x1000, 4096, 3), (u64)-12);
}

static void check_identity(void)
{
    char u[6][65];
    check("uname", (u64)sys1(SYS_uname, u), 0);
    check("uname sysname", same_str(u[0], "Linux"), 1);
    check("uname machine", same_str(u[4], "aarch64"), 1);
    long pid = sys0(SYS_getpid), tid = sys0(SYS_gettid);
    check("getpid == gettid", pid == tid && pid > 0, 1);
    int tidword;
    check("set_tid_address returns the tid", (u64)sys1(SYS_set_tid_address, &tidword), (u64)tid);
    u64 lim[2];
    check("prlimit64 RLIMIT_STACK", (u64)sys4(SYS_prlimit64, 0, 3, 0, lim), 0);
    check("stack limit given", lim[0] > 0, 1);
    char path[256];
    long n = sys4(SYS_readlinkat, -100, "/proc/self/exe", path, sizeof path);
    check("readlinkat /proc/self/exe", n > 0 && path[0] == '/', 1);
    u64 st[16];
    check("fstat stdout", (u64)sys2(SYS_fstat, 1, st), 0);
    check("newfstatat stdout", (u64)sys4(SYS_newfstatat, 1, "", st, 0x1000), 0);
    check("rt_sigprocmask", (u64)sys4(SYS_rt_sigprocmask, 0, 0, 0, 8), 0);
    int word = 1;
    check("futex wake", (u64)sys6(SYS_futex, (long)&word, 1 /* WAKE */, 1, 0, 0, 0), 0);
}

static void check_time_random(void)
{
    u64 t0[2], t1[2];
    check("clock_gettime", (u64)sys2(SYS_clock_gettime, 1, t0), 0);
    for (volatile int k = 0; k < 1000; k++)
        ;
    sys2(SYS_clock_gettime, 1, t1);
    check("monotonic clock advances", t1[0] > t0[0] || (t1[0] == t0[0] && t1[1] > t0[1]), 1);
    check("nanoseconds below 1e9", t0[1] < 1000000000u, 1);
    unsigned char buf[16];
    check("getrandom", (u64)sys3(SYS_getrandom, buf, 16, 0), 16);
    check("unknown system call", (u64)sys0(4000), (u64)-38);   /* ENOSYS */
}

int main(int argc, char **argv, char **envp)
{
    puts_("argc=");
    put_dec(argc);
    puts_("\n");
    for (int k = 1; k < argc; k++) {
        puts_("argv: ");
        puts_(argv[k]);
        puts_("\n");
    }
    check("sp alignment", ((u64)__builtin_frame_address(0) & 15), 0);
    check_auxv(argv, envp);
    check_output();
    check_brk();
    check_mmap();
    check_identity();
    check_time_random();
    puts_(checks_failed() ? "syscalls: FAILED\n" : "syscalls: done\n");
    return checks_failed() ? 1 : 0;
}
