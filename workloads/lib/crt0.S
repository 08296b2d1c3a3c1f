/* Start-up of the bare-metal test programs: entered at EL2 with the MMU
 * and MPU off (QEMU -kernel with virtualization=on, msasim run).  Sets the
 * stacks and the EL2 vectors, clears BSS, enables FP/SIMD for every EL,
 * calls main() and exits through semihosting with its return value.
 * Also holds the exception vector tables of EL2 and EL1: every entry saves
 * x0-x30 in a frame and calls exc_el2()/exc_el1() (weak; see rt.c). */
#include "lib/frame.h"

    .section .text.boot, "ax"
    .global _start
_start:
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, secondary_park
    ldr     x0, =__stack_el2_top
    mov     sp, x0
    ldr     x0, =el2_vectors
    msr     vbar_el2, x0
    ldr     x0, =el1_vectors
    msr     vbar_el1, x0
    /* FP/SIMD usable at EL0/EL1 (CPACR_EL1.FPEN = 3) and not trapped to EL2 */
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    mrs     x0, cptr_el2
    bic     x0, x0, #(1 << 10)
    msr     cptr_el2, x0
    isb
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    str     xzr, [x0], #8
    b       1b
2:  bl      main
    bl      rt_exit
3:  b       3b

secondary_park:
    wfe
    b       secondary_park

/* One vector entry: save x0/x1, pass the entry index in x1. */
.macro VENTRY idx, common
    .balign 0x80
    sub     sp, sp, #256
    stp     x0, x1, [sp, #0]
    mov     x1, #\idx
    b       \common
.endm

.macro VTABLE name, common
    .balign 2048
    .global \name
\name:
    VENTRY 0, \common
    VENTRY 1, \common
    VENTRY 2, \common
    VENTRY 3, \common
    VENTRY 4, \common
    VENTRY 5, \common
    VENTRY 6, \common
    VENTRY 7, \common
    VENTRY 8, \common
    VENTRY 9, \common
    VENTRY 10, \common
    VENTRY 11, \common
    VENTRY 12, \common
    VENTRY 13, \common
    VENTRY 14, \common
    VENTRY 15, \common
.endm

.macro VCOMMON name, handler
\name:
    SAVE_X2_X30
    mov     x0, sp
    bl      \handler
    RESTORE_X2_X30
    ldp     x0, x1, [sp, #0]
    add     sp, sp, #256
    eret
.endm

    .section .vectors, "ax"
    VTABLE el2_vectors, el2_common
    VTABLE el1_vectors, el1_common
    .text
    VCOMMON el2_common, exc_el2
    VCOMMON el1_common, exc_el1
