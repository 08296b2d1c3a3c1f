/* Traps from guests handled by the hypervisor model (hv_guest_trap): Xen's
 * hypercalls (console_io, sched_op, xen_version, memory_op, grant_table_op)
 * with their results and the guest memory they read and write through
 * map_domain_page, the virtual
 * PL011 emulated from data-abort syndromes, aborts injected back into the
 * guest, trapped WFI/WFE, PSCI, and a trap the model does not handle.
 * Then whole guests on the machine (sim/machine_hv.c): two domains whose
 * vCPUs share one core, switched round robin at each yield. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/stats.h"
#include "sim/ram.h"
#include "tests/unit/check_run.h"

#define GUEST 0x10000000ull

static char console[256];
static size_t nconsole;

static void capture(void *ctx, int domain, const char *bytes, size_t len)
{
    ck_assert_int_eq(domain, 0);
    for (size_t i = 0; i < len && nconsole + 1 < sizeof console; i++)
        console[nconsole++] = bytes[i];
    console[nconsole] = 0;
}

struct fixture {
    struct platform *p;
    struct ram *ram;
    struct hv *hv;
    struct hv_guests *g;
    uint64_t regs[31];
};

static void setup_model(struct fixture *f, bool vpl011)
{
    const char *dir = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/msasim-hvtrap-XXXXXX.dts", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    char text[2048];
    snprintf(text, sizeof text,
             "/dts-v1/;\n/ {\n  #address-cells = <2>; #size-cells = <2>;\n"
             "  memory@0 { device_type = \"memory\"; reg = <0x0 0x0 0x0 0x80000000>; };\n"
             "  cpus { #address-cells = <1>; #size-cells = <0>;\n"
             "    cpu@0 { device_type = \"cpu\"; compatible = \"arm,cortex-r82\"; reg = <0>; };\n"
             "  };\n"
             "  chosen { #address-cells = <1>; #size-cells = <1>;\n"
             "    xen,static-heap = <0x0 0x50000000 0x0 0x1000000>;\n"
             "    domU1 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;\n"
             "      cpus = <1>; memory = <0x0 0x4000>; direct-map; %s\n"
             "      xen,static-mem = <0x10000000 0x1000000>;\n"
             "      module@8000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";\n"
             "                       reg = <0x8000000 0x2000>; };\n"
             "    };\n  };\n};\n",
             vpl011 ? "vpl011;" : "");
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct msa_error err = {{0}};
    int rc = platform_load(path, &f->p, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "%s", err.msg);
    f->ram = ram_new();
    ck_assert_ptr_nonnull(f->ram);
    ck_assert_int_eq(ram_add_bank(f->ram, 0, 0x80000000ull, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.ram = f->ram;
    ck_assert_int_eq(hv_create(&cfg, f->p, NULL, &f->hv, &err), HV_RUN_OK);
    ck_assert_msg(hv_boot_run(f->hv, &err) == HV_RUN_OK, "%s", err.msg);
    f->g = hv_guests_create(f->hv, capture, NULL);
    ck_assert_ptr_nonnull(f->g);
    memset(f->regs, 0, sizeof f->regs);
    nconsole = 0;
    console[0] = 0;
}

static void teardown_model(struct fixture *f)
{
    hv_guests_free(f->g);
    hv_destroy(f->hv);
    ram_free(f->ram);
    platform_free(f->p);
}

static int trap(struct fixture *f, uint32_t esr, uint64_t far, uint64_t *elr,
                struct hv_guest_outcome *out)
{
    struct hv_trap t = {.core = 0, .vcpu = 0, .esr = esr, .far = far, .hpfar = (far >> 12) << 4,
                        .regs = f->regs, .elr = *elr, .spsr = 0x3C5};
    struct msa_error err = {{0}};
    int rc = hv_guest_trap(f->g, &t, out, &err);
    *elr = t.elr;
    return rc;
}

#define HVC_XEN (0x16u << 26 | 1u << 25 | 0xEA1u)

static uint64_t hypercall(struct fixture *f, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
                          struct hv_guest_outcome *out)
{
    f->regs[16] = nr;
    f->regs[0] = a0;
    f->regs[1] = a1;
    f->regs[2] = a2;
    uint64_t elr = GUEST + 0x104;
    ck_assert_int_eq(trap(f, HVC_XEN, 0, &elr, out), HV_TRAP_HANDLED);
    ck_assert_uint_eq(elr, GUEST + 0x104);   /* HVC returns after itself */
    return f->regs[0];
}

START_TEST(console_io_copies_through_map_domain_page)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_summary before, after;
    hv_summary(f.hv, &before);
    /* a message straddling a page boundary: two pages mapped */
    const char msg[] = "hello, hypervisor";
    ck_assert_int_eq(ram_write(f.ram, GUEST + 0xFF8, msg, sizeof msg - 1), 0);
    struct hv_guest_outcome out;
    ck_assert_uint_eq(hypercall(&f, 18, 0, sizeof msg - 1, GUEST + 0xFF8, &out), 0);
    ck_assert_int_eq(out.action, HV_ACT_RESUME);
    ck_assert_str_eq(console, msg);
    hv_summary(f.hv, &after);
    ck_assert_uint_eq(after.map_domain_page_ops - before.map_domain_page_ops, 2);
    ck_assert_uint_eq(after.consistency_errors, 0);
    /* a buffer outside the domain's memory */
    ck_assert_int_eq((int64_t)hypercall(&f, 18, 0, 4, 0x70000000, &out), -14);
    /* an unknown console_io command and an unknown hypercall */
    ck_assert_int_eq((int64_t)hypercall(&f, 18, 7, 0, 0, &out), -38);
    ck_assert_int_eq((int64_t)hypercall(&f, 99, 0, 0, 0, &out), -38);
    struct hv_guest_counts c;
    hv_guest_counts(f.g, 0, &c);
    ck_assert_uint_eq(c.hypercalls, 4);
    ck_assert_uint_eq(c.console_bytes, sizeof msg - 1);
    teardown_model(&f);
}
END_TEST

START_TEST(xen_version_and_sched_op)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_guest_outcome out;
    ck_assert_uint_eq(hypercall(&f, 17, 0, 0, 0, &out), (4u << 16) | 22u);
    ck_assert_uint_eq(hypercall(&f, 17, 1, GUEST + 0x2000, 0, &out), 0);
    char extra[16];
    ck_assert_int_eq(ram_read(f.ram, GUEST + 0x2000, extra, sizeof extra), 0);
    ck_assert_str_eq(extra, "-msasim");
    ck_assert_uint_eq(hypercall(&f, 29, 0, 0, 0, &out), 0);
    ck_assert_int_eq(out.action, HV_ACT_YIELD);
    ck_assert_uint_eq(hypercall(&f, 29, 1, 0, 0, &out), 0);
    ck_assert_int_eq(out.action, HV_ACT_BLOCK);
    uint32_t reason = 3;
    ck_assert_int_eq(ram_write(f.ram, GUEST + 0x3000, &reason, 4), 0);
    ck_assert_uint_eq(hypercall(&f, 29, 2, GUEST + 0x3000, 0, &out), 0);
    ck_assert_int_eq(out.action, HV_ACT_SHUTDOWN);
    ck_assert_uint_eq(out.reason, 3);
    reason = 9;   /* not a SHUTDOWN_* value */
    ck_assert_int_eq(ram_write(f.ram, GUEST + 0x3000, &reason, 4), 0);
    ck_assert_int_eq((int64_t)hypercall(&f, 29, 2, GUEST + 0x3000, 0, &out), -22);
    ck_assert_int_eq(out.action, HV_ACT_RESUME);
    teardown_model(&f);
}
END_TEST

/* struct xen_memory_reservation as an arm64 guest lays it out at `gpa`. */
static void put_reservation(struct fixture *f, uint64_t gpa, uint64_t list, uint64_t nr,
                            uint32_t order, uint16_t domid)
{
    uint8_t b[32] = {0};
    for (int i = 0; i < 8; i++) {
        b[i] = (uint8_t)(list >> (8 * i));
        b[8 + i] = (uint8_t)(nr >> (8 * i));
    }
    for (int i = 0; i < 4; i++)
        b[16 + i] = (uint8_t)(order >> (8 * i));
    b[24] = (uint8_t)domid;
    b[25] = (uint8_t)(domid >> 8);
    ck_assert_int_eq(ram_write(f->ram, gpa, b, sizeof b), 0);
}

static uint64_t mdp_ops(struct fixture *f)
{
    struct hv_summary s;
    hv_summary(f->hv, &s);
    return s.map_domain_page_ops;
}

START_TEST(memory_op_reservations)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_guest_outcome out;
    const uint64_t res = GUEST + 0x4000, list = GUEST + 0x5000;
    /* gfns of the direct-mapped domain (static memory 0x10000000+16M):
     * two inside, then one past the end */
    uint64_t gfns[3] = {0x10010, 0x10FFF, 0x11000};
    ck_assert_int_eq(ram_write(f.ram, list, gfns, sizeof gfns), 0);

    /* populate_physmap: 2 extents inside -> 2 done; 1 map for the
     * reservation + 1 per extent entry */
    put_reservation(&f, res, list, 2, 0, 0x7FF0);
    uint64_t m0 = mdp_ops(&f);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 2);
    ck_assert_uint_eq(mdp_ops(&f) - m0, 3);
    /* the third extent lies outside: Xen returns the extents done so far */
    put_reservation(&f, res, list, 3, 0, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 2);
    /* a continuation (start extent 1 in the bits above the command) */
    put_reservation(&f, res, list, 2, 0, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 6 | 1u << 6, res, 0, &out), 2);
    /* decrease_reservation of the two pages, by the domain's own id too */
    put_reservation(&f, res, list, 2, 0, 1);
    m0 = mdp_ops(&f);
    ck_assert_uint_eq(hypercall(&f, 12, 1, res, 0, &out), 2);
    ck_assert_uint_eq(mdp_ops(&f) - m0, 3);
    /* order 4: 0x10010 is 16-page aligned and inside; 0x10FFF is not aligned */
    put_reservation(&f, res, list, 2, 4, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 1);
    /* an order above the domU limit completes nothing */
    put_reservation(&f, res, list, 2, 10, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 0);
    /* increase_reservation: a static domain has no pages beyond its banks */
    put_reservation(&f, res, list, 2, 0, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 0, res, 0, &out), 0);
    /* an extent list outside the domain, or running past its end: nothing
     * done, nothing read but the reservation */
    put_reservation(&f, res, 0x70000000, 2, 0, 0x7FF0);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 0);
    put_reservation(&f, res, GUEST + 0xFFFFF8, 2, 0, 0x7FF0);
    m0 = mdp_ops(&f);
    ck_assert_uint_eq(hypercall(&f, 12, 6, res, 0, &out), 0);
    ck_assert_uint_eq(mdp_ops(&f) - m0, 1);
    /* another domain: -EPERM; a reservation outside the domain: -EFAULT;
     * an unmodelled command: -ENOSYS */
    put_reservation(&f, res, list, 2, 0, 5);
    ck_assert_int_eq((int64_t)hypercall(&f, 12, 6, res, 0, &out), -1);
    ck_assert_int_eq((int64_t)hypercall(&f, 12, 6, 0x70000000, 0, &out), -14);
    ck_assert_int_eq((int64_t)hypercall(&f, 12, 21, res, 0, &out), -38);
    ck_assert_int_eq(out.action, HV_ACT_RESUME);
    struct hv_summary s;
    hv_summary(f.hv, &s);
    ck_assert_uint_eq(s.consistency_errors, 0);
    teardown_model(&f);
}
END_TEST

START_TEST(grant_table_query_and_setup)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_guest_outcome out;
    const uint64_t op = GUEST + 0x6000, list = GUEST + 0x7000;
    /* query_size: struct gnttab_query_size {dom, nr_frames, max_nr_frames, status} */
    uint8_t q[16];
    memset(q, 0xAB, sizeof q);
    q[0] = 0xF0, q[1] = 0x7F;   /* DOMID_SELF */
    ck_assert_int_eq(ram_write(f.ram, op, q, sizeof q), 0);
    ck_assert_uint_eq(hypercall(&f, 20, 6, op, 1, &out), 0);
    ck_assert_int_eq(ram_read(f.ram, op, q, sizeof q), 0);
    uint32_t nr, max;
    int16_t status;
    memcpy(&nr, q + 4, 4);
    memcpy(&max, q + 8, 4);
    memcpy(&status, q + 12, 2);
    ck_assert_uint_eq(nr, 1);
    ck_assert_uint_eq(max, 64);
    ck_assert_int_eq(status, 0);
    /* another domain: GNTST_permission_denied */
    q[0] = 5, q[1] = 0;
    ck_assert_int_eq(ram_write(f.ram, op, q, sizeof q), 0);
    ck_assert_uint_eq(hypercall(&f, 20, 6, op, 1, &out), 0);
    ck_assert_int_eq(ram_read(f.ram, op + 12, &status, 2), 0);
    ck_assert_int_eq(status, -8);

    /* setup_table for 2 frames: {dom, nr_frames, status, frame_list@16} */
    uint8_t st[24] = {0xF0, 0x7F, 0, 0, 2, 0, 0, 0, 0x55, 0x55};
    for (int i = 0; i < 8; i++)
        st[16 + i] = (uint8_t)(list >> (8 * i));
    ck_assert_int_eq(ram_write(f.ram, op, st, sizeof st), 0);
    uint64_t frames[3] = {1, 2, 3};
    ck_assert_int_eq(ram_write(f.ram, list, frames, sizeof frames), 0);
    struct hv_summary s0, s1;
    hv_summary(f.hv, &s0);
    ck_assert_uint_eq(hypercall(&f, 20, 2, op, 1, &out), 0);
    hv_summary(f.hv, &s1);
    ck_assert_uint_eq(s1.map_domain_page_ops - s0.map_domain_page_ops, 4);   /* op, 2 frames, status */
    ck_assert_int_eq(ram_read(f.ram, op + 8, &status, 2), 0);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(ram_read(f.ram, list, frames, sizeof frames), 0);
    ck_assert_uint_eq(frames[0], UINT64_MAX);   /* INVALID_GFN: not in the physmap yet */
    ck_assert_uint_eq(frames[1], UINT64_MAX);
    ck_assert_uint_eq(frames[2], 3);
    /* more frames than the limit: GNTST_general_error */
    st[4] = 65;
    ck_assert_int_eq(ram_write(f.ram, op, st, sizeof st), 0);
    ck_assert_uint_eq(hypercall(&f, 20, 2, op, 1, &out), 0);
    ck_assert_int_eq(ram_read(f.ram, op + 8, &status, 2), 0);
    ck_assert_int_eq(status, -1);
    /* count other than 1: -EINVAL; an argument outside: -EFAULT; other
     * commands: -ENOSYS */
    ck_assert_int_eq((int64_t)hypercall(&f, 20, 6, op, 2, &out), -22);
    ck_assert_int_eq((int64_t)hypercall(&f, 20, 6, 0x70000000, 1, &out), -14);
    ck_assert_int_eq((int64_t)hypercall(&f, 20, 4, op, 1, &out), -38);   /* transfer */
    teardown_model(&f);
}
END_TEST

/* A data abort from EL1 with a valid syndrome: SAS, SRT, WnR. */
static uint32_t dabt(unsigned sas, unsigned srt, bool write)
{
    return 0x24u << 26 | 1u << 25 | 1u << 24 | sas << 22 | srt << 16 | (write ? 1u << 6 : 0) |
           0x04u;
}

START_TEST(vpl011_is_emulated)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_guest_outcome out;
    uint64_t elr = GUEST + 0x200;
    f.regs[3] = 'Z';
    ck_assert_int_eq(trap(&f, dabt(2, 3, true), HV_VPL011_BASE, &elr, &out), HV_TRAP_HANDLED);
    ck_assert_int_eq(out.action, HV_ACT_RESUME);
    ck_assert_uint_eq(elr, GUEST + 0x204);
    ck_assert_str_eq(console, "Z");
    /* FR: TX FIFO empty, RX FIFO empty */
    ck_assert_int_eq(trap(&f, dabt(2, 5, false), HV_VPL011_BASE + 0x18, &elr, &out),
                     HV_TRAP_HANDLED);
    ck_assert_uint_eq(f.regs[5], 0x90);
    /* a control register keeps what is written; PeriphID0 */
    f.regs[7] = 0x301;
    trap(&f, dabt(2, 7, true), HV_VPL011_BASE + 0x30, &elr, &out);
    trap(&f, dabt(2, 8, false), HV_VPL011_BASE + 0x30, &elr, &out);
    ck_assert_uint_eq(f.regs[8], 0x301);
    trap(&f, dabt(2, 9, false), HV_VPL011_BASE + 0xFE0, &elr, &out);
    ck_assert_uint_eq(f.regs[9], 0x11);
    struct hv_guest_counts c;
    hv_guest_counts(f.g, -1, &c);
    ck_assert_uint_eq(c.mmio_emulated, 5);
    /* an offset the device does not decode comes back as an abort */
    trap(&f, dabt(2, 1, false), HV_VPL011_BASE + 0x800, &elr, &out);
    ck_assert_int_eq(out.action, HV_ACT_INJECT_ABORT);
    teardown_model(&f);
}
END_TEST

START_TEST(other_aborts_are_injected)
{
    struct fixture f;
    setup_model(&f, false);
    struct hv_guest_outcome out;
    uint64_t elr = GUEST + 0x300;
    /* without vpl011 the window is nothing: injected, from EL1 with SPx */
    ck_assert_int_eq(trap(&f, dabt(2, 1, true), HV_VPL011_BASE, &elr, &out), HV_TRAP_HANDLED);
    ck_assert_int_eq(out.action, HV_ACT_INJECT_ABORT);
    ck_assert_uint_eq(out.inject_esr >> 26, 0x25);       /* data abort, current EL */
    ck_assert_uint_eq(out.inject_esr & 0x3F, 0x10);      /* synchronous external abort */
    ck_assert_uint_eq(out.inject_esr & (1u << 6), 1u << 6);  /* WnR kept */
    ck_assert_uint_eq(out.inject_far, HV_VPL011_BASE);
    ck_assert_uint_eq(elr, GUEST + 0x300);               /* the faulting instruction */
    /* an instruction abort */
    trap(&f, 0x20u << 26 | 1u << 25 | 0x04u, 0x30000000, &elr, &out);
    ck_assert_int_eq(out.action, HV_ACT_INJECT_ABORT);
    ck_assert_uint_eq(out.inject_esr >> 26, 0x21);
    struct hv_guest_counts c;
    hv_guest_counts(f.g, 0, &c);
    ck_assert_uint_eq(c.aborts_injected, 2);
    teardown_model(&f);
}
END_TEST

START_TEST(wfx_psci_and_unhandled)
{
    struct fixture f;
    setup_model(&f, true);
    struct hv_guest_outcome out;
    uint64_t elr = GUEST + 0x400;
    ck_assert_int_eq(trap(&f, 0x01u << 26 | 1u << 25, 0, &elr, &out), HV_TRAP_HANDLED);
    ck_assert_int_eq(out.action, HV_ACT_BLOCK);
    ck_assert_uint_eq(elr, GUEST + 0x404);
    trap(&f, 0x01u << 26 | 1u << 25 | 1u, 0, &elr, &out);
    ck_assert_int_eq(out.action, HV_ACT_YIELD);
    /* PSCI on HVC #0: version, then SYSTEM_OFF */
    f.regs[0] = 0x84000000u;
    trap(&f, 0x16u << 26 | 1u << 25, 0, &elr, &out);
    ck_assert_uint_eq(f.regs[0], 0x10001);
    f.regs[0] = 0x84000008u;
    trap(&f, 0x16u << 26 | 1u << 25, 0, &elr, &out);
    ck_assert_int_eq(out.action, HV_ACT_SHUTDOWN);
    ck_assert_uint_eq(out.reason, 0);
    /* a BRK from the guest is not the hypervisor's */
    struct hv_trap t = {.core = 0, .vcpu = 0, .esr = 0x3Cu << 26, .regs = f.regs, .elr = elr};
    struct msa_error err = {{0}};
    ck_assert_int_eq(hv_guest_trap(f.g, &t, &out, &err), HV_TRAP_UNHANDLED);
    ck_assert_ptr_nonnull(strstr(err.msg, "EC 0x3c"));
    ck_assert_ptr_nonnull(strstr(err.msg, "domU1"));
    /* a vCPU the model does not have */
    t.vcpu = 5;
    ck_assert_int_lt(hv_guest_trap(f.g, &t, &out, &err), 0);
    teardown_model(&f);
}
END_TEST

/* A guest as an arm64 Image: yields YIELDS times counting in x19, with its
 * own load address in x20 and TPIDR_EL1, then shuts down with poweroff if
 * both survived every switch and crash if not:
 *      mov x19, #0; adr x20, .; msr tpidr_el1, x20
 *   1: mov x16, #29; mov x0, #0; hvc #0xEA1       (SCHEDOP_yield)
 *      add x19, x19, #1; cmp x19, #YIELDS; b.ne 1b
 *      mrs x21, tpidr_el1; mov x1, #3; cmp x21, x20; b.ne 2f; mov x1, #0
 *   2: adr x2, 3f; str w1, [x2]; mov x1, x2; mov x0, #2; mov x16, #29
 *      hvc #0xEA1; b .                            (SCHEDOP_shutdown)
 *   3: .word 0                                    (struct sched_shutdown) */
#define YIELDS 5
static const uint32_t yield_guest[] = {
    0xd2800013, 0x10000014, 0xd518d094, 0xd28003b0, 0xd2800000, 0xd401d422, 0x91000673,
    0xf100167f, 0x54ffff61, 0xd538d095, 0xd2800061, 0xeb1402bf, 0x54000041, 0xd2800001,
    0x100000e2, 0xb9000041, 0xaa0203e1, 0xd2800040, 0xd28003b0, 0xd401d422, 0x14000000,
    0x00000000,
};

static void write_image(char *path, size_t len)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, len, "%s/msasim-hvsched-XXXXXX.img", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    uint8_t img[64 + sizeof yield_guest] = {0};
    uint32_t b_code = 0x14000010;   /* code0: b . + 64, past the header */
    memcpy(img, &b_code, 4);
    uint64_t size = sizeof img;
    memcpy(img + 16, &size, 8);     /* image_size; text_offset 0 */
    memcpy(img + 56, "ARM\x64", 4);
    memcpy(img + 64, yield_guest, sizeof yield_guest);
    ck_assert_int_eq(write(fd, img, sizeof img), (int)sizeof img);
    close(fd);
}

static int run_two_guests(const char *slice, struct stats *s, uint64_t *switches)
{
    char a[512], b[512];
    write_image(a, sizeof a);
    write_image(b, sizeof b);
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.platform = "fvp-r";
    cfg.cores = 1;
    cfg.mpu_regions = 16;
    struct machine *m;
    struct msa_error err = {{0}};
    ck_assert_msg(machine_create(&cfg, &m, &err) == 0, "%s", err.msg);
    const char *guests[] = {a, b};
    const char *opts[] = {slice};
    struct machine_hv_config hc = {.module = "xen-mpu", .options = opts, .noptions = slice ? 1 : 0,
                                   .guests = guests, .nguests = 2};
    ck_assert_msg(machine_hv_attach(m, &hc, s, &err) == 0, "%s", err.msg);
    struct machine_result r = machine_run(m, 10000000, NULL, NULL);
    char msg[MSA_ERROR_MAX] = "";
    int status = machine_hv_exit_status(m, &r, msg, sizeof msg);
    machine_hv_export(m);
    double v = 0;
    ck_assert(stats_summary_get(s, "context_switches", &v));
    *switches = (uint64_t)v;
    machine_destroy(m);
    unlink(a);
    unlink(b);
    return status;
}

START_TEST(vcpus_share_a_core_round_robin)
{
    struct stats *s = stats_new();
    uint64_t switches = 0;
    /* Both guests power off: their counts and TPIDR_EL1 were kept. */
    ck_assert_int_eq(run_two_guests(NULL, s, &switches), 0);
    const uint64_t *yields = stats_find_counter(s, "hv.guest.yields");
    ck_assert_ptr_nonnull(yields);
    ck_assert_uint_eq(*yields, 2 * YIELDS);
    /* Boot: 2 switches in and 1 back to the first; then one per yield
     * while both run, and one when the first powers off. */
    ck_assert_uint_gt(switches, *yields);
    ck_assert_uint_eq(switches, 3 + 2 * YIELDS + 1);
    stats_free(s);
}
END_TEST

START_TEST(bad_slice_is_rejected)
{
    struct machine_config cfg;
    machine_config_default(&cfg);
    cfg.platform = "fvp-r";
    struct machine *m;
    struct msa_error err = {{0}};
    ck_assert_msg(machine_create(&cfg, &m, &err) == 0, "%s", err.msg);
    char a[512];
    write_image(a, sizeof a);
    const char *guests[] = {a};
    const char *opts[] = {"slice=-3"};
    struct machine_hv_config hc = {.module = "xen-mpu", .options = opts, .noptions = 1,
                                   .guests = guests, .nguests = 1};
    ck_assert_int_lt(machine_hv_attach(m, &hc, NULL, &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "slice=-3"));
    machine_destroy(m);
    unlink(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_trap");
    TCase *tc = tcase_create("traps");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, console_io_copies_through_map_domain_page);
    tcase_add_test(tc, xen_version_and_sched_op);
    tcase_add_test(tc, memory_op_reservations);
    tcase_add_test(tc, grant_table_query_and_setup);
    tcase_add_test(tc, vpl011_is_emulated);
    tcase_add_test(tc, other_aborts_are_injected);
    tcase_add_test(tc, wfx_psci_and_unhandled);
    tcase_add_test(tc, vcpus_share_a_core_round_robin);
    tcase_add_test(tc, bad_slice_is_rejected);
    suite_add_tcase(s, tc);
    return check_run(s);
}
