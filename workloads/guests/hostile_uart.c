/* hostile_uart: floods the domain's virtual PL011 (Xen's vpl011 at
 * 0x22000000) with FLOOD bytes written to UARTDR by byte, halfword and word
 * stores, as fast as stores go, never polling the flag register, with
 * random control-register writes in between; reads and writes every other
 * offset of the window; tries doubleword stores to DR (Xen's vpl011 takes
 * 8, 16 and 32-bit accesses: refused, a data abort).  Then console_io with
 * huge counts: a write from a block at the end of the guest's own memory
 * whose count runs past it (Xen writes what it could read, then answers
 * -EFAULT), a count that wraps the address space, buffers at 0 and in the
 * victim, and reads with huge counts.  The output volume is what the test
 * counts: FLOOD bytes of the flood (a line of LINE - 1 dots and a newline,
 * repeated) and TAIL bytes of the block. */
#include "guests/hostile_lib.h"

#define UART 0x22000000ul
#define DR 0x000
#define FR 0x018
#define CR 0x030
#define FLOOD 100000u
#define LINE 100u
#define TAIL 0x10000ul                /* the block at the end of the memory */
#define XEN_EFAULT 14

static void wr8(unsigned off, uint8_t v) { *(volatile uint8_t *)(UART + off) = v; }
static void wr16(unsigned off, uint16_t v) { *(volatile uint16_t *)(UART + off) = v; }
static void wr32(unsigned off, uint32_t v) { *(volatile uint32_t *)(UART + off) = v; }
static uint32_t rd32(unsigned off) { return *(volatile uint32_t *)(UART + off); }

/* A doubleword store to DR: Xen's vpl011 refuses the width. */
static void wr64_dr(uint64_t v)
{
    __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(UART + DR) : "memory");
}

static void load32(uint64_t a) { (void)*(volatile uint32_t *)(uintptr_t)a; }
static void store32(uint64_t a) { *(volatile uint32_t *)(uintptr_t)a = 0; }

static unsigned unexpected;

int main(void)
{
    hostile_init();
    hostile_seed(0x55415254ull);   /* "UART" */
    /* the flood: byte, halfword and word stores to DR (the low byte is
     * the character), never waiting for the FIFO */
    for (unsigned i = 0; i < FLOOD; i++) {
        char c = (i % LINE) == LINE - 1 ? '\n' : '.';
        switch (i % 3) {
        case 0: wr8(DR, (uint8_t)c); break;
        case 1: wr32(DR, 0xFFFFFF00u | (uint8_t)c); break;
        default: wr16(DR, (uint16_t)(0xAB00u | (uint8_t)c)); break;
        }
        if (i % 1000 == 0)
            wr32(CR, (uint32_t)hostile_rand());   /* control writes in between */
    }
    /* every offset of the window but DR read and written once: the ones
     * the model's vpl011 does not decode come back as data aborts (Xen's
     * reads them as zero and ignores the writes) */
    unsigned aborted = 0, offsets = 0;
    for (unsigned off = 4; off < 0x1000; off += 4) {
        offsets += 2;
        aborted += hostile_probe(load32, UART + off);
        aborted += hostile_probe(store32, UART + off);
    }
    hostile_put("uart: flood of ");
    hostile_dec(FLOOD);
    hostile_put(" bytes done; window offsets probed ");
    hostile_dec(offsets);
    hostile_put(", data aborts ");
    hostile_dec(aborted);
    unsigned wide = 0;
    for (unsigned i = 0; i < 16; i++)
        wide += hostile_probe(wr64_dr, 0x4242424242424242ull);
    hostile_put(", 64-bit stores to DR aborted ");
    hostile_dec(wide);
    hostile_put("/16");
    if (wide != 16) {
        hostile_put(" (unexpected)");
        unexpected++;
    }
    hostile_put(", FR ");
    hostile_hex(rd32(FR));
    hostile_end();

    /* the block at the end of the memory: lines of 'u' */
    const uint64_t own_end = HOSTILE_OWN_BASE + HOSTILE_DOMAIN_SIZE;
    volatile char *block = (volatile char *)(uintptr_t)(own_end - TAIL);
    for (unsigned i = 0; i < TAIL; i++)
        block[i] = (i % 64) == 63 ? '\n' : 'u';
    const struct {
        const char *what;
        uint64_t cmd, count, buf;
        long want;
    } calls[] = {
        {"write of ~0 bytes from the block", CONSOLEIO_write, ~0ul, own_end - TAIL, -XEN_EFAULT},
        {"write of a count that wraps", CONSOLEIO_write, ~0ul - 15, own_end - 64, -XEN_EFAULT},
        {"write of 2 GiB from address 0", CONSOLEIO_write, 0x80000000ul, 0, -XEN_EFAULT},
        {"write of 4 GiB from the victim", CONSOLEIO_write, 1ul << 32, HOSTILE_VICTIM_BASE,
         -XEN_EFAULT},
        {"read of ~0 bytes into the victim", 1, ~0ul, HOSTILE_VICTIM_BASE, 0},
        {"read of ~0 bytes into the block", 1, ~0ul, own_end - TAIL, 0},
    };
    for (unsigned i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        long rc = hypercall3(HYPERVISOR_console_io, calls[i].cmd, calls[i].count, calls[i].buf);
        hostile_put("uart: console_io ");
        hostile_put(calls[i].what);
        hostile_put(": ");
        hostile_result(rc);
        if (rc != calls[i].want) {
            hostile_put(" (unexpected)");
            unexpected++;
        }
        hostile_end();
    }
    unsigned bad = hostile_attack_victim("uart");
    hostile_put("uart: done, exceptions taken ");
    hostile_dec(hostile_exceptions);
    hostile_put(", unexpected answers ");
    hostile_dec(unexpected + bad);
    hostile_end();
    return 0;
}
