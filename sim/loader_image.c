/* Linux arm64 Image files, raw binaries and blobs (device trees, modules)
 * into simulated RAM, and the format detection that picks a loader.
 *
 * Image header, from Documentation/arch/arm64/booting.rst (all fields
 * little-endian):
 *   0  code0 (u32)      4  code1 (u32)
 *   8  text_offset      16 image_size      24 flags      (u64 each)
 *   32..55 reserved     56 magic "ARM\x64" (u32)         60 reserved (u32)
 * flags bit 0: kernel is big-endian; bits 1-2: page size; bit 3: may be
 * placed anywhere in RAM rather than near its start. */
#include "sim/loader.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IMAGE_HEADER_SIZE   64
#define IMAGE_MAGIC_OFFSET  56
#define IMAGE_FLAG_BE       UINT64_C(1)

static const unsigned char image_magic[4] = { 'A', 'R', 'M', 0x64 };

int loader_open(const char *path, int *fd_out, uint64_t *size_out, struct msa_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return msa_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return msa_error_set(err, "%s: not a regular file", path);
    }
    *fd_out = fd;
    *size_out = (uint64_t)st.st_size;
    return 0;
}

/* The first `len` bytes of the file (fewer if it is shorter); returns how
 * many were read or -1. */
static ssize_t loader_read_head(const char *path, int fd, unsigned char *buf,
                                size_t len, struct msa_error *err)
{
    ssize_t n = pread(fd, buf, len, 0);
    if (n < 0)
        return msa_error_set(err, "%s: cannot read: %s", path, strerror(errno));
    return n;
}

/* Copies the whole file to RAM at `addr`; the caller checked it fits. */
static int loader_copy_file(struct ram *ram, const char *path, int fd,
                            uint64_t size, uint64_t addr, struct msa_error *err)
{
    enum { CHUNK = 64 * 1024 };
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        return msa_error_set(err, "%s: out of memory", path);
    uint64_t done = 0;
    while (done < size) {
        size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
        ssize_t n = pread(fd, buf, want, (off_t)done);
        if (n <= 0) {
            free(buf);
            if (n < 0)
                return msa_error_set(err, "%s: cannot read: %s", path,
                                     strerror(errno));
            return msa_error_set(err, "%s: file shrank while being read "
                                 "(%" PRIu64 " of %" PRIu64 " bytes)", path,
                                 done, size);
        }
        ram_write(ram, addr + done, buf, (uint64_t)n);
        done += (uint64_t)n;
    }
    free(buf);
    return 0;
}

static int loader_outside_ram(struct ram *ram, const char *path,
                              const char *what, uint64_t addr, uint64_t len,
                              struct msa_error *err)
{
    char banks[256];
    ram_format_banks(ram, banks, sizeof banks);
    if (addr + len < addr)
        return msa_error_set(err, "%s: %s at 0x%" PRIx64 " of 0x%" PRIx64
                             " bytes wraps around the address space", path,
                             what, addr, len);
    return msa_error_set(err, "%s: %s [0x%" PRIx64 ", 0x%" PRIx64 ") is "
                         "outside RAM (RAM banks: %s)", path, what, addr,
                         addr + len, banks);
}

static uint64_t le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int image_load_open(struct ram *ram, const char *path, int fd,
                           uint64_t size, uint64_t ram_base,
                           struct loaded_image *out, struct msa_error *err)
{
    unsigned char hdr[IMAGE_HEADER_SIZE];
    if (size < IMAGE_HEADER_SIZE)
        return msa_error_set(err, "%s: too short for an arm64 Image header "
                             "(%" PRIu64 " bytes, need %d)", path, size,
                             IMAGE_HEADER_SIZE);
    ssize_t n = loader_read_head(path, fd, hdr, sizeof hdr, err);
    if (n < 0)
        return -1;
    if (n < IMAGE_HEADER_SIZE)
        return msa_error_set(err, "%s: short read of the Image header", path);
    const unsigned char *m = hdr + IMAGE_MAGIC_OFFSET;
    if (memcmp(m, image_magic, sizeof image_magic) != 0)
        return msa_error_set(err, "%s: not an arm64 Image: magic at byte 56 is "
                             "%02x %02x %02x %02x, expected 41 52 4d 64 "
                             "(\"ARM\\x64\")", path, m[0], m[1], m[2], m[3]);
    uint64_t text_offset = le64(hdr + 8);
    uint64_t image_size = le64(hdr + 16);
    uint64_t flags = le64(hdr + 24);
    if (flags & IMAGE_FLAG_BE)
        return msa_error_set(err, "%s: big-endian arm64 Image (flags bit 0 "
                             "set), expected little-endian", path);
    if (ram_base & (IMAGE_BASE_ALIGN - 1))
        return msa_error_set(err, "%s: Image base 0x%" PRIx64 " is not 2 MiB "
                             "aligned (booting.rst: text_offset bytes from a "
                             "2 MiB aligned base)", path, ram_base);
    /* Before v3.17 image_size was 0 and text_offset of unknown byte order;
     * booting.rst says to assume 0x80000 then. */
    if (image_size == 0)
        text_offset = IMAGE_DEFAULT_TEXT_OFFSET;
    uint64_t footprint = image_size > size ? image_size : size;
    uint64_t load = ram_base + text_offset;
    if (load < ram_base)
        return msa_error_set(err, "%s: text_offset 0x%" PRIx64 " from base 0x%"
                             PRIx64 " wraps around the address space", path,
                             text_offset, ram_base);
    if (!ram_contains(ram, load, footprint)) {
        char what[96];
        snprintf(what, sizeof what, "Image (text_offset 0x%" PRIx64
                 ", image_size 0x%" PRIx64 ")", text_offset, image_size);
        return loader_outside_ram(ram, path, what, load, footprint, err);
    }
    if (loader_copy_file(ram, path, fd, size, load, err) != 0)
        return -1;
    /* The kernel clears its own BSS, but a clean footprint makes runs
     * independent of what was in RAM before; untouched pages cost nothing. */
    ram_zero(ram, load + size, footprint - size);
    *out = (struct loaded_image){
        .format = LOADED_IMAGE, .entry = load, .low = load,
        .high = load + footprint, .segments = 1,
    };
    return 0;
}

int load_image(struct ram *ram, const char *path, uint64_t ram_base,
               struct loaded_image *out, struct msa_error *err)
{
    memset(out, 0, sizeof *out);
    int fd;
    uint64_t size;
    if (loader_open(path, &fd, &size, err) != 0)
        return -1;
    int rc = image_load_open(ram, path, fd, size, ram_base, out, err);
    close(fd);
    return rc;
}

static int blob_load_open(struct ram *ram, const char *path, int fd,
                          uint64_t size, uint64_t addr, const char *what,
                          struct msa_error *err)
{
    if (size == 0)
        return msa_error_set(err, "%s: %s file is empty", path, what);
    if (!ram_contains(ram, addr, size))
        return loader_outside_ram(ram, path, what, addr, size, err);
    return loader_copy_file(ram, path, fd, size, addr, err);
}

int load_blob(struct ram *ram, const char *path, uint64_t addr,
              const char *what, uint64_t *size_out, struct msa_error *err)
{
    int fd;
    uint64_t size;
    if (loader_open(path, &fd, &size, err) != 0)
        return -1;
    int rc = blob_load_open(ram, path, fd, size, addr, what ? what : "blob",
                            err);
    close(fd);
    if (rc == 0 && size_out)
        *size_out = size;
    return rc;
}

int load_raw(struct ram *ram, const char *path, uint64_t addr,
             struct loaded_image *out, struct msa_error *err)
{
    memset(out, 0, sizeof *out);
    uint64_t size;
    if (load_blob(ram, path, addr, "raw binary", &size, err) != 0)
        return -1;
    *out = (struct loaded_image){
        .format = LOADED_RAW, .entry = addr, .low = addr, .high = addr + size,
        .segments = 1,
    };
    return 0;
}

/* Where an Image goes when no base is given: the start of the lowest RAM
 * bank, rounded up to 2 MiB (booting.rst prefers the base near RAM's start). */
static int image_default_base(struct ram *ram, const char *path,
                              uint64_t *base, struct msa_error *err)
{
    uint64_t bank_base, bank_size;
    if (ram_bank(ram, 0, &bank_base, &bank_size) != 0)
        return msa_error_set(err, "%s: cannot place the Image: the platform "
                             "has no RAM", path);
    *base = (bank_base + IMAGE_BASE_ALIGN - 1) & ~(IMAGE_BASE_ALIGN - 1);
    return 0;
}

int load_file_auto(struct ram *ram, const char *path, uint64_t addr,
                   struct loaded_image *out, struct msa_error *err)
{
    memset(out, 0, sizeof *out);
    int fd;
    uint64_t size;
    if (loader_open(path, &fd, &size, err) != 0)
        return -1;
    unsigned char head[IMAGE_HEADER_SIZE];
    ssize_t n = loader_read_head(path, fd, head, sizeof head, err);
    close(fd);
    if (n < 0)
        return -1;

    static const unsigned char elf_magic[4] = { 0x7f, 'E', 'L', 'F' };
    if (n >= 4 && memcmp(head, elf_magic, 4) == 0)
        return load_elf(ram, path, out, err);
    if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        return msa_error_set(err, "%s: gzip-compressed file (Image.gz?): "
                             "decompress it first", path);
    if (n == IMAGE_HEADER_SIZE &&
        memcmp(head + IMAGE_MAGIC_OFFSET, image_magic, sizeof image_magic) == 0) {
        uint64_t base = addr;
        if (base == LOAD_ADDR_NONE && image_default_base(ram, path, &base, err))
            return -1;
        return load_image(ram, path, base, out, err);
    }
    if (addr == LOAD_ADDR_NONE)
        return msa_error_set(err, "%s: neither an ELF nor an arm64 Image file; "
                             "a raw binary needs an explicit load address",
                             path);
    return load_raw(ram, path, addr, out, err);
}
