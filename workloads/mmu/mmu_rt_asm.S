/* Probes of the MMU test programs: each makes exactly one access with a
 * known instruction, so that an abort handler can step over it (data
 * aborts: ELR + 4) or return to the caller (instruction aborts: the
 * frame's X30, set by the BLR in probe_exec).  Also the way into an EL1
 * guest and back. */
    .text
    .global probe_read, probe_write, probe_exec, run_el1, el1_return

/* u64 probe_read(u64 va): the value, or va when the load faulted */
probe_read:
    ldr     x0, [x0]
    ret

/* void probe_write(u64 va, u64 value) */
probe_write:
    str     x1, [x0]
    ret

/* u64 probe_exec(u64 va): calls va (a RET); 1 when it ran, 0 when the
 * fetch aborted (the handler clears X0 and returns to X30). */
probe_exec:
    stp     x29, x30, [sp, #-16]!
    mov     x29, sp
    mov     x1, x0
    mov     x0, #1
    blr     x1
    ldp     x29, x30, [sp], #16
    ret

/* u64 run_el1(u64 (*fn)(u64), u64 arg, u64 sp_el1): ERET to fn at EL1h
 * with x0 = arg; fn's result comes back in x0 through the HVC #0xfff of
 * el1_entry, whose EL2 handler resumes el1_return at EL2h with SP_EL2 as
 * it was at the ERET. */
run_el1:
    stp     x29, x30, [sp, #-16]!
    stp     x19, x20, [sp, #-16]!
    stp     x21, x22, [sp, #-16]!
    stp     x23, x24, [sp, #-16]!
    stp     x25, x26, [sp, #-16]!
    stp     x27, x28, [sp, #-16]!
    msr     sp_el1, x2
    mov     x19, x0
    adr     x3, el1_entry
    msr     elr_el2, x3
    mov     x0, x1
    mov     x3, #0x3c5          /* EL1h, DAIF masked */
    msr     spsr_el2, x3
    isb
    eret
el1_return:
    ldp     x27, x28, [sp], #16
    ldp     x25, x26, [sp], #16
    ldp     x23, x24, [sp], #16
    ldp     x21, x22, [sp], #16
    ldp     x19, x20, [sp], #16
    ldp     x29, x30, [sp], #16
    ret

el1_entry:
    blr     x19
    hvc     #0xfff
    b       .

/* Entry of a core started by PSCI CPU_ON: x0 (the context id) is the top
 * of its EL2 stack; continues in secondary_main(). */
    .global secondary_entry
secondary_entry:
    mov     sp, x0
    ldr     x1, =el2_vectors
    msr     vbar_el2, x1
    ldr     x1, =el1_vectors
    msr     vbar_el1, x1
    isb
    bl      secondary_main
1:  wfe
    b       1b
