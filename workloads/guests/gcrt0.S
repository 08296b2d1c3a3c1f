/* Start-up of the guests: entered at EL1 with stage 1 off (Xen's boot
 * protocol for an arm64 domain: x0 = its device tree).  Sets the stack and
 * the EL1 vectors, clears BSS, calls main() and shuts the domain down:
 * SHUTDOWN_poweroff when main returns 0, SHUTDOWN_crash otherwise.  Every
 * exception taken to EL1 calls guest_exception(esr, far, elr) (weak: it
 * crashes the domain). */
    .section .text.head, "ax"
    .global _start
_start:
    /* Linux arm64 Image header (Documentation/arch/arm64/booting.rst) */
    b       real_start            /* code0 */
    .long   0                     /* code1 */
    .quad   0                     /* text_offset */
    .quad   __image_size          /* image_size (from the linker script) */
    .quad   0xA                   /* flags: LE, 4K pages, anywhere in RAM */
    .quad   0, 0, 0               /* res2-res4 */
    .ascii  "ARM\x64"             /* magic */
    .long   0                     /* res5 */
real_start:
    ldr     x1, =__stack_top
    mov     sp, x1
    ldr     x1, =guest_vectors
    msr     vbar_el1, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      main
    cmp     w0, #0
    mov     w0, #0                /* SHUTDOWN_poweroff */
    mov     w1, #3                /* SHUTDOWN_crash */
    csel    w0, w0, w1, eq
    bl      guest_shutdown
3:  b       3b

/* Every vector entry: the syndrome to C. */
.macro GVENTRY
    .balign 0x80
    mrs     x0, esr_el1
    mrs     x1, far_el1
    mrs     x2, elr_el1
    b       guest_exception_entry
.endm

    .section .vectors, "ax"
    .balign 2048
guest_vectors:
    .rept 16
    GVENTRY
    .endr

    .text
guest_exception_entry:
    ldr     x3, =__stack_top
    mov     sp, x3
    bl      guest_exception
    mov     w0, #3
    bl      guest_shutdown
4:  b       4b
