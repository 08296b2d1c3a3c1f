/* hello: console_io output, the Xen version, a yield, and a clean
 * poweroff.  Each message is written with one console_io call. */
#include "guests/guest.h"

int main(void)
{
    guest_puts("hello from a guest at EL1\n");
    long v = hypercall3(HYPERVISOR_xen_version, XENVER_version, 0, 0);
    static char extra[16];
    long rc = hypercall3(HYPERVISOR_xen_version, XENVER_extraversion, (unsigned long)extra, 0);
    guest_puts("xen_version: ");
    guest_put_hex((uint64_t)v);
    guest_puts(rc == 0 ? " extraversion " : " extraversion failed ");
    guest_puts(extra);
    guest_puts("\n");
    long y = hypercall3(HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    long bad = hypercall3(99, 0, 0, 0);
    guest_puts(y == 0 && bad == -38 ? "yield ok, unknown hypercall -ENOSYS\n" : "hypercall results wrong\n");
    return 0;
}
