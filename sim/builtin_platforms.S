/* The built-in platforms' device trees, compiled from sim/platforms/*.dts at
 * build time and embedded read-only so the binary needs no file to start.
 * Each blob gets start/end symbols; platform_builtin.c lists them. */

#define BUILTIN_DTB(sym, file)          \
        .global sym##_start;            \
        .global sym##_end;              \
        .type sym##_start, %object;     \
        .balign 8;                      \
sym##_start:                            \
        .incbin file;                   \
sym##_end:                              \
        .size sym##_start, sym##_end - sym##_start

        .section .rodata.msasim_platforms, "a"
        BUILTIN_DTB(msasim_platform_virt_dtb, "platform-virt.dtb")
        BUILTIN_DTB(msasim_platform_fvp_r_dtb, "platform-fvp-r.dtb")

/* No executable stack wanted. */
        .section .note.GNU-stack, "", %progbits
