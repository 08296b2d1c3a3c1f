/* What the pipeline needs to know about an instruction: its class (hence
 * its unit and latency), the registers it reads and writes, and for system
 * instructions which maintenance or synchronization it performs.
 *
 * The instruction is named by the functional core's decoder
 * (cpu_insn_name(), patterns of cpu/a64.decode), so both agree on what the
 * word is; the table below says, per pattern, which register fields are
 * read or written.  Loads and stores, MSR and SYS need a look at a few more
 * bits, done in code after the table. */
#include <string.h>

#include "cpu/timing/internal.h"

/* Register fields of the patterns. */
enum {
    D = 1u << 0,      /* Rd [4:0] written */
    N = 1u << 1,      /* Rn [9:5] read */
    M = 1u << 2,      /* Rm [20:16] read */
    A = 1u << 3,      /* Ra [14:10] read */
    DR = 1u << 4,     /* Rd also read (MOVK, BFM) */
    TR = 1u << 5,     /* Rt [4:0] read */
    TW = 1u << 6,     /* Rt written */
    T2R = 1u << 7,    /* Rt2 [14:10] read */
    T2W = 1u << 8,    /* Rt2 written */
    SR_ = 1u << 9,    /* Rs [20:16] read */
    SW = 1u << 10,    /* Rs written */
    FR = 1u << 11,    /* NZCV read */
    FW = 1u << 12,    /* NZCV written */
    DSP = 1u << 13,   /* Rd 31 is SP (else XZR) */
    NSP = 1u << 14,   /* Rn 31 is SP */
    VD = 1u << 15,    /* Rd is a V register */
    VN = 1u << 16,    /* Rn is a V register */
    VM = 1u << 17,    /* Rm is a V register */
    VT = 1u << 18,    /* Rt/Rt2 are V registers */
    SH = 1u << 19,    /* ALU with a shift amount in [15:10] (ALU_SHIFT if nonzero) */
    EX = 1u << 20,    /* extended register: shift in [12:10] */
    PAIR = 1u << 21,  /* Rs and Rt name register pairs (CASP) */
};

struct pattern_info {
    const char *name;
    uint8_t cls;
    uint32_t fields;
};

static const struct pattern_info patterns[] = {
    /* data processing, immediate */
    {"adr", TM_C_ALU, D},
    {"adrp", TM_C_ALU, D},
    {"add_imm", TM_C_ALU, D | N | DSP | NSP},
    {"adds_imm", TM_C_ALU, D | N | NSP | FW},
    {"sub_imm", TM_C_ALU, D | N | DSP | NSP},
    {"subs_imm", TM_C_ALU, D | N | NSP | FW},
    {"and_imm", TM_C_ALU, D | N | DSP},
    {"orr_imm", TM_C_ALU, D | N | DSP},
    {"eor_imm", TM_C_ALU, D | N | DSP},
    {"ands_imm", TM_C_ALU, D | N | FW},
    {"movn", TM_C_ALU, D},
    {"movz", TM_C_ALU, D},
    {"movk", TM_C_ALU, D | DR},
    {"sbfm", TM_C_ALU_SHIFT, D | N},
    {"bfm", TM_C_ALU_SHIFT, D | DR | N},
    {"ubfm", TM_C_ALU_SHIFT, D | N},
    {"extr", TM_C_ALU_SHIFT, D | N | M},
    /* branches, exceptions, system */
    {"b", TM_C_B, 0},
    {"bl", TM_C_BL, 0},
    {"cbz", TM_C_BCOND, TR},
    {"cbnz", TM_C_BCOND, TR},
    {"tbz", TM_C_BCOND, TR},
    {"tbnz", TM_C_BCOND, TR},
    {"b_cond", TM_C_BCOND, FR},
    {"br", TM_C_BR, N},
    {"blr", TM_C_BLR, N},
    {"ret", TM_C_RET, N},
    {"eret", TM_C_ERET, 0},
    {"svc", TM_C_EXC, 0},
    {"hvc", TM_C_EXC, 0},
    {"smc", TM_C_EXC, 0},
    {"brk", TM_C_EXC, 0},
    {"hlt", TM_C_NOP, 0},          /* semihosting: a host call, not modelled */
    {"hint", TM_C_NOP, 0},
    {"clrex", TM_C_NOP, 0},
    {"dsb", TM_C_DSB, 0},
    {"dmb", TM_C_DMB, 0},
    {"isb", TM_C_ISB, 0},
    {"msr_imm", TM_C_MSR, 0},
    {"sys", TM_C_SYS, TR},
    {"sysl", TM_C_MRS, TW},
    {"msr_reg", TM_C_MSR, TR},
    {"mrs", TM_C_MRS, TW},
    /* data processing, register */
    {"and_reg", TM_C_ALU, D | N | M | SH},
    {"bic_reg", TM_C_ALU, D | N | M | SH},
    {"orr_reg", TM_C_ALU, D | N | M | SH},
    {"orn_reg", TM_C_ALU, D | N | M | SH},
    {"eor_reg", TM_C_ALU, D | N | M | SH},
    {"eon_reg", TM_C_ALU, D | N | M | SH},
    {"ands_reg", TM_C_ALU, D | N | M | SH | FW},
    {"bics_reg", TM_C_ALU, D | N | M | SH | FW},
    {"add_sreg", TM_C_ALU, D | N | M | SH},
    {"adds_sreg", TM_C_ALU, D | N | M | SH | FW},
    {"sub_sreg", TM_C_ALU, D | N | M | SH},
    {"subs_sreg", TM_C_ALU, D | N | M | SH | FW},
    {"add_ext", TM_C_ALU, D | N | M | EX | DSP | NSP},
    {"adds_ext", TM_C_ALU, D | N | M | EX | NSP | FW},
    {"sub_ext", TM_C_ALU, D | N | M | EX | DSP | NSP},
    {"subs_ext", TM_C_ALU, D | N | M | EX | NSP | FW},
    {"adc", TM_C_ALU, D | N | M | FR},
    {"adcs", TM_C_ALU, D | N | M | FR | FW},
    {"sbc", TM_C_ALU, D | N | M | FR},
    {"sbcs", TM_C_ALU, D | N | M | FR | FW},
    {"ccmn_reg", TM_C_ALU, N | M | FR | FW},
    {"ccmp_reg", TM_C_ALU, N | M | FR | FW},
    {"ccmn_imm", TM_C_ALU, N | FR | FW},
    {"ccmp_imm", TM_C_ALU, N | FR | FW},
    {"csel", TM_C_ALU, D | N | M | FR},
    {"csinc", TM_C_ALU, D | N | M | FR},
    {"csinv", TM_C_ALU, D | N | M | FR},
    {"csneg", TM_C_ALU, D | N | M | FR},
    {"madd", TM_C_MUL, D | N | M | A},
    {"msub", TM_C_MUL, D | N | M | A},
    {"smaddl", TM_C_MUL, D | N | M | A},
    {"smsubl", TM_C_MUL, D | N | M | A},
    {"smulh", TM_C_MUL, D | N | M},
    {"umaddl", TM_C_MUL, D | N | M | A},
    {"umsubl", TM_C_MUL, D | N | M | A},
    {"umulh", TM_C_MUL, D | N | M},
    {"udiv", TM_C_DIV, D | N | M},
    {"sdiv", TM_C_DIV, D | N | M},
    {"lslv", TM_C_ALU, D | N | M},
    {"lsrv", TM_C_ALU, D | N | M},
    {"asrv", TM_C_ALU, D | N | M},
    {"rorv", TM_C_ALU, D | N | M},
    {"crc32", TM_C_ALU_SHIFT, D | N | M},
    {"crc32c", TM_C_ALU_SHIFT, D | N | M},
    {"rbit", TM_C_ALU, D | N},
    {"rev16", TM_C_ALU, D | N},
    {"rev32", TM_C_ALU, D | N},
    {"rev_w", TM_C_ALU, D | N},
    {"rev_x", TM_C_ALU, D | N},
    {"clz", TM_C_ALU, D | N},
    {"cls", TM_C_ALU, D | N},
    /* exclusives, acquire/release, atomics */
    {"stxr", TM_C_STORE, TR | N | NSP | SW},
    {"stlxr", TM_C_STORE, TR | N | NSP | SW},
    {"ldxr", TM_C_LOAD, TW | N | NSP},
    {"ldaxr", TM_C_LOAD, TW | N | NSP},
    {"stxp", TM_C_STORE, TR | T2R | N | NSP | SW},
    {"stlxp", TM_C_STORE, TR | T2R | N | NSP | SW},
    {"ldxp", TM_C_LOAD, TW | T2W | N | NSP},
    {"ldaxp", TM_C_LOAD, TW | T2W | N | NSP},
    {"stlr", TM_C_STORE, TR | N | NSP},
    {"ldar", TM_C_LOAD, TW | N | NSP},
    {"ldapr", TM_C_LOAD, TW | N | NSP},
    {"cas", TM_C_ATOMIC, SR_ | SW | TR | N | NSP},
    {"casp", TM_C_ATOMIC, SR_ | SW | TR | N | NSP | PAIR},
    {"ldatomic", TM_C_ATOMIC, SR_ | TW | N | NSP},
    {"swp", TM_C_ATOMIC, SR_ | TW | N | NSP},
    /* literal loads */
    {"ldr_lit_w", TM_C_LOAD, TW},
    {"ldr_lit_x", TM_C_LOAD, TW},
    {"ldrsw_lit", TM_C_LOAD, TW},
    {"prfm_lit", TM_C_NOP, 0},
    {"ldr_lit_fp", TM_C_LOAD, TW | VT},
    /* FP/SIMD moves */
    {"fmov_to_gen", TM_C_FP, D | N | VN},
    {"fmov_from_gen", TM_C_FP, D | N | VD},
    {"fmov_reg", TM_C_FP, D | N | VD | VN},
    {"movi", TM_C_FP, D | VD},
    {"dup_gen", TM_C_FP, D | N | VD},
    {"ins_gen", TM_C_FP, D | DR | N | VD},
    {"umov", TM_C_FP, D | N | VN},
    {"vlogic", TM_C_FP, D | N | M | VD | VN | VM},
    {"simd_ldst", TM_C_EXC, 0},
    {"simd_dp", TM_C_EXC, 0},
    {"fp_dp", TM_C_EXC, 0},
    {"undefined", TM_C_EXC, 0},
};

/* Loads and stores whose direction and write-back the bits say. */
static const char *const ldst_names[] = {
    "stp", "ldp", "stp_fp", "ldp_fp", "ldst_uimm", "ldst_unsc", "ldst_post", "ldst_unpriv",
    "ldst_pre", "ldst_reg", "ldst_fp_uimm", "ldst_fp_imm9", "ldst_fp_reg",
};

static unsigned field(uint32_t insn, unsigned hi, unsigned lo)
{
    return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static void add_src(struct tm_op *op, unsigned r)
{
    if (r == TM_NOREG || op->nsrc >= TM_MAX_SRC)
        return;
    for (unsigned i = 0; i < op->nsrc; i++)
        if (op->src[i] == r)
            return;
    op->src[op->nsrc++] = (uint8_t)r;
}

static void add_dst(struct tm_op *op, unsigned r)
{
    if (r == TM_NOREG || op->ndst >= TM_MAX_DST)
        return;
    op->dst[op->ndst++] = (uint8_t)r;
}

/* Slot of a general register field: 31 is SP or XZR (no slot). */
static unsigned gpr(unsigned n, bool sp)
{
    if (n == 31)
        return sp ? TM_R_SP : TM_NOREG;
    return n;
}

static unsigned vreg(unsigned n)
{
    return TM_R_V0 + n;
}

static unsigned unit_of(unsigned cls)
{
    switch (cls) {
    case TM_C_ALU:
    case TM_C_ALU_SHIFT:
        return TM_U_ALU;
    case TM_C_MUL:
        return TM_U_MAC;
    case TM_C_DIV:
        return TM_U_DIV;
    case TM_C_FP:
        return TM_U_FP;
    case TM_C_LOAD:
    case TM_C_STORE:
    case TM_C_ATOMIC:
        return TM_U_LDST;
    case TM_C_B:
    case TM_C_BL:
    case TM_C_BCOND:
    case TM_C_BR:
    case TM_C_BLR:
    case TM_C_RET:
        return TM_U_BR;
    case TM_C_NOP:
        return TM_U_ALU;
    default:
        return TM_U_SYS;
    }
}

static unsigned latency_of(const struct tm_params *p, unsigned cls)
{
    switch (cls) {
    case TM_C_ALU_SHIFT: return (unsigned)p->lat_alu_shift;
    case TM_C_MUL: return (unsigned)p->lat_mul;
    case TM_C_DIV: return (unsigned)p->lat_div;
    case TM_C_FP: return (unsigned)p->lat_fp;
    case TM_C_MRS: return (unsigned)p->lat_sysreg;
    case TM_C_LOAD: return (unsigned)p->l1d_latency;
    case TM_C_ATOMIC: return (unsigned)(p->l1d_latency + p->lat_atomic);
    default: return (unsigned)p->lat_alu;
    }
}

/* DC, IC, TLBI, AT: which one, from op1, CRn, CRm, op2. */
static unsigned sys_kind(uint32_t insn)
{
    unsigned op1 = field(insn, 18, 16), crn = field(insn, 15, 12);
    unsigned crm = field(insn, 11, 8), op2 = field(insn, 7, 5);
    if (crn == 7) {
        if (op1 == 0 && crm == 1 && op2 == 0)
            return TM_SYS_IC_IALLUIS;
        if (op1 == 0 && crm == 5 && op2 == 0)
            return TM_SYS_IC_IALLU;
        if (op1 == 3 && crm == 5 && op2 == 1)
            return TM_SYS_IC_IVAU;
        if (op1 == 0 && crm == 6 && op2 == 1)
            return TM_SYS_DC_INVAL;
        if (op1 == 0 && (crm == 6 || crm == 10 || crm == 14) && op2 == 2)
            return TM_SYS_DC_SETWAY;
        if (op1 == 3 && crm == 4 && op2 == 1)
            return TM_SYS_DC_ZVA;
        if (op1 == 3 && (crm == 10 || crm == 11 || crm == 12 || crm == 13) && op2 == 1)
            return TM_SYS_DC_CLEAN;
        if (op1 == 3 && crm == 14 && op2 == 1)
            return TM_SYS_DC_CIVAC;
        if (crm == 8 || crm == 9)
            return TM_SYS_AT;
        return TM_SYS_NONE;
    }
    if (crn == 8) {
        /* Inner Shareable forms: CRm 3 (and the Outer Shareable CRm 1),
         * and the IPAS2 forms of CRm 0. */
        bool is = crm == 3 || crm == 1 || (op1 == 4 && crm == 0);
        /* by VA: VAE1, VAAE1, VALE1, VAALE1, VAE2, VALE2 */
        bool va = (crm == 3 || crm == 7 || crm == 1) && (op2 == 1 || op2 == 3 || op2 == 5 || op2 == 7) &&
                  !(op1 == 4 && (op2 == 3 || op2 == 7));
        if (va)
            return is ? TM_SYS_TLBI_VA_IS : TM_SYS_TLBI_VA;
        return is ? TM_SYS_TLBI_ALL_IS : TM_SYS_TLBI_ALL;
    }
    return TM_SYS_NONE;
}

/* MPU registers (PRSELR, PRENR, PRBAR/PRLAR and their aliases, MPUIR) are
 * op0 3, op1 0 (EL1) or 4 (EL2), CRn 6 with CRm 1-15; CRm 0 holds FAR and
 * HPFAR. */
static bool msr_is_mpu(uint32_t insn)
{
    unsigned op0 = 2 + field(insn, 19, 19), op1 = field(insn, 18, 16);
    unsigned crn = field(insn, 15, 12), crm = field(insn, 11, 8);
    return op0 == 3 && (op1 == 0 || op1 == 4) && crn == 6 && crm != 0;
}

/* MRS/MSR of NZCV (op0 3, op1 3, CRn 4, CRm 2, op2 0). */
static bool sysreg_is_nzcv(uint32_t insn)
{
    return field(insn, 20, 5) == ((1u << 14) | (3u << 11) | (4u << 7) | (2u << 3) | 0u);
}

static void decode_ldst(const char *name, uint32_t insn, struct tm_op *op)
{
    unsigned rt = field(insn, 4, 0), rn = field(insn, 9, 5), rt2 = field(insn, 14, 10);
    unsigned rm = field(insn, 20, 16);
    bool pair = strncmp(name, "stp", 3) == 0 || strncmp(name, "ldp", 3) == 0;
    bool fp = strstr(name, "_fp") != NULL;
    bool load;
    bool wb = false;
    if (pair) {
        load = field(insn, 22, 22);
        unsigned mode = field(insn, 24, 23);
        wb = mode == 1 || mode == 3;
    } else if (fp) {
        load = field(insn, 22, 22);
        if (strcmp(name, "ldst_fp_imm9") == 0) {
            unsigned k = field(insn, 11, 10);
            wb = k == 1 || k == 3;
        }
    } else {
        unsigned size = field(insn, 31, 30), opc = field(insn, 23, 22);
        bool prfm = size == 3 && opc == 2;
        if (prfm && strcmp(name, "ldst_post") != 0 && strcmp(name, "ldst_pre") != 0) {
            op->cls = TM_C_NOP;
            return;
        }
        load = opc != 0;
        wb = strcmp(name, "ldst_post") == 0 || strcmp(name, "ldst_pre") == 0;
    }
    op->cls = load ? TM_C_LOAD : TM_C_STORE;
    add_src(op, gpr(rn, true));
    if (strstr(name, "_reg"))
        add_src(op, gpr(rm, false));
    unsigned t1 = fp ? vreg(rt) : gpr(rt, false);
    unsigned t2 = fp ? vreg(rt2) : gpr(rt2, false);
    if (pair)
        op->flags |= TM_F_PAIR;
    if (load) {
        add_dst(op, t1);
        if (pair)
            add_dst(op, t2);
    } else {
        add_src(op, t1);
        if (pair)
            add_src(op, t2);
    }
    if (wb)
        op->wb_dst = (uint8_t)gpr(rn, true);
}

void tm_decode(const struct tm_params *p, uint32_t insn, struct tm_op *op)
{
    memset(op, 0, sizeof *op);
    op->wb_dst = TM_NOREG;
    op->xt = 31;
    const char *name = cpu_insn_name(insn);
    const struct pattern_info *pi = NULL;
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++)
        if (strcmp(patterns[i].name, name) == 0) {
            pi = &patterns[i];
            break;
        }
    if (!pi) {
        bool ldst = false;
        for (size_t i = 0; i < sizeof ldst_names / sizeof ldst_names[0]; i++)
            if (strcmp(ldst_names[i], name) == 0)
                ldst = true;
        if (ldst)
            decode_ldst(name, insn, op);
        else
            op->cls = TM_C_EXC;   /* a pattern this table does not know: treat as trapping */
    } else {
        uint32_t f = pi->fields;
        unsigned rd = field(insn, 4, 0), rn = field(insn, 9, 5), rm = field(insn, 20, 16);
        unsigned ra = field(insn, 14, 10);
        op->cls = pi->cls;
        if (f & N)
            add_src(op, (f & VN) ? vreg(rn) : gpr(rn, f & NSP));
        if (f & M)
            add_src(op, (f & VM) ? vreg(rm) : gpr(rm, false));
        if (f & A)
            add_src(op, gpr(ra, false));
        if (f & DR)
            add_src(op, (f & VD) ? vreg(rd) : gpr(rd, false));
        if (f & TR)
            add_src(op, (f & VT) ? vreg(rd) : gpr(rd, false));
        if (f & T2R)
            add_src(op, gpr(ra, false));
        if (f & SR_) {
            add_src(op, gpr(rm, false));
            if ((f & PAIR) && rm != 31)
                add_src(op, gpr(rm + 1, false));
        }
        if ((f & PAIR) && rd != 31)
            add_src(op, gpr(rd + 1, false));
        if (f & FR)
            add_src(op, TM_R_NZCV);
        if (f & D)
            add_dst(op, (f & VD) ? vreg(rd) : gpr(rd, f & DSP));
        if (f & TW)
            add_dst(op, (f & VT) ? vreg(rd) : gpr(rd, false));
        if (f & T2W)
            add_dst(op, gpr(ra, false));
        if (f & SW) {
            add_dst(op, gpr(rm, false));
            if ((f & PAIR) && rm != 31)
                add_dst(op, gpr(rm + 1, false));
        }
        if (f & FW)
            add_dst(op, TM_R_NZCV);
        if ((f & SH) && field(insn, 15, 10) != 0)
            op->cls = TM_C_ALU_SHIFT;
        if ((f & EX) && field(insn, 12, 10) != 0)
            op->cls = TM_C_ALU_SHIFT;
        if (op->cls == TM_C_BL || op->cls == TM_C_BLR)
            add_dst(op, 30);
        if (op->cls == TM_C_B || op->cls == TM_C_BL)
            op->off = (int32_t)((uint32_t)field(insn, 25, 0) << 6) >> 4;
        if (op->cls == TM_C_BCOND) {
            if (strcmp(name, "tbz") == 0 || strcmp(name, "tbnz") == 0)
                op->off = (int32_t)((uint32_t)field(insn, 18, 5) << 18) >> 16;
            else
                op->off = (int32_t)((uint32_t)field(insn, 23, 5) << 13) >> 11;
        }
        if ((f & PAIR) || strcmp(name, "ldxp") == 0 || strcmp(name, "ldaxp") == 0 ||
            strcmp(name, "stxp") == 0 || strcmp(name, "stlxp") == 0)
            op->flags |= TM_F_PAIR;
        if (op->cls == TM_C_MSR && strcmp(name, "msr_reg") == 0) {
            if (msr_is_mpu(insn))
                op->cls = TM_C_MSR_MPU;
            if (sysreg_is_nzcv(insn))
                add_dst(op, TM_R_NZCV);
        }
        if (op->cls == TM_C_MRS && strcmp(name, "mrs") == 0 && sysreg_is_nzcv(insn))
            add_src(op, TM_R_NZCV);
        if (op->cls == TM_C_SYS) {
            op->sys = (uint8_t)sys_kind(insn);
            op->xt = (uint8_t)rd;
        }
        /* literal loads have no base register */
    }
    if (op->cls == TM_C_LOAD)
        op->flags |= TM_F_LOAD;
    if (op->cls == TM_C_STORE)
        op->flags |= TM_F_STORE;
    if (op->cls == TM_C_ATOMIC)
        op->flags |= TM_F_LOAD | TM_F_STORE | TM_F_EXCL;
    if (name[0] == 'l' && (name[2] == 'a' || name[2] == 'x') && op->cls == TM_C_LOAD)
        op->flags |= TM_F_EXCL;   /* ldar, ldaxr, ldxr, ldapr, ldaxp, ldxp */
    if (name[0] == 's' && (name[2] == 'l' || name[2] == 'x') && op->cls == TM_C_STORE)
        op->flags |= TM_F_EXCL;   /* stlr, stlxr, stxr, stlxp, stxp */
    op->unit = (uint8_t)unit_of(op->cls);
    unsigned lat = latency_of(p, op->cls);
    if (op->flags & TM_F_EXCL)
        lat = (unsigned)(p->l1d_latency + p->lat_atomic);
    op->lat = (uint16_t)lat;
}
