/* The system registers the core itself serves, as one table (X-macro).
 *
 *   X(NAME, op0, op1, CRn, CRm, op2, MIN_EL, FLAGS)
 *
 * MIN_EL is the lowest exception level that may access the register at all
 * (a lower one gets UNDEFINED, or the trap named by FLAGS).  FLAGS are the
 * SRF_* bits of cpu/sysreg.h: read-only, write-only, the HCR_EL2 trap group
 * the register belongs to, or SPECIAL when its value is computed (PSTATE
 * fields, counters, banked stack pointers) instead of stored in cpu->sr[].
 *
 * Encodings are architectural facts (Arm ARM system register index);
 * registers the core does not know (MPU PRBAR/PRLAR/..., GIC ICC_*) are
 * offered to the machine's external handler before being UNDEFINED.
 * The unallocated ID space op0=3 op1=0 CRn=0 CRm=1..7 reads as zero. */

/* identification */
X(MIDR_EL1,          3, 0, 0, 0, 0, 1, SRF_RO | SRF_SPECIAL)
X(MPIDR_EL1,         3, 0, 0, 0, 5, 1, SRF_RO | SRF_SPECIAL)
X(REVIDR_EL1,        3, 0, 0, 0, 6, 1, SRF_RO | SRF_ID1)
X(ID_AA64PFR0_EL1,   3, 0, 0, 4, 0, 1, SRF_RO | SRF_ID3)
X(ID_AA64PFR1_EL1,   3, 0, 0, 4, 1, 1, SRF_RO | SRF_ID3)
X(ID_AA64DFR0_EL1,   3, 0, 0, 5, 0, 1, SRF_RO | SRF_ID3)
X(ID_AA64DFR1_EL1,   3, 0, 0, 5, 1, 1, SRF_RO | SRF_ID3)
X(ID_AA64AFR0_EL1,   3, 0, 0, 5, 4, 1, SRF_RO | SRF_ID3)
X(ID_AA64AFR1_EL1,   3, 0, 0, 5, 5, 1, SRF_RO | SRF_ID3)
X(ID_AA64ISAR0_EL1,  3, 0, 0, 6, 0, 1, SRF_RO | SRF_ID3)
X(ID_AA64ISAR1_EL1,  3, 0, 0, 6, 1, 1, SRF_RO | SRF_ID3)
X(ID_AA64MMFR0_EL1,  3, 0, 0, 7, 0, 1, SRF_RO | SRF_ID3)
X(ID_AA64MMFR1_EL1,  3, 0, 0, 7, 1, 1, SRF_RO | SRF_ID3)
X(ID_AA64MMFR2_EL1,  3, 0, 0, 7, 2, 1, SRF_RO | SRF_ID3)
X(CCSIDR_EL1,        3, 1, 0, 0, 0, 1, SRF_RO | SRF_SPECIAL | SRF_ID2)
X(CLIDR_EL1,         3, 1, 0, 0, 1, 1, SRF_RO | SRF_ID2)
X(AIDR_EL1,          3, 1, 0, 0, 7, 1, SRF_RO | SRF_ID1)
X(CSSELR_EL1,        3, 2, 0, 0, 0, 1, SRF_ID2)
X(CTR_EL0,           3, 3, 0, 0, 1, 0, SRF_RO | SRF_EL0_UCT | SRF_ID2)
X(DCZID_EL0,         3, 3, 0, 0, 7, 0, SRF_RO | SRF_SPECIAL)
X(VPIDR_EL2,         3, 4, 0, 0, 0, 2, 0)
X(VMPIDR_EL2,        3, 4, 0, 0, 5, 2, 0)

/* system control */
X(SCTLR_EL1,         3, 0, 1, 0, 0, 1, SRF_TVM)
X(ACTLR_EL1,         3, 0, 1, 0, 1, 1, SRF_TACR)
X(CPACR_EL1,         3, 0, 1, 0, 2, 1, 0)
X(SCTLR_EL2,         3, 4, 1, 0, 0, 2, 0)
X(ACTLR_EL2,         3, 4, 1, 0, 1, 2, 0)
X(HCR_EL2,           3, 4, 1, 1, 0, 2, 0)
X(MDCR_EL2,          3, 4, 1, 1, 1, 2, 0)
X(CPTR_EL2,          3, 4, 1, 1, 2, 2, 0)
X(HSTR_EL2,          3, 4, 1, 1, 3, 2, 0)
X(HACR_EL2,          3, 4, 1, 1, 7, 2, 0)

/* translation control (TTBR0_EL2 is VSCTLR_EL2 on Armv8-R) */
X(TTBR0_EL1,         3, 0, 2, 0, 0, 1, SRF_TVM | SRF_XLAT)
X(TTBR1_EL1,         3, 0, 2, 0, 1, 1, SRF_TVM | SRF_XLAT)
X(TCR_EL1,           3, 0, 2, 0, 2, 1, SRF_TVM | SRF_XLAT)
X(TTBR0_EL2,         3, 4, 2, 0, 0, 2, SRF_XLAT)
X(TCR_EL2,           3, 4, 2, 0, 2, 2, SRF_XLAT)
X(VTTBR_EL2,         3, 4, 2, 1, 0, 2, SRF_XLAT)
X(VTCR_EL2,          3, 4, 2, 1, 2, 2, SRF_XLAT)
X(VSTCR_EL2,         3, 4, 2, 6, 2, 2, SRF_XLAT | SRF_PROFILE_R)

/* exception state */
X(SPSR_EL1,          3, 0, 4, 0, 0, 1, 0)
X(ELR_EL1,           3, 0, 4, 0, 1, 1, 0)
X(SP_EL0,            3, 0, 4, 1, 0, 1, SRF_SPECIAL)
X(SPSEL,             3, 0, 4, 2, 0, 1, SRF_SPECIAL)
X(CURRENTEL,         3, 0, 4, 2, 2, 1, SRF_RO | SRF_SPECIAL)
X(NZCV,              3, 3, 4, 2, 0, 0, SRF_SPECIAL)
X(DAIF,              3, 3, 4, 2, 1, 0, SRF_SPECIAL | SRF_EL0_UMA)
X(FPCR,              3, 3, 4, 4, 0, 0, SRF_FP)
X(FPSR,              3, 3, 4, 4, 1, 0, SRF_FP)
X(SPSR_EL2,          3, 4, 4, 0, 0, 2, 0)
X(ELR_EL2,           3, 4, 4, 0, 1, 2, 0)
X(SP_EL1,            3, 4, 4, 1, 0, 2, SRF_SPECIAL)
X(AFSR0_EL1,         3, 0, 5, 1, 0, 1, SRF_TVM)
X(AFSR1_EL1,         3, 0, 5, 1, 1, 1, SRF_TVM)
X(ESR_EL1,           3, 0, 5, 2, 0, 1, SRF_TVM)
X(AFSR0_EL2,         3, 4, 5, 1, 0, 2, 0)
X(AFSR1_EL2,         3, 4, 5, 1, 1, 2, 0)
X(ESR_EL2,           3, 4, 5, 2, 0, 2, 0)
X(FAR_EL1,           3, 0, 6, 0, 0, 1, SRF_TVM)
X(FAR_EL2,           3, 4, 6, 0, 0, 2, 0)
X(HPFAR_EL2,         3, 4, 6, 0, 4, 2, 0)
X(PAR_EL1,           3, 0, 7, 4, 0, 1, 0)

/* memory attributes, vectors, context */
X(MAIR_EL1,          3, 0, 10, 2, 0, 1, SRF_TVM | SRF_XLAT)
X(AMAIR_EL1,         3, 0, 10, 3, 0, 1, SRF_TVM)
X(MAIR_EL2,          3, 4, 10, 2, 0, 2, SRF_XLAT)
X(AMAIR_EL2,         3, 4, 10, 3, 0, 2, 0)
X(VBAR_EL1,          3, 0, 12, 0, 0, 1, 0)
X(ISR_EL1,           3, 0, 12, 1, 0, 1, SRF_RO | SRF_SPECIAL)
X(VBAR_EL2,          3, 4, 12, 0, 0, 2, 0)
X(CONTEXTIDR_EL1,    3, 0, 13, 0, 1, 1, SRF_TVM)
X(TPIDR_EL1,         3, 0, 13, 0, 4, 1, 0)
X(TPIDR_EL0,         3, 3, 13, 0, 2, 0, 0)
X(TPIDRRO_EL0,       3, 3, 13, 0, 3, 0, SRF_EL0_RO)
X(TPIDR_EL2,         3, 4, 13, 0, 2, 2, 0)

/* generic timer */
X(CNTFRQ_EL0,        3, 3, 14, 0, 0, 0, SRF_EL0_RO | SRF_CNT)
X(CNTPCT_EL0,        3, 3, 14, 0, 1, 0, SRF_RO | SRF_SPECIAL | SRF_CNT)
X(CNTVCT_EL0,        3, 3, 14, 0, 2, 0, SRF_RO | SRF_SPECIAL | SRF_CNT)
X(CNTP_TVAL_EL0,     3, 3, 14, 2, 0, 0, SRF_SPECIAL | SRF_TIMER_P)
X(CNTP_CTL_EL0,      3, 3, 14, 2, 1, 0, SRF_SPECIAL | SRF_TIMER_P)
X(CNTP_CVAL_EL0,     3, 3, 14, 2, 2, 0, SRF_TIMER_P)
X(CNTV_TVAL_EL0,     3, 3, 14, 3, 0, 0, SRF_SPECIAL | SRF_TIMER_V)
X(CNTV_CTL_EL0,      3, 3, 14, 3, 1, 0, SRF_SPECIAL | SRF_TIMER_V)
X(CNTV_CVAL_EL0,     3, 3, 14, 3, 2, 0, SRF_TIMER_V)
X(CNTKCTL_EL1,       3, 0, 14, 1, 0, 1, 0)
X(CNTHCTL_EL2,       3, 4, 14, 1, 0, 2, 0)
X(CNTVOFF_EL2,       3, 4, 14, 0, 3, 2, 0)
X(CNTHP_TVAL_EL2,    3, 4, 14, 2, 0, 2, SRF_SPECIAL)
X(CNTHP_CTL_EL2,     3, 4, 14, 2, 1, 2, SRF_SPECIAL)
X(CNTHP_CVAL_EL2,    3, 4, 14, 2, 2, 2, 0)
/* Armv8-R has only Secure state: Xen uses the secure EL2 physical timer */
X(CNTHPS_TVAL_EL2,   3, 4, 14, 5, 0, 2, SRF_SPECIAL | SRF_PROFILE_R)
X(CNTHPS_CTL_EL2,    3, 4, 14, 5, 1, 2, SRF_SPECIAL | SRF_PROFILE_R)
X(CNTHPS_CVAL_EL2,   3, 4, 14, 5, 2, 2, SRF_PROFILE_R)

/* debug: storage only, enough for OS boot code that saves and restores it */
X(MDSCR_EL1,         2, 0, 0, 2, 2, 1, 0)
X(OSLAR_EL1,         2, 0, 1, 0, 4, 1, SRF_WO)
X(OSLSR_EL1,         2, 0, 1, 1, 4, 1, SRF_RO)
X(OSDLR_EL1,         2, 0, 1, 3, 4, 1, 0)
