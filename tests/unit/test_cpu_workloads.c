/* Runs every AArch64 test program (build/workloads/NAME.elf) on the core,
 * with RAM at 0x40000000 and the PL011 of QEMU's virt machine, and compares
 * what it prints (semihosting and UART) with:
 *   - workloads/expected/NAME.txt, the output recorded on QEMU 7.2
 *     (-M virt,virtualization=on,gic-version=3 -cpu cortex-a57 -semihosting);
 *   - a live QEMU run of the same ELF when qemu-system-aarch64 is installed
 *     (skipped with a message otherwise).
 * A missing ELF is reported and skipped (build them with `make workloads`). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "sim/loader.h"
#include "sim/ram.h"
#include "tests/unit/check_run.h"

static const char *const names[] = {
    "hello", "arith", "ldst", "atomics", "exceptions", "psci", "fpmove", "random_dp", "bench_int",
};
#define NNAMES (sizeof names / sizeof names[0])

struct out {
    char *buf;
    size_t len, cap;
};

static void out_add(struct out *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        o->cap = (o->len + n + 1) * 2;
        o->buf = realloc(o->buf, o->cap);
        ck_assert_ptr_nonnull(o->buf);
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
}

struct machine_ctx {
    struct ram *ram;
    struct out out;
};

static uint8_t *bus_host(void *ctx, uint64_t pa, bool write)
{
    return ram_host_ptr(((struct machine_ctx *)ctx)->ram, pa, write);
}

#define UART 0x09000000ull

static int bus_read(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
    if (pa >= UART && pa < UART + 0x1000) {
        *val = 0;   /* FR: transmit FIFO never full */
        return 0;
    }
    return CPU_BUS_DECODE_ERROR;
}

static int bus_write(void *ctx, uint64_t pa, unsigned size, uint64_t val)
{
    struct machine_ctx *m = ctx;
    if (pa == UART) {
        char ch = (char)val;
        out_add(&m->out, &ch, 1);
        return 0;
    }
    if (pa > UART && pa < UART + 0x1000)
        return 0;
    return CPU_BUS_DECODE_ERROR;
}

static void console(void *ctx, struct cpu *c, int fd, const char *buf, size_t len)
{
    out_add(&((struct machine_ctx *)ctx)->out, buf, len);
}

static const char *build_dir(void)
{
    const char *b = getenv("BUILD");
    return b && *b ? b : "build";
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct out o = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        out_add(&o, buf, n);
    fclose(f);
    if (!o.buf)
        o.buf = calloc(1, 1);
    return o.buf;
}

/* Runs the ELF on msasim's core; returns the output, *status the exit. */
static char *run_msasim(const char *elf, int *status, uint64_t *insns, double *secs)
{
    struct machine_ctx m = {0};
    m.ram = ram_new();
    struct msa_error err = {""};
    ck_assert_int_eq(ram_add_bank(m.ram, 0x40000000, 1ull << 30, &err), 0);
    struct loaded_image img;
    ck_assert_msg(load_elf(m.ram, elf, &img, &err) == 0, "%s", err.msg);
    struct cpu_cluster *cl = cpu_cluster_create(CPU_PROFILE_A);
    struct cpu_bus bus = {&m, bus_host, bus_read, bus_write};
    struct cpu_config cfg = {.profile = CPU_PROFILE_A, .semihosting = true};
    struct cpu *c = cpu_create(cl, 0, 0, &cfg, &bus);
    ck_assert_ptr_nonnull(c);
    struct cpu_hooks hooks = {.ctx = &m, .console_write = console};
    cpu_set_hooks(c, &hooks);
    cpu_reset(c, img.entry);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct cpu_run_result r = cpu_run(c, 2000000000ull);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    *insns = r.insns;
    if (r.reason == CPU_STOP_EXIT)
        *status = r.exit_status;
    else if (r.reason == CPU_STOP_SYSTEM_OFF)
        *status = 0;
    else {
        char msg[160];
        snprintf(msg, sizeof msg, "[stopped: %s pc=0x%llx el=%u esr=0x%x]\n",
                 cpu_stop_name(r.reason), (unsigned long long)r.fault_pc, r.fault_el,
                 (unsigned)r.fault_esr);
        out_add(&m.out, msg, strlen(msg));
        *status = -1;
    }
    loaded_image_release(&img);
    cpu_cluster_destroy(cl);
    ram_free(m.ram);
    if (!m.out.buf)
        m.out.buf = calloc(1, 1);
    return m.out.buf;
}

static bool have_qemu(void)
{
    return system("command -v qemu-system-aarch64 >/dev/null 2>&1") == 0;
}

static char *run_qemu(const char *elf)
{
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/tmp", build_dir());
    mkdir(tmpl, 0755);
    strncat(tmpl, "/qemu-XXXXXX", sizeof tmpl - strlen(tmpl) - 1);
    int fd = mkstemp(tmpl);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "timeout 60 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 "
             "-cpu cortex-a57 -m 1G -nographic -monitor none "
             "-semihosting-config enable=on,target=native,chardev=s0 "
             "-chardev stdio,id=s0,mux=on -serial chardev:s0 "
             "-kernel %s </dev/null >%s 2>/dev/null",
             elf, tmpl);
    int rc = system(cmd);
    (void)rc;
    char *s = read_file(tmpl);
    unlink(tmpl);
    return s ? s : calloc(1, 1);
}

/* Compares outputs; on a difference prints the first differing line. */
static bool same_output(const char *name, const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return true;
    size_t line = 1, k = 0, start = 0;
    while (got[k] && got[k] == want[k]) {
        if (got[k] == '\n') {
            line++;
            start = k + 1;
        }
        k++;
    }
    const char *g = got + start, *w = want + start;
    printf("test_cpu_workloads: %s differs from %s at line %zu:\n  msasim: %.*s\n  %s: %.*s\n",
           name, what, line, (int)strcspn(g, "\n"), g, what, (int)strcspn(w, "\n"), w);
    return false;
}

START_TEST(test_workload)
{
    const char *name = names[_i];
    char elf[512], exp_path[512];
    snprintf(elf, sizeof elf, "%s/workloads/%s.elf", build_dir(), name);
    snprintf(exp_path, sizeof exp_path, "workloads/expected/%s.txt", name);
    if (access(elf, R_OK) != 0) {
        printf("test_cpu_workloads: SKIP %s: %s not built (make workloads)\n", name, elf);
        return;
    }
    int status;
    uint64_t insns;
    double secs;
    char *got = run_msasim(elf, &status, &insns, &secs);
    if (strcmp(name, "bench_int") == 0)
        printf("test_cpu_workloads: %s: %llu instructions in %.3f s = %.1f MIPS\n", name,
               (unsigned long long)insns, secs, secs > 0 ? (double)insns / secs / 1e6 : 0.0);
    if (status != 0)
        printf("test_cpu_workloads: %s output:\n%s", name, got);
    ck_assert_msg(status == 0, "%s: exit status %d", name, status);
    char *want = read_file(exp_path);
    ck_assert_msg(want != NULL, "%s: no expected output %s", name, exp_path);
    ck_assert_msg(same_output(name, "expected", got, want), "%s: output differs from %s", name,
                  exp_path);
    if (have_qemu()) {
        char *q = run_qemu(elf);
        ck_assert_msg(same_output(name, "QEMU", got, q), "%s: output differs from QEMU", name);
        free(q);
    } else if (_i == 0) {
        printf("test_cpu_workloads: SKIP live QEMU comparison: qemu-system-aarch64 not found\n");
    }
    free(want);
    free(got);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpu_workloads");
    TCase *tc = tcase_create("workloads");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_workload, 0, (int)NNAMES);
    suite_add_tcase(s, tc);
    return check_run(s);
}
