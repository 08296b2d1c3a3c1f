/* Linux user mode: the process (ELF image, initial stack, the core at EL0),
 * the exception hook that turns SVC into system calls and faults into
 * signals, and `msasim run --user`. */
#include "sim/user_mode.h"

#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"
#include "sim/user_internal.h"

/* Where Linux puts things for a 48-bit address space (arch/arm64). */
#define USTACK_TOP   UINT64_C(0x7ffffffff000)
#define USTACK_SIZE  (UINT64_C(8) << 20)
#define UPIE_BASE    UINT64_C(0xaaaaaaaa0000)   /* ELF_ET_DYN_BASE: 2/3 of 2^48 */
#define UMAX_ARGS    1024

/* AArch64 HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h) for what the
 * core implements: FP, ASIMD, CRC32, ATOMICS (LSE), LRCPC. */
#define UHWCAP (UINT64_C(1) << 0 | UINT64_C(1) << 1 | UINT64_C(1) << 7 | UINT64_C(1) << 8 | \
                UINT64_C(1) << 15)

#define ENC_ELR_EL1   CPU_SYSREG_ENC(3, 0, 4, 0, 1)
#define ENC_SPSR_EL1  CPU_SYSREG_ENC(3, 0, 4, 0, 0)
#define ENC_FAR_EL1   CPU_SYSREG_ENC(3, 0, 6, 0, 0)
#define ENC_SCTLR_EL1 CPU_SYSREG_ENC(3, 0, 1, 0, 0)
#define ENC_CPACR_EL1 CPU_SYSREG_ENC(3, 0, 1, 0, 2)
#define ENC_CNTKCTL   CPU_SYSREG_ENC(3, 0, 14, 1, 0)
#define ENC_HCR_EL2   CPU_SYSREG_ENC(3, 4, 1, 1, 0)
#define ENC_ELR_EL2   CPU_SYSREG_ENC(3, 4, 4, 0, 1)
#define ENC_SPSR_EL2  CPU_SYSREG_ENC(3, 4, 4, 0, 0)

/* SCTLR_EL1 as Linux runs user space, less SA0: qemu-aarch64 does not
 * check SP alignment, and user mode exists to be compared with it.
 * M (translation through user_mem.c), C, I, SA, DZE, UCT, nTWE (WFE runs),
 * UCI.  nTWI is clear: a WFI traps and is stepped over (nothing would
 * ever wake the only core). */
#define USCTLR ((1u << 0) | (1u << 2) | (1u << 3) | (1u << 12) | (1u << 14) | (1u << 15) | \
                (1u << 18) | (1u << 26))

enum { EC_UNKNOWN = 0x00, EC_WFX = 0x01, EC_SVC = 0x15, EC_IABT_LOW = 0x20, EC_PC_ALIGN = 0x22,
       EC_DABT_LOW = 0x24, EC_SP_ALIGN = 0x26, EC_BRK = 0x3C };
enum { SIG_ILL = 4, SIG_TRAP = 5, SIG_BUS = 7, SIG_SEGV = 11 };

/* ---- the ELF image ---- */

struct elf_file {
    uint8_t *data;
    size_t size;
    const Elf64_Ehdr *eh;
    const Elf64_Phdr *ph;
};

static int read_file(const char *path, struct elf_file *f, struct msa_error *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return msa_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (len < cap)
            break;
        if (cap >= (SIZE_MAX >> 1)) {
            free(buf);
            buf = NULL;
            break;
        }
        uint8_t *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool bad = ferror(fp);
    fclose(fp);
    if (!buf)
        return msa_error_set(err, "%s: out of memory reading the file", path);
    if (bad) {
        free(buf);
        return msa_error_set(err, "%s: read error", path);
    }
    f->data = buf;
    f->size = len;
    return 0;
}

static int check_elf(const char *path, struct elf_file *f, struct msa_error *err)
{
    if (f->size < sizeof(Elf64_Ehdr) || memcmp(f->data, ELFMAG, SELFMAG) != 0)
        return msa_error_set(err, "%s: not an ELF file; expected a static AArch64 Linux executable", path);
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)f->data;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_machine != EM_AARCH64)
        return msa_error_set(err, "%s: ELF e_machine %u class %u; expected AArch64 ELF64 little-endian",
                             path, eh->e_machine, eh->e_ident[EI_CLASS]);
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return msa_error_set(err, "%s: ELF type %u; expected an executable (ET_EXEC or static PIE)",
                             path, eh->e_type);
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
        eh->e_phoff > f->size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > f->size - eh->e_phoff)
        return msa_error_set(err, "%s: program headers at offset 0x%" PRIx64 " (%u of %u bytes) lie outside the file",
                             path, (uint64_t)eh->e_phoff, eh->e_phnum, eh->e_phentsize);
    f->eh = eh;
    f->ph = (const Elf64_Phdr *)(f->data + eh->e_phoff);
    for (unsigned k = 0; k < eh->e_phnum; k++) {
        const Elf64_Phdr *ph = &f->ph[k];
        if (ph->p_type == PT_INTERP)
            return msa_error_set(err, "%s: dynamically linked (PT_INTERP); expected a static executable (gcc -static)",
                                 path);
        if (ph->p_type != PT_LOAD)
            continue;
        if ((ph->p_filesz && (ph->p_offset > f->size || ph->p_filesz > f->size - ph->p_offset)) ||
            ph->p_filesz > ph->p_memsz)
            return msa_error_set(err, "%s: segment %u: file bytes [0x%" PRIx64 ", +0x%" PRIx64 ") lie outside the file",
                                 path, k, (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz);
        if (ph->p_vaddr >= UVA_LIMIT || ph->p_memsz > UVA_LIMIT - ph->p_vaddr)
            return msa_error_set(err, "%s: segment %u at 0x%" PRIx64 " does not fit below 2^48", path, k,
                                 (uint64_t)ph->p_vaddr);
    }
    return 0;
}

/* Maps the pages of [lo, hi) that are still free with `prot` and adds
 * `prot` to those a previous segment mapped already (segments may share a
 * page). */
static int map_segment_pages(struct user_proc *p, uint64_t lo, uint64_t hi, unsigned prot)
{
    uint64_t a = lo;
    while (a < hi) {
        const struct upage *pg = uspace_page(&p->as, a);
        if (pg) {
            int rc = uspace_protect(p, a, UPAGE_SIZE, (pg->prot | prot) & 7);
            if (rc)
                return rc;
            a += UPAGE_SIZE;
            continue;
        }
        uint64_t run = a;
        while (run < hi && !uspace_page(&p->as, run))
            run += UPAGE_SIZE;
        int rc = uspace_map(p, a, run - a, prot);
        if (rc)
            return rc;
        a = run;
    }
    return 0;
}

static int load_image(struct user_proc *p, const char *path, const struct elf_file *f,
                      uint64_t *phdr_va, uint64_t *bias_out, struct msa_error *err)
{
    uint64_t bias = f->eh->e_type == ET_DYN ? UPIE_BASE : 0;
    uint64_t end = 0;
    *phdr_va = 0;
    unsigned loads = 0;
    for (unsigned k = 0; k < f->eh->e_phnum; k++) {
        const Elf64_Phdr *ph = &f->ph[k];
        if (ph->p_type == PT_PHDR)
            *phdr_va = ph->p_vaddr + bias;
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        loads++;
        uint64_t va = ph->p_vaddr + bias;
        uint64_t lo = va & ~UPAGE_MASK, hi = (va + ph->p_memsz + UPAGE_MASK) & ~UPAGE_MASK;
        unsigned prot = ((ph->p_flags & PF_R) ? UPROT_R : 0) | ((ph->p_flags & PF_W) ? UPROT_W : 0) |
                        ((ph->p_flags & PF_X) ? UPROT_X : 0);
        if (map_segment_pages(p, lo, hi, prot))
            return msa_error_set(err, "%s: segment %u at 0x%" PRIx64 ": out of memory", path, k, va);
        if (uspace_poke(&p->as, va, f->data + ph->p_offset, ph->p_filesz))
            return msa_error_set(err, "%s: segment %u: cannot write at 0x%" PRIx64, path, k, va);
        if (!*phdr_va && f->eh->e_phoff >= ph->p_offset && f->eh->e_phoff - ph->p_offset < ph->p_filesz)
            *phdr_va = va + (f->eh->e_phoff - ph->p_offset);
        if (hi > end)
            end = hi;
    }
    if (!loads)
        return msa_error_set(err, "%s: no PT_LOAD segment; expected a program to run", path);
    p->as.brk_start = p->as.brk_cur = end;
    p->entry = f->eh->e_entry + bias;
    *bias_out = bias;
    return 0;
}

/* ---- the initial stack (as fs/binfmt_elf.c lays it out) ---- */

struct stack_builder {
    struct user_proc *p;
    uint64_t sp;
};

static uint64_t push_bytes(struct stack_builder *b, const void *data, size_t len)
{
    b->sp -= len;
    uspace_poke(&b->p->as, b->sp, data, len);
    return b->sp;
}

static int build_stack(struct user_proc *p, const char *path, int argc, const char *const *argv,
                       uint64_t phdr_va, uint64_t bias, const struct elf_file *f, uint64_t *sp_out)
{
    int envc = 0;
    while (p->cfg.envp && p->cfg.envp[envc])
        envc++;
    if (argc > UMAX_ARGS || envc > UMAX_ARGS)
        return -E2BIG;
    int rc = uspace_map(p, USTACK_TOP - USTACK_SIZE, USTACK_SIZE, UPROT_R | UPROT_W);
    if (rc)
        return rc;
    struct stack_builder b = {p, USTACK_TOP - 16};
    uint64_t *argv_va = calloc((size_t)argc + (size_t)envc + 2, sizeof *argv_va);
    if (!argv_va)
        return -ENOMEM;
    uint64_t *envp_va = argv_va + argc + 1;
    uint64_t execfn = push_bytes(&b, path, strlen(path) + 1);
    size_t strings = 0;
    for (int k = envc - 1; k >= 0; k--) {
        strings += strlen(p->cfg.envp[k]) + 1;
        envp_va[k] = push_bytes(&b, p->cfg.envp[k], strlen(p->cfg.envp[k]) + 1);
    }
    for (int k = argc - 1; k >= 0; k--) {
        strings += strlen(argv[k]) + 1;
        argv_va[k] = push_bytes(&b, argv[k], strlen(argv[k]) + 1);
    }
    if (strings > USTACK_SIZE / 4) {
        free(argv_va);
        return -E2BIG;
    }
    uint64_t platform = push_bytes(&b, "aarch64", 8);
    uint8_t random[16];
    for (int k = 0; k < 16; k++) {
        p->rng ^= p->rng << 13;
        p->rng ^= p->rng >> 7;
        p->rng ^= p->rng << 17;
        random[k] = (uint8_t)(p->rng >> 32);
    }
    uint64_t random_va = push_bytes(&b, random, sizeof random);
    b.sp &= ~UINT64_C(15);

    uint64_t auxv[][2] = {
        {AT_HWCAP, UHWCAP},
        {AT_PAGESZ, UPAGE_SIZE},
        {AT_CLKTCK, 100},
        {AT_PHDR, phdr_va},
        {AT_PHENT, sizeof(Elf64_Phdr)},
        {AT_PHNUM, f->eh->e_phnum},
        {AT_BASE, 0},
        {AT_FLAGS, 0},
        {AT_ENTRY, f->eh->e_entry + bias},
        {AT_UID, 0},
        {AT_EUID, 0},
        {AT_GID, 0},
        {AT_EGID, 0},
        {AT_SECURE, 0},
        {AT_RANDOM, random_va},
        {AT_HWCAP2, 0},
        {AT_EXECFN, execfn},
        {AT_PLATFORM, platform},
        {AT_NULL, 0},
    };
    size_t nwords = 1 + (size_t)argc + 1 + (size_t)envc + 1 + 2 * (sizeof auxv / sizeof auxv[0]);
    uint64_t sp = (b.sp - nwords * 8) & ~UINT64_C(15);
    uint64_t w = sp;
    uint64_t v = (uint64_t)argc;
    uspace_poke(&p->as, w, &v, 8), w += 8;
    for (int k = 0; k <= argc; k++)
        uspace_poke(&p->as, w, &argv_va[k], 8), w += 8;
    for (int k = 0; k <= envc; k++)
        uspace_poke(&p->as, w, &envp_va[k], 8), w += 8;
    uspace_poke(&p->as, w, auxv, sizeof auxv);
    free(argv_va);
    *sp_out = sp;
    return 0;
}

/* ---- exceptions from EL0 ---- */

static int signal_for(unsigned ec, uint32_t esr)
{
    unsigned fsc = esr & 0x3F;
    switch (ec) {
    case EC_IABT_LOW:
    case EC_DABT_LOW:
        /* alignment and external aborts are SIGBUS, the rest SIGSEGV */
        return fsc == 0x21 || fsc == 0x10 ? SIG_BUS : SIG_SEGV;
    case EC_PC_ALIGN:
    case EC_SP_ALIGN:
        return SIG_BUS;
    case EC_BRK:
        return SIG_TRAP;
    default:
        return SIG_ILL;
    }
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIG_ILL: return "SIGILL";
    case SIG_TRAP: return "SIGTRAP";
    case 6: return "SIGABRT";
    case SIG_BUS: return "SIGBUS";
    case SIG_SEGV: return "SIGSEGV";
    default: return "signal";
    }
}

static void user_on_exception(void *ctx, struct cpu *c, unsigned target_el, uint32_t esr)
{
    struct user_proc *p = ctx;
    unsigned ec = esr >> 26;
    uint64_t elr = 0;
    cpu_sysreg_get(c, ENC_ELR_EL1, &elr);
    if (ec == EC_SVC && target_el == 1) {
        user_syscall(p);
        if (p->exited)
            cpu_request_stop(c);
        else
            cpu_eret(c);
        return;
    }
    if (ec == EC_WFX && target_el == 1) {
        /* WFI with nothing to wait for: step over it */
        cpu_sysreg_set(c, ENC_ELR_EL1, elr + 4);
        cpu_eret(c);
        return;
    }
    uint64_t far = 0;
    cpu_sysreg_get(c, ENC_FAR_EL1, &far);
    p->exited = true;
    p->signal = signal_for(ec, esr);
    p->exit_status = 128 + p->signal;
    if (!p->cfg.quiet) {
        fflush(stdout);
        fprintf(stderr,
                "msasim: user program killed by signal %d (%s): exception class 0x%02x at PC 0x%" PRIx64
                ", ESR 0x%08" PRIx32 ", FAR 0x%" PRIx64 "\n",
                p->signal, signal_name(p->signal), ec, elr, esr, far);
    }
    cpu_request_stop(c);
}

/* ---- the process ---- */

int user_proc_create(const char *path, int argc, const char *const *argv,
                     const struct user_config *cfg, struct user_proc **out, struct msa_error *err)
{
    *out = NULL;
    struct elf_file f = {0};
    if (read_file(path, &f, err) < 0)
        return -1;
    if (check_elf(path, &f, err) < 0) {
        free(f.data);
        return -1;
    }
    struct user_proc *p = calloc(1, sizeof *p);
    if (!p) {
        free(f.data);
        return msa_error_set(err, "out of memory");
    }
    if (cfg)
        p->cfg = *cfg;
    uspace_init(&p->as);
    p->rng = UINT64_C(0x9E3779B97F4A7C15);
    char resolved[PATH_MAX];
    p->exe_path = strdup(realpath(path, resolved) ? resolved : path);
    uint64_t phdr_va = 0, bias = 0, sp = 0;
    if (!p->exe_path || load_image(p, path, &f, &phdr_va, &bias, err) < 0)
        goto fail;
    if (build_stack(p, path, argc, argv, phdr_va, bias, &f, &sp) < 0) {
        msa_error_set(err, "%s: cannot build the initial stack (arguments too long or out of memory)", path);
        goto fail;
    }
    p->cluster = cpu_cluster_create(CPU_PROFILE_A);
    struct cpu_config cc = {.profile = CPU_PROFILE_A,
                            .features = CPU_FEAT_LSE | CPU_FEAT_LRCPC | CPU_FEAT_CRC32};
    struct cpu_bus bus = uspace_bus(p);
    p->cpu = p->cluster ? cpu_create(p->cluster, 0, 0, &cc, &bus) : NULL;
    if (!p->cpu) {
        msa_error_set(err, "out of memory creating the core");
        goto fail;
    }
    struct cpu_hooks hooks = {.ctx = p, .on_exception = user_on_exception};
    cpu_set_hooks(p->cpu, &hooks);
    cpu_reset(p->cpu, p->entry);
    uspace_attach_xlat(p);
    /* From EL2 after reset to EL0 at the entry, as if a kernel had
     * returned to a new process: EL1 is AArch64 (HCR_EL2.RW) and takes the
     * process's exceptions; FP/SIMD and the virtual counter are open to
     * EL0. */
    cpu_sysreg_set(p->cpu, ENC_HCR_EL2, UINT64_C(1) << 31);
    cpu_sysreg_set(p->cpu, ENC_SCTLR_EL1, USCTLR);
    cpu_sysreg_set(p->cpu, ENC_CPACR_EL1, 3u << 20);
    cpu_sysreg_set(p->cpu, ENC_CNTKCTL, 1u << 1);
    cpu_sysreg_set(p->cpu, ENC_SPSR_EL2, 0);   /* EL0t, interrupts unmasked */
    cpu_sysreg_set(p->cpu, ENC_ELR_EL2, p->entry);
    cpu_eret(p->cpu);
    cpu_set_x(p->cpu, 31, sp);
    free(f.data);
    *out = p;
    return 0;
fail:
    free(f.data);
    user_proc_destroy(p);
    return -1;
}

void user_proc_destroy(struct user_proc *p)
{
    if (!p)
        return;
    cpu_destroy(p->cpu);
    if (p->cluster)
        cpu_cluster_destroy(p->cluster);
    uspace_free(&p->as);
    free(p->exe_path);
    free(p);
}

struct user_result user_proc_run(struct user_proc *p, uint64_t max_insns)
{
    struct user_result r = {.reason = USER_STOP_LIMIT};
    uint64_t start = p->cpu->icount;
    while (!p->exited) {
        uint64_t done = p->cpu->icount - start;
        if (max_insns && done >= max_insns)
            break;
        uint64_t budget = max_insns ? max_insns - done : UINT64_C(1) << 62;
        struct cpu_run_result cr = cpu_run(p->cpu, budget);
        if (cr.reason == CPU_STOP_LIMIT || cr.reason == CPU_STOP_REQUESTED)
            continue;
        if (cr.reason == CPU_STOP_WFE) {
            /* WFE with no other core to send an event: carry on */
            cpu_send_event(p->cpu);
            continue;
        }
        /* nothing else can stop a core at EL0 with this configuration */
        p->exited = true;
        p->signal = SIG_ILL;
        p->exit_status = 128 + SIG_ILL;
    }
    r.insns = p->cpu->icount - start;
    r.syscalls = p->syscalls;
    if (p->exited) {
        r.reason = p->signal ? USER_STOP_SIGNAL : USER_STOP_EXIT;
        r.exit_status = p->exit_status;
        r.signal = p->signal;
    }
    return r;
}

uint64_t user_proc_reg(const struct user_proc *p, unsigned n)
{
    return cpu_get_x(p->cpu, n);
}

void user_proc_export_stats(const struct user_proc *p, const struct user_result *r, struct stats *s)
{
    stats_meta_set(s, "mode", "user");
    stats_meta_set(s, "stop", r->reason == USER_STOP_EXIT ? "exit"
                              : r->reason == USER_STOP_SIGNAL ? "signal" : "instruction-limit");
    *stats_counter(s, "cpu0.insns", "instructions executed") = p->cpu->icount;
    *stats_counter(s, "user.syscalls", "system calls made") = p->syscalls;
    *stats_counter(s, "user.pages_peak", "most 4 KiB pages mapped at once") = p->as.pages_peak;
    stats_summary_set(s, "insns", (double)r->insns);
    stats_summary_set(s, "cores", 1);
    stats_summary_set(s, "exit_status", r->exit_status);
}

int user_mode_main(int argc, const char *const *argv, uint64_t max_insns, const char *stats_json)
{
    struct msa_error err = {{0}};
    struct user_proc *p;
    if (user_proc_create(argv[0], argc, argv, NULL, &p, &err) < 0) {
        fprintf(stderr, "msasim: %s\n", err.msg);
        return 2;
    }
    struct user_result r = user_proc_run(p, max_insns);
    fflush(stdout);
    int status = r.exit_status;
    if (r.reason == USER_STOP_LIMIT) {
        fprintf(stderr, "msasim: stopped after %" PRIu64 " instructions (--max-insns)\n", r.insns);
        status = 1;
    }
    if (stats_json) {
        struct stats *s = stats_new();
        if (!s) {
            fprintf(stderr, "msasim: out of memory\n");
            user_proc_destroy(p);
            return 1;
        }
        stats_meta_set(s, "tool", "msasim " MSASIM_VERSION);
        stats_meta_set(s, "command", "run --user");
        stats_meta_set(s, "program", argv[0]);
        user_proc_export_stats(p, &r, s);
        if (stats_write_json_file(s, stats_json, &err) < 0) {
            fprintf(stderr, "msasim: %s\n", err.msg);
            status = 2;
        }
        stats_free(s);
    }
    user_proc_destroy(p);
    return status;
}
