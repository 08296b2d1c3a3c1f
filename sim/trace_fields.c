/* Field conventions both trace forms share: which fields each event kind
 * carries (the others hold fixed defaults, so that a conversion between
 * the forms is lossless), mapping flags in symbols, and the range checks a
 * reader applies before an event reaches a replay. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace_internal.h"

/* The codes and names the format uses for operation kinds and owners.
 * They are the format's own, fixed here, so that a renumbering of enum
 * hv_op or enum hv_owner cannot change what old traces mean. */
struct code_name {
    int value;
    uint8_t code;
    const char *name;
};

static const struct code_name op_table[] = {
    {HV_OP_MAP, 5, "map"},
    {HV_OP_UNMAP, 6, "unmap"},
    {HV_OP_MODIFY, 7, "modify"},
    {HV_OP_IOREMAP, 8, "ioremap"},
    {HV_OP_IOUNMAP, 9, "iounmap"},
    {HV_OP_COPY_FROM_PADDR, 10, "copy_from_paddr"},
    {HV_OP_LOAD_DOMAIN, 15, "load_domain"},
};

static const struct code_name owner_table[] = {
    {HV_OWNER_NONE, 0, "none"},
    {HV_OWNER_TEXT, 1, "hv_text"},
    {HV_OWNER_RODATA, 2, "hv_rodata"},
    {HV_OWNER_DATA, 3, "hv_data"},
    {HV_OWNER_HEAP, 4, "hv_heap"},
    {HV_OWNER_DEVICE, 5, "device"},
    {HV_OWNER_TRANSIENT, 6, "transient_map"},
    {HV_OWNER_GUEST, 7, "guest_stage2"},
    {HV_OWNER_OTHER, 8, "other"},
};

#define N_OF(t) (sizeof(t) / sizeof((t)[0]))

static const struct code_name *by_value(const struct code_name *t, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == v)
            return &t[i];
    return NULL;
}

static const struct code_name *by_code(const struct code_name *t, size_t n, uint64_t c)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == c)
            return &t[i];
    return NULL;
}

static const struct code_name *by_name(const struct code_name *t, size_t n, const char *s,
                                       size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(t[i].name) == len && memcmp(t[i].name, s, len) == 0)
            return &t[i];
    return NULL;
}

int trace_op_code(unsigned op)
{
    const struct code_name *e = by_value(op_table, N_OF(op_table), (int)op);
    return e ? e->code : -1;
}

int trace_op_of_code(uint64_t code)
{
    const struct code_name *e = by_code(op_table, N_OF(op_table), code);
    return e ? e->value : -1;
}

const char *trace_op_name(unsigned op)
{
    const struct code_name *e = by_value(op_table, N_OF(op_table), (int)op);
    return e ? e->name : "?";
}

int trace_op_of_name(const char *s, size_t len)
{
    const struct code_name *e = by_name(op_table, N_OF(op_table), s, len);
    return e ? e->value : -1;
}

int trace_owner_code(unsigned owner)
{
    const struct code_name *e = by_value(owner_table, N_OF(owner_table), (int)owner);
    return e ? e->code : -1;
}

int trace_owner_of_code(uint64_t code)
{
    const struct code_name *e = by_code(owner_table, N_OF(owner_table), code);
    return e ? e->value : -1;
}

const char *trace_owner_name(unsigned owner)
{
    const struct code_name *e = by_value(owner_table, N_OF(owner_table), (int)owner);
    return e ? e->name : "?";
}

int trace_owner_of_name(const char *s, size_t len)
{
    const struct code_name *e = by_name(owner_table, N_OF(owner_table), s, len);
    return e ? e->value : -1;
}

#define KNOWN_FLAGS (HV_MAP_PRESENT | HV_MAP_WRITE | HV_MAP_EXEC | HV_MAP_GUEST | HV_MAP_ATTR_MASK)

const char *trace_flags_symbol(uint32_t flags, char buf[8])
{
    if (flags & ~KNOWN_FLAGS)
        return NULL;
    buf[0] = flags & HV_MAP_PRESENT ? 'p' : '-';
    buf[1] = flags & HV_MAP_WRITE ? 'w' : '-';
    buf[2] = flags & HV_MAP_EXEC ? 'x' : '-';
    buf[3] = flags & HV_MAP_GUEST ? 'g' : '-';
    buf[4] = '/';
    buf[5] = (char)('0' + HV_MAP_ATTR_OF(flags));
    buf[6] = '\0';
    return buf;
}

int trace_flags_parse(const char *s, uint32_t *out)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        char *end;
        unsigned long long v = strtoull(s + 2, &end, 16);
        if (end == s + 2 || *end || v > UINT32_MAX)
            return -1;
        *out = (uint32_t)v;
        return 0;
    }
    static const struct {
        char letter;
        uint32_t bit;
    } bits[4] = {{'p', HV_MAP_PRESENT}, {'w', HV_MAP_WRITE}, {'x', HV_MAP_EXEC},
                 {'g', HV_MAP_GUEST}};
    if (strlen(s) != 6 || s[4] != '/' || s[5] < '0' || s[5] > '7')
        return -1;
    uint32_t f = HV_MAP_ATTR((unsigned)(s[5] - '0'));
    for (unsigned i = 0; i < 4; i++) {
        if (s[i] == bits[i].letter)
            f |= bits[i].bit;
        else if (s[i] != '-')
            return -1;
    }
    *out = f;
    return 0;
}

void trace_event_clear(struct hv_event *ev, uint8_t kind)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->domain = -1;
    ev->ctx_domain = -1;
}

const char *trace_event_invalid(const struct hv_event *ev)
{
    if (ev->kind >= HV_EV_KIND_COUNT)
        return "unknown event kind";
    if (ev->ctx_domain < -1 || ev->domain < -1 || ev->ctx_domain >= HV_MAX_DOMAINS ||
        ev->domain >= HV_MAX_DOMAINS)
        return "domain out of range";
    if (ev->ctx_vcpu >= HV_MAX_VCPUS || ev->vcpu >= HV_MAX_VCPUS)
        return "vCPU out of range";
    if (ev->core >= HV_MAX_CORES && ev->core != HV_ALL_CORES)
        return "core out of range";
    return trace_event_kind_invalid(ev);
}

/* Every kind with a case here is in TRACE_KINDS_CHECKED. */
const char *trace_event_kind_invalid(const struct hv_event *ev)
{
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_MAP:
        if (!hv_ev_map_kind_ok((enum hv_op)ev->op))
            return "mapping kind is not map, unmap, modify, ioremap or iounmap";
        if (trace_owner_code(ev->owner) < 0)
            return "unknown region owner";
        break;
    case HV_EV_BEGIN:
    case HV_EV_END:
        if (!hv_ev_composite_ok((enum hv_op)ev->op))
            return "composite operation is not copy_from_paddr or load_domain";
        break;
    case HV_EV_CREATE_DOMAIN:
    case HV_EV_P2M_UPDATE:
        if (ev->domain < 0)
            return "no domain";
        break;
    case HV_EV_PHASE:
        if (ev->a > 1)
            return "phase is not boot or runtime";
        break;
    case HV_EV_ACCESS:
        if (ev->flags > HV_ACCESS_ZERO)
            return "access is not a read, a write or a zeroing";
        if (ev->c > UINT64_MAX - ev->a)
            return "access runs past the end of the address space";
        break;
    default:
        break;
    }
    return NULL;
}
