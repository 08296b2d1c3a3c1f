/* Runtime of the user-mode test programs: Linux system calls by SVC #0
 * (number in x8, arguments in x0-x5, result in x0), plus the output
 * helpers of workloads/lib/rt.h over write(1, ...), so a bare-metal
 * program's computing code builds unchanged for user mode. */
#ifndef WORKLOADS_USER_URT_H
#define WORKLOADS_USER_URT_H

#include "lib/rt.h"

long sys6(long nr, long a0, long a1, long a2, long a3, long a4, long a5);
#define sys0(nr) sys6(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a) sys6(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b) sys6(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c) sys6(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(nr, a, b, c, d) sys6(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

void urt_exit(int status) __attribute__((noreturn));
unsigned long urt_strlen(const char *s);
/* Writes a string to stdout. */
void urt_puts(const char *s);

/* arm64 system call numbers used by the programs */
enum {
    SYS_ioctl = 29, SYS_openat = 56, SYS_close = 57, SYS_write = 64, SYS_writev = 66,
    SYS_readlinkat = 78, SYS_newfstatat = 79, SYS_fstat = 80, SYS_exit = 93,
    SYS_exit_group = 94, SYS_set_tid_address = 96, SYS_futex = 98,
    SYS_clock_gettime = 113, SYS_rt_sigprocmask = 135, SYS_uname = 160,
    SYS_getpid = 172, SYS_gettid = 178, SYS_brk = 214, SYS_munmap = 215,
    SYS_mmap = 222, SYS_mprotect = 226, SYS_prlimit64 = 261, SYS_getrandom = 278,
};

#endif
