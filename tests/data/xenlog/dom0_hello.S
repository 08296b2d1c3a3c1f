/* A minimal dom0 for Xen on Arm: an arm64 Image header (so that Xen's
 * loader takes it), then console_io(CONSOLEIO_write) of one line and
 * sched_op(SCHEDOP_shutdown, poweroff) with Xen's hypercall ABI:
 * HVC #0xEA1, the hypercall number in x16, arguments in x0-x2.
 * Position-independent: it runs wherever Xen places it, MMU off. */
    .text
    .global _head
_head:
    b       start                   /* code0 */
    .word   0                       /* code1 */
    .quad   0                       /* text_offset */
    .quad   image_end - _head       /* image_size */
    .quad   0xa                     /* flags: little-endian, 4K pages, anywhere in RAM */
    .quad   0, 0, 0                 /* res2-res4 */
    .ascii  "ARM\x64"               /* magic */
    .word   0                       /* res5 */
start:
    mov     x0, #0                  /* CONSOLEIO_write */
    mov     x1, #(msg_end - msg)
    adr     x2, msg
    mov     x16, #18                /* __HYPERVISOR_console_io */
    hvc     #0xea1
    mov     x0, #2                  /* SCHEDOP_shutdown */
    adr     x1, reason
    mov     x16, #29                /* __HYPERVISOR_sched_op */
    hvc     #0xea1
1:  wfi
    b       1b
    .balign 8
reason:
    .word   0                       /* SHUTDOWN_poweroff */
msg:
    .ascii  "msasim dom0: hello from a guest under Xen\n"
msg_end:
    .balign 4096
image_end:
