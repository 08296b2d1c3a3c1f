/* Test bench for the core's unit tests: a flat RAM at 0x40000000, a device
 * at 0x09000000 (records writes; reads give 0x55), a region that answers
 * with a slave error at 0x0A000000, snippets assembled at test time with
 * aarch64-linux-gnu-as, and vector tables whose every entry is WFI (so a
 * run stops right after taking an exception). */
#ifndef TESTS_UNIT_CPU_TESTBENCH_H
#define TESTS_UNIT_CPU_TESTBENCH_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cpu/cpu.h"

#define TB_RAM_BASE 0x40000000ull
#define TB_RAM_SIZE (1u << 20)
#define TB_VECTORS  (TB_RAM_BASE + 0x10000)   /* VBAR_EL1 and VBAR_EL2 */
#define TB_DATA     (TB_RAM_BASE + 0x20000)   /* scratch data for snippets */
#define TB_DEV      0x09000000ull
#define TB_BADDEV   0x0A000000ull
#define WFI_INSN    0xD503207Fu

#define ENC(op0, op1, crn, crm, op2) CPU_SYSREG_ENC(op0, op1, crn, crm, op2)
#define ENC_ESR_EL2   ENC(3, 4, 5, 2, 0)
#define ENC_ELR_EL2   ENC(3, 4, 4, 0, 1)
#define ENC_SPSR_EL2  ENC(3, 4, 4, 0, 0)
#define ENC_FAR_EL2   ENC(3, 4, 6, 0, 0)
#define ENC_HPFAR_EL2 ENC(3, 4, 6, 0, 4)
#define ENC_ESR_EL1   ENC(3, 0, 5, 2, 0)
#define ENC_ELR_EL1   ENC(3, 0, 4, 0, 1)
#define ENC_SPSR_EL1  ENC(3, 0, 4, 0, 0)
#define ENC_FAR_EL1   ENC(3, 0, 6, 0, 0)
#define ENC_HCR_EL2   ENC(3, 4, 1, 1, 0)
#define ENC_VBAR_EL1  ENC(3, 0, 12, 0, 0)
#define ENC_VBAR_EL2  ENC(3, 4, 12, 0, 0)
#define ENC_SCTLR_EL2 ENC(3, 4, 1, 0, 0)

struct tb {
    uint8_t *ram;
    struct cpu_cluster *cl;
    struct cpu *c;
    char out[4096];
    size_t outlen;
    unsigned dev_writes;
    uint64_t dev_pa, dev_val;
};

static inline uint8_t *tb_host(void *ctx, uint64_t pa, bool write)
{
    struct tb *t = ctx;
    if (pa >= TB_RAM_BASE && pa < TB_RAM_BASE + TB_RAM_SIZE)
        return t->ram + (pa - TB_RAM_BASE);
    return NULL;
}

static inline int tb_read(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
    if (pa >= TB_DEV && pa < TB_DEV + 0x1000) {
        *val = 0x5555555555555555ull & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
        return 0;
    }
    if (pa >= TB_BADDEV && pa < TB_BADDEV + 0x1000)
        return CPU_BUS_SLAVE_ERROR;
    return CPU_BUS_DECODE_ERROR;
}

static inline int tb_write(void *ctx, uint64_t pa, unsigned size, uint64_t val)
{
    struct tb *t = ctx;
    if (pa >= TB_DEV && pa < TB_DEV + 0x1000) {
        t->dev_writes++;
        t->dev_pa = pa;
        t->dev_val = val;
        return 0;
    }
    if (pa >= TB_BADDEV && pa < TB_BADDEV + 0x1000)
        return CPU_BUS_SLAVE_ERROR;
    return CPU_BUS_DECODE_ERROR;
}

static inline void tb_console(void *ctx, struct cpu *c, int fd, const char *buf, size_t len)
{
    struct tb *t = ctx;
    if (t->outlen + len < sizeof t->out) {
        memcpy(t->out + t->outlen, buf, len);
        t->outlen += len;
        t->out[t->outlen] = 0;
    }
}

static inline bool tb_have_as(void)
{
    return system("command -v aarch64-linux-gnu-as >/dev/null 2>&1 && "
                  "command -v aarch64-linux-gnu-objcopy >/dev/null 2>&1") == 0;
}

/* Assembles `src` and returns the .text bytes (malloc'd), *len their size. */
static inline uint8_t *tb_assemble(const char *src, size_t *len)
{
    /* scratch space under the build directory (tests run from the repo root) */
    const char *build = getenv("BUILD");
    char dir[256];
    snprintf(dir, sizeof dir, "%s/tmp", build && *build ? build : "build");
    mkdir(dir, 0755);
    strncat(dir, "/as-XXXXXX", sizeof dir - strlen(dir) - 1);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[300], cmd[1024];
    snprintf(path, sizeof path, "%s/s.s", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, ".arch armv8.2-a+lse+rcpc+crc\n.text\n%s\n", src);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "cd %s && aarch64-linux-gnu-as -o s.o s.s && "
             "aarch64-linux-gnu-objcopy -O binary -j .text s.o s.bin",
             dir);
    ck_assert_msg(system(cmd) == 0, "assembling failed:\n%s", src);
    snprintf(path, sizeof path, "%s/s.bin", dir);
    f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    uint8_t *buf = malloc(65536);
    *len = fread(buf, 1, 65536, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    return buf;
}

static inline struct tb *tb_new(enum cpu_profile p)
{
    struct tb *t = calloc(1, sizeof *t);
    t->ram = calloc(1, TB_RAM_SIZE);
    t->cl = cpu_cluster_create(p);
    struct cpu_bus bus = {t, tb_host, tb_read, tb_write};
    struct cpu_config cfg = {.profile = p, .semihosting = true};
    t->c = cpu_create(t->cl, 0, 0, &cfg, &bus);
    ck_assert_ptr_nonnull(t->c);
    struct cpu_hooks h = {.ctx = t, .console_write = tb_console};
    cpu_set_hooks(t->c, &h);
    for (unsigned k = 0; k < 0x800; k += 4)
        memcpy(t->ram + (TB_VECTORS - TB_RAM_BASE) + k, &(uint32_t){WFI_INSN}, 4);
    return t;
}

static inline void tb_free(struct tb *t)
{
    cpu_cluster_destroy(t->cl);
    free(t->ram);
    free(t);
}

/* Loads a snippet at TB_RAM_BASE and resets the core to it (EL2h). */
static inline void tb_load(struct tb *t, const char *src)
{
    size_t len;
    uint8_t *code = tb_assemble(src, &len);
    ck_assert_uint_lt(len, 0x10000);
    memcpy(t->ram, code, len);
    free(code);
    cpu_cluster_code_written(t->cl, TB_RAM_BASE, 0x10000);
    cpu_reset(t->c, TB_RAM_BASE);
    ck_assert_int_eq(cpu_sysreg_set(t->c, ENC_VBAR_EL2, TB_VECTORS), 0);
    ck_assert_int_eq(cpu_sysreg_set(t->c, ENC_VBAR_EL1, TB_VECTORS), 0);
}

static inline uint64_t tb_sr(struct tb *t, uint32_t enc)
{
    uint64_t v = 0;
    ck_assert_int_eq(cpu_sysreg_get(t->c, enc, &v), 0);
    return v;
}

static inline struct cpu_run_result tb_run(struct tb *t)
{
    return cpu_run(t->c, 100000);
}

/* Runs a snippet that ends in WFI without any exception. */
static inline void tb_run_clean(struct tb *t)
{
    struct cpu_run_result r = tb_run(t);
    ck_assert_msg(r.reason == CPU_STOP_WFI, "stopped: %s", cpu_stop_name(r.reason));
    ck_assert_msg(cpu_get_pc(t->c) < TB_VECTORS, "took an exception: ESR_EL2=0x%llx ELR=0x%llx",
                  (unsigned long long)tb_sr(t, ENC_ESR_EL2), (unsigned long long)tb_sr(t, ENC_ELR_EL2));
}

/* Runs until the WFI of a vector and returns the vector offset. */
static inline uint64_t tb_run_to_vector(struct tb *t)
{
    struct cpu_run_result r = tb_run(t);
    ck_assert_msg(r.reason == CPU_STOP_WFI, "stopped: %s", cpu_stop_name(r.reason));
    uint64_t pc = cpu_get_pc(t->c);
    ck_assert_msg(pc > TB_VECTORS && pc <= TB_VECTORS + 0x800, "no exception (pc=0x%llx)",
                  (unsigned long long)pc);
    return pc - 4 - TB_VECTORS;
}

static inline uint64_t X(struct tb *t, unsigned n)
{
    return cpu_get_x(t->c, n);
}

static inline unsigned NZCV(struct tb *t)
{
    return (unsigned)(cpu_get_pstate(t->c) >> 28) & 0xF;
}

#define NEED_AS()                                                             \
    do {                                                                      \
        if (!tb_have_as()) {                                                  \
            printf("SKIP %s: aarch64-linux-gnu-as not found\n", __func__);    \
            return;                                                           \
        }                                                                     \
    } while (0)

#endif
