/* The recovering runtime of the hostile guests: EL1 vectors that survive
 * whatever the guest did to its stack pointer, save every register in a
 * struct hostile_frame on an exception stack of their own, call
 * hostile_trap(frame, vector index) and return with ERET to the PC, SP,
 * PSTATE and registers the handler left in the frame.
 *
 * hostile_probe(fn, arg) is the recovery point (a setjmp of one level): it
 * saves the callee-saved registers, SP and LR, and calls fn(arg); when an
 * exception ends the attempt, the handler puts the saved state back into
 * the frame and resumes at hostile_probe_landing, which returns 1 from
 * hostile_probe.  A normal return of fn returns 0. */

#include "lib/frame.h"

/* struct hostile_frame: x0-x30, sp, elr, spsr, esr, far (hostile_lib.h). */
#define F_SP   (31 * 8)
#define F_ELR  (32 * 8)
#define F_SPSR (33 * 8)
#define F_ESR  (34 * 8)
#define F_FAR  (35 * 8)
#define F_SIZE (36 * 8)

/* Every vector: the old SP kept in SP_EL0 and x0 in TPIDR_EL1 while the
 * exception stack is set up, so that a guest whose SP is misaligned or
 * points nowhere still gets its handler. */
.macro HVENTRY index
    .balign 0x80
    msr     tpidr_el1, x0
    mov     x0, sp
    msr     sp_el0, x0
    adrp    x0, hostile_exc_stack_top
    add     x0, x0, :lo12:hostile_exc_stack_top
    sub     x0, x0, #F_SIZE
    mov     sp, x0
    str     x1, [sp, #8]
    mov     x1, #\index
    b       hostile_vector_common
.endm

    .section .vectors, "ax"
    .balign 2048
    .global hostile_vectors
hostile_vectors:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    HVENTRY \n
    .endr

    .text
hostile_vector_common:
    mrs     x0, tpidr_el1
    str     x0, [sp, #0]
    SAVE_X2_X30
    mrs     x0, sp_el0
    str     x0, [sp, #F_SP]
    mrs     x0, elr_el1
    str     x0, [sp, #F_ELR]
    mrs     x0, spsr_el1
    str     x0, [sp, #F_SPSR]
    mrs     x0, esr_el1
    str     x0, [sp, #F_ESR]
    mrs     x0, far_el1
    str     x0, [sp, #F_FAR]
    mov     x0, sp                      /* the frame */
    bl      hostile_trap
    /* back to what the frame says */
    ldr     x0, [sp, #F_SP]
    msr     sp_el0, x0
    ldr     x0, [sp, #F_ELR]
    msr     elr_el1, x0
    ldr     x0, [sp, #F_SPSR]
    msr     spsr_el1, x0
    RESTORE_X2_X30
    ldp     x0, x1, [sp, #0]
    msr     tpidr_el1, x0
    mrs     x0, sp_el0
    mov     sp, x0
    mrs     x0, tpidr_el1
    eret

/* int hostile_probe(void (*fn)(uint64_t), uint64_t arg) */
    .global hostile_probe
hostile_probe:
    adrp    x9, hostile_jmp
    add     x9, x9, :lo12:hostile_jmp
    stp     x19, x20, [x9, #0]
    stp     x21, x22, [x9, #16]
    stp     x23, x24, [x9, #32]
    stp     x25, x26, [x9, #48]
    stp     x27, x28, [x9, #64]
    stp     x29, x30, [x9, #80]
    mov     x10, sp
    str     x10, [x9, #96]
    mov     x10, #1
    str     x10, [x9, #104]             /* armed */
    mov     x10, x0
    mov     x0, x1
    blr     x10
    adrp    x9, hostile_jmp
    add     x9, x9, :lo12:hostile_jmp
    ldr     x30, [x9, #88]
    str     xzr, [x9, #104]
    mov     x0, #0
    ret

/* Where a recovered exception resumes: the handler has put back x19-x30
 * and SP from hostile_jmp and set x0 to 1. */
    .global hostile_probe_landing
hostile_probe_landing:
    ret

    .bss
    .balign 16
hostile_exc_stack:
    .skip   8192
    .global hostile_exc_stack_top
hostile_exc_stack_top:
