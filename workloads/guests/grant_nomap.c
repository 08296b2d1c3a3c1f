/* grant without the map: domain B reaches domain A's granted page with
 * GNTTABOP_copy only, so that a run of grant.elf with this B has the same
 * guests' work but no stage-2 region for a mapped grant (built as
 * grant_nomap2.elf, at the second domain's memory). */
#define GRANT_NO_MAP 1
#include "grant.c"
