/* Linux user mode (sim/user_mode.h): tiny static ELF files written by the
 * test itself (hand-encoded A64, so no toolchain is needed) run at EL0;
 * system calls, the initial stack, faults as signals, the instruction
 * limit, and refused files. */
#include <check.h>
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/user_mode.h"

#define BASE 0x400000ull

struct capture {
    char buf[256];
    size_t len;
    int fds;
};

static void capture_output(void *ctx, int fd, const void *buf, size_t len)
{
    struct capture *c = ctx;
    c->fds |= 1 << fd;
    if (c->len + len < sizeof c->buf) {
        memcpy(c->buf + c->len, buf, len);
        c->len += len;
    }
}

static char dir[512];

/* Writes an ELF with one R+X PT_LOAD holding the headers and `code`;
 * extra_interp adds a PT_INTERP header. */
static const char *write_elf(const char *name, const uint32_t *code, size_t n, bool interp,
                             uint16_t machine)
{
    static char path[640];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned nph = interp ? 2 : 1;
    size_t hdr = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
    Elf64_Ehdr eh = {0};
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = BASE + hdr;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = (uint16_t)nph;
    Elf64_Phdr ph[2] = {{0}};
    ph[0].p_type = PT_LOAD;
    ph[0].p_flags = PF_R | PF_X;
    ph[0].p_vaddr = ph[0].p_paddr = BASE;
    ph[0].p_filesz = ph[0].p_memsz = hdr + 4 * n;
    ph[0].p_align = 0x1000;
    ph[1].p_type = PT_INTERP;
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(&eh, sizeof eh, 1, f);
    fwrite(ph, sizeof(Elf64_Phdr), nph, f);
    fwrite(code, 4, n, f);
    fclose(f);
    return path;
}

static struct user_result run_code(const uint32_t *code, size_t n, int argc, const char *const *argv,
                                   uint64_t max, struct capture *cap, uint64_t *regs)
{
    const char *path = write_elf("t.elf", code, n, false, EM_AARCH64);
    struct user_config cfg = {.output = capture_output, .output_ctx = cap, .quiet = 1};
    struct user_proc *p;
    struct msa_error err = {{0}};
    const char *def_argv[] = {path};
    if (!argv) {
        argc = 1;
        argv = def_argv;
    }
    ck_assert_msg(user_proc_create(path, argc, argv, &cfg, &p, &err) == 0, "%s", err.msg);
    struct user_result r = user_proc_run(p, max);
    if (regs)
        for (unsigned k = 0; k < 32; k++)
            regs[k] = user_proc_reg(p, k);
    user_proc_destroy(p);
    return r;
}

/* write(1, "hello\n", 6); exit_group(7) */
static const uint32_t prog_hello[] = {
    0xd2800020, 0x100000e1, 0xd28000c2, 0xd2800808, 0xd4000001,
    0xd28000e0, 0xd2800bc8, 0xd4000001, 0x6c6c6568, 0x00000a6f,
};

START_TEST(test_write_and_exit)
{
    struct capture cap = {0};
    struct user_result r = run_code(prog_hello, 10, 0, NULL, 0, &cap, NULL);
    ck_assert_int_eq(r.reason, USER_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 7);
    ck_assert_uint_eq(r.syscalls, 2);
    ck_assert_uint_eq(r.insns, 8);
    ck_assert_uint_eq(cap.len, 6);
    ck_assert(memcmp(cap.buf, "hello\n", 6) == 0);
    ck_assert_int_eq(cap.fds, 1 << 1);
}
END_TEST

/* exit_group(argc) and exit_group(argv[1][0]): the stack Linux builds */
START_TEST(test_initial_stack)
{
    static const uint32_t argc_prog[] = {0xf94003e0, 0xd2800bc8, 0xd4000001};
    static const uint32_t argv_prog[] = {0xf9400be1, 0x39400020, 0xd2800bc8, 0xd4000001};
    struct capture cap = {0};
    const char *argv[] = {"prog", "Zebra", "c", "d"};
    uint64_t regs[32];
    struct user_result r = run_code(argc_prog, 3, 4, argv, 0, &cap, regs);
    ck_assert_int_eq(r.exit_status, 4);
    ck_assert_uint_eq(regs[31] & 15, 0);          /* SP 16-byte aligned */
    ck_assert_uint_lt(regs[31], 0x800000000000ull);
    r = run_code(argv_prog, 4, 4, argv, 0, &cap, NULL);
    ck_assert_int_eq(r.exit_status, 'Z');
}
END_TEST

START_TEST(test_segv_is_a_signal)
{
    static const uint32_t prog[] = {0xd2800201, 0xf9000020};   /* str x0, [0x10] */
    struct capture cap = {0};
    struct user_result r = run_code(prog, 2, 0, NULL, 0, &cap, NULL);
    ck_assert_int_eq(r.reason, USER_STOP_SIGNAL);
    ck_assert_int_eq(r.signal, 11);
    ck_assert_int_eq(r.exit_status, 139);
}
END_TEST

START_TEST(test_unknown_syscall_is_enosys)
{
    /* x8 = 4000; svc; exit_group(x0) */
    static const uint32_t prog[] = {0xd281f408, 0xd4000001, 0xd2800bc8, 0xd4000001};
    struct capture cap = {0};
    struct user_result r = run_code(prog, 4, 0, NULL, 0, &cap, NULL);
    ck_assert_int_eq(r.reason, USER_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, (-38) & 0xff);
}
END_TEST

START_TEST(test_instruction_limit)
{
    static const uint32_t prog[] = {0x14000000};   /* b . */
    struct capture cap = {0};
    struct user_result r = run_code(prog, 1, 0, NULL, 12345, &cap, NULL);
    ck_assert_int_eq(r.reason, USER_STOP_LIMIT);
    ck_assert_uint_eq(r.insns, 12345);
}
END_TEST

START_TEST(test_mmap_protection)
{
    /* x19 = mmap(0, 4096, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
     * a load from it works, a store faults */
    static const uint32_t prog[] = {0xd2800000, 0xd2820001, 0xd2800022, 0xd2800443,
                                    0x92800004, 0xd2800005, 0xd2801bc8, 0xd4000001,
                                    0xaa0003f3, 0xf9400261, 0xf9000261};
    struct capture cap = {0};
    uint64_t regs[32];
    struct user_result r = run_code(prog, 11, 0, NULL, 0, &cap, regs);
    ck_assert_int_eq(r.reason, USER_STOP_SIGNAL);
    ck_assert_int_eq(r.signal, 11);
    ck_assert_uint_eq(r.insns, 11);                /* the faulting store counts (it took an exception) */
    ck_assert_uint_ne(regs[19], 0);
    ck_assert_uint_eq(regs[19] & 0xfff, 0);
    ck_assert_uint_eq(regs[1], 0);                 /* fresh memory reads as zero */
}
END_TEST

START_TEST(test_brk_grows)
{
    /* x19 = brk(0); brk(x19 + 8192); [x19 + 4096] = x19; x20 = [x19 + 4096] */
    static const uint32_t prog[] = {0xd2800000, 0xd2801ac8, 0xd4000001, 0xaa0003f3,
                                    0x91400a60, 0xd4000001, 0xf9080273, 0xf9480274,
                                    0xd2800000, 0xd2800bc8, 0xd4000001};
    struct capture cap = {0};
    uint64_t regs[32];
    struct user_result r = run_code(prog, 11, 0, NULL, 0, &cap, regs);
    ck_assert_int_eq(r.reason, USER_STOP_EXIT);
    ck_assert_int_eq(r.exit_status, 0);
    ck_assert_uint_eq(regs[19], BASE + 0x1000);     /* right after the image */
    ck_assert_uint_eq(regs[20], regs[19]);
}
END_TEST

START_TEST(test_refused_files)
{
    struct user_proc *p;
    struct msa_error err = {{0}};
    const char *argv[] = {"x"};
    const char *path = write_elf("interp.elf", prog_hello, 10, true, EM_AARCH64);
    ck_assert_int_eq(user_proc_create(path, 1, argv, NULL, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected a static executable"));
    ck_assert_ptr_nonnull(strstr(err.msg, path));
    path = write_elf("x86.elf", prog_hello, 10, false, EM_X86_64);
    ck_assert_int_eq(user_proc_create(path, 1, argv, NULL, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "expected AArch64"));
    /* truncated: the program headers lie past the end */
    path = write_elf("short.elf", prog_hello, 10, false, EM_AARCH64);
    ck_assert_int_eq(truncate(path, 80), 0);
    ck_assert_int_eq(user_proc_create(path, 1, argv, NULL, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "program headers"));
    ck_assert_int_eq(user_proc_create("/nonexistent/x.elf", 1, argv, NULL, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot open"));
}
END_TEST

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/msasim-user-XXXXXX", tmp && *tmp ? tmp : P_tmpdir);
    if (!mkdtemp(dir))
        return 1;
    Suite *s = suite_create("user_mode");
    TCase *tc = tcase_create("user_mode");
    tcase_add_test(tc, test_write_and_exit);
    tcase_add_test(tc, test_initial_stack);
    tcase_add_test(tc, test_segv_is_a_signal);
    tcase_add_test(tc, test_unknown_syscall_is_enosys);
    tcase_add_test(tc, test_instruction_limit);
    tcase_add_test(tc, test_mmap_protection);
    tcase_add_test(tc, test_brk_grows);
    tcase_add_test(tc, test_refused_files);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failed ? 1 : 0;
}
