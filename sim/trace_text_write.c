/* The text form, as the writer produces it: one canonical spelling of each
 * field (decimal cycles, 0x hex addresses and sizes, symbolic flags,
 * strings always quoted), so that text -> binary -> text gives the same
 * bytes. */
#include <inttypes.h>
#include <string.h>

#include "sim/trace_internal.h"

#define DTB_LINE_BYTES 32

static void put_string(struct trace_writer *w, const char *s)
{
    char buf[4 * 256 + 8];
    size_t n = 0;
    buf[n++] = '"';
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (n + 8 >= sizeof buf) {
            tw_put(w, buf, n);
            n = 0;
        }
        if (*p == '"' || *p == '\\') {
            buf[n++] = '\\';
            buf[n++] = (char)*p;
        } else if (*p < 0x20 || *p >= 0x7f) {
            static const char hex[] = "0123456789abcdef";
            buf[n++] = '\\';
            buf[n++] = 'x';
            buf[n++] = hex[*p >> 4];
            buf[n++] = hex[*p & 15];
        } else {
            buf[n++] = (char)*p;
        }
    }
    buf[n++] = '"';
    tw_put(w, buf, n);
}

void trace_text_write_header(struct trace_writer *w, const struct trace_header *h)
{
    tw_printf(w, "%s %d\n", TRACE_TEXT_MAGIC, TRACE_FORMAT_VERSION);
    static const char *const kinds[] = {"builtin", "dtb", "file"};
    tw_printf(w, "platform %s ", kinds[h->platform_kind]);
    put_string(w, h->platform);
    if (h->platform_kind == TRACE_PLATFORM_DTB) {
        tw_printf(w, " %zu\n", h->dtb_size);
        static const char hex[] = "0123456789abcdef";
        for (size_t i = 0; i < h->dtb_size; i += DTB_LINE_BYTES) {
            char line[8 + 2 * DTB_LINE_BYTES];
            size_t n = 0;
            memcpy(line, "dtb ", 4);
            n = 4;
            for (size_t j = i; j < h->dtb_size && j < i + DTB_LINE_BYTES; j++) {
                line[n++] = hex[h->dtb[j] >> 4];
                line[n++] = hex[h->dtb[j] & 15];
            }
            line[n++] = '\n';
            tw_put(w, line, n);
        }
    } else {
        tw_put(w, "\n", 1);
    }
    tw_printf(w, "fdt-size %" PRIu64 "\nmodule ", h->fdt_size);
    put_string(w, h->module);
    tw_put(w, "\n", 1);
    for (unsigned i = 0; i < h->noptions; i++) {
        tw_put(w, "option ", 7);
        put_string(w, h->options[i]);
        tw_put(w, "\n", 1);
    }
    tw_printf(w, "mpu-regions %u\nel1-mpu-regions %u\n", h->mpu_regions, h->el1_mpu_regions);
    for (unsigned i = 0; i < h->nnotes; i++) {
        tw_put(w, "note ", 5);
        put_string(w, h->notes[i]);
        tw_put(w, "\n", 1);
    }
    tw_put(w, "events\n", 7);
}

static void put_vcpu(struct trace_writer *w, int32_t domain, uint32_t vcpu)
{
    if (domain < 0)
        tw_put(w, "idle", 4);
    else
        tw_printf(w, "d%dv%" PRIu32, domain + HV_DOMID_FIRST, vcpu);
}

static void put_flags(struct trace_writer *w, uint32_t flags)
{
    char sym[8];
    if (trace_flags_symbol(flags, sym))
        tw_printf(w, " %s", sym);
    else
        tw_printf(w, " 0x%" PRIx32, flags);
}

void trace_text_write_event(struct trace_writer *w, const struct hv_event *ev)
{
    tw_printf(w, "%" PRIu64 " ", ev->cycle);
    if (ev->core == HV_ALL_CORES)
        tw_put(w, "all ", 4);
    else
        tw_printf(w, "c%" PRIu32 " ", ev->core);
    put_vcpu(w, ev->ctx_domain, ev->ctx_vcpu);
    switch ((enum hv_ev_kind)ev->kind) {
    case HV_EV_MAP:
        tw_printf(w, " %s 0x%" PRIx64 "+0x%" PRIx64, trace_op_name(ev->op), ev->a, ev->b);
        put_flags(w, ev->flags);
        tw_printf(w, " %s ", trace_owner_name(ev->owner));
        if (ev->domid == HV_DOMID_XEN)
            tw_put(w, "xen ", 4);
        else
            tw_printf(w, "%" PRIu32 " ", ev->domid);
        put_string(w, ev->purpose);
        break;
    case HV_EV_MAP_DOMAIN_PAGE:
    case HV_EV_UNMAP_DOMAIN_PAGE:
        tw_printf(w, " %s 0x%" PRIx64, hv_ev_kind_name((enum hv_ev_kind)ev->kind), ev->a);
        break;
    case HV_EV_CREATE_DOMAIN:
        tw_printf(w, " create_domain d%d", ev->domain + HV_DOMID_FIRST);
        break;
    case HV_EV_P2M_UPDATE:
        tw_printf(w, " p2m_update d%d 0x%" PRIx64 " 0x%" PRIx64 "+0x%" PRIx64,
                  ev->domain + HV_DOMID_FIRST, ev->a, ev->b, ev->c);
        put_flags(w, ev->flags);
        tw_put(w, " ", 1);
        put_string(w, ev->purpose);
        break;
    case HV_EV_SWITCH:
        tw_put(w, " switch ", 8);
        put_vcpu(w, ev->domain, ev->vcpu);
        break;
    case HV_EV_COPY:
        tw_printf(w, " copy 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64, ev->a, ev->b, ev->c);
        break;
    case HV_EV_CLEAN:
        tw_printf(w, " clean 0x%" PRIx64 " 0x%" PRIx64, ev->a, ev->c);
        break;
    case HV_EV_BEGIN:
    case HV_EV_END:
        tw_printf(w, " %s %s", hv_ev_kind_name((enum hv_ev_kind)ev->kind), trace_op_name(ev->op));
        if (ev->kind == HV_EV_BEGIN && ev->domain >= 0)
            tw_printf(w, " d%d", ev->domain + HV_DOMID_FIRST);
        break;
    case HV_EV_PHASE:
        tw_printf(w, " phase %s", ev->a ? "runtime" : "boot");
        break;
    case HV_EV_ACCESS:
        tw_printf(w, " access %s 0x%" PRIx64 " 0x%" PRIx64,
                  ev->flags == HV_ACCESS_ZERO ? "zero" : ev->flags ? "write" : "read", ev->a, ev->c);
        break;
    default:
        tw_printf(w, " %s", hv_ev_kind_name((enum hv_ev_kind)ev->kind));
        break;
    }
    tw_put(w, "\n", 1);
}

void trace_text_write_end(struct trace_writer *w)
{
    tw_printf(w, "end %" PRIu64 "\n", w->events);
}
