/* Linux user mode: runs a static AArch64 Linux executable at EL0 of one
 * core, the way qemu-aarch64 does, so that programs built with
 * aarch64-linux-gnu-gcc -static can be compared between the two.
 *
 * The process gets its own address space (not a platform's RAM): the ELF's
 * PT_LOAD segments at their virtual addresses, a heap after them (brk), an
 * 8 MiB stack below 0x7ffffffff000 holding argc/argv/envp/auxv as Linux lays
 * them out, and anonymous mmap regions.  The core runs at EL0 with stage 1
 * on through a translation that checks the page permissions (PROT_*), so a
 * wild access faults as it would under Linux.
 *
 * System calls: SVC #0 at EL0 is an exception to EL1; the on_exception hook
 * handles it on the host side (number in x8, arguments in x0-x5, result in
 * x0) and returns to EL0 with cpu_eret(), so no EL1 code exists.  Any other
 * exception taken from EL0 ends the process as the matching signal would
 * (SIGILL, SIGSEGV, SIGBUS, SIGTRAP), with exit status 128 + signal and one
 * line on stderr, as a shell reports a process killed by that signal.
 *
 * Time and randomness are deterministic: clock_gettime counts one
 * nanosecond per instruction from a fixed epoch, getrandom and AT_RANDOM
 * come from a fixed-seed generator.  The list of system calls is in
 * user_syscall.c; unknown ones return -ENOSYS with a one-time note on
 * stderr.
 *
 * Static glibc start-up runs to main(); glibc's string functions then use
 * Advanced SIMD integer instructions the core does not implement
 * (cpu/ISA_COVERAGE.md), so the test programs are built without a C
 * library (workloads/user). */
#ifndef MSASIM_SIM_USER_MODE_H
#define MSASIM_SIM_USER_MODE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

struct user_proc;
struct stats;

struct user_config {
    /* Where writes to fd 1 and 2 go; NULL: the host's stdout/stderr. */
    void (*output)(void *ctx, int fd, const void *buf, size_t len);
    void *output_ctx;
    /* Environment strings ("NAME=value"); NULL: none. */
    const char *const *envp;
    /* Diagnostics (unknown system calls, fatal signals) go to stderr
     * unless quiet. */
    int quiet;
};

enum user_stop {
    USER_STOP_EXIT,     /* exit or exit_group: exit_status */
    USER_STOP_SIGNAL,   /* killed by a fault: signal, exit_status 128+signal */
    USER_STOP_LIMIT,    /* max_insns executed */
};

struct user_result {
    enum user_stop reason;
    int exit_status;
    int signal;
    uint64_t insns;
    uint64_t syscalls;
};

/* Loads `path` (ELF64 AArch64, ET_EXEC or static PIE; no PT_INTERP) and
 * builds the initial stack with argv[0..argc).  Errors name the file and
 * what was expected. */
int user_proc_create(const char *path, int argc, const char *const *argv,
                     const struct user_config *cfg, struct user_proc **out,
                     struct msa_error *err);
void user_proc_destroy(struct user_proc *p);

/* Runs until the process exits, dies of a signal, or has executed
 * max_insns instructions (0 = no limit). */
struct user_result user_proc_run(struct user_proc *p, uint64_t max_insns);

/* General register n (0..30; 31 = SP) of the process's core. */
uint64_t user_proc_reg(const struct user_proc *p, unsigned n);

/* Figures of the run (instructions, system calls, pages mapped) and the
 * summary block (insns, exit_status). */
void user_proc_export_stats(const struct user_proc *p, const struct user_result *r,
                            struct stats *s);

/* `msasim run --user`: argv[0] is the program, the rest its arguments.
 * Prints the program's output, writes statistics when stats_json is not
 * NULL, returns the exit status (the program's, 128+signal, 1 when the
 * limit stopped it, 2 for bad input). */
int user_mode_main(int argc, const char *const *argv, uint64_t max_insns,
                   const char *stats_json);

#endif
