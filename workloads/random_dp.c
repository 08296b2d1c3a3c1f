/* Random integer data-processing instructions (random_dp_asm.S, generated
 * by gen_random_dp.py): prints a hash of x0-x27 and NZCV after each block,
 * and how many encodings were UNDEFINED.  QEMU's output is the reference. */
#include "lib/rt.h"

#define BLOCKS 160
#define WORDS_PER_BLOCK 29

void random_blocks(u64 *out);

static u64 out[BLOCKS * WORDS_PER_BLOCK];
static unsigned undefined;

void exc_el2(struct frame *f, u64 idx)
{
    u64 esr = read_sysreg(esr_el2);
    if ((esr >> 26) != 0) {
        puts_("unexpected exception ");
        put_kv("esr", esr);
        rt_exit(1);
    }
    undefined++;
    write_sysreg(elr_el2, read_sysreg(elr_el2) + 4);
    (void)f;
    (void)idx;
}

int main(void)
{
    random_blocks(out);
    for (unsigned b = 0; b < BLOCKS; b++) {
        u64 h = 0xcbf29ce484222325ull;
        for (unsigned k = 0; k < WORDS_PER_BLOCK; k++) {
            h = (h ^ out[b * WORDS_PER_BLOCK + k]) * 0x100000001b3ull;
            h ^= h >> 29;
        }
        put_dec(b);
        puts_(" ");
        put_hex(h);
        puts_("\n");
    }
    puts_("undefined encodings: ");
    put_dec(undefined);
    puts_("\n");
    return 0;
}
