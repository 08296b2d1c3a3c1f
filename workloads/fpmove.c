/* FP/SIMD register moves, immediates and loads/stores (fpmove_asm.S):
 * prints every doubleword they produce. */
#include "lib/rt.h"

void fp_moves(u64 *out, const unsigned char *in);

static u64 out[128];
static unsigned char in[256] __attribute__((aligned(16)));

int main(void)
{
    for (unsigned k = 0; k < sizeof in; k++)
        in[k] = (unsigned char)(k * 29 + 3);
    fp_moves(out, in + 64);
    for (unsigned k = 0; k < sizeof out / sizeof out[0]; k += 2) {
        put_hex(out[k]);
        puts_(" ");
        put_hex(out[k + 1]);
        puts_("\n");
    }
    return 0;
}
