/* Names for reports: operation kinds, owners, and region attributes in a
 * form people read (AP, XN and the MAIR attribute behind AttrIndx). */
#include <stdio.h>

#include "hv/hv_internal.h"

/* Static checks that the plug-in owner tags are the MPU's. */
_Static_assert((int)HV_OWNER_TEXT == (int)MPU_OWNER_HV_TEXT, "owner tags differ");
_Static_assert((int)HV_OWNER_GUEST == (int)MPU_OWNER_GUEST_STAGE2, "owner tags differ");
_Static_assert((int)HV_OWNER_COUNT == (int)MPU_OWNER_COUNT, "owner tags differ");

/* Which kinds are map-kind is HV_OP_MAP_KINDS (hv_internal.h). */
static const char *const op_names[HV_OP_COUNT] = {
    [HV_OP_BOOT] = "boot",
    [HV_OP_BOOT_REGIONS] = "boot_regions",
    [HV_OP_EARLY_FDT_MAP] = "early_fdt_map",
    [HV_OP_SETUP_MM] = "setup_mm",
    [HV_OP_CPU_UP] = "cpu_up",
    [HV_OP_MAP] = "map",
    [HV_OP_UNMAP] = "unmap",
    [HV_OP_MODIFY] = "modify",
    [HV_OP_IOREMAP] = "ioremap",
    [HV_OP_IOUNMAP] = "iounmap",
    [HV_OP_COPY_FROM_PADDR] = "copy_from_paddr",
    [HV_OP_MAP_DOMAIN_PAGE] = "map_domain_page",
    [HV_OP_UNMAP_DOMAIN_PAGE] = "unmap_domain_page",
    [HV_OP_CREATE_DOMAIN] = "create_domain",
    [HV_OP_P2M_UPDATE] = "p2m_update",
    [HV_OP_LOAD_DOMAIN] = "load_domain",
    [HV_OP_FINISH_BOOT] = "finish_boot",
    [HV_OP_FREE_INIT_MEMORY] = "free_init_memory",
    [HV_OP_CONTEXT_SWITCH] = "context_switch",
    [HV_OP_P2M_RESTORE] = "p2m_restore",
    [HV_OP_P2M_SAVE] = "p2m_save",
    [HV_OP_PRENR_SWITCH] = "prenr_switch",
    [HV_OP_EL1_MPU_SAVE] = "el1_mpu_save",
    [HV_OP_EL1_MPU_RESTORE] = "el1_mpu_restore",
    [HV_OP_TRAP] = "trap",
};

const char *hv_op_name(enum hv_op op)
{
    return (unsigned)op < HV_OP_COUNT ? op_names[op] : "?";
}

bool hv_op_is_map(enum hv_op op)
{
    return hv_op_map_kind(op);
}

const char *hv_owner_name(enum hv_owner owner)
{
    return mpu_owner_name((enum mpu_owner)owner);
}

/* EL2 MPU AP[2:1]: bit 0 "EL1&0 may access" (stage 2), bit 1 "read-only". */
const char *hv_ap_name(unsigned ap)
{
    static const char *const names[4] = {"rw-el2", "rw-el2-el1", "ro-el2", "ro-el2-el1"};
    return names[ap & 3];
}

/* The attribute byte Xen's MAIR_EL2 holds at each index. */
const char *hv_mem_attr_name(unsigned attrindx)
{
    switch ((HV_MAIR_EL2 >> (8 * (attrindx & 7))) & 0xFF) {
    case 0x00: return "device-nGnRnE";
    case 0x04: return "device-nGnRE";
    case 0x08: return "device-nGRE";
    case 0x0C: return "device-GRE";
    case 0x44: return "normal-nc";
    case 0xAA: return "normal-wt";
    case 0xEE: return "normal-wb-ra";
    case 0xFF: return "normal-wb";
    default: return "unknown";
    }
}

const char *hv_sh_name(unsigned sh)
{
    static const char *const names[4] = {"non", "reserved", "outer", "inner"};
    return names[sh & 3];
}

/* "ro x el2 normal-wb": permission, execute, who may access, memory type. */
void hv_format_attrs(uint64_t prbar, uint64_t prlar, char *buf, size_t len)
{
    unsigned ap = (unsigned)((prbar >> MPU_PRBAR_AP_SHIFT) & 3);
    unsigned xn = (unsigned)(prbar & MPU_PRBAR_XN_MASK);
    unsigned attr = (unsigned)((prlar >> MPU_PRLAR_ATTR_SHIFT) & 7);
    snprintf(buf, len, "%s %s %-6s %s", (ap & 2) ? "ro" : "rw", xn ? "xn" : "x ",
             (ap & 1) ? "el2+1" : "el2", hv_mem_attr_name(attr));
}
