/* The hostile guests' runtime (hostile_rt.S, hostile_lib.c): exceptions
 * that come back, a deterministic random source, line output, and the
 * attack on the neighbouring domain every hostile guest makes. */
#ifndef HOSTILE_LIB_H
#define HOSTILE_LIB_H

#include <stdint.h>

#include "guests/guest.h"

#define HYPERVISOR_memory_op 12

/* Where the other domains of the machine live (workloads/guests/guest.ld,
 * GUEST_BASE): the victim is linked at the second domain's base. */
#define HOSTILE_OWN_BASE 0x60000000ul
#define HOSTILE_VICTIM_BASE 0x61000000ul
#define HOSTILE_DOMAIN_SIZE 0x01000000ul

/* What the vectors saved, and what the handler may change before ERET. */
struct hostile_frame {
    uint64_t x[31];
    uint64_t sp, elr, spsr, esr, far;
};

/* The last exception taken at EL1 and the counts of all of them. */
struct hostile_exc {
    unsigned vector;   /* 0..15: the entry of the vector table */
    uint64_t esr, far, elr;
};
extern volatile struct hostile_exc hostile_last;
extern volatile unsigned hostile_ec_count[64];
extern volatile unsigned hostile_exceptions;

/* Sets VBAR_EL1 to the recovering vectors. */
void hostile_init(void);
/* Calls fn(arg); returns 0 when it returned, 1 when an exception ended it
 * (hostile_last says which).  Not nestable. */
int hostile_probe(void (*fn)(uint64_t), uint64_t arg);
/* With skip on, a synchronous exception outside a probe resumes at
 * ELR + 4 (the instruction is skipped) instead of crashing the domain. */
void hostile_set_skip(int on);
/* Called by the vectors; edits the frame the ERET resumes from. */
void hostile_trap(struct hostile_frame *f, unsigned vector);

/* A 64-bit LCG (Knuth's MMIX constants): the same numbers on every run. */
void hostile_seed(uint64_t seed);
uint64_t hostile_rand(void);

/* One output line, built piece by piece and written with one console_io
 * call (hostile_end) so that the lines of different domains never mix. */
void hostile_put(const char *s);
void hostile_hex(uint64_t v);
void hostile_dec(int64_t v);
/* A hypercall result: a name for the Xen errno values (-EFAULT, ...). */
void hostile_result(long rc);
void hostile_end(void);

long hostile_hypercall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                       uint64_t a4);

/* The neighbour at HOSTILE_VICTIM_BASE attacked: stores and a branch into
 * its memory (each must come back as an abort), then hypercalls given
 * pointers into it (each must fail with -EFAULT).  Prints two lines and
 * returns the number of attempts that were not refused. */
unsigned hostile_attack_victim(const char *who);

#endif
