/* What the guests use of Xen's Arm interface: HVC #0xEA1 with the
 * hypercall number in x16, arguments in x0-x4, the result in x0
 * (xen/include/public: xen.h, sched.h, version.h, console_io). */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#define HYPERVISOR_xen_version 17
#define HYPERVISOR_console_io 18
#define HYPERVISOR_sched_op 29
#define CONSOLEIO_write 0
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_shutdown 2
#define XENVER_version 0
#define XENVER_extraversion 1
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_crash 3

/* grant_table.h: commands, statuses, entry and map flags. */
#define HYPERVISOR_grant_table_op 20
#define GNTTABOP_map_grant_ref 0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table 2
#define GNTTABOP_copy 5
#define GNTTABOP_query_size 6
#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_bad_handle (-4)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GTF_permit_access 0x1
#define GTF_readonly 0x4
#define GTF_reading 0x8
#define GTF_writing 0x10
#define GNTMAP_host_map 0x2
#define GNTMAP_readonly 0x4
#define GNTCOPY_source_gref 0x1
#define GNTCOPY_dest_gref 0x2

static inline long hypercall3(unsigned long nr, unsigned long a0, unsigned long a1,
                              unsigned long a2)
{
    register unsigned long x16 __asm__("x16") = nr;
    register unsigned long x0 __asm__("x0") = a0;
    register unsigned long x1 __asm__("x1") = a1;
    register unsigned long x2 __asm__("x2") = a2;
    __asm__ volatile("hvc #0xEA1" : "+r"(x0) : "r"(x16), "r"(x1), "r"(x2) : "memory");
    return (long)x0;
}

void guest_puts(const char *s);            /* console_io write */
void guest_put_hex(uint64_t v);
void guest_shutdown(unsigned reason);      /* SCHEDOP_shutdown; does not return */
/* Called for any exception taken to the guest's EL1; returning crashes the
 * domain.  Guests may define their own. */
void guest_exception(uint64_t esr, uint64_t far, uint64_t elr);
int main(void);

#endif
