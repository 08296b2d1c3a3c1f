/* AArch64 ELF executables into simulated RAM, with their symbol tables.
 *
 * The identity checks (magic, class, byte order, machine) read the raw
 * header so each refusal can say exactly what the file is; libelf then reads
 * program headers, sections and symbols.  Every offset and size is checked
 * against the file's length before use, so a truncated or corrupt file gets
 * a message rather than a fault. */
#include "sim/loader.h"

#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Machines an ELF handed to a simulator is most likely built for. */
static const struct elf_machine_name {
    unsigned em;
    const char *name;
    const char *macro;
} elf_machine_names[] = {
    { 0,   "no machine",       "EM_NONE" },
    { 2,   "SPARC",            "EM_SPARC" },
    { 3,   "x86 (i386)",       "EM_386" },
    { 8,   "MIPS",             "EM_MIPS" },
    { 20,  "PowerPC",          "EM_PPC" },
    { 21,  "PowerPC 64",       "EM_PPC64" },
    { 22,  "IBM S/390",        "EM_S390" },
    { 40,  "32-bit Arm",       "EM_ARM" },
    { 43,  "SPARC v9",         "EM_SPARCV9" },
    { 50,  "IA-64",            "EM_IA_64" },
    { 62,  "x86-64",           "EM_X86_64" },
    { 94,  "Xtensa",           "EM_XTENSA" },
    { 183, "AArch64",          "EM_AARCH64" },
    { 189, "MicroBlaze",       "EM_MICROBLAZE" },
    { 243, "RISC-V",           "EM_RISCV" },
    { 247, "eBPF",             "EM_BPF" },
    { 258, "LoongArch",        "EM_LOONGARCH" },
};

static void elf_describe_machine(unsigned em, char *buf, size_t n)
{
    for (size_t i = 0; i < sizeof elf_machine_names / sizeof elf_machine_names[0]; i++) {
        if (elf_machine_names[i].em == em) {
            snprintf(buf, n, "%s (%s=%u)", elf_machine_names[i].name,
                     elf_machine_names[i].macro, em);
            return;
        }
    }
    snprintf(buf, n, "machine %u", em);
}

static uint16_t elf_raw_half(const unsigned char *p, bool big_endian)
{
    return big_endian ? (uint16_t)(p[0] << 8 | p[1])
                      : (uint16_t)(p[1] << 8 | p[0]);
}

/* Header identity: everything that decides whether this is our kind of ELF.
 * `hdr` holds the first min(size, 64) bytes. */
static int elf_check_identity(const char *path, const unsigned char *hdr,
                              uint64_t size, struct msa_error *err)
{
    static const unsigned char magic[4] = { 0x7f, 'E', 'L', 'F' };
    if (size < 4 || memcmp(hdr, magic, 4) != 0) {
        if (size < 4)
            return msa_error_set(err, "%s: not an ELF file (%" PRIu64
                                 " bytes long)", path, size);
        return msa_error_set(err, "%s: not an ELF file (starts with %02x %02x "
                             "%02x %02x, expected 7f 45 4c 46)", path, hdr[0],
                             hdr[1], hdr[2], hdr[3]);
    }
    if (size < 20)
        return msa_error_set(err, "%s: truncated ELF header (%" PRIu64
                             " bytes)", path, size);
    unsigned cls = hdr[EI_CLASS], data = hdr[EI_DATA];
    if (data != ELFDATA2LSB && data != ELFDATA2MSB)
        return msa_error_set(err, "%s: corrupt ELF header: byte order "
                             "(EI_DATA) is %u, expected 1 or 2", path, data);
    if (cls != ELFCLASS32 && cls != ELFCLASS64)
        return msa_error_set(err, "%s: corrupt ELF header: class (EI_CLASS) "
                             "is %u, expected 1 or 2", path, cls);
    unsigned em = elf_raw_half(hdr + 18, data == ELFDATA2MSB);
    if (em != EM_AARCH64) {
        char found[64];
        elf_describe_machine(em, found, sizeof found);
        return msa_error_set(err, "%s: ELF for %s, expected AArch64 "
                             "(EM_AARCH64=%u)", path, found, EM_AARCH64);
    }
    if (cls != ELFCLASS64)
        return msa_error_set(err, "%s: 32-bit ELF (ELFCLASS32, AArch64 ILP32), "
                             "expected a 64-bit ELF (ELFCLASS64)", path);
    if (data != ELFDATA2LSB)
        return msa_error_set(err, "%s: big-endian ELF (ELFDATA2MSB), expected "
                             "little-endian (ELFDATA2LSB)", path);
    if (size < sizeof(Elf64_Ehdr))
        return msa_error_set(err, "%s: truncated ELF header (%" PRIu64
                             " bytes, expected %zu)", path, size,
                             sizeof(Elf64_Ehdr));
    return 0;
}

static int elf_check_type(const char *path, unsigned type, struct msa_error *err)
{
    switch (type) {
    case ET_EXEC:
        return 0;
    case ET_DYN:
        return msa_error_set(err, "%s: position-independent executable "
                             "(ET_DYN, PIE or static-pie) is not supported, "
                             "link with -static -no-pie (ET_EXEC)", path);
    case ET_REL:
        return msa_error_set(err, "%s: relocatable object (ET_REL), expected "
                             "a linked executable (ET_EXEC)", path);
    case ET_CORE:
        return msa_error_set(err, "%s: core dump (ET_CORE), expected an "
                             "executable (ET_EXEC)", path);
    default:
        return msa_error_set(err, "%s: ELF type %u, expected an executable "
                             "(ET_EXEC)", path, type);
    }
}

/* True if [off, off+len) lies inside a file of `size` bytes. */
static bool elf_in_file(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

static int elf_check_tables(const char *path, const GElf_Ehdr *eh,
                            uint64_t size, struct msa_error *err)
{
    if (eh->e_phnum && eh->e_phentsize != sizeof(Elf64_Phdr))
        return msa_error_set(err, "%s: corrupt ELF: program header entry size "
                             "%u, expected %zu", path, eh->e_phentsize,
                             sizeof(Elf64_Phdr));
    uint64_t phlen = (uint64_t)eh->e_phnum * eh->e_phentsize;
    if (!elf_in_file(eh->e_phoff, phlen, size))
        return msa_error_set(err, "%s: program header table [0x%" PRIx64
                             ", 0x%" PRIx64 ") beyond end of file (%" PRIu64
                             " bytes): truncated or corrupt", path,
                             (uint64_t)eh->e_phoff, eh->e_phoff + phlen, size);
    if (eh->e_shoff == 0)
        return 0;
    if (eh->e_shentsize != sizeof(Elf64_Shdr))
        return msa_error_set(err, "%s: corrupt ELF: section header entry size "
                             "%u, expected %zu", path, eh->e_shentsize,
                             sizeof(Elf64_Shdr));
    /* e_shnum 0 with a table means the count is in section 0: at least that
     * one entry must be there. */
    uint64_t shlen = (uint64_t)(eh->e_shnum ? eh->e_shnum : 1) * eh->e_shentsize;
    if (!elf_in_file(eh->e_shoff, shlen, size))
        return msa_error_set(err, "%s: section header table [0x%" PRIx64
                             ", 0x%" PRIx64 ") beyond end of file (%" PRIu64
                             " bytes): truncated or corrupt", path,
                             (uint64_t)eh->e_shoff, eh->e_shoff + shlen, size);
    return 0;
}

struct elf_segment {
    size_t index;
    uint64_t paddr, vaddr, offset, filesz, memsz;
    bool exec;
};

static int elf_collect_segments(const char *path, Elf *elf, struct ram *ram,
                                uint64_t size, struct elf_segment **segs_out,
                                size_t *nsegs_out, struct msa_error *err)
{
    size_t phnum;
    if (elf_getphdrnum(elf, &phnum) != 0)
        return msa_error_set(err, "%s: corrupt ELF program headers: %s", path,
                             elf_errmsg(-1));
    struct elf_segment *segs = calloc(phnum ? phnum : 1, sizeof *segs);
    if (!segs)
        return msa_error_set(err, "%s: out of memory", path);
    size_t n = 0;
    for (size_t i = 0; i < phnum; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf, (int)i, &ph)) {
            free(segs);
            return msa_error_set(err, "%s: corrupt ELF program header %zu: %s",
                                 path, i, elf_errmsg(-1));
        }
        if (ph.p_type != PT_LOAD)
            continue;
        if (ph.p_filesz > ph.p_memsz) {
            free(segs);
            return msa_error_set(err, "%s: segment %zu: p_filesz 0x%" PRIx64
                                 " larger than p_memsz 0x%" PRIx64 ": corrupt",
                                 path, i, (uint64_t)ph.p_filesz,
                                 (uint64_t)ph.p_memsz);
        }
        if (!elf_in_file(ph.p_offset, ph.p_filesz, size)) {
            free(segs);
            return msa_error_set(err, "%s: segment %zu: file bytes [0x%" PRIx64
                                 ", 0x%" PRIx64 ") beyond end of file (%" PRIu64
                                 " bytes): truncated or corrupt", path, i,
                                 (uint64_t)ph.p_offset,
                                 ph.p_offset + ph.p_filesz, size);
        }
        if (ph.p_memsz == 0)
            continue;
        if (ph.p_paddr + ph.p_memsz < ph.p_paddr) {
            free(segs);
            return msa_error_set(err, "%s: segment %zu: address 0x%" PRIx64
                                 " + size 0x%" PRIx64 " wraps around", path, i,
                                 (uint64_t)ph.p_paddr, (uint64_t)ph.p_memsz);
        }
        if (!ram_contains(ram, ph.p_paddr, ph.p_memsz)) {
            char banks[256];
            ram_format_banks(ram, banks, sizeof banks);
            free(segs);
            return msa_error_set(err, "%s: segment %zu [0x%" PRIx64 ", 0x%"
                                 PRIx64 ") is outside RAM (RAM banks: %s)",
                                 path, i, (uint64_t)ph.p_paddr,
                                 ph.p_paddr + ph.p_memsz, banks);
        }
        segs[n++] = (struct elf_segment){
            .index = i, .paddr = ph.p_paddr, .vaddr = ph.p_vaddr,
            .offset = ph.p_offset, .filesz = ph.p_filesz, .memsz = ph.p_memsz,
            .exec = (ph.p_flags & PF_X) != 0,
        };
    }
    if (n == 0) {
        free(segs);
        return msa_error_set(err, "%s: no loadable (PT_LOAD) segment with a "
                             "non-zero size", path);
    }
    *segs_out = segs;
    *nsegs_out = n;
    return 0;
}

/* Functions and objects; also global untyped symbols in code sections, which
 * is what a hand-written assembly entry point without .type looks like. */
static int elf_symbol_kind(Elf *elf, const GElf_Sym *sym, enum symbol_kind *kind)
{
    unsigned type = GELF_ST_TYPE(sym->st_info);
    if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS ||
        sym->st_shndx >= SHN_LORESERVE)
        return -1;
    if (type == STT_FUNC) {
        *kind = SYMBOL_FUNC;
        return 0;
    }
    if (type == STT_OBJECT) {
        *kind = SYMBOL_OBJECT;
        return 0;
    }
    if (type != STT_NOTYPE || GELF_ST_BIND(sym->st_info) != STB_GLOBAL)
        return -1;
    Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
    GElf_Shdr sh;
    if (!scn || !gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_EXECINSTR))
        return -1;
    *kind = SYMBOL_FUNC;
    return 0;
}

static int elf_read_symtab(const char *path, Elf *elf, Elf_Scn *scn,
                           const GElf_Shdr *sh, uint64_t size,
                           struct symbols *syms, struct msa_error *err)
{
    if (!elf_in_file(sh->sh_offset, sh->sh_size, size))
        return msa_error_set(err, "%s: symbol table [0x%" PRIx64 ", 0x%" PRIx64
                             ") beyond end of file (%" PRIu64 " bytes): "
                             "truncated or corrupt", path,
                             (uint64_t)sh->sh_offset,
                             sh->sh_offset + sh->sh_size, size);
    if (sh->sh_entsize != sizeof(Elf64_Sym))
        return msa_error_set(err, "%s: corrupt symbol table: entry size %"
                             PRIu64 ", expected %zu", path,
                             (uint64_t)sh->sh_entsize, sizeof(Elf64_Sym));
    Elf_Scn *strscn = elf_getscn(elf, sh->sh_link);
    GElf_Shdr strsh;
    if (!strscn || !gelf_getshdr(strscn, &strsh) ||
        !elf_in_file(strsh.sh_offset, strsh.sh_size, size))
        return msa_error_set(err, "%s: corrupt symbol table: string table "
                             "(section %u) missing or beyond end of file", path,
                             (unsigned)sh->sh_link);
    Elf_Data *data = elf_getdata(scn, NULL);
    if (!data)
        return msa_error_set(err, "%s: corrupt symbol table: %s", path,
                             elf_errmsg(-1));
    size_t count = sh->sh_size / sh->sh_entsize;
    for (size_t i = 1; i < count; i++) {
        GElf_Sym sym;
        if (!gelf_getsym(data, (int)i, &sym))
            return msa_error_set(err, "%s: corrupt symbol %zu: %s", path, i,
                                 elf_errmsg(-1));
        enum symbol_kind kind;
        if (elf_symbol_kind(elf, &sym, &kind) != 0)
            continue;
        const char *name = elf_strptr(elf, sh->sh_link, sym.st_name);
        if (!name)
            return msa_error_set(err, "%s: corrupt symbol %zu: name offset %u "
                                 "outside the string table", path, i,
                                 (unsigned)sym.st_name);
        if (name[0] == '\0' || name[0] == '$')
            continue;
        if (symbols_add(syms, name, sym.st_value, sym.st_size, kind) != 0)
            return msa_error_set(err, "%s: out of memory", path);
    }
    return 0;
}

/* The static symbol table (.symtab) if there is one; a stripped file loads
 * with an empty table. */
static int elf_read_symbols(const char *path, Elf *elf, uint64_t size,
                            struct symbols *syms, struct msa_error *err)
{
    size_t shnum;
    if (elf_getshdrnum(elf, &shnum) != 0)
        return msa_error_set(err, "%s: corrupt ELF section headers: %s", path,
                             elf_errmsg(-1));
    for (size_t i = 1; i < shnum; i++) {
        Elf_Scn *scn = elf_getscn(elf, i);
        GElf_Shdr sh;
        if (!scn || !gelf_getshdr(scn, &sh))
            return msa_error_set(err, "%s: corrupt ELF section header %zu: %s",
                                 path, i, elf_errmsg(-1));
        if (sh.sh_type != SHT_SYMTAB)
            continue;
        if (elf_read_symtab(path, elf, scn, &sh, size, syms, err) != 0)
            return -1;
    }
    symbols_finish(syms);
    return 0;
}

/* e_entry is a virtual address; when the executable segment holding it is
 * loaded at a different physical address, start at the physical copy. */
static uint64_t elf_physical_entry(uint64_t entry, const struct elf_segment *s,
                                   size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i].exec && s[i].vaddr != s[i].paddr && entry >= s[i].vaddr &&
            entry - s[i].vaddr < s[i].filesz)
            return entry - s[i].vaddr + s[i].paddr;
    }
    return entry;
}

static int elf_load_open(struct ram *ram, const char *path, int fd,
                         uint64_t size, struct loaded_image *out,
                         struct msa_error *err)
{
    unsigned char hdr[sizeof(Elf64_Ehdr)] = { 0 };
    size_t want = size < sizeof hdr ? (size_t)size : sizeof hdr;
    if (pread(fd, hdr, want, 0) != (ssize_t)want)
        return msa_error_set(err, "%s: cannot read: %s", path, strerror(errno));
    if (elf_check_identity(path, hdr, size, err) != 0)
        return -1;

    if (elf_version(EV_CURRENT) == EV_NONE)
        return msa_error_set(err, "%s: libelf is out of date: %s", path,
                             elf_errmsg(-1));
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF) {
        msa_error_set(err, "%s: corrupt ELF: %s", path, elf_errmsg(-1));
        elf_end(elf);
        return -1;
    }
    struct elf_segment *segs = NULL;
    size_t nsegs = 0;
    struct symbols *syms = NULL;
    GElf_Ehdr eh;
    int rc = -1;
    if (!gelf_getehdr(elf, &eh)) {
        msa_error_set(err, "%s: corrupt ELF header: %s", path, elf_errmsg(-1));
        goto out;
    }
    if (elf_check_type(path, eh.e_type, err) != 0 ||
        elf_check_tables(path, &eh, size, err) != 0 ||
        elf_collect_segments(path, elf, ram, size, &segs, &nsegs, err) != 0)
        goto out;
    syms = symbols_new();
    if (!syms) {
        msa_error_set(err, "%s: out of memory", path);
        goto out;
    }
    if (elf_read_symbols(path, elf, size, syms, err) != 0)
        goto out;
    size_t rawlen;
    const char *raw = elf_rawfile(elf, &rawlen);
    if (!raw || rawlen < size) {
        msa_error_set(err, "%s: cannot map file: %s", path, elf_errmsg(-1));
        goto out;
    }

    /* Zero every segment's tail before copying any file bytes, so where
     * segments overlap, bytes from the file win over another segment's zero
     * fill whatever the program header order. */
    uint64_t low = UINT64_MAX, high = 0;
    for (size_t i = 0; i < nsegs; i++) {
        const struct elf_segment *s = &segs[i];
        ram_zero(ram, s->paddr + s->filesz, s->memsz - s->filesz);
        if (s->paddr < low)
            low = s->paddr;
        if (s->paddr + s->memsz > high)
            high = s->paddr + s->memsz;
    }
    for (size_t i = 0; i < nsegs; i++) {
        const struct elf_segment *s = &segs[i];
        ram_write(ram, s->paddr, raw + s->offset, s->filesz);
    }

    *out = (struct loaded_image){
        .format = LOADED_ELF,
        .entry = elf_physical_entry(eh.e_entry, segs, nsegs),
        .low = low, .high = high, .segments = (unsigned)nsegs, .syms = syms,
    };
    syms = NULL;
    rc = 0;
out:
    symbols_free(syms);
    free(segs);
    elf_end(elf);
    return rc;
}

int load_elf(struct ram *ram, const char *path, struct loaded_image *out,
             struct msa_error *err)
{
    memset(out, 0, sizeof *out);
    int fd;
    uint64_t size;
    if (loader_open(path, &fd, &size, err) != 0)
        return -1;
    int rc = elf_load_open(ram, path, fd, size, out, err);
    close(fd);
    return rc;
}

void loaded_image_release(struct loaded_image *img)
{
    if (!img)
        return;
    symbols_free(img->syms);
    img->syms = NULL;
}

int load_elf_symbols(const char *path, struct symbols **out, struct msa_error *err)
{
    *out = NULL;
    int fd;
    uint64_t size;
    if (loader_open(path, &fd, &size, err) != 0)
        return -1;
    unsigned char hdr[sizeof(Elf64_Ehdr)] = { 0 };
    size_t want = size < sizeof hdr ? (size_t)size : sizeof hdr;
    int rc = -1;
    Elf *elf = NULL;
    struct symbols *syms = NULL;
    GElf_Ehdr eh;
    if (pread(fd, hdr, want, 0) != (ssize_t)want) {
        msa_error_set(err, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    if (elf_check_identity(path, hdr, size, err) != 0)
        goto out;
    if (elf_version(EV_CURRENT) == EV_NONE) {
        msa_error_set(err, "%s: libelf is out of date: %s", path, elf_errmsg(-1));
        goto out;
    }
    elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
        msa_error_set(err, "%s: corrupt ELF: %s", path, elf_errmsg(-1));
        goto out;
    }
    if (elf_check_tables(path, &eh, size, err) != 0)
        goto out;
    if (!(syms = symbols_new())) {
        msa_error_set(err, "%s: out of memory", path);
        goto out;
    }
    if (elf_read_symbols(path, elf, size, syms, err) != 0)
        goto out;
    if (symbols_count(syms) == 0) {
        msa_error_set(err, "%s: no symbol table (a stripped file?)", path);
        goto out;
    }
    *out = syms;
    syms = NULL;
    rc = 0;
out:
    symbols_free(syms);
    elf_end(elf);
    close(fd);
    return rc;
}
