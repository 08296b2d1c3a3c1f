/* A small freestanding AArch64 program for the loader tests: a function to
 * find by symbol, initialised data and read-only data whose bytes must land
 * in RAM, and a BSS array larger than a page that must come out zeroed.
 * Built at test time; it is loaded, never run.  Plain C, so the host
 * compiler can build it too (the wrong-machine test). */

volatile unsigned int counter;
unsigned char scratch[12288];
const unsigned int table[8] = { 2, 3, 5, 7, 11, 13, 17, 19 };
unsigned int data_word = 0x12345678;

__attribute__((noinline)) int add3(int a, int b, int c)
{
    return a + b + c * (int)table[c & 7];
}

void _start(void)
{
    counter = (unsigned int)add3(1, 2, 3) + data_word + scratch[counter & 4095];
    for (;;)
        counter++;
}
