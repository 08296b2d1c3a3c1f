/* The Linux system calls of user mode: what static glibc start-up and test
 * programs need, answered on the host side.  Numbers and structure layouts
 * are those of the arm64 (asm-generic) ABI.  Results are deterministic:
 * one process, pid = tid = USER_PID, a clock that counts instructions, a
 * fixed-seed random generator. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/user_internal.h"

#define USER_PID 1000
/* CLOCK_REALTIME at instruction 0: 2024-01-01T00:00:00Z. */
#define USER_EPOCH_S UINT64_C(1704067200)
#define USER_STACK_LIMIT (UINT64_C(8) << 20)

/* arm64 system call numbers (include/uapi/asm-generic/unistd.h). */
enum {
    NR_getcwd = 17, NR_ioctl = 29, NR_faccessat = 48, NR_openat = 56, NR_close = 57,
    NR_lseek = 62, NR_read = 63, NR_write = 64, NR_writev = 66, NR_readlinkat = 78,
    NR_newfstatat = 79, NR_fstat = 80, NR_exit = 93, NR_exit_group = 94,
    NR_set_tid_address = 96, NR_futex = 98, NR_set_robust_list = 99, NR_nanosleep = 101,
    NR_clock_gettime = 113, NR_clock_getres = 114, NR_sched_yield = 124, NR_kill = 129,
    NR_tkill = 130, NR_tgkill = 131, NR_sigaltstack = 132, NR_rt_sigaction = 134,
    NR_rt_sigprocmask = 135, NR_uname = 160, NR_getrlimit = 163, NR_prctl = 167,
    NR_gettimeofday = 169, NR_getpid = 172, NR_getppid = 173, NR_getuid = 174,
    NR_geteuid = 175, NR_getgid = 176, NR_getegid = 177, NR_gettid = 178, NR_brk = 214,
    NR_munmap = 215, NR_mremap = 216, NR_mmap = 222, NR_mprotect = 226, NR_madvise = 233,
    NR_prlimit64 = 261, NR_getrandom = 278, NR_rseq = 293,
};

enum { U_MAP_FIXED = 0x10, U_MAP_ANONYMOUS = 0x20, U_MAP_FIXED_NOREPLACE = 0x100000 };
enum { U_AT_FDCWD = -100, U_AT_EMPTY_PATH = 0x1000 };
enum { U_FUTEX_WAIT = 0, U_FUTEX_WAKE = 1, U_FUTEX_CMD_MASK = 0x7f };

struct sc_args {
    uint64_t a[6];
};

static uint64_t page_up(uint64_t v)
{
    return (v + UPAGE_MASK) & ~UPAGE_MASK;
}

/* ---- output ---- */

static void emit(struct user_proc *p, int fd, const void *buf, size_t len)
{
    if (p->cfg.output) {
        p->cfg.output(p->cfg.output_ctx, fd, buf, len);
        return;
    }
    if (fd == 2)
        fflush(stdout);
    FILE *f = fd == 1 ? stdout : stderr;
    fwrite(buf, 1, len, f);
    if (fd == 2)
        fflush(f);
}

static int64_t write_from(struct user_proc *p, int fd, uint64_t va, uint64_t len)
{
    char buf[4096];
    uint64_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf;
        if (uspace_read(&p->as, va + done, buf, n))
            return done ? (int64_t)done : -EFAULT;
        emit(p, fd, buf, n);
        done += n;
    }
    return (int64_t)done;
}

static int64_t sys_write(struct user_proc *p, const struct sc_args *s)
{
    int fd = (int)s->a[0];
    if (fd != 1 && fd != 2)
        return -EBADF;
    return write_from(p, fd, s->a[1], s->a[2]);
}

static int64_t sys_writev(struct user_proc *p, const struct sc_args *s)
{
    int fd = (int)s->a[0];
    uint64_t iovcnt = s->a[2];
    if (fd != 1 && fd != 2)
        return -EBADF;
    if (iovcnt > 1024)
        return -EINVAL;
    int64_t total = 0;
    for (uint64_t k = 0; k < iovcnt; k++) {
        uint64_t iov[2];
        if (uspace_read(&p->as, s->a[1] + 16 * k, iov, sizeof iov))
            return total ? total : -EFAULT;
        int64_t n = write_from(p, fd, iov[0], iov[1]);
        if (n < 0)
            return total ? total : n;
        total += n;
    }
    return total;
}

static int64_t sys_read(struct user_proc *p, const struct sc_args *s)
{
    if (s->a[0] != 0)
        return -EBADF;
    char buf[4096];
    size_t n = s->a[2] < sizeof buf ? (size_t)s->a[2] : sizeof buf;
    ssize_t got = read(STDIN_FILENO, buf, n);
    if (got < 0)
        return -errno;
    if (got && uspace_write(&p->as, s->a[1], buf, (size_t)got))
        return -EFAULT;
    return got;
}

/* ---- files ---- */

/* struct stat of the arm64 ABI (asm-generic/stat.h): 128 bytes. */
static int put_stat(struct user_proc *p, uint64_t va, const struct stat *st)
{
    uint8_t b[128];
    memset(b, 0, sizeof b);
#define PUT(off, type, v) do { type t_ = (type)(v); memcpy(b + (off), &t_, sizeof t_); } while (0)
    PUT(0, uint64_t, st->st_dev);
    PUT(8, uint64_t, st->st_ino);
    PUT(16, uint32_t, st->st_mode);
    PUT(20, uint32_t, st->st_nlink);
    PUT(24, uint32_t, st->st_uid);
    PUT(28, uint32_t, st->st_gid);
    PUT(32, uint64_t, st->st_rdev);
    PUT(48, int64_t, st->st_size);
    PUT(56, int32_t, st->st_blksize);
    PUT(64, int64_t, st->st_blocks);
    PUT(72, int64_t, st->st_atime);
    PUT(88, int64_t, st->st_mtime);
    PUT(104, int64_t, st->st_ctime);
#undef PUT
    return uspace_write(&p->as, va, b, sizeof b) ? -EFAULT : 0;
}

/* Only the standard streams exist; their status is the host's. */
static int64_t stat_fd(struct user_proc *p, int64_t fd, uint64_t va)
{
    if (fd < 0 || fd > 2)
        return -EBADF;
    struct stat st;
    if (fstat((int)fd, &st) < 0)
        return -errno;
    return put_stat(p, va, &st);
}

static int64_t sys_fstat(struct user_proc *p, const struct sc_args *s)
{
    return stat_fd(p, (int64_t)s->a[0], s->a[1]);
}

static int64_t sys_newfstatat(struct user_proc *p, const struct sc_args *s)
{
    char path[256];
    int rc = uspace_read_str(&p->as, s->a[1], path, sizeof path);
    if (rc)
        return rc;
    if (path[0] == 0 && (s->a[3] & U_AT_EMPTY_PATH))
        return stat_fd(p, (int64_t)s->a[0], s->a[2]);
    return -ENOENT;
}

static int64_t sys_readlinkat(struct user_proc *p, const struct sc_args *s)
{
    char path[256];
    int rc = uspace_read_str(&p->as, s->a[1], path, sizeof path);
    if (rc)
        return rc;
    if (strcmp(path, "/proc/self/exe") != 0)
        return -ENOENT;
    size_t n = strlen(p->exe_path);
    if (n > s->a[3])
        n = (size_t)s->a[3];
    return uspace_write(&p->as, s->a[2], p->exe_path, n) ? -EFAULT : (int64_t)n;
}

static int64_t sys_getcwd(struct user_proc *p, const struct sc_args *s)
{
    if (s->a[1] < 2)
        return -ERANGE;
    return uspace_write(&p->as, s->a[0], "/", 2) ? -EFAULT : 2;
}

/* ---- memory ---- */

static int64_t sys_brk(struct user_proc *p, const struct sc_args *s)
{
    struct uspace *as = &p->as;
    uint64_t want = s->a[0];
    if (want < as->brk_start || want >= UVA_LIMIT)
        return (int64_t)as->brk_cur;
    uint64_t old_end = page_up(as->brk_cur), new_end = page_up(want);
    if (new_end > old_end) {
        if (!uspace_free_range(as, old_end, new_end - old_end) ||
            uspace_map(p, old_end, new_end - old_end, UPROT_R | UPROT_W) < 0)
            return (int64_t)as->brk_cur;
    } else if (new_end < old_end) {
        uspace_unmap(p, new_end, old_end - new_end);
    }
    as->brk_cur = want;
    return (int64_t)want;
}

static int64_t sys_mmap(struct user_proc *p, const struct sc_args *s)
{
    uint64_t addr = s->a[0], len = s->a[1], flags = s->a[3];
    unsigned prot = (unsigned)s->a[2] & 7;
    if (len == 0 || len >= UVA_LIMIT)
        return -EINVAL;
    if (!(flags & U_MAP_ANONYMOUS))
        return -ENODEV;   /* no files to map */
    len = page_up(len);
    if (flags & (U_MAP_FIXED | U_MAP_FIXED_NOREPLACE)) {
        if (addr & UPAGE_MASK)
            return -EINVAL;
        if ((flags & U_MAP_FIXED_NOREPLACE) && !uspace_free_range(&p->as, addr, len))
            return -EEXIST;
    } else if (!addr || (addr & UPAGE_MASK) || !uspace_free_range(&p->as, addr, len)) {
        addr = uspace_find_free(&p->as, len);
        if (!addr)
            return -ENOMEM;
    }
    int rc = uspace_map(p, addr, len, prot);
    return rc < 0 ? rc : (int64_t)addr;
}

static int64_t sys_munmap(struct user_proc *p, const struct sc_args *s)
{
    if ((s->a[0] & UPAGE_MASK) || s->a[1] == 0 || s->a[0] >= UVA_LIMIT)
        return -EINVAL;
    uspace_unmap(p, s->a[0], page_up(s->a[1]));
    return 0;
}

static int64_t sys_mprotect(struct user_proc *p, const struct sc_args *s)
{
    if (s->a[0] & UPAGE_MASK)
        return -EINVAL;
    return uspace_protect(p, s->a[0], page_up(s->a[1]), (unsigned)s->a[2] & 7);
}

/* ---- time, identity, limits ---- */

static int64_t put_time(struct user_proc *p, uint64_t va, bool micro)
{
    uint64_t ns = p->cpu->icount;
    uint64_t t[2] = {USER_EPOCH_S + ns / 1000000000u, micro ? ns % 1000000000u / 1000 : ns % 1000000000u};
    return uspace_write(&p->as, va, t, sizeof t) ? -EFAULT : 0;
}

static int64_t sys_clock_gettime(struct user_proc *p, const struct sc_args *s)
{
    if (s->a[0] > 11)
        return -EINVAL;
    return put_time(p, s->a[1], false);
}

static int64_t sys_clock_getres(struct user_proc *p, const struct sc_args *s)
{
    uint64_t t[2] = {0, 1};
    if (s->a[1] && uspace_write(&p->as, s->a[1], t, sizeof t))
        return -EFAULT;
    return 0;
}

static int64_t sys_gettimeofday(struct user_proc *p, const struct sc_args *s)
{
    return s->a[0] ? put_time(p, s->a[0], true) : 0;
}

static int64_t sys_uname(struct user_proc *p, const struct sc_args *s)
{
    char u[6][65];
    memset(u, 0, sizeof u);
    strcpy(u[0], "Linux");
    strcpy(u[1], "msasim");
    strcpy(u[2], "6.1.0");
    strcpy(u[3], "#1 SMP");
    strcpy(u[4], "aarch64");
    strcpy(u[5], "(none)");
    return uspace_write(&p->as, s->a[0], u, sizeof u) ? -EFAULT : 0;
}

static int64_t get_limit(struct user_proc *p, unsigned resource, uint64_t va)
{
    const uint64_t inf = ~UINT64_C(0);
    uint64_t lim[2] = {inf, inf};
    if (resource == 3)            /* RLIMIT_STACK */
        lim[0] = USER_STACK_LIMIT;
    else if (resource == 7)       /* RLIMIT_NOFILE */
        lim[0] = lim[1] = 1024;
    return uspace_write(&p->as, va, lim, sizeof lim) ? -EFAULT : 0;
}

static int64_t sys_getrlimit(struct user_proc *p, const struct sc_args *s)
{
    return s->a[0] > 15 ? -EINVAL : get_limit(p, (unsigned)s->a[0], s->a[1]);
}

static int64_t sys_prlimit64(struct user_proc *p, const struct sc_args *s)
{
    if (s->a[0] != 0 && s->a[0] != USER_PID)
        return -ESRCH;
    if (s->a[1] > 15)
        return -EINVAL;
    return s->a[3] ? get_limit(p, (unsigned)s->a[1], s->a[3]) : 0;
}

static int64_t sys_getrandom(struct user_proc *p, const struct sc_args *s)
{
    uint64_t len = s->a[1] > 65536 ? 65536 : s->a[1];
    for (uint64_t k = 0; k < len; k++) {
        /* xorshift64*: fixed seed, so every run sees the same bytes */
        p->rng ^= p->rng >> 12;
        p->rng ^= p->rng << 25;
        p->rng ^= p->rng >> 27;
        uint8_t b = (uint8_t)((p->rng * UINT64_C(2685821657736338717)) >> 56);
        if (uspace_write(&p->as, s->a[0] + k, &b, 1))
            return k ? (int64_t)k : -EFAULT;
    }
    return (int64_t)len;
}

/* ---- process, threads, signals ---- */

static int64_t sys_exit(struct user_proc *p, const struct sc_args *s)
{
    p->exited = true;
    p->exit_status = (int)(s->a[0] & 0xFF);
    return 0;
}

static int64_t sys_set_tid_address(struct user_proc *p, const struct sc_args *s)
{
    p->tid_address = s->a[0];
    return USER_PID;
}

static int64_t sys_futex(struct user_proc *p, const struct sc_args *s)
{
    switch (s->a[1] & U_FUTEX_CMD_MASK) {
    case U_FUTEX_WAKE:
        return 0;   /* nobody else to wake */
    case U_FUTEX_WAIT: {
        uint32_t v;
        if (uspace_read(&p->as, s->a[0], &v, 4))
            return -EFAULT;
        /* One thread: a wait whose value matches would never end. */
        return v != (uint32_t)s->a[2] ? -EAGAIN : -EDEADLK;
    }
    default:
        return -ENOSYS;
    }
}

static int64_t sys_rt_sigaction(struct user_proc *p, const struct sc_args *s)
{
    /* Handlers are accepted and never called: no signal is delivered. */
    uint8_t zero[32] = {0};
    if (s->a[2] && uspace_write(&p->as, s->a[2], zero, sizeof zero))
        return -EFAULT;
    return 0;
}

static int64_t sys_rt_sigprocmask(struct user_proc *p, const struct sc_args *s)
{
    uint64_t zero = 0;
    if (s->a[2] && uspace_write(&p->as, s->a[2], &zero, sizeof zero))
        return -EFAULT;
    return 0;
}

/* A signal the process sends itself ends it with that signal (abort()
 * raises SIGABRT this way); there is no other process to signal. */
static int64_t send_signal(struct user_proc *p, uint64_t who, uint64_t sig)
{
    if (who != USER_PID && who != 0)
        return -ESRCH;
    if (sig == 0)
        return 0;
    if (sig > 64)
        return -EINVAL;
    p->exited = true;
    p->signal = (int)sig;
    p->exit_status = 128 + (int)sig;
    return 0;
}

static int64_t sys_kill(struct user_proc *p, const struct sc_args *s)
{
    return send_signal(p, s->a[0], s->a[1]);
}

static int64_t sys_tgkill(struct user_proc *p, const struct sc_args *s)
{
    return send_signal(p, s->a[1], s->a[2]);
}

static int64_t ret_zero(struct user_proc *p, const struct sc_args *s) { return 0; }
static int64_t ret_pid(struct user_proc *p, const struct sc_args *s) { return USER_PID; }
static int64_t ret_ppid(struct user_proc *p, const struct sc_args *s) { return 1; }
static int64_t ret_enotty(struct user_proc *p, const struct sc_args *s) { return -ENOTTY; }
static int64_t ret_enoent(struct user_proc *p, const struct sc_args *s) { return -ENOENT; }
static int64_t ret_einval(struct user_proc *p, const struct sc_args *s) { return -EINVAL; }
static int64_t ret_enomem(struct user_proc *p, const struct sc_args *s) { return -ENOMEM; }
static int64_t ret_espipe(struct user_proc *p, const struct sc_args *s) { return -ESPIPE; }
static int64_t ret_enosys(struct user_proc *p, const struct sc_args *s) { return -ENOSYS; }
static int64_t sys_close(struct user_proc *p, const struct sc_args *s)
{
    return s->a[0] <= 2 ? 0 : -EBADF;
}

typedef int64_t (*syscall_fn)(struct user_proc *p, const struct sc_args *s);

static const struct {
    unsigned nr;
    syscall_fn fn;
} syscall_table[] = {
    {NR_getcwd, sys_getcwd},
    {NR_ioctl, ret_enotty},             /* TCGETS and friends: not a terminal */
    {NR_faccessat, ret_enoent},
    {NR_openat, ret_enoent},            /* no file system */
    {NR_close, sys_close},
    {NR_lseek, ret_espipe},
    {NR_read, sys_read},
    {NR_write, sys_write},
    {NR_writev, sys_writev},
    {NR_readlinkat, sys_readlinkat},
    {NR_newfstatat, sys_newfstatat},
    {NR_fstat, sys_fstat},
    {NR_exit, sys_exit},
    {NR_exit_group, sys_exit},
    {NR_set_tid_address, sys_set_tid_address},
    {NR_futex, sys_futex},
    {NR_set_robust_list, ret_zero},
    {NR_nanosleep, ret_zero},
    {NR_clock_gettime, sys_clock_gettime},
    {NR_clock_getres, sys_clock_getres},
    {NR_sched_yield, ret_zero},
    {NR_kill, sys_kill},
    {NR_tkill, sys_kill},
    {NR_tgkill, sys_tgkill},
    {NR_sigaltstack, ret_zero},
    {NR_rt_sigaction, sys_rt_sigaction},
    {NR_rt_sigprocmask, sys_rt_sigprocmask},
    {NR_uname, sys_uname},
    {NR_getrlimit, sys_getrlimit},
    {NR_prctl, ret_einval},
    {NR_gettimeofday, sys_gettimeofday},
    {NR_getpid, ret_pid},
    {NR_getppid, ret_ppid},
    {NR_getuid, ret_zero},
    {NR_geteuid, ret_zero},
    {NR_getgid, ret_zero},
    {NR_getegid, ret_zero},
    {NR_gettid, ret_pid},
    {NR_brk, sys_brk},
    {NR_munmap, sys_munmap},
    {NR_mremap, ret_enomem},
    {NR_mmap, sys_mmap},
    {NR_mprotect, sys_mprotect},
    {NR_madvise, ret_zero},
    {NR_prlimit64, sys_prlimit64},
    {NR_getrandom, sys_getrandom},
    {NR_rseq, ret_enosys},              /* glibc then does without */
};

void user_syscall(struct user_proc *p)
{
    struct cpu *c = p->cpu;
    unsigned nr = (unsigned)cpu_get_x(c, 8);
    struct sc_args s;
    for (unsigned k = 0; k < 6; k++)
        s.a[k] = cpu_get_x(c, k);
    p->syscalls++;
    syscall_fn fn = NULL;
    for (size_t k = 0; k < sizeof syscall_table / sizeof syscall_table[0]; k++)
        if (syscall_table[k].nr == nr) {
            fn = syscall_table[k].fn;
            break;
        }
    int64_t rv;
    if (fn) {
        rv = fn(p, &s);
    } else {
        if (nr < 512 && !(p->enosys_noted[nr / 8] & (1u << (nr % 8)))) {
            p->enosys_noted[nr / 8] |= (uint8_t)(1u << (nr % 8));
            if (!p->cfg.quiet) {
                fflush(stdout);
                fprintf(stderr, "msasim: user mode: system call %u is not implemented; it returns -ENOSYS\n", nr);
            }
        }
        rv = -ENOSYS;
    }
    cpu_set_x(c, 0, (uint64_t)rv);
}
