/* FP/SIMD moves, immediates, loads and stores: what compilers emit for
 * struct copies and memset.  fp_moves(out, in) writes 2*N doublewords. */
    .text
    .global fp_moves
fp_moves:
    /* FMOV between general and FP registers */
    mov     x2, #0x1234
    movk    x2, #0xabcd, lsl #48
    fmov    d0, x2
    fmov    x3, d0
    str     x3, [x0], #8
    fmov    s1, w2
    fmov    w3, s1
    str     x3, [x0], #8
    fmov    v1.d[1], x2
    mov     x3, v1.d[1]
    str     x3, [x0], #8
    fmov    d2, d0
    fmov    s3, s1
    stp     d2, d3, [x0], #16
    /* MOVI / MVNI / ORR / BIC immediate, FMOV immediate */
    movi    v4.2d, #0
    movi    v5.16b, #0xa5
    movi    v6.4s, #0x12, lsl #8
    mvni    v7.8h, #0x34, lsl #8
    movi    v8.2d, #0xff00ff0000ff00ff
    movi    v9.4s, #0x56, msl #16
    orr     v6.4s, #0x80, lsl #24
    bic     v7.8h, #0x1
    fmov    v10.4s, #1.5
    fmov    v11.2d, #-0.25
    movi    v12.8b, #0x7f
    stp     q4, q5, [x0], #32
    stp     q6, q7, [x0], #32
    stp     q8, q9, [x0], #32
    stp     q10, q11, [x0], #32
    str     q12, [x0], #16
    /* DUP / INS / UMOV general */
    mov     x2, #0x8899
    movk    x2, #0x1122, lsl #32
    dup     v13.16b, w2
    dup     v14.8h, w2
    dup     v15.2d, x2
    dup     v16.2s, w2
    ins     v16.s[3], w2
    ins     v15.b[5], w2
    umov    w3, v14.h[3]
    umov    x4, v15.d[1]
    stp     q13, q14, [x0], #32
    stp     q15, q16, [x0], #32
    stp     x3, x4, [x0], #16
    /* vector logic */
    and     v17.16b, v5.16b, v15.16b
    orr     v18.16b, v6.16b, v7.16b
    eor     v19.16b, v8.16b, v13.16b
    bic     v20.16b, v14.16b, v9.16b
    orn     v21.8b, v10.8b, v11.8b
    mov     v22.16b, v19.16b
    bsl     v22.16b, v5.16b, v6.16b
    mov     v23.16b, v19.16b
    bit     v23.16b, v7.16b, v8.16b
    mov     v24.16b, v19.16b
    bif     v24.16b, v9.16b, v10.16b
    stp     q17, q18, [x0], #32
    stp     q19, q20, [x0], #32
    stp     q21, q22, [x0], #32
    stp     q23, q24, [x0], #32
    /* loads and stores in every mode */
    ldr     q25, [x1]
    ldr     d26, [x1, #24]
    ldr     s27, [x1, #12]
    ldr     h28, [x1, #6]
    ldr     b29, [x1, #5]
    stp     q25, q26, [x0], #32
    stp     q27, q28, [x0], #32
    str     q29, [x0], #16
    mov     x5, x1
    ldr     q0, [x5, #16]!
    ldr     d1, [x5], #8
    ldur    q2, [x5, #-3]
    mov     x6, #2
    ldr     q3, [x1, x6, lsl #4]
    ldr     s4, [x1, w6, sxtw #2]
    ldp     s5, s6, [x1, #4]
    ldp     d7, d8, [x1, #-16]!
    ldp     q9, q10, [x1], #32
    stp     q0, q1, [x0], #32
    stp     q2, q3, [x0], #32
    stp     q4, q5, [x0], #32
    stp     q6, q7, [x0], #32
    stp     q8, q9, [x0], #32
    str     q10, [x0], #16
    sub     x7, x5, x1
    str     x7, [x0], #8
    str     b0, [x0, #3]
    str     h1, [x0, #4]
    str     s2, [x0, #8]
    stur    d3, [x0, #-1]
    str     d4, [x0, #16]!
    stp     s5, s6, [x0, #8]
    add     x0, x0, #16
    ldr     q11, lit128
    ldr     d12, lit128
    ldr     s13, lit128
    stp     q11, q12, [x0], #32
    str     q13, [x0], #16
    ret
    .balign 16
lit128:
    .quad 0x0123456789abcdef, 0xfedcba9876543210
