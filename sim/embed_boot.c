/* The Linux arm64 boot protocol (Documentation/arch/arm64/booting.rst) for
 * msasim_boot_kernel, with the layout QEMU's virt machine uses for a
 * -kernel Image, so that what a kernel prints about addresses compares
 * with QEMU: the device tree at the start of RAM (the platform's, with
 * /chosen bootargs and a module node per boot module), the Image at
 * text_offset from the next 2 MiB boundary (booting.rst allows any 2 MiB
 * aligned base), the boot modules' files where they are asked for (as
 * QEMU's guest-loader puts them), and core 0 entering the kernel at EL2
 * with x0 = the device tree's address and x1-x3 = 0.  The other cores wait
 * for PSCI CPU_ON. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/embed_internal.h"
#include "sim/loader.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/symbols.h"

#define DTB_ROOM (UINT64_C(2) << 20)   /* the tree's place below the Image */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

int msasim_boot_kernel(msasim_t *h, const char *kernel, const char *bootargs,
                       const struct msasim_boot_module *mods, unsigned nmods)
{
    struct machine *m = h->m;
    struct msa_error *err = &h->err;
    struct platform_boot_module *bm = calloc(nmods ? nmods : 1, sizeof *bm);
    if (!bm)
        return msa_error_set(err, "out of memory");
    uint64_t ram_base = 0, ram_size = 0;
    if (m->plat->memory.count) {
        ram_base = m->plat->memory.items[0].base;
        ram_size = m->plat->memory.items[0].size;
    }
    uint64_t at = (ram_base + DTB_ROOM - 1) & ~(DTB_ROOM - 1);   /* the tree */
    struct loaded_image img;
    memset(&img, 0, sizeof img);
    int rc = ram_size < 2 * DTB_ROOM
                 ? msa_error_set(err, "%s: the first RAM bank is too small to boot a kernel "
                                 "(the tree and the Image need at least 4 MiB)", m->plat->source)
                 : load_file_auto(m->ram, kernel, at + DTB_ROOM, &img, err);
    if (rc == 0 && img.format != LOADED_IMAGE) {
        loaded_image_release(&img);
        rc = msa_error_set(err, "%s: not an arm64 Image: --kernel takes what the Linux boot "
                           "protocol boots (run an ELF as PROGRAM instead)", kernel);
    }
    uint64_t kernel_low = img.low, kernel_high = img.high;
    for (unsigned i = 0; rc == 0 && i < nmods; i++) {
        struct loaded_image mi;
        if (load_raw(m->ram, mods[i].path, mods[i].addr, &mi, err) < 0) {
            rc = -1;
            break;
        }
        bm[i] = (struct platform_boot_module){mi.low, mi.high - mi.low, mods[i].bootargs};
        loaded_image_release(&mi);
        if (overlaps(bm[i].base, bm[i].size, kernel_low, kernel_high - kernel_low))
            rc = msa_error_set(err, "--module 0x%" PRIx64 ":%s: [0x%" PRIx64 ", 0x%" PRIx64
                               ") overlaps the kernel [0x%" PRIx64 ", 0x%" PRIx64 ")",
                               mods[i].addr, mods[i].path, bm[i].base, bm[i].base + bm[i].size,
                               kernel_low, kernel_high);
    }
    unsigned char *dtb = NULL;
    size_t dtb_size = 0;
    if (rc == 0)
        rc = platform_dtb_for_boot(m->plat, bootargs, bm, nmods, &dtb, &dtb_size, err);
    if (rc == 0 && dtb_size > DTB_ROOM)
        rc = msa_error_set(err, "%s: the device tree for the kernel takes %zu bytes, more than "
                           "the 2 MiB below the Image", m->plat->source, dtb_size);
    for (unsigned i = 0; rc == 0 && i < nmods; i++)
        if (overlaps(at, dtb_size, bm[i].base, bm[i].size))
            rc = msa_error_set(err, "--module 0x%" PRIx64 ":%s: overlaps the device tree at "
                               "[0x%" PRIx64 ", 0x%" PRIx64 ")", mods[i].addr, mods[i].path, at,
                               at + dtb_size);
    if (rc == 0 && (!ram_contains(m->ram, at, dtb_size) || ram_write(m->ram, at, dtb, dtb_size) < 0))
        rc = msa_error_set(err, "%s: no RAM at 0x%" PRIx64 " for the device tree",
                           m->plat->source, at);
    free(dtb);
    free(bm);
    if (rc < 0) {
        if (img.format == LOADED_IMAGE)
            loaded_image_release(&img);
        return -1;
    }
    machine_start_program(m, &img);
    cpu_set_x(m->cores[0], 0, at);
    for (unsigned r = 1; r < 4; r++)
        cpu_set_x(m->cores[0], r, 0);
    h->loaded = true;
    h->final = false;
    return 0;
}

int msasim_load_symbols(msasim_t *h, const char *elf_path)
{
    struct symbols *syms;
    if (load_elf_symbols(elf_path, &syms, &h->err) < 0)
        return -1;
    symbols_free(h->m->syms);
    h->m->syms = syms;
    if (h->m->timing)
        machine_timing_program_loaded(h->m);
    return 0;
}
