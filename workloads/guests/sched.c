/* sched: several of these share one core.  Each names itself by its load
 * address, prints a line per round, yields (SCHEDOP_yield) or waits (WFI)
 * between rounds, and checks at the end that what it kept across the
 * switches (a running sum in registers and on the stack, TPIDR_EL1) is
 * still its own.  Every line is one console_io call, so lines of
 * different guests interleave but never mix. */
#include "guests/guest.h"

#define ROUNDS 8
#define YIELDS_PER_ROUND 3

extern char __image_start[];

static char line[64];
static unsigned len;

static void put(const char *s)
{
    while (*s && len < sizeof line - 1)
        line[len++] = *s++;
}

static void put_hex32(uint32_t v)
{
    char b[11] = "0x";
    for (int i = 0; i < 8; i++)
        b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xF];
    b[10] = 0;
    put(b);
}

static void put_dec(unsigned v)
{
    char b[2] = {(char)('0' + v % 10), 0};
    if (v >= 10)
        put_dec(v / 10);
    put(b);
}

static void flush(void)
{
    line[len] = 0;
    guest_puts(line);
    len = 0;
}

static void say(const char *what, unsigned n)
{
    put("sched ");
    put_hex32((uint32_t)(uintptr_t)__image_start);
    put(what);
    put_dec(n);
    put("\n");
    flush();
}

int main(void)
{
    uint64_t me = (uint64_t)(uintptr_t)__image_start;
    __asm__ volatile("msr tpidr_el1, %0" ::"r"(me));
    volatile uint64_t sum = 0;   /* on the stack */
    uint64_t reg = me;           /* in registers */
    say(": start, rounds ", ROUNDS);
    for (unsigned r = 0; r < ROUNDS; r++) {
        for (unsigned y = 0; y < YIELDS_PER_ROUND; y++) {
            if ((r + y) % 3 == 2)
                __asm__ volatile("wfi");
            else
                hypercall3(HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
            sum += me + r * YIELDS_PER_ROUND + y;
            reg = reg * 31 + y;
        }
        say(": round ", r);
    }
    uint64_t want_sum = 0, want_reg = me;
    for (unsigned r = 0; r < ROUNDS; r++)
        for (unsigned y = 0; y < YIELDS_PER_ROUND; y++) {
            want_sum += me + r * YIELDS_PER_ROUND + y;
            want_reg = want_reg * 31 + y;
        }
    uint64_t tp;
    __asm__ volatile("mrs %0, tpidr_el1" : "=r"(tp));
    if (sum != want_sum || reg != want_reg || tp != me) {
        say(": state lost, checks ", (sum != want_sum) + 2 * (reg != want_reg) + 4 * (tp != me));
        guest_shutdown(SHUTDOWN_crash);
    }
    say(": done, state kept, yields ", ROUNDS * YIELDS_PER_ROUND);
    return 0;
}
