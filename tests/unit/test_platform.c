/* Platform descriptions from device trees: the built-ins, the trees under the
 * shared data folder (meta-arm FVP, the derived dom0less tree, Zephyr DTBs),
 * QEMU virt trees dumped at run time, hand-made trees that exercise
 * translation, and broken trees that must give one clean error line naming
 * the file. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/json_parse.h"
#include "sim/platform.h"
#include "tests/unit/check_run.h"

#define DATA "tests/data/platform/"

/* ---- helpers ------------------------------------------------------------ */

static char shared_dts[1024];

/* The shared data folder's dts/ directory, or NULL (with a visible note). */
static const char *dts_dir(void)
{
    const char *root = getenv("MSASIM_SHARED");
    if (!root || !*root)
        root = "../shared";
    snprintf(shared_dts, sizeof shared_dts, "%s/data/dts", root);
    struct stat st;
    if (stat(shared_dts, &st) == 0 && S_ISDIR(st.st_mode))
        return shared_dts;
    snprintf(shared_dts, sizeof shared_dts, "%s/dts", root);
    if (stat(shared_dts, &st) == 0 && S_ISDIR(st.st_mode))
        return shared_dts;
    printf("tests/unit/test_platform.c: SKIP shared device trees: no %s/data/dts "
           "(set MSASIM_SHARED)\n", root);
    return NULL;
}

static struct platform *load_ok(const char *path)
{
    struct platform *p = NULL;
    struct msa_error err = { { 0 } };
    int rc = platform_load(path, &p, &err);
    ck_assert_msg(rc == 0, "loading %s failed: %s", path, err.msg);
    ck_assert_ptr_nonnull(p);
    return p;
}

static struct platform *load_shared(const char *rel)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", shared_dts, rel);
    return load_ok(path);
}

/* Loads a tree that must fail; checks the message is one line, names the
 * file, and contains each of the NULL-terminated fragments. */
static void expect_error(const char *path, ...)
{
    struct platform *p = (struct platform *)1;
    struct msa_error err = { { 0 } };
    int rc = platform_load(path, &p, &err);
    ck_assert_msg(rc == -1, "%s: expected an error, got rc %d", path, rc);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, path) != NULL, "message does not name %s: %s", path, err.msg);
    ck_assert_msg(strchr(err.msg, '\n') == NULL, "message is not one line: %s", err.msg);
    va_list ap;
    va_start(ap, path);
    for (const char *frag; (frag = va_arg(ap, const char *));)
        ck_assert_msg(strstr(err.msg, frag) != NULL, "%s: message lacks \"%s\": %s", path, frag, err.msg);
    va_end(ap);
}

static char tmp_dir[512];

/* A scratch directory for files made at run time (removed by rm_tmp). */
static const char *make_tmp(void)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = P_tmpdir;
    snprintf(tmp_dir, sizeof tmp_dir, "%s/msasim-platform-XXXXXX", base);
    ck_assert_ptr_nonnull(mkdtemp(tmp_dir));
    return tmp_dir;
}

static void rm_tmp(void)
{
    DIR *d = opendir(tmp_dir);
    if (!d)
        return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmp_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(tmp_dir);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* ---- built-in platforms ------------------------------------------------- */

START_TEST(builtin_virt)
{
    struct platform *p = load_ok("virt");
    ck_assert_str_eq(p->source, "virt");
    ck_assert_int_eq(p->profile, 'a');
    ck_assert_uint_eq(p->memory.count, 1);
    ck_assert_uint_eq(p->memory.items[0].base, 0x40000000);
    ck_assert_uint_eq(p->memory.items[0].size, 0x40000000);
    ck_assert_uint_eq(p->cpus.count, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(p->cpus.items[i].mpidr, i);
        ck_assert_str_eq(p->cpus.items[i].compatible, "arm,cortex-a57");
        ck_assert_str_eq(p->cpus.items[i].enable_method, "psci");
    }
    ck_assert(p->has_gic);
    ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V3);
    ck_assert_uint_eq(p->gic.distributor.base, 0x08000000);
    ck_assert_uint_eq(p->gic.distributor.size, 0x10000);
    ck_assert_uint_eq(p->gic.redistributors.count, 1);
    ck_assert_uint_eq(p->gic.redistributors.items[0].base, 0x080a0000);
    ck_assert_uint_eq(p->gic.interrupt_cells, 3);
    ck_assert_uint_eq(p->uarts.count, 1);
    ck_assert_uint_eq(p->uarts.items[0].base, 0x09000000);
    ck_assert_str_eq(p->uarts.items[0].compatible, "arm,pl011");
    ck_assert(p->timer);
    ck_assert_str_eq(p->psci_method, "smc");
    ck_assert_str_eq(p->chosen.stdout_path, "/pl011@9000000");
    ck_assert_int_eq(p->chosen.stdout_uart, 0);
    ck_assert_ptr_eq(platform_console_uart(p), &p->uarts.items[0]);
    ck_assert_uint_eq(p->domains.count, 0);
    platform_free(p);
}
END_TEST

START_TEST(builtin_fvp_r)
{
    struct platform *p = load_ok("fvp-r");
    ck_assert_int_eq(p->profile, 'r');
    ck_assert_uint_eq(p->memory.count, 2);
    ck_assert_uint_eq(p->memory.items[0].base, 0);
    ck_assert_uint_eq(p->memory.items[0].size, 0x80000000);
    ck_assert_uint_eq(p->memory.items[1].base, 0x880000000ull);
    ck_assert_uint_eq(p->cpus.count, 4);
    for (size_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(p->cpus.items[i].mpidr, i);
        ck_assert_str_eq(p->cpus.items[i].compatible, "arm,cortex-r82");
        ck_assert_str_eq(p->cpus.items[i].enable_method, "spin-table");
        ck_assert(p->cpus.items[i].has_release_addr);
        ck_assert_uint_eq(p->cpus.items[i].release_addr, 0x7f800 + 8 * i);
    }
    ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V3);
    ck_assert_uint_eq(p->gic.distributor.base, 0xaf000000);
    ck_assert_uint_eq(p->gic.redistributors.items[0].base, 0xaf100000);
    ck_assert_uint_eq(p->uarts.count, 4);
    ck_assert_uint_eq(p->uarts.items[0].base, 0x9c090000);
    ck_assert_int_eq(p->chosen.stdout_uart, 0);   /* "serial0" is an alias */
    ck_assert_ptr_null(p->psci_method);
    ck_assert_uint_eq(p->timer_frequency, 100000000);
    platform_free(p);
}
END_TEST

START_TEST(builtin_blobs)
{
    size_t size = 0;
    const void *dtb = platform_builtin_dtb("virt", &size);
    ck_assert_ptr_nonnull(dtb);
    ck_assert_int_eq(fdt_check_header(dtb), 0);
    ck_assert_uint_eq(fdt_totalsize(dtb), size);
    ck_assert_ptr_nonnull(platform_builtin_dtb("fvp-r", &size));
    ck_assert_ptr_null(platform_builtin_dtb("nosuch", &size));
    ck_assert_str_eq(platform_builtin_name(0), "virt");
    ck_assert_str_eq(platform_builtin_name(1), "fvp-r");
    ck_assert_ptr_null(platform_builtin_name(2));
}
END_TEST

/* ---- shared data -------------------------------------------------------- */

static int parse_tree_files(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t n = strlen(e->d_name);
        bool dtb = n > 4 && strcmp(e->d_name + n - 4, ".dtb") == 0;
        bool dts = n > 4 && strcmp(e->d_name + n - 4, ".dts") == 0;
        /* Zephyr's DTS sources need the C preprocessor; their DTBs are
         * checked instead. */
        if (S_ISDIR(st.st_mode)) {
            parse_tree_files(path, count);
        } else if (dtb || (dts && !strstr(path, "zephyr"))) {
            struct platform *p = load_ok(path);
            ck_assert_uint_ge(p->memory.count, 1);
            ck_assert_uint_ge(p->cpus.count, 1);
            ck_assert(p->has_gic);
            platform_free(p);
            (*count)++;
        }
    }
    closedir(d);
    return *count;
}

START_TEST(shared_every_tree_parses)
{
    if (!dts_dir())
        return;
    int count = 0;
    parse_tree_files(shared_dts, &count);
    /* meta-arm DTS+DTB, derived DTS+DTB, three Zephyr DTBs */
    ck_assert_int_ge(count, 7);
}
END_TEST

static void check_meta_arm(const struct platform *p)
{
    ck_assert_str_eq(p->model, "Generated");
    ck_assert_uint_eq(p->memory.count, 2);
    ck_assert_uint_eq(p->memory.items[0].base, 0);
    ck_assert_uint_eq(p->memory.items[0].size, 0x80000000);
    ck_assert_uint_eq(p->memory.items[1].base, 0x880000000ull);
    ck_assert_uint_eq(p->memory.items[1].size, 0x80000000);
    ck_assert_uint_eq(platform_ram_total(p), 0x100000000ull);
    ck_assert_uint_eq(p->cpus.count, 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_uint_eq(p->cpus.items[i].mpidr, i);
    ck_assert_str_eq(p->cpus.items[0].compatible, "arm,armv8");
    ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V3);
    ck_assert_uint_eq(p->gic.distributor.base, 0xaf000000);
    ck_assert_uint_eq(p->gic.distributor.size, 0x10000);
    ck_assert_uint_eq(p->gic.redistributors.count, 1);
    ck_assert_uint_eq(p->gic.redistributors.items[0].base, 0xaf100000);
    ck_assert_uint_eq(p->gic.redistributors.items[0].size, 0x100000);
    ck_assert_uint_eq(p->gic.cpu_interface.base, 0xac000000);
    ck_assert_uint_eq(p->uarts.count, 4);
    ck_assert_uint_eq(p->uarts.items[0].base, 0x9c090000);
    ck_assert_uint_eq(p->uarts.items[0].size, 0x1000);
    ck_assert_uint_eq(p->uarts.items[3].base, 0x9c0c0000);
    ck_assert(p->timer);
    ck_assert_str_eq(p->chosen.stdout_path, "serial0");
    ck_assert_int_eq(p->chosen.stdout_uart, 0);
}

START_TEST(shared_meta_arm_fvp)
{
    if (!dts_dir())
        return;
    const char *files[] = { "meta-arm-fvp-baser-aemv8r64/fvp-baser-aemv8r64.dts",
                            "meta-arm-fvp-baser-aemv8r64/fvp-baser-aemv8r64.dtb" };
    struct platform *builtin = load_ok("fvp-r");
    for (size_t f = 0; f < 2; f++) {
        struct platform *p = load_shared(files[f]);
        check_meta_arm(p);
        ck_assert_ptr_null(p->chosen.xen_bootargs);
        ck_assert_uint_eq(p->domains.count, 0);
        /* The built-in fvp-r keeps the source's memory map. */
        ck_assert_uint_eq(builtin->memory.count, p->memory.count);
        for (size_t i = 0; i < p->memory.count; i++) {
            ck_assert_uint_eq(builtin->memory.items[i].base, p->memory.items[i].base);
            ck_assert_uint_eq(builtin->memory.items[i].size, p->memory.items[i].size);
        }
        ck_assert_uint_eq(builtin->gic.distributor.base, p->gic.distributor.base);
        ck_assert_uint_eq(builtin->gic.redistributors.items[0].base, p->gic.redistributors.items[0].base);
        ck_assert_uint_eq(builtin->uarts.count, p->uarts.count);
        for (size_t i = 0; i < p->uarts.count; i++)
            ck_assert_uint_eq(builtin->uarts.items[i].base, p->uarts.items[i].base);
        ck_assert_uint_eq(builtin->cpus.count, p->cpus.count);
        platform_free(p);
    }
    platform_free(builtin);
}
END_TEST

START_TEST(shared_derived_dom0less)
{
    if (!dts_dir())
        return;
    const char *files[] = { "derived/fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dts",
                            "derived/fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb" };
    for (size_t f = 0; f < 2; f++) {
        struct platform *p = load_shared(files[f]);
        check_meta_arm(p);
        ck_assert_str_eq(p->chosen.xen_bootargs, "console=dtuart dtuart=serial0");
        ck_assert_uint_eq(p->chosen.static_heap.count, 1);
        ck_assert_uint_eq(p->chosen.static_heap.items[0].base, 0x50000000);
        ck_assert_uint_eq(p->chosen.static_heap.items[0].size, 0x20000000);
        ck_assert_uint_eq(p->chosen.modules.count, 0);

        ck_assert_uint_eq(p->domains.count, 1);
        const struct platform_domain *d = platform_find_domain(p, "domU1");
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(d->vcpus, 1);
        ck_assert_uint_eq(d->memory_kib, 0x7c000);
        ck_assert_uint_eq(d->static_mem.count, 1);
        ck_assert_uint_eq(d->static_mem.items[0].base, 0x30000000);
        ck_assert_uint_eq(d->static_mem.items[0].size, 0x1f000000);
        ck_assert(d->direct_map);
        ck_assert(!d->vpl011);
        ck_assert_int_eq(d->el1_msa, PLATFORM_EL1_MPU);
        ck_assert_uint_eq(d->modules.count, 2);
        ck_assert_int_eq(d->modules.items[0].kind, PLATFORM_MODULE_KERNEL);
        ck_assert_uint_eq(d->modules.items[0].base, 0x11000000);
        ck_assert_uint_eq(d->modules.items[0].size, 0x3000000);
        ck_assert_str_eq(d->modules.items[0].bootargs, "console=ttyAMA0");
        ck_assert_int_eq(d->modules.items[1].kind, PLATFORM_MODULE_DEVICE_TREE);
        ck_assert_uint_eq(d->modules.items[1].base, 0x10ff0000);
        ck_assert_uint_eq(d->modules.items[1].size, 0x10000);
        ck_assert_ptr_null(d->modules.items[1].bootargs);
        ck_assert_ptr_null(platform_find_domain(p, "domU2"));
        platform_free(p);
    }
}
END_TEST

START_TEST(shared_zephyr_fvp)
{
    if (!dts_dir())
        return;
    const char *files[] = { "zephyr-fvp-baser-aemv8r/dtb/fvp_baser_aemv8r_fvp_aemv8r_aarch64.dtb",
                            "zephyr-fvp-baser-aemv8r/dtb/fvp_baser_aemv8r_fvp_aemv8r_aarch64_smp.dtb" };
    for (size_t f = 0; f < 2; f++) {
        struct platform *p = load_shared(files[f]);
        ck_assert_int_eq(p->profile, 'r');
        /* memory@0 is RAM; memory@9a000000 is Zephyr's MPU device window. */
        ck_assert_uint_eq(p->memory.count, 1);
        ck_assert_uint_eq(p->memory.items[0].base, 0);
        ck_assert_uint_eq(p->memory.items[0].size, 0x8000000);
        ck_assert_uint_eq(p->cpus.count, 4);
        ck_assert_uint_eq(p->cpus.items[3].mpidr, 3);
        ck_assert_str_eq(p->cpus.items[0].compatible, "arm,cortex-r82");
        ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V3);
        ck_assert(p->gic.version_inferred);
        ck_assert_uint_eq(p->gic.interrupt_cells, 4);
        ck_assert_uint_eq(p->gic.distributor.base, 0xaf000000);
        ck_assert_uint_eq(p->gic.redistributors.items[0].base, 0xaf100000);
        ck_assert_uint_eq(p->gic.redistributors.items[0].size, 0x200000);
        ck_assert_uint_eq(p->uarts.count, 4);
        ck_assert_uint_eq(p->uarts.items[0].base, 0x9c090000);
        ck_assert_uint_eq(p->uarts.items[0].size, 0x10000);
        ck_assert(p->uarts.items[1].enabled);
        ck_assert(!p->uarts.items[2].enabled);
        ck_assert_str_eq(p->psci_method, "hvc");
        ck_assert(p->timer);
        platform_free(p);
    }
}
END_TEST

START_TEST(shared_zephyr_xenvm)
{
    if (!dts_dir())
        return;
    struct platform *p = load_shared("zephyr-fvp-baser-aemv8r/dtb/xenvm.dtb");
    ck_assert_str_eq(p->model, "XENVM");
    ck_assert_int_eq(p->profile, 'a');
    ck_assert_uint_eq(p->memory.count, 1);
    ck_assert_uint_eq(p->memory.items[0].base, 0x40000000);
    ck_assert_uint_eq(p->memory.items[0].size, 0x1000000);
    ck_assert_uint_eq(p->cpus.count, 1);
    ck_assert_str_eq(p->cpus.items[0].enable_method, "psci");
    ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V2);
    ck_assert(!p->gic.version_inferred);
    ck_assert_uint_eq(p->gic.interrupt_cells, 4);
    ck_assert_uint_eq(p->gic.distributor.base, 0x03001000);
    ck_assert_uint_eq(p->gic.cpu_interface.base, 0x03002000);
    ck_assert_uint_eq(p->gic.cpu_interface.size, 0x2000);
    ck_assert_uint_eq(p->gic.redistributors.count, 0);
    ck_assert_uint_eq(p->uarts.count, 0);   /* the console is xen,hvc-uart */
    ck_assert_ptr_null(platform_console_uart(p));
    ck_assert_str_eq(p->psci_method, "hvc");
    platform_free(p);
}
END_TEST

/* Zephyr's board DTS files need the C preprocessor first (as Zephyr's build
 * does); the result must describe the same machine as the prebuilt DTB. */
static int preprocess_zephyr(const char *zdir, const char *board, const char *out)
{
    char inc[4][1200], src[1200];
    const char *sub[4] = { "shim", "include", "dts/common", "dts" };
    for (int i = 0; i < 4; i++)
        snprintf(inc[i], sizeof inc[i], "-I%s/%s", zdir, sub[i]);
    snprintf(src, sizeof src, "%s/%s", zdir, board);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execlp("cpp", "cpp", "-nostdinc", "-undef", "-x", "assembler-with-cpp", "-D__DTS__", "-P",
               inc[0], inc[1], inc[2], inc[3], src, "-o", out, (char *)NULL);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return 0;
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cpp failed on %s", src);
    return 1;
}

START_TEST(shared_zephyr_dts_matches_dtb)
{
    if (!dts_dir())
        return;
    static const char *const boards[][2] = {
        { "boards/arm/fvp_baser_aemv8r/fvp_baser_aemv8r_fvp_aemv8r_aarch64_smp.dts",
          "dtb/fvp_baser_aemv8r_fvp_aemv8r_aarch64_smp.dtb" },
        { "boards/xen/xenvm/xenvm.dts", "dtb/xenvm.dtb" },
    };
    char zdir[1100];
    snprintf(zdir, sizeof zdir, "%s/zephyr-fvp-baser-aemv8r", shared_dts);
    make_tmp();
    for (size_t b = 0; b < 2; b++) {
        char out[700], dtb[1200];
        snprintf(out, sizeof out, "%s/board-%zu.dts", tmp_dir, b);
        if (!preprocess_zephyr(zdir, boards[b][0], out)) {
            printf("tests/unit/test_platform.c: SKIP Zephyr DTS sources: cpp not found\n");
            break;
        }
        snprintf(dtb, sizeof dtb, "%s/%s", zdir, boards[b][1]);
        struct platform *from_dts = load_ok(out), *from_dtb = load_ok(dtb);
        ck_assert_int_eq(from_dts->profile, from_dtb->profile);
        ck_assert_uint_eq(from_dts->memory.count, from_dtb->memory.count);
        ck_assert_uint_eq(from_dts->memory.items[0].base, from_dtb->memory.items[0].base);
        ck_assert_uint_eq(from_dts->memory.items[0].size, from_dtb->memory.items[0].size);
        ck_assert_uint_eq(from_dts->cpus.count, from_dtb->cpus.count);
        ck_assert_int_eq(from_dts->gic.version, from_dtb->gic.version);
        ck_assert_uint_eq(from_dts->gic.distributor.base, from_dtb->gic.distributor.base);
        ck_assert_uint_eq(from_dts->gic.interrupt_cells, 4);
        ck_assert_uint_eq(from_dts->uarts.count, from_dtb->uarts.count);
        ck_assert_str_eq(from_dts->psci_method, from_dtb->psci_method);
        platform_free(from_dts);
        platform_free(from_dtb);
    }
    rm_tmp();
}
END_TEST

/* ---- hand-made valid tree ----------------------------------------------- */

START_TEST(nested_ranges_translate)
{
    struct platform *p = load_ok(DATA "nested-ranges.dts");
    ck_assert_str_eq(p->model, "msasim nested ranges test");
    ck_assert_str_eq(p->compatible, "msasim,test-nested");
    /* Sorted, whichever order the nodes come in. */
    ck_assert_uint_eq(p->memory.count, 3);
    ck_assert_uint_eq(p->memory.items[0].base, 0x40000000);
    ck_assert_uint_eq(p->memory.items[1].base, 0x80000000);
    ck_assert_uint_eq(p->memory.items[2].base, 0x108000000ull);   /* 0x1_0000_0000 + 0x0800_0000 */
    ck_assert_uint_eq(p->memory.items[2].size, 0x100000);

    ck_assert(platform_ram_contains(p, 0x7ff00000, 0x200000));    /* across adjacent banks */
    ck_assert(platform_ram_contains(p, 0xbfffffff, 1));
    ck_assert(!platform_ram_contains(p, 0xbfffffff, 2));
    ck_assert(!platform_ram_contains(p, 0x30000000, 0));
    ck_assert(platform_ram_contains(p, 0x108000000ull, 0x100000));
    ck_assert(!platform_ram_contains(p, 0x108000000ull, 0x100001));

    ck_assert_uint_eq(p->reserved.count, 2);
    ck_assert_str_eq(p->reserved.items[0].name, "/memreserve/");
    ck_assert_uint_eq(p->reserved.items[0].base, 0x40000000);
    ck_assert_uint_eq(p->reserved.items[0].size, 0x10000);
    ck_assert_str_eq(p->reserved.items[1].name, "fw@7f000000");
    ck_assert_uint_eq(p->reserved.items[1].base, 0x7f000000);

    ck_assert_uint_eq(p->cpus.count, 2);
    ck_assert_uint_eq(p->cpus.items[0].mpidr, 0x100);
    ck_assert_uint_eq(p->cpus.items[1].mpidr, 0);

    ck_assert_uint_eq(p->uarts.count, 2);
    ck_assert_uint_eq(p->uarts.items[0].base, 0x100009000ull);
    ck_assert_str_eq(p->uarts.items[0].path, "/bus@100000000/inner/serial@9000");
    ck_assert(p->uarts.items[0].enabled);
    ck_assert_str_eq(p->uarts.items[1].compatible, "arm,sbsa-uart");
    ck_assert_uint_eq(p->uarts.items[1].base, 0x10000a000ull);
    ck_assert(!p->uarts.items[1].enabled);
    ck_assert_int_eq(p->chosen.stdout_uart, 0);   /* alias plus ":options" */

    /* Generic "arm,gic" with an 8 KiB second frame on an A-profile CPU. */
    ck_assert_int_eq(p->gic.version, PLATFORM_GIC_V2);
    ck_assert(p->gic.version_inferred);
    ck_assert_uint_eq(p->gic.distributor.base, 0x100020000ull);
    ck_assert_uint_eq(p->gic.cpu_interface.base, 0x100022000ull);
    ck_assert_uint_eq(p->gic.interrupt_cells, 4);

    ck_assert(p->timer);
    ck_assert_uint_eq(p->timer_frequency, 62500000);
    ck_assert_str_eq(p->psci_method, "hvc");

    ck_assert_str_eq(p->chosen.bootargs, "console=ttyAMA0");
    ck_assert_uint_eq(p->chosen.modules.count, 3);
    ck_assert_int_eq(p->chosen.modules.items[0].kind, PLATFORM_MODULE_KERNEL);
    ck_assert_uint_eq(p->chosen.modules.items[0].base, 0x60000000);
    ck_assert_uint_eq(p->chosen.modules.items[0].size, 0x800000);
    ck_assert_str_eq(p->chosen.modules.items[0].bootargs, "root=/dev/ram0");
    ck_assert_int_eq(p->chosen.modules.items[1].kind, PLATFORM_MODULE_RAMDISK);
    ck_assert_int_eq(p->chosen.modules.items[2].kind, PLATFORM_MODULE_GENERIC);
    ck_assert_str_eq(platform_module_kind_name(p->chosen.modules.items[2].kind), "module");
    platform_free(p);
}
END_TEST

/* ---- QEMU virt dumps ---------------------------------------------------- */

struct qemu_config {
    const char *mem;       /* -m */
    uint64_t mem_bytes;
    int smp;
    int gic;
    const char *cpu;
};

/* Runs qemu-system-aarch64 with dumpdtb; 1 = dumped, 0 = qemu missing. */
static int qemu_dump(const struct qemu_config *q, const char *out)
{
    char machine[160], smp[16], dump[800];
    snprintf(machine, sizeof machine, "virt,virtualization=on,gic-version=%d", q->gic);
    snprintf(smp, sizeof smp, "%d", q->smp);
    snprintf(dump, sizeof dump, "dumpdtb=%s", out);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0) {
            dup2(devnull, STDOUT_FILENO);
            dup2(devnull, STDERR_FILENO);
        }
        execlp("qemu-system-aarch64", "qemu-system-aarch64", "-M", machine, "-cpu", q->cpu,
               "-m", q->mem, "-smp", smp, "-machine", dump, "-nographic", "-nodefaults", (char *)NULL);
        _exit(127);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return 0;
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "qemu dumpdtb failed for %s", machine);
    return 1;
}

static const struct qemu_config qemu_configs[] = {
    { "1G", 1ull << 30, 2, 3, "cortex-a57" },   /* the built-in virt's configuration */
    { "2G", 2ull << 30, 4, 2, "cortex-a57" },
    { "3G", 3ull << 30, 8, 3, "cortex-a53" },
    { "512M", 512ull << 20, 1, 2, "cortex-a72" },
};

START_TEST(qemu_virt_dumps)
{
    make_tmp();
    struct platform *builtin = load_ok("virt");
    for (size_t i = 0; i < sizeof qemu_configs / sizeof qemu_configs[0]; i++) {
        const struct qemu_config *q = &qemu_configs[i];
        char path[700];
        snprintf(path, sizeof path, "%s/virt-%zu.dtb", tmp_dir, i);
        if (!qemu_dump(q, path)) {
            printf("tests/unit/test_platform.c: SKIP QEMU comparisons: qemu-system-aarch64 not found\n");
            break;
        }
        struct platform *p = load_ok(path);
        ck_assert_uint_eq(p->memory.count, 1);
        ck_assert_uint_eq(p->memory.items[0].base, 0x40000000);
        ck_assert_uint_eq(p->memory.items[0].size, q->mem_bytes);
        ck_assert_uint_eq(p->cpus.count, (size_t)q->smp);
        for (size_t c = 0; c < p->cpus.count; c++)
            ck_assert_uint_eq(p->cpus.items[c].mpidr, c);
        ck_assert_int_eq(p->gic.version, q->gic);
        ck_assert_uint_eq(p->gic.distributor.base, 0x08000000);
        if (q->gic == 3) {
            ck_assert_uint_eq(p->gic.redistributors.count, 1);
            ck_assert_uint_eq(p->gic.redistributors.items[0].base, 0x080a0000);
        } else {
            ck_assert_uint_eq(p->gic.redistributors.count, 0);
            ck_assert_uint_eq(p->gic.cpu_interface.base, 0x08010000);
        }
        ck_assert_uint_eq(p->uarts.items[0].base, 0x09000000);
        ck_assert_str_eq(p->psci_method, "smc");

        if (i == 0) {
            /* The built-in must agree with QEMU where the simulator relies on it. */
            ck_assert_uint_eq(builtin->memory.items[0].base, p->memory.items[0].base);
            ck_assert_uint_eq(builtin->memory.items[0].size, p->memory.items[0].size);
            ck_assert_uint_eq(builtin->cpus.count, p->cpus.count);
            for (size_t c = 0; c < p->cpus.count; c++) {
                ck_assert_uint_eq(builtin->cpus.items[c].mpidr, p->cpus.items[c].mpidr);
                ck_assert_str_eq(builtin->cpus.items[c].compatible, p->cpus.items[c].compatible);
                ck_assert_str_eq(builtin->cpus.items[c].enable_method, p->cpus.items[c].enable_method);
            }
            ck_assert_int_eq(builtin->gic.version, p->gic.version);
            ck_assert_str_eq(builtin->gic.compatible, p->gic.compatible);
            ck_assert_uint_eq(builtin->gic.distributor.base, p->gic.distributor.base);
            ck_assert_uint_eq(builtin->gic.distributor.size, p->gic.distributor.size);
            ck_assert_uint_eq(builtin->gic.redistributors.items[0].base, p->gic.redistributors.items[0].base);
            ck_assert_uint_eq(builtin->gic.redistributors.items[0].size, p->gic.redistributors.items[0].size);
            ck_assert_uint_eq(builtin->gic.interrupt_cells, p->gic.interrupt_cells);
            ck_assert_uint_eq(builtin->uarts.count, p->uarts.count);
            ck_assert_uint_eq(builtin->uarts.items[0].base, p->uarts.items[0].base);
            ck_assert_uint_eq(builtin->uarts.items[0].size, p->uarts.items[0].size);
            ck_assert_str_eq(builtin->uarts.items[0].path, p->uarts.items[0].path);
            ck_assert_str_eq(builtin->psci_method, p->psci_method);
            ck_assert_int_eq(builtin->timer, p->timer);
            ck_assert_str_eq(builtin->chosen.stdout_path, p->chosen.stdout_path);
        }
        platform_free(p);
    }
    platform_free(builtin);
    rm_tmp();
}
END_TEST

/* ---- broken inputs ------------------------------------------------------ */

START_TEST(broken_files)
{
    expect_error(DATA "does-not-exist.dtb", "cannot open", NULL);
    expect_error(DATA "bad-reg-length.dts", "/memory@40000000", "reg", "not a multiple of 16", NULL);
    expect_error(DATA "overlapping-banks.dts", "/memory@50000000", "overlaps", "/memory@40000000", NULL);
    expect_error(DATA "syntax-error.dts", "dtc", "syntax error", NULL);
    expect_error(DATA "no-memory.dts", "no memory node", NULL);
    expect_error(DATA "domain-outside-ram.dts", "/chosen/domU1", "xen,static-mem", "outside RAM", NULL);
    expect_error(DATA "domains-overlap.dts", "/chosen/domU2", "overlaps static memory of domain domU1", NULL);
    expect_error(DATA "ranges-miss.dts", "serial@2000", "outside every ranges entry", NULL);
    expect_error(DATA "bad-domain-memory.dts", "/chosen/domU1", "memory", "64-bit", NULL);
    expect_error(DATA "gic-short-reg.dts", "/intc@8000000", "reg", "needs at least 2", NULL);
    expect_error(DATA, "not a regular file", NULL);
}
END_TEST

START_TEST(broken_blobs)
{
    make_tmp();
    size_t size;
    const unsigned char *virt = platform_builtin_dtb("virt", &size);
    unsigned char *copy = malloc(size);
    ck_assert_ptr_nonnull(copy);
    char path[700];

    snprintf(path, sizeof path, "%s/truncated.dtb", tmp_dir);
    write_file(path, virt, size / 2);
    expect_error(path, "truncated", NULL);

    snprintf(path, sizeof path, "%s/header-only.dtb", tmp_dir);
    write_file(path, virt, 20);
    expect_error(path, "too short", NULL);

    memcpy(copy, virt, size);
    copy[0] ^= 0xff;
    snprintf(path, sizeof path, "%s/bad-magic.dtb", tmp_dir);
    write_file(path, copy, size);
    expect_error(path, "not a DTB", "magic", NULL);

    /* Break the first structure token (FDT_BEGIN_NODE of the root). */
    memcpy(copy, virt, size);
    copy[fdt_off_dt_struct(virt) + 3] = 0x7;
    snprintf(path, sizeof path, "%s/bad-struct.dtb", tmp_dir);
    write_file(path, copy, size);
    expect_error(path, "corrupt", NULL);

    /* Too big to be a device tree: refused from its size, before reading. */
    snprintf(path, sizeof path, "%s/huge.dtb", tmp_dir);
    write_file(path, virt, size);
    ck_assert_int_eq(truncate(path, (off_t)PLATFORM_MAX_DTB_SIZE + 1), 0);
    expect_error(path, "more than the 64 MiB", NULL);

    snprintf(path, sizeof path, "%s/empty.dtb", tmp_dir);
    write_file(path, "", 0);
    expect_error(path, "empty", NULL);

    /* A header that claims an absurd size is refused before anything else. */
    struct msa_error err = { { 0 } };
    struct platform *p = (struct platform *)1;
    memcpy(copy, virt, size);
    ((struct fdt_header *)copy)->totalsize = cpu_to_fdt32(0x10000000);
    ck_assert_int_eq(platform_from_fdt(copy, size, "huge.dtb", &p, &err), -1);
    ck_assert_ptr_null(p);
    ck_assert_msg(strstr(err.msg, "huge.dtb") && strstr(err.msg, "64 MiB"), "%s", err.msg);

    free(copy);
    rm_tmp();
}
END_TEST

/* Every single-byte corruption of a real tree is either accepted or refused
 * with a message; never a crash (run under ASan to mean something). */
START_TEST(corrupt_bytes_never_crash)
{
    size_t size;
    const unsigned char *virt = platform_builtin_dtb("virt", &size);
    unsigned char *copy = malloc(size);
    ck_assert_ptr_nonnull(copy);
    int refused = 0;
    for (size_t pos = 0; pos < size; pos += 3) {
        static const unsigned char flips[] = { 0xff, 0x80, 0x01 };
        memcpy(copy, virt, size);
        copy[pos] ^= flips[pos % 3];
        struct platform *p = NULL;
        struct msa_error err = { { 0 } };
        if (platform_from_fdt(copy, size, "fuzz.dtb", &p, &err) == 0) {
            platform_free(p);
        } else {
            ck_assert_ptr_null(p);
            ck_assert_msg(strncmp(err.msg, "fuzz.dtb: ", 10) == 0, "%s", err.msg);
            refused++;
        }
    }
    ck_assert_int_gt(refused, 0);
    free(copy);
}
END_TEST

/* ---- output ------------------------------------------------------------- */

static char *render(const struct platform *p, bool json, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    ck_assert_ptr_nonnull(f);
    if (json)
        platform_write_json(p, f);
    else
        platform_write_text(p, f);
    fclose(f);
    return buf;
}

START_TEST(json_output)
{
    struct platform *p = load_ok(DATA "nested-ranges.dts");
    size_t len;
    char *text = render(p, true, &len);
    struct msa_error err = { { 0 } };
    struct json_doc *doc = json_parse(text, len, "platform.json", NULL, &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    const struct json_value *root = json_doc_root(doc);
    ck_assert_str_eq(json_get(root, "profile")->string.s, "a");
    const struct json_value *mem = json_get(root, "memory");
    ck_assert_int_eq(mem->type, JSON_ARRAY);
    ck_assert_uint_eq(mem->array.count, 3);
    ck_assert_uint_eq(json_get(&mem->array.items[2], "base")->number.u, 0x108000000ull);
    const struct json_value *gic = json_get(root, "gic");
    ck_assert_uint_eq(json_get(gic, "version")->number.u, 2);
    ck_assert_uint_eq(json_get(json_get(gic, "distributor"), "base")->number.u, 0x100020000ull);
    ck_assert_int_eq(json_get(gic, "redistributors")->array.count, 0);
    ck_assert_str_eq(json_get(json_get(root, "psci"), "method")->string.s, "hvc");
    ck_assert(json_get(root, "timer")->boolean);
    const struct json_value *chosen = json_get(root, "chosen");
    ck_assert_int_eq(json_get(chosen, "xen_bootargs")->type, JSON_NULL);
    ck_assert_uint_eq(json_get(chosen, "stdout_uart")->number.u, 0);
    const struct json_value *mods = json_get(chosen, "modules");
    ck_assert_uint_eq(mods->array.count, 3);
    ck_assert_str_eq(json_get(&mods->array.items[1], "kind")->string.s, "ramdisk");
    ck_assert_int_eq(json_get(root, "domains")->array.count, 0);
    const struct json_value *cpus = json_get(root, "cpus");
    ck_assert_uint_eq(json_get(&cpus->array.items[0], "mpidr")->number.u, 0x100);
    ck_assert_int_eq(json_get(&cpus->array.items[0], "release_addr")->type, JSON_NULL);
    json_doc_free(doc);
    free(text);
    platform_free(p);

    /* Domains and a null gic/psci shape. */
    p = load_ok("fvp-r");
    text = render(p, true, &len);
    doc = json_parse(text, len, "fvp-r.json", NULL, &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    root = json_doc_root(doc);
    ck_assert_str_eq(json_get(root, "profile")->string.s, "r");
    ck_assert_int_eq(json_get(root, "psci")->type, JSON_NULL);
    ck_assert_uint_eq(json_get(&json_get(root, "cpus")->array.items[1], "release_addr")->number.u, 0x7f808);
    json_doc_free(doc);
    free(text);
    platform_free(p);
}
END_TEST

START_TEST(json_domains)
{
    struct platform *p = load_ok(DATA "domains-ok.dts");
    size_t len;
    char *text = render(p, true, &len);
    struct msa_error err = { { 0 } };
    struct json_doc *doc = json_parse(text, len, "domains.json", NULL, &err);
    ck_assert_msg(doc != NULL, "%s", err.msg);
    const struct json_value *doms = json_get(json_doc_root(doc), "domains");
    ck_assert_uint_eq(doms->array.count, 2);
    const struct json_value *d1 = &doms->array.items[1];
    ck_assert_str_eq(json_get(d1, "name")->string.s, "domU2");
    ck_assert_uint_eq(json_get(d1, "vcpus")->number.u, 2);
    ck_assert_uint_eq(json_get(d1, "memory_kib")->number.u, 0x40000);
    ck_assert_str_eq(json_get(d1, "el1_msa")->string.s, "mmu");
    ck_assert(json_get(d1, "vpl011")->boolean);
    ck_assert(!json_get(d1, "direct_map")->boolean);
    ck_assert_uint_eq(json_get(&json_get(d1, "static_mem")->array.items[0], "base")->number.u,
                      0x140000000ull);
    ck_assert_str_eq(json_get(&json_get(d1, "modules")->array.items[0], "kind")->string.s, "kernel");
    json_doc_free(doc);
    free(text);
    platform_free(p);
}
END_TEST

START_TEST(text_output)
{
    struct platform *p = load_ok("virt");
    size_t len;
    char *text = render(p, false, &len);
    ck_assert_ptr_nonnull(strstr(text, "platform      virt (linux,dummy-virt)\n"));
    ck_assert_ptr_nonnull(strstr(text, "memory        0x0040000000 +0x40000000   1 GiB\n"));
    ck_assert_ptr_nonnull(strstr(text, "GICv3 distributor"));
    ck_assert_ptr_nonnull(strstr(text, "0x0009000000 +0x1000"));
    ck_assert_ptr_nonnull(strstr(text, "psci          smc\n"));
    ck_assert_ptr_null(strstr(text, " \n"));   /* no trailing blanks */
    free(text);
    platform_free(p);
}
END_TEST

static Suite *platform_suite(void)
{
    Suite *s = suite_create("platform");
    TCase *tc = tcase_create("builtin");
    tcase_add_test(tc, builtin_virt);
    tcase_add_test(tc, builtin_fvp_r);
    tcase_add_test(tc, builtin_blobs);
    suite_add_tcase(s, tc);

    tc = tcase_create("shared");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, shared_every_tree_parses);
    tcase_add_test(tc, shared_meta_arm_fvp);
    tcase_add_test(tc, shared_derived_dom0less);
    tcase_add_test(tc, shared_zephyr_fvp);
    tcase_add_test(tc, shared_zephyr_xenvm);
    tcase_add_test(tc, shared_zephyr_dts_matches_dtb);
    suite_add_tcase(s, tc);

    tc = tcase_create("trees");
    tcase_add_test(tc, nested_ranges_translate);
    tcase_add_test(tc, broken_files);
    tcase_add_test(tc, broken_blobs);
    tcase_add_test(tc, corrupt_bytes_never_crash);
    suite_add_tcase(s, tc);

    tc = tcase_create("qemu");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, qemu_virt_dumps);
    suite_add_tcase(s, tc);

    tc = tcase_create("output");
    tcase_add_test(tc, json_output);
    tcase_add_test(tc, json_domains);
    tcase_add_test(tc, text_output);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(platform_suite());
}
