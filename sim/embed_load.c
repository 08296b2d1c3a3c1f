/* Programs and memory behind the embedding API.  With no memory region of
 * the embedder, loading is the machine's own.  With some, the loaders write
 * into a staging RAM laid out as the cores see memory (the machine's banks
 * plus the embedder's memory regions), so every check and error is the
 * loaders' own, and the loaded span is then copied page by page to where
 * each page lives. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/embed_internal.h"
#include "sim/loader.h"
#include "sim/ram.h"

/* Copies [addr, addr+len) of the machine's memory: RAM, or the embedder's
 * memory regions (debug access). */
static int copy_memory(struct msasim *h, uint64_t addr, void *buf, size_t len, bool write)
{
    uint8_t *b = buf;
    while (len) {
        size_t n = RAM_PAGE_SIZE - (addr & RAM_PAGE_MASK);
        if (n > len)
            n = len;
        struct embed_region *g;
        if (ram_contains(h->m->ram, addr, n)) {
            int rc = write ? ram_write(h->m->ram, addr, b, n) : ram_read(h->m->ram, addr, b, n);
            if (rc < 0)
                return -1;
        } else if ((g = embed_region_find(h, addr)) && (g->r.flags & MSASIM_REGION_MEMORY)) {
            if (embed_region_debug(g, addr, b, n, write) < 0)
                return msa_error_set(&h->err, "region %s refused a debug %s of %zu bytes at 0x%" PRIx64,
                                     g->name, write ? "write" : "read", n, addr);
        } else {
            return msa_error_set(&h->err, "address 0x%" PRIx64 " is neither RAM nor a memory region",
                                 addr);
        }
        addr += n;
        b += n;
        len -= n;
    }
    return 0;
}

int msasim_read_memory(msasim_t *h, uint64_t addr, void *buf, size_t len)
{
    return copy_memory(h, addr, buf, len, false);
}

int msasim_write_memory(msasim_t *h, uint64_t addr, const void *buf, size_t len)
{
    if (copy_memory(h, addr, (void *)buf, len, true) < 0)
        return -1;
    cpu_cluster_code_written(h->m->cluster, addr, len);
    return 0;
}

static bool has_memory_regions(const struct msasim *h)
{
    for (unsigned k = 0; k < h->nregions; k++)
        if (h->regions[k].r.flags & MSASIM_REGION_MEMORY)
            return true;
    return false;
}

static struct ram *staging_ram(struct msasim *h)
{
    struct ram *s = ram_new();
    if (!s) {
        msa_error_set(&h->err, "out of memory");
        return NULL;
    }
    for (unsigned i = 0; i < ram_bank_count(h->m->ram); i++) {
        uint64_t base, size;
        ram_bank(h->m->ram, i, &base, &size);
        if (ram_add_bank(s, base, size, &h->err) < 0)
            goto fail;
    }
    for (unsigned k = 0; k < h->nregions; k++) {
        const struct embed_region *g = &h->regions[k];
        if ((g->r.flags & MSASIM_REGION_MEMORY) &&
            ram_add_bank(s, g->r.base, g->r.size, &h->err) < 0) {
            msa_error_prefix(&h->err, "region %s: ", g->name);
            goto fail;
        }
    }
    return s;
fail:
    ram_free(s);
    return NULL;
}

/* Moves [low, high) from the staging RAM to the machine's memory.  Pages
 * between an image's segments go too, as zeros. */
static int unstage(struct msasim *h, struct ram *s, uint64_t low, uint64_t high)
{
    static const uint8_t zero[RAM_PAGE_SIZE];
    uint8_t page[RAM_PAGE_SIZE];
    for (uint64_t a = low; a < high;) {
        size_t n = RAM_PAGE_SIZE - (a & RAM_PAGE_MASK);
        if (n > high - a)
            n = high - a;
        if (ram_read(s, a, page, n) < 0)
            return msa_error_set(&h->err, "staging RAM lost 0x%" PRIx64, a);
        /* untouched pages of the machine's RAM stay unallocated */
        if (ram_contains(h->m->ram, a, n) && !memcmp(page, zero, n)) {
            if (ram_zero(h->m->ram, a, n) < 0)
                return -1;
        } else if (copy_memory(h, a, page, n, true) < 0) {
            return -1;
        }
        a += n;
    }
    return 0;
}

static int load(struct msasim *h, const char *path, uint64_t addr, bool program, uint64_t *size)
{
    struct loaded_image img;
    memset(&img, 0, sizeof img);
    if (!has_memory_regions(h)) {
        if (program) {
            if (load_file_auto(h->m->ram, path, addr, &img, &h->err) < 0)
                return -1;
        } else {
            uint64_t n;
            if (load_blob(h->m->ram, path, addr, "blob", &n, &h->err) < 0)
                return -1;
            cpu_cluster_code_written(h->m->cluster, addr, n);
            if (size)
                *size = n;
            return 0;
        }
    } else {
        struct ram *s = staging_ram(h);
        if (!s)
            return -1;
        int rc;
        if (program) {
            rc = load_file_auto(s, path, addr, &img, &h->err);
        } else {
            uint64_t n = 0;
            rc = load_blob(s, path, addr, "blob", &n, &h->err);
            img.low = addr;
            img.high = addr + n;
            if (size)
                *size = n;
        }
        if (rc == 0)
            rc = unstage(h, s, img.low, img.high);
        ram_free(s);
        if (rc < 0) {
            loaded_image_release(&img);
            return -1;
        }
        if (!program) {
            cpu_cluster_code_written(h->m->cluster, img.low, img.high - img.low);
            return 0;
        }
    }
    machine_start_program(h->m, &img);
    h->loaded = true;
    h->final = false;
    return 0;
}

int msasim_load_program(msasim_t *h, const char *path)
{
    return load(h, path, LOAD_ADDR_NONE, true, NULL);
}

int msasim_load_program_at(msasim_t *h, const char *path, uint64_t addr)
{
    return load(h, path, addr, true, NULL);
}

int msasim_load_blob(msasim_t *h, const char *path, uint64_t addr, uint64_t *size)
{
    return load(h, path, addr, false, size);
}

int msasim_start(msasim_t *h, uint64_t entry)
{
    struct loaded_image img;
    memset(&img, 0, sizeof img);
    img.format = LOADED_RAW;
    img.entry = img.low = img.high = entry;
    machine_start_program(h->m, &img);
    h->loaded = true;
    h->final = false;
    return 0;
}
