/* The runtime of the bare-metal test programs: output through semihosting
 * (or the PL011 of QEMU's virt machine), exit, system registers, and the
 * exception frame the vectors of crt0.S hand to exc_el2()/exc_el1(). */
#ifndef WORKLOADS_RT_H
#define WORKLOADS_RT_H

#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef int64_t s64;

/* x0..x30 as saved on exception entry; handlers may change them. */
struct frame {
    u64 x[31];
    u64 pad;
};

/* Semihosting. */
long sh_call(long op, const void *arg);
void sh_write0(const char *s);
void rt_exit(int status) __attribute__((noreturn));

/* PL011 of the virt platform (0x09000000). */
void uart_putc(char ch);

/* Output helpers (semihosting SYS_WRITE0). */
void puts_(const char *s);
void put_hex(u64 v);                 /* 0x%016llx */
void put_dec(s64 v);
void put_kv(const char *key, u64 v); /* "key=0x...\n" */

/* Self-check bookkeeping: prints "ok NAME" / "FAIL NAME got=.. want=.." */
void check(const char *name, u64 got, u64 want);
int checks_failed(void);

/* Exception handlers called by the vectors; idx is the vector entry (0-15:
 * current EL SP0 sync/irq/fiq/serror, current SPx..., lower AArch64...,
 * lower AArch32...).  The defaults print the syndrome and exit(1). */
void exc_el2(struct frame *f, u64 idx);
void exc_el1(struct frame *f, u64 idx);

#define read_sysreg(r) ({ u64 v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((u64)(v)) : "memory")
#define isb() __asm__ volatile("isb" ::: "memory")

#endif
