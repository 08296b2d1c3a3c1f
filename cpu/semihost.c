/* Arm semihosting (HLT #0xF000 in A64): W0 is the operation, X1 the
 * argument (usually a block of 64-bit words), X0 the result.  Output goes
 * to the machine's console hook; SYS_EXIT stops the run with a status. */
#include "cpu/internal.h"

enum {
    SYS_OPEN = 0x01, SYS_CLOSE = 0x02, SYS_WRITEC = 0x03, SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05, SYS_READ = 0x06, SYS_ISTTY = 0x09, SYS_FLEN = 0x0C,
    SYS_CLOCK = 0x10, SYS_TIME = 0x11, SYS_ERRNO = 0x13, SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

/* Handles for ":tt": stdin, stdout, stderr. */
enum { HANDLE_STDIN = 1, HANDLE_STDOUT = 2, HANDLE_STDERR = 3 };

static int arg(struct cpu *c, unsigned k, uint64_t *v)
{
    return cpu_read_virt(c, c->r[1] + 8 * k, v, 8);
}

static void out(struct cpu *c, int fd, const char *buf, size_t len)
{
    if (c->hooks.console_write && len)
        c->hooks.console_write(c->hooks.ctx, c, fd, buf, len);
}

/* Writes guest memory [va, va+len) to fd; returns bytes not written. */
static uint64_t write_guest(struct cpu *c, int fd, uint64_t va, uint64_t len)
{
    char buf[256];
    uint64_t done = 0;
    while (done < len) {
        size_t n = len - done < sizeof buf ? (size_t)(len - done) : sizeof buf;
        if (cpu_read_virt(c, va + done, buf, n))
            return len - done;
        out(c, fd, buf, n);
        done += n;
    }
    return 0;
}

int cpu_semihost_call(struct cpu *c)
{
    uint32_t op = (uint32_t)c->r[0];
    uint64_t a0 = 0, a1 = 0, a2 = 0;
    int64_t ret = -1;
    switch (op) {
    case SYS_WRITEC: {
        char ch;
        if (!cpu_read_virt(c, c->r[1], &ch, 1))
            out(c, 1, &ch, 1);
        return 0;   /* X0 is corrupted by the call: leave it */
    }
    case SYS_WRITE0: {
        char buf[128];
        size_t n = 0;
        for (uint64_t va = c->r[1];; va++) {
            char ch;
            if (cpu_read_virt(c, va, &ch, 1) || !ch)
                break;
            buf[n++] = ch;
            if (n == sizeof buf) {
                out(c, 1, buf, n);
                n = 0;
            }
        }
        out(c, 1, buf, n);
        return 0;
    }
    case SYS_WRITE:
        if (arg(c, 0, &a0) || arg(c, 1, &a1) || arg(c, 2, &a2))
            break;
        if (a0 == HANDLE_STDOUT || a0 == HANDLE_STDERR)
            ret = (int64_t)write_guest(c, a0 == HANDLE_STDERR ? 2 : 1, a1, a2);
        else
            ret = (int64_t)a2;
        break;
    case SYS_OPEN: {
        char name[4] = {0};
        if (arg(c, 0, &a0) || arg(c, 1, &a1) || arg(c, 2, &a2))
            break;
        if (a2 == 3 && !cpu_read_virt(c, a0, name, 3) && memcmp(name, ":tt", 3) == 0)
            ret = a1 < 4 ? HANDLE_STDIN : a1 < 8 ? HANDLE_STDOUT : HANDLE_STDERR;
        break;
    }
    case SYS_CLOSE:
        ret = 0;
        break;
    case SYS_READ:
        if (arg(c, 2, &a2))
            break;
        ret = (int64_t)a2;   /* nothing read: end of file */
        break;
    case SYS_ISTTY:
        ret = 1;
        break;
    case SYS_CLOCK:
        ret = (int64_t)(c->icount / 1000000);   /* centiseconds, deterministic */
        break;
    case SYS_TIME:
    case SYS_ERRNO:
        ret = 0;
        break;
    case SYS_EXIT:
    case SYS_EXIT_EXTENDED:
        if (arg(c, 0, &a0) || arg(c, 1, &a1)) {
            a0 = c->r[1];
            a1 = 0;
        }
        c->exit_status = a0 == ADP_STOPPED_APPLICATION_EXIT ? (int)a1 : 1;
        cpu_stop(c, CPU_STOP_EXIT);
        return 1;
    default:
        break;
    }
    c->r[0] = (uint64_t)ret;
    return 0;
}
