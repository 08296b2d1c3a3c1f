/* Integer benchmark for the functional-speed figure (MIPS): a sieve, a
 * hash over a table, an insertion sort and a small state machine, repeated.
 * Prints a checksum so that every run can be compared with QEMU. */
#include "lib/rt.h"

#define N 8192
static unsigned char sieve[N];
static u32 table[1024];
static u32 sortbuf[256];

static u64 run_sieve(void)
{
    for (unsigned k = 0; k < N; k++)
        sieve[k] = 1;
    u64 count = 0;
    for (unsigned p = 2; p < N; p++) {
        if (!sieve[p])
            continue;
        count += p;
        for (unsigned m = p * 2; m < N; m += p)
            sieve[m] = 0;
    }
    return count;
}

static u64 run_hash(u64 seed)
{
    u64 h = seed;
    for (unsigned k = 0; k < 1024; k++) {
        table[k] = (u32)(h >> 17);
        h = h * 6364136223846793005ull + 1442695040888963407ull;
    }
    u64 acc = 0;
    for (unsigned r = 0; r < 8; r++)
        for (unsigned k = 0; k < 1024; k++)
            acc = (acc << 5) + acc + table[(k * 7 + r) & 1023];
    return acc;
}

static u64 run_sort(u64 seed)
{
    for (unsigned k = 0; k < 256; k++) {
        seed = seed * 2862933555777941757ull + 3037000493ull;
        sortbuf[k] = (u32)(seed >> 33);
    }
    for (unsigned i = 1; i < 256; i++) {
        u32 v = sortbuf[i];
        unsigned j = i;
        while (j > 0 && sortbuf[j - 1] > v) {
            sortbuf[j] = sortbuf[j - 1];
            j--;
        }
        sortbuf[j] = v;
    }
    return sortbuf[0] ^ sortbuf[128] ^ sortbuf[255];
}

static u64 run_fsm(u64 seed)
{
    unsigned state = 0;
    u64 out = 0;
    for (unsigned k = 0; k < 20000; k++) {
        unsigned in = (unsigned)(seed >> (k & 31)) & 3;
        switch (state) {
        case 0: state = in ? 1 : 2; out += 3; break;
        case 1: state = in == 2 ? 3 : 0; out ^= k; break;
        case 2: state = (in + 1) & 3; out += k * in; break;
        default: state = 0; out = (out << 1) | (out >> 63); break;
        }
    }
    return out;
}

int main(void)
{
    u64 sum = 0;
    for (unsigned round = 0; round < 160; round++) {
        sum += run_sieve();
        sum ^= run_hash(sum + round);
        sum += run_sort(sum);
        sum ^= run_fsm(sum);
    }
    puts_("bench_int checksum ");
    put_hex(sum);
    puts_("\n");
    return 0;
}
