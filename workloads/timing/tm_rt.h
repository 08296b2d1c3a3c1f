/* Support for the timing microbenchmarks: turning the caches on (they are
 * off at reset, and with the MPU or MMU off every data access is Device
 * memory, uncached), and a place for results the compiler must not drop. */
#ifndef WORKLOADS_TIMING_TM_RT_H
#define WORKLOADS_TIMING_TM_RT_H

#include "lib/rt.h"

/* True on Armv8-R (ID_AA64MMFR0_EL1.MSA = 0xF: PMSA). */
int tm_profile_r(void);

/* Enables the EL2 MPU (profile r) or the EL2 MMU with identity tables
 * (profile a), with the caches: RAM Normal write-back, devices Device.
 * On profile a, [TM_PAGES_BASE, +TM_PAGES_SIZE) is mapped with 4 KiB pages
 * (the rest of RAM with 2 MiB blocks), for TLB experiments. */
void tm_caches_on(void);

#define TM_PAGES_BASE 0x48000000ull
#define TM_PAGES_SIZE 0x00400000ull

/* EL2 MPU slot the MPU benchmark reprograms (unused by tm_caches_on). */
#define TM_SPARE_REGION 2

extern volatile u64 tm_sink;

#endif
