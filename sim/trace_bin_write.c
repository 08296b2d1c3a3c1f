/* The binary form, as the writer produces it (layout in traces/FORMAT.md):
 * LEB128 numbers, cycles as differences, each distinct string defined once
 * by a string record just before its first use. */
#include <string.h>

#include "sim/trace_internal.h"

static size_t leb(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    do {
        uint8_t b = v & 0x7F;
        v >>= 7;
        p[n++] = (uint8_t)(b | (v ? 0x80 : 0));
    } while (v);
    return n;
}

static void put_leb(struct trace_writer *w, uint64_t v)
{
    uint8_t b[10];
    tw_put(w, b, leb(b, v));
}

static void field(struct trace_writer *w, enum trace_bin_tag tag, const void *p, size_t n)
{
    put_leb(w, tag);
    put_leb(w, n);
    tw_put(w, p, n);
}

static void field_str(struct trace_writer *w, enum trace_bin_tag tag, const char *s)
{
    field(w, tag, s ? s : "", s ? strlen(s) : 0);
}

static void field_num(struct trace_writer *w, enum trace_bin_tag tag, uint64_t v)
{
    uint8_t b[10];
    field(w, tag, b, leb(b, v));
}

void trace_bin_write_header(struct trace_writer *w, const struct trace_header *h)
{
    tw_put(w, TRACE_BIN_MAGIC, TRACE_BIN_MAGIC_LEN);
    put_leb(w, TRACE_FORMAT_VERSION);
    switch (h->platform_kind) {
    case TRACE_PLATFORM_BUILTIN: field_str(w, TB_PLATFORM_BUILTIN, h->platform); break;
    case TRACE_PLATFORM_FILE: field_str(w, TB_PLATFORM_FILE, h->platform); break;
    case TRACE_PLATFORM_DTB: {
        size_t nlen = strlen(h->platform ? h->platform : "");
        uint8_t b[10];
        size_t lb = leb(b, nlen);
        put_leb(w, TB_PLATFORM_DTB);
        put_leb(w, lb + nlen + h->dtb_size);
        tw_put(w, b, lb);
        tw_put(w, h->platform ? h->platform : "", nlen);
        tw_put(w, h->dtb, h->dtb_size);
        break;
    }
    }
    field_num(w, TB_FDT_SIZE, h->fdt_size);
    field_str(w, TB_MODULE, h->module);
    for (unsigned i = 0; i < h->noptions; i++)
        field_str(w, TB_OPTION, h->options[i]);
    field_num(w, TB_MPU_REGIONS, h->mpu_regions);
    field_num(w, TB_EL1_MPU_REGIONS, h->el1_mpu_regions);
    for (unsigned i = 0; i < h->nnotes; i++)
        field_str(w, TB_NOTE, h->notes[i]);
    put_leb(w, TB_END);
}

/* The id of a string, defining it first if it is new. */
static uint64_t string_id(struct trace_writer *w, const char *s)
{
    s = s ? s : "";
    size_t n = strlen(s);
    bool added;
    uint32_t id = strtab_intern(&w->strings, s, n, &added);
    if (!id) {
        tw_fail(w, "out of memory");
        return 0;
    }
    if (added) {
        uint8_t op = TB_REC_STRING;
        tw_put(w, &op, 1);
        put_leb(w, n);
        tw_put(w, s, n);
    }
    return id;
}

void trace_bin_write_event(struct trace_writer *w, const struct hv_event *ev)
{
    /* Strings first: their definitions must precede the event record. */
    uint64_t sid = 0;
    if (ev->kind == HV_EV_MAP || ev->kind == HV_EV_P2M_UPDATE)
        sid = string_id(w, ev->purpose);
    uint8_t b[128];
    size_t n = 0;
    b[n++] = (uint8_t)(TB_REC_EVENT + ev->kind);
    n += leb(b + n, ev->cycle - w->last_cycle);
    n += leb(b + n, ev->core == HV_ALL_CORES ? 0 : (uint64_t)ev->core + 1);
    n += leb(b + n, (uint64_t)(ev->ctx_domain + 1));
    if (ev->ctx_domain >= 0)
        n += leb(b + n, ev->ctx_vcpu);
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_MAP:
        n += leb(b + n, (uint64_t)trace_op_code(ev->op));
        n += leb(b + n, ev->a);
        n += leb(b + n, ev->b);
        n += leb(b + n, ev->flags);
        n += leb(b + n, (uint64_t)trace_owner_code(ev->owner));
        n += leb(b + n, ev->domid);
        n += leb(b + n, sid);
        break;
    case HV_EV_MAP_DOMAIN_PAGE:
    case HV_EV_UNMAP_DOMAIN_PAGE:
    case HV_EV_PHASE:
        n += leb(b + n, ev->a);
        break;
    case HV_EV_CREATE_DOMAIN:
        n += leb(b + n, (uint64_t)(ev->domain + 1));
        break;
    case HV_EV_P2M_UPDATE:
        n += leb(b + n, (uint64_t)(ev->domain + 1));
        n += leb(b + n, ev->a);
        n += leb(b + n, ev->b);
        n += leb(b + n, ev->c);
        n += leb(b + n, ev->flags);
        n += leb(b + n, sid);
        break;
    case HV_EV_SWITCH:
        n += leb(b + n, (uint64_t)(ev->domain + 1));
        if (ev->domain >= 0)
            n += leb(b + n, ev->vcpu);
        break;
    case HV_EV_COPY:
        n += leb(b + n, ev->a);
        n += leb(b + n, ev->b);
        n += leb(b + n, ev->c);
        break;
    case HV_EV_CLEAN:
        n += leb(b + n, ev->a);
        n += leb(b + n, ev->c);
        break;
    case HV_EV_ACCESS:
        n += leb(b + n, ev->flags);
        n += leb(b + n, ev->a);
        n += leb(b + n, ev->c);
        break;
    case HV_EV_BEGIN:
        n += leb(b + n, (uint64_t)trace_op_code(ev->op));
        n += leb(b + n, (uint64_t)(ev->domain + 1));
        break;
    case HV_EV_END:
        n += leb(b + n, (uint64_t)trace_op_code(ev->op));
        break;
    default:
        break;
    }
    tw_put(w, b, n);
}

void trace_bin_write_end(struct trace_writer *w)
{
    uint8_t op = TB_REC_END;
    tw_put(w, &op, 1);
    put_leb(w, w->events);
}
