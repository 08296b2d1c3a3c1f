/* A process that stores to an address with nothing behind it: it dies of
 * SIGSEGV (exit status 139 in the shell) after its first line. */
#include "lib/urt.h"

int main(void)
{
    puts_("segv: storing to 0x10\n");
    u64 *volatile where = (u64 *)0x10;
    *where = 1;
    puts_("segv: not reached\n");
    return 0;
}
