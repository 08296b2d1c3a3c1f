/* Loading programs into simulated RAM: AArch64 ELF executables, Linux arm64
 * Image files (Linux, Xen, Zephyr all use the format), raw binaries, and
 * blobs such as device trees and boot modules.
 *
 * Every loader checks the whole file against RAM before writing anything, so
 * a refused file leaves RAM as it was.  Errors are one line naming the file
 * and what is wrong with it. */
#ifndef MSASIM_SIM_LOADER_H
#define MSASIM_SIM_LOADER_H

#include <stdint.h>

#include "sim/error.h"
#include "sim/ram.h"
#include "sim/symbols.h"

/* "No address given" for load_file_auto. */
#define LOAD_ADDR_NONE UINT64_MAX

/* Linux arm64 Image: text_offset assumed when image_size is 0 (kernels
 * before v3.17), and the alignment of the base it is added to. */
#define IMAGE_DEFAULT_TEXT_OFFSET UINT64_C(0x80000)
#define IMAGE_BASE_ALIGN          (UINT64_C(2) << 20)

enum loaded_format {
    LOADED_ELF,
    LOADED_IMAGE,
    LOADED_RAW,
};

struct loaded_image {
    enum loaded_format format;
    uint64_t entry;     /* physical address the core starts at */
    uint64_t low;       /* lowest physical address loaded */
    uint64_t high;      /* one past the highest (ELF: memsz; Image: image_size) */
    unsigned segments;  /* PT_LOAD segments written (1 for Image and raw) */
    struct symbols *syms; /* ELF symbol table (maybe empty); NULL otherwise */
};

/* Opens a regular file for reading: its descriptor and size, or -1 with
 * a message naming it. */
int loader_open(const char *path, int *fd_out, uint64_t *size_out, struct msa_error *err);

/* The symbol table of an ELF file alone (its segments are not loaded):
 * for a program loaded some other way, e.g. a kernel Image and its
 * debug-symbol ELF. */
int load_elf_symbols(const char *path, struct symbols **out, struct msa_error *err);

/* Frees what a successful load left in `img` (the symbols). */
void loaded_image_release(struct loaded_image *img);

/* AArch64 ELF64 little-endian ET_EXEC.  PT_LOAD segments go to p_paddr:
 * QEMU's Arm boot code hands a -kernel ELF to its generic ELF loader without
 * an address translation, and that loader writes each segment at p_paddr,
 * so the same bare-metal ELF lands at the same place on both.  filesz bytes
 * come from the file, the rest up to memsz is zeroed; where segments
 * overlap, file bytes win over another segment's zero fill.  The entry is
 * e_entry, moved by (p_paddr - p_vaddr) when it lies in an executable
 * segment whose two addresses differ (QEMU does the same), so an ELF linked
 * to run at a high virtual address starts at its physical copy.  Symbols
 * keep their virtual addresses (cycles are attributed by PC).  ET_DYN (PIE,
 * static-pie) is refused: there is no relocation step. */
int load_elf(struct ram *ram, const char *path, struct loaded_image *out,
             struct msa_error *err);

/* Linux arm64 Image (Documentation/arch/arm64/booting.rst): loaded at
 * ram_base + text_offset, where ram_base is 2 MiB aligned; entry is the load
 * address.  image_size bytes (the kernel's footprint with its BSS) must fit
 * in RAM.  Big-endian images are refused. */
int load_image(struct ram *ram, const char *path, uint64_t ram_base,
               struct loaded_image *out, struct msa_error *err);

/* The file's bytes at `addr`; entry is `addr`. */
int load_raw(struct ram *ram, const char *path, uint64_t addr,
             struct loaded_image *out, struct msa_error *err);

/* A device tree, boot module or initrd at `addr`; *size gets its length.
 * `what` names it in errors ("device tree", "module"). */
int load_blob(struct ram *ram, const char *path, uint64_t addr,
              const char *what, uint64_t *size, struct msa_error *err);

/* Picks the loader from the file's first bytes: ELF magic -> load_elf (addr
 * ignored), arm64 Image magic -> load_image (addr is the 2 MiB aligned base;
 * LOAD_ADDR_NONE: the lowest RAM address rounded up to 2 MiB), anything else
 * -> load_raw, which needs an address. */
int load_file_auto(struct ram *ram, const char *path, uint64_t addr,
                   struct loaded_image *out, struct msa_error *err);

#endif
