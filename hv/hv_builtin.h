/* The modules compiled into the simulator (hv/modules/NAME/). */
#ifndef MSASIM_HV_HV_BUILTIN_H
#define MSASIM_HV_HV_BUILTIN_H

#include "hv/hv.h"

extern const struct hv_module_ops hv_module_xen_mpu;
extern const struct hv_module_ops hv_module_xen_mmu;

#endif
