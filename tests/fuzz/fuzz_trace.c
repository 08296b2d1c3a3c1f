/* Boot traces, text and binary (the reader tells them apart itself): the
 * header, then every event until the end or the first error. */
#include "sim/trace.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct msa_error err = {0};
    struct trace_reader *r = NULL;
    if (trace_open_mem(data, size, "fuzz.trace", &r, &err) != 0)
        return 0;
    trace_header(r);
    struct hv_event ev;
    char where[128];
    for (unsigned i = 0; i < 100000 && trace_next(r, &ev, &err) == 1; i++)
        trace_where(r, where, sizeof where);
    trace_close(r);
    return 0;
}
