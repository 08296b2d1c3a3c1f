/* Integer data processing: every operation over a set of corner-case
 * operands, printing a hash of the results and flags per operation.  The
 * reference output comes from QEMU; msasim must print the same. */
#include "lib/rt.h"

static const u64 vals[] = {
    0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
    0x123456789abcdef0ull, 0xfedcba9876543210ull, 0x00000000deadbeefull, 0x5555aaaa5555aaaaull,
};
#define NV (sizeof vals / sizeof vals[0])

static u64 hash;
static void mix(u64 v)
{
    hash = (hash ^ v) * 0x100000001b3ull;
    hash ^= hash >> 29;
}

/* result and NZCV of "insn rd, rn, rm" */
#define OPX(name, insn)                                                              \
    static u64 name(u64 a, u64 b, u64 *f)                                            \
    {                                                                                \
        u64 r, fl;                                                                   \
        __asm__ volatile("msr nzcv, xzr\n" insn " %0, %2, %3\nmrs %1, nzcv"          \
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc");             \
        *f = fl;                                                                     \
        return r;                                                                    \
    }
#define OPW(name, insn)                                                              \
    static u64 name(u64 a, u64 b, u64 *f)                                            \
    {                                                                                \
        u64 r, fl;                                                                   \
        __asm__ volatile("msr nzcv, xzr\n" insn " %w0, %w2, %w3\nmrs %1, nzcv"       \
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc");             \
        *f = fl;                                                                     \
        return r;                                                                    \
    }
/* with the carry flag set first */
#define OPXC(name, insn)                                                             \
    static u64 name(u64 a, u64 b, u64 *f)                                            \
    {                                                                                \
        u64 r, fl;                                                                   \
        __asm__ volatile("mov %0, #0x20000000\nmsr nzcv, %0\n" insn " %0, %2, %3\nmrs %1, nzcv" \
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc");             \
        *f = fl;                                                                     \
        return r;                                                                    \
    }
#define OPWC(name, insn)                                                             \
    static u64 name(u64 a, u64 b, u64 *f)                                            \
    {                                                                                \
        u64 r, fl;                                                                   \
        __asm__ volatile("mov %0, #0x20000000\nmsr nzcv, %0\n" insn " %w0, %w2, %w3\nmrs %1, nzcv" \
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc");             \
        *f = fl;                                                                     \
        return r;                                                                    \
    }

OPX(adds_x, "adds") OPW(adds_w, "adds") OPX(subs_x, "subs") OPW(subs_w, "subs")
OPX(adcs_x0, "adcs") OPXC(adcs_x1, "adcs") OPW(adcs_w0, "adcs") OPWC(adcs_w1, "adcs")
OPX(sbcs_x0, "sbcs") OPXC(sbcs_x1, "sbcs") OPWC(sbcs_w1, "sbcs") OPW(sbcs_w0, "sbcs")
OPXC(adc_x, "adc") OPWC(sbc_w, "sbc")
OPX(ands_x, "ands") OPW(ands_w, "ands") OPX(bics_x, "bics") OPW(bics_w, "bics")
OPX(orn_x, "orn") OPW(eon_w, "eon") OPX(bic_x, "bic")
OPX(add_lsl, "add") OPX(mul_x, "mul") OPW(mul_w, "mul") OPX(smulh_x, "smulh")
OPX(umulh_x, "umulh") OPX(sdiv_x, "sdiv") OPW(sdiv_w, "sdiv") OPX(udiv_x, "udiv")
OPW(udiv_w, "udiv") OPX(lslv_x, "lsl") OPW(lslv_w, "lsl") OPX(lsrv_x, "lsr")
OPW(lsrv_w, "lsr") OPX(asrv_x, "asr") OPW(asrv_w, "asr") OPX(rorv_x, "ror") OPW(rorv_w, "ror")
OPW(crc32b, "crc32b") OPW(crc32h, "crc32h") OPW(crc32w, "crc32w") OPW(crc32cb, "crc32cb")
OPW(crc32ch, "crc32ch") OPW(crc32cw, "crc32cw")

static u64 crc32x(u64 a, u64 b, u64 *f)
{
    u64 r;
    __asm__("crc32x %w0, %w1, %2" : "=r"(r) : "r"(a), "r"(b));
    *f = 0;
    return r;
}
static u64 crc32cx(u64 a, u64 b, u64 *f)
{
    u64 r;
    __asm__("crc32cx %w0, %w1, %2" : "=r"(r) : "r"(a), "r"(b));
    *f = 0;
    return r;
}

#define ASM3(name, text)                                                             \
    static u64 name(u64 a, u64 b, u64 *f)                                            \
    {                                                                                \
        u64 r, fl;                                                                   \
        __asm__ volatile("msr nzcv, xzr\n" text "\nmrs %1, nzcv"                     \
                         : "=&r"(r), "=&r"(fl) : "r"(a), "r"(b) : "cc");             \
        *f = fl;                                                                     \
        return r;                                                                    \
    }
ASM3(add_asr, "adds %0, %2, %3, asr #7")
ASM3(sub_lsr_w, "subs %w0, %w2, %w3, lsr #3")
ASM3(add_uxtb, "add %0, %2, %w3, uxtb #2")
ASM3(adds_sxth, "adds %0, %2, %w3, sxth #1")
ASM3(sub_sxtw, "sub %0, %2, %w3, sxtw #4")
ASM3(subs_uxtx, "subs %0, %2, %3, uxtx #0")
ASM3(and_ror, "and %0, %2, %3, ror #13")
ASM3(eor_lsl_w, "eor %w0, %w2, %w3, lsl #31")
ASM3(ccmp_eq, "cmp %2, %3\nccmp %2, #5, #2, eq\ncset %0, hi")
ASM3(ccmn_ne, "cmp %2, %3\nccmn %w2, %w3, #9, ne\ncset %w0, lt")
ASM3(csel_lt, "cmp %2, %3\ncsel %0, %2, %3, lt")
ASM3(csinc_ge, "cmp %w2, %w3\ncsinc %w0, %w2, %w3, ge")
ASM3(csinv_hs, "cmp %2, %3\ncsinv %0, %2, %3, hs")
ASM3(csneg_vs, "adds xzr, %2, %3\ncsneg %0, %2, %3, vs")
ASM3(cset_all, "cmp %2, %3\ncset %0, eq\ncset x9, ne\nadd %0, %0, x9, lsl #1\ncset x9, cs\nadd %0, %0, x9, lsl #2\ncset x9, mi\nadd %0, %0, x9, lsl #3\ncset x9, vs\nadd %0, %0, x9, lsl #4\ncset x9, hi\nadd %0, %0, x9, lsl #5\ncset x9, ge\nadd %0, %0, x9, lsl #6\ncset x9, gt\nadd %0, %0, x9, lsl #7\ncset x9, le\nadd %0, %0, x9, lsl #8\ncset x9, ls\nadd %0, %0, x9, lsl #9")
ASM3(madd_x, "madd %0, %2, %3, %2")
ASM3(msub_w, "msub %w0, %w2, %w3, %w2")
ASM3(smaddl_, "smaddl %0, %w2, %w3, %2")
ASM3(umsubl_, "umsubl %0, %w2, %w3, %3")
ASM3(smull_, "smull %0, %w2, %w3")
ASM3(umull_, "umull %0, %w2, %w3")
ASM3(rbit_x, "rbit %0, %2\nadd %0, %0, %3")
ASM3(rbit_w, "rbit %w0, %w2\nadd %0, %0, %3")
ASM3(rev_x, "rev %0, %2\neor %0, %0, %3")
ASM3(rev_w, "rev %w0, %w2")
ASM3(rev16_x, "rev16 %0, %2")
ASM3(rev16_w, "rev16 %w0, %w3")
ASM3(rev32_x, "rev32 %0, %3")
ASM3(clz_x, "clz %0, %2")
ASM3(clz_w, "clz %w0, %w3")
ASM3(cls_x, "cls %0, %2")
ASM3(cls_w, "cls %w0, %w3")
ASM3(extr_x, "extr %0, %2, %3, #19")
ASM3(extr_w, "extr %w0, %w2, %w3, #7")
ASM3(bfi_x, "mov %0, %3\nbfi %0, %2, #12, #20")
ASM3(bfxil_w, "mov %0, %3\nbfxil %w0, %w2, #5, #9")
ASM3(sbfx_x, "sbfx %0, %2, #3, #17\nadd %0, %0, %3")
ASM3(ubfx_w, "ubfx %w0, %w2, #28, #4")
ASM3(sbfiz_x, "sbfiz %0, %2, #40, #11")
ASM3(ubfiz_w, "ubfiz %w0, %w3, #3, #29")
ASM3(sxtb_, "sxtb %0, %w2\nsxth x9, %w3\nadd %0, %0, x9")
ASM3(sxtw_, "sxtw %0, %w2\nuxth w9, %w3\nadd %0, %0, x9")
ASM3(asr_imm, "asr %0, %2, #63\nlsr x9, %3, #1\neor %0, %0, x9")
ASM3(lsl_imm_w, "lsl %w0, %w2, #17\nror w9, %w3, #5\neor %w0, %w0, w9")
ASM3(movk_, "mov %0, %2\nmovk %0, #0x1234, lsl #32\nmovk %0, #0xbeef")
ASM3(movn_, "movn %0, #0x55, lsl #16\nmovn w9, #7\nadd %0, %0, x9")
ASM3(logimm, "and %0, %2, #0x00ff00ff00ff00ff\norr x9, %3, #0x3c3c3c3c3c3c3c3c\neor %0, %0, x9\neor %0, %0, #0xfffffffffffffffe")
ASM3(logimm_w, "ands %w0, %w2, #0x80000001\norr w9, %w3, #0x00fffff0\nadd %w0, %w0, w9")
ASM3(tst_, "tst %2, #0xf0\ncset %0, ne\ntst %w3, #1\ncinc %0, %0, eq")
ASM3(adr_, "adr %0, .\nadr x9, .\nsub %0, x9, %0\nadd %0, %0, %2")
ASM3(neg_, "negs %0, %2\nngc x9, %3\nadd %0, %0, x9")
ASM3(addimm, "adds %0, %2, #4095\nsubs x9, %3, #1, lsl #12\neor %0, %0, x9")
ASM3(cmn_w, "cmn %w2, %w3\ncset %0, cs")

struct op {
    const char *name;
    u64 (*fn)(u64, u64, u64 *);
};
#define E(f) {#f, f}
static const struct op ops[] = {
    E(adds_x), E(adds_w), E(subs_x), E(subs_w), E(adcs_x0), E(adcs_x1), E(adcs_w0), E(adcs_w1),
    E(sbcs_x0), E(sbcs_x1), E(sbcs_w1), E(sbcs_w0), E(adc_x), E(sbc_w), E(ands_x), E(ands_w),
    E(bics_x), E(bics_w), E(orn_x), E(eon_w), E(bic_x), E(add_lsl), E(mul_x), E(mul_w),
    E(smulh_x), E(umulh_x), E(sdiv_x), E(sdiv_w), E(udiv_x), E(udiv_w), E(lslv_x), E(lslv_w),
    E(lsrv_x), E(lsrv_w), E(asrv_x), E(asrv_w), E(rorv_x), E(rorv_w), E(crc32b), E(crc32h),
    E(crc32w), E(crc32x), E(crc32cb), E(crc32ch), E(crc32cw), E(crc32cx), E(add_asr),
    E(sub_lsr_w), E(add_uxtb), E(adds_sxth), E(sub_sxtw), E(subs_uxtx), E(and_ror), E(eor_lsl_w),
    E(ccmp_eq), E(ccmn_ne), E(csel_lt), E(csinc_ge), E(csinv_hs), E(csneg_vs), E(cset_all),
    E(madd_x), E(msub_w), E(smaddl_), E(umsubl_), E(smull_), E(umull_), E(rbit_x), E(rbit_w),
    E(rev_x), E(rev_w), E(rev16_x), E(rev16_w), E(rev32_x), E(clz_x), E(clz_w), E(cls_x),
    E(cls_w), E(extr_x), E(extr_w), E(bfi_x), E(bfxil_w), E(sbfx_x), E(ubfx_w), E(sbfiz_x),
    E(ubfiz_w), E(sxtb_), E(sxtw_), E(asr_imm), E(lsl_imm_w), E(movk_), E(movn_), E(logimm),
    E(logimm_w), E(tst_), E(adr_), E(neg_), E(addimm), E(cmn_w),
};

int main(void)
{
    puts_("arith: hash of results and NZCV over all operand pairs\n");
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        hash = 0xcbf29ce484222325ull;
        for (unsigned a = 0; a < NV; a++) {
            for (unsigned b = 0; b < NV; b++) {
                u64 f;
                mix(ops[k].fn(vals[a], vals[b], &f));
                mix(f);
            }
        }
        puts_(ops[k].name);
        puts_(" ");
        put_hex(hash);
        puts_("\n");
    }
    /* a few exact values, as self-checks */
    u64 f;
    check("adds overflow flags", (adds_x(0x7fffffffffffffffull, 1, &f), f), 0x90000000);
    check("subs borrow flags", (subs_x(0, 1, &f), f), 0x80000000);
    check("subs equal flags", (subs_w(5, 5, &f), f), 0x60000000);
    check("sdiv min/-1", sdiv_x(0x8000000000000000ull, ~0ull, &f), 0x8000000000000000ull);
    check("udiv by zero", udiv_x(1234, 0, &f), 0);
    check("crc32 of 'a'", crc32b(0xffffffff, 'a', &f) ^ 0xffffffff, 0xe8b7be43);
    return checks_failed();
}
