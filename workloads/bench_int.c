/* Integer benchmark for the functional-speed figure (MIPS): list
 * processing, a matrix product, a table-driven CRC-32, a sieve, a hash over
 * a table, an insertion sort and a small state machine, repeated.  Prints a
 * checksum so that every run can be compared with QEMU. */
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

/* A singly linked list threaded through a pool in shuffled order: built,
 * reversed, then walked, so the loads depend on each other. */
struct node {
    struct node *next;
    u64 value;
};
static struct node pool[512];

static u64 run_list(u64 seed)
{
    struct node *head = 0;
    for (unsigned k = 0; k < 512; k++) {
        struct node *n = &pool[(k * 197) & 511];
        seed = seed * 6364136223846793005ull + 1;
        n->value = seed >> 40;
        n->next = head;
        head = n;
    }
    struct node *rev = 0;
    while (head) {
        struct node *next = head->next;
        head->next = rev;
        rev = head;
        head = next;
    }
    u64 acc = 0;
    for (struct node *n = rev; n; n = n->next)
        acc = acc * 31 + n->value;
    return acc;
}

#define M 16
static u32 ma[M][M], mb[M][M], mc[M][M];

static u64 run_matrix(u64 seed)
{
    for (unsigned i = 0; i < M; i++)
        for (unsigned j = 0; j < M; j++) {
            seed = seed * 2862933555777941757ull + 3037000493ull;
            ma[i][j] = (u32)(seed >> 48);
            mb[i][j] = (u32)(seed >> 20) & 0xFFFF;
        }
    for (unsigned i = 0; i < M; i++)
        for (unsigned j = 0; j < M; j++) {
            u32 sum = 0;
            for (unsigned k = 0; k < M; k++)
                sum += ma[i][k] * mb[k][j];
            mc[i][j] = sum;
        }
    return mc[0][0] ^ mc[M / 2][M / 3] ^ mc[M - 1][M - 1];
}

static u32 crc_table[256];

static void crc_init(void)
{
    for (u32 n = 0; n < 256; n++) {
        u32 c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static u64 run_crc(u64 seed)
{
    u32 crc = 0xFFFFFFFFu;
    for (unsigned k = 0; k < 4096; k++) {
        unsigned char byte = (unsigned char)(seed >> ((k & 7) * 8)) ^ (unsigned char)k;
        crc = crc_table[(crc ^ byte) & 0xFF] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
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
    crc_init();
    for (unsigned round = 0; round < 120; round++) {
        sum += run_list(sum);
        sum ^= run_matrix(sum);
        sum += run_crc(sum);
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
