/* Entry of the user-mode test programs (static, no C library): the
 * kernel (or msasim run --user, or qemu-aarch64) leaves argc at [sp],
 * argv after it, then envp and the auxiliary vector.  main(argc, argv,
 * envp) runs and its value goes to exit_group. */
    .text
    .global _start
_start:
    mov     x29, #0
    mov     x30, #0
    ldr     x0, [sp]
    add     x1, sp, #8
    add     x2, x1, x0, lsl #3
    add     x2, x2, #8
    bl      main
    bl      urt_exit
1:  b       1b
