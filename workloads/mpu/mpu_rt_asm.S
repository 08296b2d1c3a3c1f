/* Probes of the MPU architecture tests: each makes exactly one access with
 * a known instruction, so that an abort handler can step over it (data
 * aborts: ELR + 4) or return to the caller (instruction aborts: the frame's
 * X30, set by the BLR).  Also the way down to EL0 and back, and the code
 * the execute tests branch to. */
    .text
    .global probe_ldr64, probe_ldrb, probe_ldtr, probe_str64, probe_str32, probe_strb
    .global probe_blr, run_el0, el0_return, el0_read, el0_write
probe_ldr64:
    ldr     x0, [x0]
    ret
probe_ldrb:
    ldrb    w0, [x0]
    ret
probe_ldtr:
    ldtr    x0, [x0]
    ret
probe_str64:
    str     x1, [x0]
    ret
probe_str32:
    str     w1, [x0]
    ret
probe_strb:
    strb    w1, [x0]
    ret
probe_blr:
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    blr     x0
    ldp     x29, x30, [sp], #16
    ret

/* run_el0(entry, arg, sp_el0): ERET to entry at EL0t with x0 = arg.  The
 * EL1 handler of the SVC that ends the EL0 code returns to el0_return at
 * EL1h; SP_EL1 is then what it was at the ERET. */
run_el0:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    stp     x23, x24, [sp, #-16]!
    stp     x25, x26, [sp, #-16]!
    stp     x27, x28, [sp, #-16]!
    msr     sp_el0, x2
    msr     elr_el1, x0
    mov     x0, x1
    mov     x3, #0x3c0          /* EL0t, DAIF masked */
    msr     spsr_el1, x3
    eret
el0_return:
    ldp     x27, x28, [sp], #16
    ldp     x25, x26, [sp], #16
    ldp     x23, x24, [sp], #16
    ldp     x21, x22, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

/* EL0 code: one access, then back to EL1. */
el0_read:
    ldr     x0, [x0]
    svc     #0
el0_write:
    str     x0, [x0]
    svc     #0

/* A RET in the data region: the data region is execute-never. */
    .section .data.first, "aw"
    .balign 64
    .global data_ret
data_ret:
    .inst   0xd65f03c0

/* A RET alone in the probe page, which each program covers with a region
 * of its own. */
    .section .probe, "ax"
    .global probe_ret
probe_ret:
    ret
