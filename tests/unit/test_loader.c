/* Loaders: ELF executables built at test time with the AArch64 cross
 * compiler (bytes checked against objcopy -O binary, symbols against nm),
 * ELF refusals (wrong machine, 32-bit, big-endian, PIE, truncated, outside
 * RAM), arm64 Image files written here byte by byte, raw binaries, blobs and
 * format detection.
 *
 * Tests run from the repository root; the program sources are in
 * tests/data/loader.  Without aarch64-linux-gnu-gcc (or $AARCH64_CC) the
 * compiled-ELF checks are skipped with a message; the rest still run. */
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/loader.h"

#define MiB (UINT64_C(1) << 20)
#define RAM_BASE UINT64_C(0x40000000)
#define TEXT_ADDR UINT64_C(0x40080000)
#define PROG_SRC "tests/data/loader/prog.c"
#define SPLIT_LD "tests/data/loader/split.ld"

static char tmpdir[512];
static bool have_cross;
static bool have_host_cc;

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fflush(stdout);
    return system(cmd);
}

static void write_file(const char *path, const void *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    uint8_t *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static struct ram *test_ram(uint64_t base, uint64_t size)
{
    struct ram *ram = ram_new();
    struct msa_error err = { "" };
    ck_assert_ptr_nonnull(ram);
    ck_assert_msg(ram_add_bank(ram, base, size, &err) == 0, "%s", err.msg);
    return ram;
}

static void fill(struct ram *ram, uint64_t pa, uint64_t len, uint8_t byte)
{
    uint8_t buf[4096];
    memset(buf, byte, sizeof buf);
    for (uint64_t done = 0; done < len; done += sizeof buf) {
        uint64_t n = len - done < sizeof buf ? len - done : sizeof buf;
        ck_assert_int_eq(ram_write(ram, pa + done, buf, n), 0);
    }
}

#define assert_error(rc, err, ...) \
    assert_error_has((rc), (err), (const char *[]){ __VA_ARGS__, NULL })
static void assert_error_has(int rc, const struct msa_error *err,
                             const char **parts)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strchr(err->msg, '\n') == NULL, "not one line: %s", err->msg);
    for (; *parts; parts++)
        ck_assert_msg(strstr(err->msg, *parts), "expected \"%s\" in: %s",
                      *parts, err->msg);
}

/* Address and size of `sym` as nm prints them for prog.elf. */
static uint64_t nm_symbol(const char *sym, uint64_t *size)
{
    char path[600];
    tmp_path(path, sizeof path, "prog.nm");
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    while (fgets(line, sizeof line, f)) {
        uint64_t addr, sz;
        char type, name[128];
        if (sscanf(line, "%" SCNx64 " %" SCNx64 " %c %127s", &addr, &sz, &type,
                   name) == 4 && strcmp(name, sym) == 0) {
            fclose(f);
            if (size)
                *size = sz;
            return addr;
        }
    }
    fclose(f);
    ck_abort_msg("nm does not list %s", sym);
    return 0;
}

/* ---- ELF built with the cross compiler ---------------------------------- */

START_TEST(test_elf_segments_match_objcopy)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    uint64_t bss_size;
    uint64_t bss = nm_symbol("scratch", &bss_size);
    ck_assert_uint_eq(bss_size, 12288);
    fill(ram, bss, bss_size, 0xaa); /* BSS must come out zero anyway */
    char path[600], bin[600];
    tmp_path(path, sizeof path, "prog.elf");
    tmp_path(bin, sizeof bin, "prog.bin");
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_elf(ram, path, &img, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(img.format, LOADED_ELF);
    ck_assert_uint_eq(img.entry, nm_symbol("_start", NULL));
    ck_assert_uint_ge(img.segments, 1);

    /* objcopy -O binary: the loadable sections from .text on, gaps zeroed. */
    size_t len;
    uint8_t *want = read_file(bin, &len);
    ck_assert_uint_gt(len, 0x40);
    uint8_t *got = malloc(len);
    ck_assert_int_eq(ram_read(ram, TEXT_ADDR, got, len), 0);
    ck_assert_mem_eq(got, want, len);

    uint64_t word_addr = nm_symbol("data_word", NULL);
    uint32_t word;
    ck_assert_int_eq(ram_read(ram, word_addr, &word, 4), 0);
    ck_assert_uint_eq(word, 0x12345678);

    uint8_t *zeros = calloc(1, bss_size), *bytes = malloc(bss_size);
    ck_assert_int_eq(ram_read(ram, bss, bytes, bss_size), 0);
    ck_assert_mem_eq(bytes, zeros, bss_size);
    ck_assert_uint_le(img.low, TEXT_ADDR);
    ck_assert_uint_ge(img.high, bss + bss_size);

    free(zeros);
    free(bytes);
    free(got);
    free(want);
    loaded_image_release(&img);
    ck_assert_ptr_null(img.syms);
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_symbols)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "prog.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_elf(ram, path, &img, &err) == 0, "%s", err.msg);
    ck_assert_ptr_nonnull(img.syms);

    uint64_t add3_size;
    uint64_t add3 = nm_symbol("add3", &add3_size);
    uint64_t off = 99;
    ck_assert_str_eq(symbols_lookup(img.syms, add3, &off), "add3");
    ck_assert_uint_eq(off, 0);
    ck_assert_str_eq(symbols_lookup(img.syms, add3 + 4, &off), "add3");
    ck_assert_uint_eq(off, 4);
    const char *after = symbols_lookup(img.syms, add3 + add3_size, &off);
    ck_assert(after == NULL || strcmp(after, "add3") != 0);

    uint64_t start = nm_symbol("_start", NULL);
    ck_assert_str_eq(symbols_lookup(img.syms, start + 8, &off), "_start");
    ck_assert_uint_eq(off, 8);
    uint64_t table = nm_symbol("table", NULL);
    ck_assert_str_eq(symbols_lookup(img.syms, table + 12, &off), "table");
    ck_assert_uint_eq(off, 12);
    ck_assert_ptr_null(symbols_lookup(img.syms, 0x1000, &off));

    uint64_t found = 0;
    ck_assert_int_eq(symbols_find(img.syms, "scratch", &found), 0);
    ck_assert_uint_eq(found, nm_symbol("scratch", NULL));
    ck_assert_int_eq(symbols_find(img.syms, "no_such_symbol", &found), -1);

    /* Sorted by address. */
    for (size_t i = 1; i < symbols_count(img.syms); i++)
        ck_assert_uint_le(symbols_at(img.syms, i - 1)->addr,
                          symbols_at(img.syms, i)->addr);
    loaded_image_release(&img);
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_physical_address)
{
    /* Linked at 0x80000000, loaded at 0x40000000: only the lower RAM. */
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "split.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_elf(ram, path, &img, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(img.low, RAM_BASE);
    /* _start's offset in .text is the same as in prog.elf's. */
    uint64_t start_off = nm_symbol("_start", NULL) - TEXT_ADDR;
    ck_assert_uint_eq(img.entry, RAM_BASE + start_off);
    /* Symbols stay virtual: cycles are attributed by PC. */
    uint64_t off;
    ck_assert_str_eq(symbols_lookup(img.syms, 0x80000000 + start_off, &off),
                     "_start");
    uint32_t first_insn, want;
    char bin[600];
    tmp_path(bin, sizeof bin, "prog.bin");
    size_t len;
    uint8_t *ref = read_file(bin, &len);
    memcpy(&want, ref, 4);
    ck_assert_int_eq(ram_read(ram, RAM_BASE, &first_insn, 4), 0);
    ck_assert_uint_eq(first_insn, want);
    free(ref);
    loaded_image_release(&img);
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_outside_ram)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "low.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    int rc = load_elf(ram, path, &img, &err);
    assert_error(rc, &err, path, "segment 0 [0xfff0000, ", "outside RAM",
                 "[0x40000000, 0x44000000)");
    /* Nothing was written. */
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_truncated)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600], cut[600];
    tmp_path(path, sizeof path, "prog.elf");
    tmp_path(cut, sizeof cut, "cut.elf");
    size_t len;
    uint8_t *bytes = read_file(path, &len);
    struct loaded_image img;
    struct msa_error err = { "" };

    /* Cut in the middle of the text: section headers and segment data gone. */
    write_file(cut, bytes, len / 2);
    assert_error(load_elf(ram, cut, &img, &err), &err, cut,
                 "beyond end of file", "truncated");
    /* Cut just after the program headers: segment bytes beyond the end. */
    write_file(cut, bytes, 0x200);
    assert_error(load_elf(ram, cut, &img, &err), &err, cut, "truncated");
    /* The same cut with the section header table dropped from the header
     * (e_shoff, e_shnum = 0): now a segment's bytes lie past the end. */
    memset(bytes + 0x28, 0, 8);
    memset(bytes + 0x3c, 0, 2);
    write_file(cut, bytes, len / 2);
    assert_error(load_elf(ram, cut, &img, &err), &err, cut, "segment ",
                 "file bytes", "beyond end of file", "truncated");
    /* Cut inside the ELF header. */
    write_file(cut, bytes, 30);
    assert_error(load_elf(ram, cut, &img, &err), &err, cut,
                 "truncated ELF header");
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    free(bytes);
    ram_free(ram);
}
END_TEST

/* Flipped bytes anywhere in the file: a load either works or fails with one
 * line; it never crashes (run under ASan to see the difference). */
START_TEST(test_elf_corrupt_bytes)
{
    char path[600], bad[600];
    tmp_path(path, sizeof path, "prog.elf");
    tmp_path(bad, sizeof bad, "bad.elf");
    size_t len;
    uint8_t *orig = read_file(path, &len);
    uint8_t *bytes = malloc(len);
    unsigned seed = 12345, refused = 0;
    for (int round = 0; round < 300; round++) {
        memcpy(bytes, orig, len);
        for (int k = 0; k < 4; k++) {
            seed = seed * 1103515245u + 12345u;
            /* Headers most of the time: that is where the structure is. */
            size_t at = (seed >> 8) % (round % 3 ? 0x100 : len);
            bytes[at] = (uint8_t)(seed >> 20);
        }
        write_file(bad, bytes, len);
        struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
        struct loaded_image img;
        struct msa_error err = { "" };
        if (load_elf(ram, bad, &img, &err) == 0) {
            loaded_image_release(&img);
        } else {
            refused++;
            ck_assert_msg(strncmp(err.msg, bad, strlen(bad)) == 0 &&
                          strchr(err.msg, '\n') == NULL, "%s", err.msg);
        }
        ram_free(ram);
    }
    ck_assert_uint_gt(refused, 10);
    free(bytes);
    free(orig);
}
END_TEST

START_TEST(test_elf_refuses_pie)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "pie.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    assert_error(load_elf(ram, path, &img, &err), &err, path, "ET_DYN",
                 "static-pie");
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_refuses_host_machine)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "x86.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    assert_error(load_elf(ram, path, &img, &err), &err, path,
                 "x86-64 (EM_X86_64=62), expected AArch64");
    ram_free(ram);
}
END_TEST

START_TEST(test_auto_detects_elf)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "prog.elf");
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_file_auto(ram, path, LOAD_ADDR_NONE, &img, &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(img.format, LOADED_ELF);
    ck_assert_uint_eq(img.entry, nm_symbol("_start", NULL));
    loaded_image_release(&img);
    ram_free(ram);
}
END_TEST

/* ---- ELF headers written by hand (no compiler needed) ------------------- */

/* A 64-byte ELF header: enough for the identity checks, nothing else. */
static void write_elf_header(const char *path, unsigned cls, unsigned data,
                             unsigned machine)
{
    uint8_t h[64] = { 0x7f, 'E', 'L', 'F', (uint8_t)cls, (uint8_t)data, 1 };
    bool be = data == 2;
    h[16] = be ? 0 : 2;              /* e_type ET_EXEC */
    h[17] = be ? 2 : 0;
    h[18] = (uint8_t)(be ? machine >> 8 : machine);
    h[19] = (uint8_t)(be ? machine : machine >> 8);
    write_file(path, h, sizeof h);
}

START_TEST(test_elf_identity_refusals)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "hdr.elf");
    struct loaded_image img;
    struct msa_error err = { "" };

    write_elf_header(path, 2, 1, 62);
    assert_error(load_elf(ram, path, &img, &err), &err, path,
                 "ELF for x86-64 (EM_X86_64=62), expected AArch64 (EM_AARCH64=183)");
    write_elf_header(path, 1, 1, 40);
    assert_error(load_elf(ram, path, &img, &err), &err,
                 "32-bit Arm (EM_ARM=40)");
    write_elf_header(path, 2, 1, 4242);
    assert_error(load_elf(ram, path, &img, &err), &err, "machine 4242");
    write_elf_header(path, 1, 1, 183);
    assert_error(load_elf(ram, path, &img, &err), &err, path, "32-bit ELF");
    write_elf_header(path, 2, 2, 183);
    assert_error(load_elf(ram, path, &img, &err), &err, path, "big-endian");
    write_elf_header(path, 3, 1, 183);
    assert_error(load_elf(ram, path, &img, &err), &err, "class");
    ram_free(ram);
}
END_TEST

START_TEST(test_elf_bad_files)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    struct loaded_image img;
    struct msa_error err = { "" };

    tmp_path(path, sizeof path, "missing.elf");
    assert_error(load_elf(ram, path, &img, &err), &err, path, "cannot open",
                 "No such file");
    assert_error(load_elf(ram, tmpdir, &img, &err), &err, "not a regular file");

    tmp_path(path, sizeof path, "text.elf");
    write_file(path, "hello, world\n", 13);
    assert_error(load_elf(ram, path, &img, &err), &err, path,
                 "not an ELF file (starts with 68 65 6c 6c");
    write_file(path, "", 0);
    assert_error(load_elf(ram, path, &img, &err), &err, "not an ELF file");
    ram_free(ram);
}
END_TEST

/* ---- arm64 Image ------------------------------------------------------- */

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Header per booting.rst around `payload` bytes of a known pattern. */
static void write_image(const char *path, uint64_t text_offset,
                        uint64_t image_size, uint64_t flags, bool good_magic,
                        size_t payload)
{
    size_t len = 64 + payload;
    uint8_t *buf = calloc(1, len);
    ck_assert_ptr_nonnull(buf);
    put_le64(buf + 0, 0x14000010);     /* code0: b +0x40 */
    put_le64(buf + 8, text_offset);
    put_le64(buf + 16, image_size);
    put_le64(buf + 24, flags);
    memcpy(buf + 56, good_magic ? "ARM\x64" : "ARM\x65", 4);
    for (size_t i = 0; i < payload; i++)
        buf[64 + i] = (uint8_t)(i * 13 + 1);
    write_file(path, buf, len);
    free(buf);
}

static void assert_ram_equals_file(struct ram *ram, uint64_t pa,
                                   const char *path)
{
    size_t len;
    uint8_t *want = read_file(path, &len);
    uint8_t *got = malloc(len);
    ck_assert_int_eq(ram_read(ram, pa, got, len), 0);
    ck_assert_mem_eq(got, want, len);
    free(got);
    free(want);
}

START_TEST(test_image_load)
{
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    fill(ram, RAM_BASE + 0x200000, 0x10000, 0xaa);
    char path[600];
    tmp_path(path, sizeof path, "Image");
    write_image(path, 0x80000, 64 + 5000 + 0x3000, 0xa, true, 5000);
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_image(ram, path, RAM_BASE + 0x200000, &img, &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(img.format, LOADED_IMAGE);
    ck_assert_uint_eq(img.entry, RAM_BASE + 0x280000);
    ck_assert_uint_eq(img.low, RAM_BASE + 0x280000);
    ck_assert_uint_eq(img.high, RAM_BASE + 0x280000 + 64 + 5000 + 0x3000);
    ck_assert_ptr_null(img.syms);
    assert_ram_equals_file(ram, img.entry, path);
    /* Below the load address the old bytes stay; the image_size tail is 0. */
    uint8_t b;
    ck_assert_int_eq(ram_read(ram, RAM_BASE + 0x200000, &b, 1), 0);
    ck_assert_uint_eq(b, 0xaa);
    ck_assert_int_eq(ram_read(ram, img.high - 1, &b, 1), 0);
    ck_assert_uint_eq(b, 0);
    loaded_image_release(&img);
    ram_free(ram);
}
END_TEST

START_TEST(test_image_old_kernel_offset)
{
    /* image_size 0: text_offset is not trusted, 0x80000 is assumed. */
    struct ram *ram = test_ram(RAM_BASE, 64 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "Image.old");
    write_image(path, 0x1234, 0, 0, true, 100);
    struct loaded_image img;
    struct msa_error err = { "" };
    ck_assert_msg(load_image(ram, path, RAM_BASE, &img, &err) == 0, "%s",
                  err.msg);
    ck_assert_uint_eq(img.entry, RAM_BASE + 0x80000);
    ck_assert_uint_eq(img.high, RAM_BASE + 0x80000 + 164);
    assert_ram_equals_file(ram, img.entry, path);
    ram_free(ram);
}
END_TEST

START_TEST(test_image_refusals)
{
    struct ram *ram = test_ram(RAM_BASE, 16 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "Image.bad");
    struct loaded_image img;
    struct msa_error err = { "" };

    write_image(path, 0, 4096, 0, false, 100);
    assert_error(load_image(ram, path, RAM_BASE, &img, &err), &err, path,
                 "not an arm64 Image", "41 52 4d 65");
    write_image(path, 0, 4096, 1, true, 100);
    assert_error(load_image(ram, path, RAM_BASE, &img, &err), &err, path,
                 "big-endian");
    write_image(path, 0, 4096, 0, true, 100);
    assert_error(load_image(ram, path, RAM_BASE + 0x1000, &img, &err), &err,
                 path, "0x40001000 is not 2 MiB aligned");
    /* A 1 GiB footprint (BSS included) does not fit in 16 MiB. */
    write_image(path, 0x80000, UINT64_C(1) << 30, 0, true, 100);
    assert_error(load_image(ram, path, RAM_BASE, &img, &err), &err, path,
                 "[0x40080000, 0x80080000)", "outside RAM",
                 "[0x40000000, 0x41000000)");
    write_file(path, "ARM", 3);
    assert_error(load_image(ram, path, RAM_BASE, &img, &err), &err, path,
                 "too short");
    ck_assert_uint_eq(ram_pages_touched(ram), 0);
    ram_free(ram);
}
END_TEST

START_TEST(test_auto_detects_image_and_raw)
{
    struct ram *ram = test_ram(RAM_BASE + 0x1000, 64 * MiB);
    char path[600];
    struct loaded_image img;
    struct msa_error err = { "" };

    /* Image without a base: lowest RAM address rounded up to 2 MiB. */
    tmp_path(path, sizeof path, "Image.auto");
    write_image(path, 0, 8192, 0x8, true, 300);
    ck_assert_msg(load_file_auto(ram, path, LOAD_ADDR_NONE, &img, &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(img.format, LOADED_IMAGE);
    ck_assert_uint_eq(img.entry, RAM_BASE + 0x200000);
    assert_ram_equals_file(ram, img.entry, path);

    tmp_path(path, sizeof path, "raw.bin");
    uint8_t raw[6000];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i ^ 0x5a);
    write_file(path, raw, sizeof raw);
    assert_error(load_file_auto(ram, path, LOAD_ADDR_NONE, &img, &err), &err,
                 path, "explicit load address");
    ck_assert_msg(load_file_auto(ram, path, RAM_BASE + 0x10000, &img, &err) == 0,
                  "%s", err.msg);
    ck_assert_int_eq(img.format, LOADED_RAW);
    ck_assert_uint_eq(img.entry, RAM_BASE + 0x10000);
    ck_assert_uint_eq(img.high, RAM_BASE + 0x10000 + sizeof raw);
    assert_ram_equals_file(ram, img.entry, path);

    tmp_path(path, sizeof path, "Image.gz");
    write_file(path, "\x1f\x8b\x08\x00", 4);
    assert_error(load_file_auto(ram, path, RAM_BASE, &img, &err), &err, path,
                 "gzip");
    tmp_path(path, sizeof path, "nothing-here");
    assert_error(load_file_auto(ram, path, RAM_BASE, &img, &err), &err, path,
                 "cannot open");
    ram_free(ram);
}
END_TEST

START_TEST(test_blob)
{
    struct ram *ram = test_ram(RAM_BASE, 2 * MiB);
    char path[600];
    tmp_path(path, sizeof path, "board.dtb");
    uint8_t dtb[300];
    for (size_t i = 0; i < sizeof dtb; i++)
        dtb[i] = (uint8_t)(255 - i);
    write_file(path, dtb, sizeof dtb);
    struct msa_error err = { "" };
    uint64_t size = 0;
    ck_assert_msg(load_blob(ram, path, RAM_BASE + 0x1ff000, "device tree",
                            &size, &err) == 0, "%s", err.msg);
    ck_assert_uint_eq(size, sizeof dtb);
    assert_ram_equals_file(ram, RAM_BASE + 0x1ff000, path);

    /* The last 0x100 bytes of RAM cannot hold it. */
    assert_error(load_blob(ram, path, RAM_BASE + 0x1fff00, "device tree", &size,
                           &err), &err, path,
                 "device tree [0x401fff00, 0x4020002c) is outside RAM",
                 "[0x40000000, 0x40200000)");
    struct loaded_image img;
    assert_error(load_raw(ram, path, UINT64_MAX - 10, &img, &err), &err, path,
                 "wraps around");
    write_file(path, "", 0);
    assert_error(load_blob(ram, path, RAM_BASE, "module", &size, &err), &err,
                 path, "module file is empty");
    ram_free(ram);
}
END_TEST

/* ---- symbols table on its own ------------------------------------------ */

START_TEST(test_symbols_table)
{
    struct symbols *s = symbols_new();
    ck_assert_int_eq(symbols_add(s, "late", 0x3000, 0x10, SYMBOL_FUNC), 0);
    ck_assert_int_eq(symbols_add(s, "asm_entry", 0x1000, 0, SYMBOL_FUNC), 0);
    ck_assert_int_eq(symbols_add(s, "alias_obj", 0x2000, 0x40, SYMBOL_OBJECT), 0);
    ck_assert_int_eq(symbols_add(s, "func", 0x2000, 0x40, SYMBOL_FUNC), 0);
    ck_assert_int_eq(symbols_add(s, "func", 0x2000, 0x40, SYMBOL_FUNC), 0);
    ck_assert_int_eq(symbols_add(s, "last_label", 0x4000, 0, SYMBOL_FUNC), 0);
    symbols_finish(s);
    ck_assert_uint_eq(symbols_count(s), 5);
    uint64_t off;
    /* Unsized: up to the next symbol. */
    ck_assert_str_eq(symbols_lookup(s, 0x1ffc, &off), "asm_entry");
    ck_assert_uint_eq(off, 0xffc);
    /* Same address: the function wins. */
    ck_assert_str_eq(symbols_lookup(s, 0x2010, &off), "func");
    ck_assert_ptr_null(symbols_lookup(s, 0x2040, &off));
    ck_assert_ptr_null(symbols_lookup(s, 0xfff, &off));
    ck_assert_str_eq(symbols_lookup(s, 0x300f, &off), "late");
    ck_assert_str_eq(symbols_lookup(s, 0x4000, &off), "last_label");
    ck_assert_ptr_null(symbols_lookup(s, 0x4004, &off));
    symbols_free(s);
}
END_TEST

/* Builds the programs the ELF tests load; false if a build failed. */
static bool build_programs(void)
{
    const char *cc = getenv("AARCH64_CC");
    if (!cc || !*cc)
        cc = "aarch64-linux-gnu-gcc";
    char objcopy[256], nm[256];
    snprintf(objcopy, sizeof objcopy, "%.*sobjcopy",
             (int)(strlen(cc) >= 3 ? strlen(cc) - 3 : 0), cc);
    snprintf(nm, sizeof nm, "%.*snm", (int)(strlen(cc) >= 3 ? strlen(cc) - 3 : 0),
             cc);
    const char *flags = "-O1 -ffreestanding -fno-pic -nostdlib -static "
                        "-Wl,--build-id=none -Wl,--no-warn-rwx-segments";
    have_cross = run("%s --version >/dev/null 2>&1", cc) == 0;
    have_host_cc = run("cc --version >/dev/null 2>&1") == 0;
    if (!have_cross) {
        printf("%s: SKIP: %s not found: compiled-ELF loader tests not run\n",
               __FILE__, cc);
    } else if (run("%s %s -no-pie -Wl,-Ttext=0x40080000 -o %s/prog.elf " PROG_SRC
                   " && %s -O binary %s/prog.elf %s/prog.bin"
                   " && %s -S %s/prog.elf > %s/prog.nm"
                   " && %s %s -no-pie -Wl,-T," SPLIT_LD " -o %s/split.elf " PROG_SRC
                   " && %s %s -no-pie -Wl,-Ttext=0x10000000 -o %s/low.elf " PROG_SRC
                   " && %s %s -static-pie -o %s/pie.elf " PROG_SRC,
                   cc, flags, tmpdir, objcopy, tmpdir, tmpdir, nm, tmpdir, tmpdir,
                   cc, flags, tmpdir, cc, flags, tmpdir, cc, flags, tmpdir) != 0) {
        printf("%s: FAIL: building the AArch64 test programs failed\n", __FILE__);
        return false;
    }
    if (have_host_cc &&
        run("cc %s -no-pie -o %s/x86.elf " PROG_SRC " 2>/dev/null", flags,
            tmpdir) != 0 &&
        run("cc -c -o %s/x86.elf " PROG_SRC, tmpdir) != 0)
        have_host_cc = false;
    if (!have_host_cc)
        printf("%s: SKIP: host cc cannot build an ELF: host-machine refusal "
               "not run\n", __FILE__);
    return true;
}

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("files");
    tcase_add_test(tc, test_elf_identity_refusals);
    tcase_add_test(tc, test_elf_bad_files);
    tcase_add_test(tc, test_image_load);
    tcase_add_test(tc, test_image_old_kernel_offset);
    tcase_add_test(tc, test_image_refusals);
    tcase_add_test(tc, test_auto_detects_image_and_raw);
    tcase_add_test(tc, test_blob);
    tcase_add_test(tc, test_symbols_table);
    suite_add_tcase(s, tc);
    if (have_cross) {
        TCase *cc = tcase_create("compiled");
        tcase_add_test(cc, test_elf_segments_match_objcopy);
        tcase_add_test(cc, test_elf_symbols);
        tcase_add_test(cc, test_elf_physical_address);
        tcase_add_test(cc, test_elf_outside_ram);
        tcase_add_test(cc, test_elf_truncated);
        tcase_add_test(cc, test_elf_corrupt_bytes);
        tcase_add_test(cc, test_elf_refuses_pie);
        tcase_add_test(cc, test_auto_detects_elf);
        suite_add_tcase(s, cc);
    }
    if (have_host_cc) {
        TCase *host = tcase_create("host");
        tcase_add_test(host, test_elf_refuses_host_machine);
        suite_add_tcase(s, host);
    }
    return s;
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/msasim-loader-XXXXXX",
             base && *base ? base : P_tmpdir);
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    if (access(PROG_SRC, R_OK) != 0) {
        printf("%s: FAIL: %s not found: run the tests from the repository "
               "root\n", __FILE__, PROG_SRC);
        run("rm -rf '%s'", tmpdir);
        return EXIT_FAILURE;
    }
    bool built = build_programs();
    fflush(stdout); /* or the forked tests would print it again */
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    run("rm -rf '%s'", tmpdir);
    return failed || !built ? EXIT_FAILURE : EXIT_SUCCESS;
}
