/* Internals of Linux user mode (sim/user_*.c): the process, its address
 * space and the system-call layer.  Not for use outside these files. */
#ifndef MSASIM_SIM_USER_INTERNAL_H
#define MSASIM_SIM_USER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/user_mode.h"

#include "cpu/cpu.h"

#define UPAGE_SHIFT 12
#define UPAGE_SIZE  (UINT64_C(1) << UPAGE_SHIFT)
#define UPAGE_MASK  (UPAGE_SIZE - 1)
/* User virtual addresses are below 2^48 (TCR_EL1.T0SZ = 16). */
#define UVA_BITS    48
#define UVA_LIMIT   (UINT64_C(1) << UVA_BITS)

/* Page protections, as PROT_READ/WRITE/EXEC; UPROT_MAPPED marks a mapped
 * page (PROT_NONE pages are mapped but inaccessible). */
enum { UPROT_R = 1, UPROT_W = 2, UPROT_X = 4, UPROT_MAPPED = 8 };

/* One page of the address space. */
struct upage {
    uint8_t *host;     /* 4 KiB of host memory, valid while mapped */
    uint8_t prot;
};

/* Host memory handed out to mappings; freed with the process only, since
 * the core may keep pointers into it (soft TLB, decode cache) until it is
 * told otherwise. */
struct uchunk {
    struct uchunk *next;
    void *base;
    size_t len;
};

/* Three-level radix tree over the 36-bit page number: 12 bits a level. */
#define URADIX_BITS 12
#define URADIX_SIZE (1u << URADIX_BITS)
struct uspace {
    struct upage **l1[URADIX_SIZE];   /* l1[i] -> array of URADIX_SIZE l2 pointers */
    struct uchunk *chunks;
    uint64_t pages_mapped;            /* currently */
    uint64_t pages_peak;
    uint64_t mmap_next;               /* next address for a non-fixed mmap (top-down) */
    uint64_t brk_start, brk_cur;      /* heap: [brk_start, brk_cur) */
};

struct user_proc {
    struct user_config cfg;
    struct uspace as;
    struct cpu_cluster *cluster;
    struct cpu *cpu;
    char *exe_path;           /* absolute path for /proc/self/exe */
    uint64_t entry;
    uint64_t tid_address;
    uint64_t rng;             /* state of the deterministic generator */
    uint64_t syscalls;
    bool exited;
    int exit_status;
    int signal;
    uint8_t enosys_noted[512 / 8];
};

/* ---- address space (sim/user_mem.c) ---- */
void uspace_init(struct uspace *as);
void uspace_free(struct uspace *as);
/* Maps [va, va+len) (page aligned) with fresh zeroed memory and `prot`,
 * replacing whatever was there.  0 or -ENOMEM/-EINVAL. */
int uspace_map(struct user_proc *p, uint64_t va, uint64_t len, unsigned prot);
void uspace_unmap(struct user_proc *p, uint64_t va, uint64_t len);
/* -ENOMEM when part of the range is not mapped. */
int uspace_protect(struct user_proc *p, uint64_t va, uint64_t len, unsigned prot);
/* Whether every page of [va, va+len) is unmapped. */
bool uspace_free_range(const struct uspace *as, uint64_t va, uint64_t len);
/* A free range of `len` bytes for mmap without MAP_FIXED, or 0. */
uint64_t uspace_find_free(struct uspace *as, uint64_t len);
const struct upage *uspace_page(const struct uspace *as, uint64_t va);
/* Copies between the process and the host, with the access rights of the
 * process (read: UPROT_R, write: UPROT_W); 0 or -EFAULT. */
int uspace_read(const struct uspace *as, uint64_t va, void *buf, size_t len);
int uspace_write(const struct uspace *as, uint64_t va, const void *buf, size_t len);
/* Writes regardless of protection (loader, stack set-up). */
int uspace_poke(const struct uspace *as, uint64_t va, const void *buf, size_t len);
/* Reads a NUL-terminated string of at most max-1 bytes; -EFAULT or
 * -ENAMETOOLONG. */
int uspace_read_str(const struct uspace *as, uint64_t va, char *buf, size_t max);
/* The bus the process's core is created with, and the translation that
 * checks page protections (set once the core exists). */
struct cpu_bus uspace_bus(struct user_proc *p);
void uspace_attach_xlat(struct user_proc *p);

/* ---- system calls (sim/user_syscall.c) ---- */
/* Handles the SVC #0 the core just took: reads x8 and x0-x5, writes x0. */
void user_syscall(struct user_proc *p);

#endif
