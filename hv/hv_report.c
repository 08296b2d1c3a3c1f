/* The layout report of a run.
 *
 * JSON (stable, for machines):
 *   {
 *     "regions": [                  every region the layout defines
 *       {
 *         "slot": 0 | null,         null: a stage-2 region not loaded now
 *         "cores": [0, 1, ...],     cores whose EL2 MPU holds it in `slot`
 *         "base": int, "limit": int (last byte, inclusive), "size": int,
 *         "enabled": bool,          PRLAR.EN as programmed
 *         "prbar": int, "prlar": int,
 *         "attributes": {"ap": "ro-el2"|"rw-el2"|"ro-el2-el1"|"rw-el2-el1",
 *                        "xn": bool, "attr_index": int, "memory": "normal-wb"|...,
 *                        "shareability": "inner"|"outer"|"non"},
 *         "owner": "hv_text"|"hv_rodata"|"hv_data"|"hv_heap"|"device"|
 *                  "transient_map"|"guest_stage2"|"other",
 *         "purpose": string,
 *         "domain": "xen" | the domain's node name,
 *         "refcount": int
 *       }, ...
 *     ],
 *     "summary": {"module", "platform", "cores", "regions_implemented",
 *                 "regions_used", "regions_peak", "regions_boot_peak",
 *                 "regions_runtime_peak", "regions_mean", "headroom",
 *                 "region_failures", "map_ops", "map_cycles",
 *                 "map_domain_page_ops", "context_switches",
 *                 "context_switch_cycles_mean", "cycles",
 *                 "consistency_errors", "el2_faults", "domains", "vcpus",
 *                 "heap": {"base", "size", "assumed"}, "fdt": {"base", "size"}}
 *   }
 * Rows with a slot come first (by slot, then first core), then the ones
 * not loaded (by domain, then base).  A region present in the same slot
 * with the same contents on several cores is one row. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "sim/json_writer.h"

struct row {
    struct hv_region_info r;
    uint64_t cores;        /* bit mask, cores < 64 */
};

struct rows {
    struct row *items;
    size_t count, cap;
    bool oom;
};

static bool same(const struct hv_region_info *a, const struct hv_region_info *b)
{
    return a->slot == b->slot && a->base == b->base && a->limit == b->limit &&
           a->prbar == b->prbar && a->prlar == b->prlar && a->owner == b->owner &&
           a->domid == b->domid && a->refcount == b->refcount &&
           (a->purpose == b->purpose ||
            (a->purpose && b->purpose && strcmp(a->purpose, b->purpose) == 0));
}

static void collect(void *ctx, const struct hv_region_info *r)
{
    struct rows *rs = ctx;
    for (size_t i = 0; i < rs->count; i++)
        if (same(&rs->items[i].r, r)) {
            if (r->slot >= 0 && r->core < 64)
                rs->items[i].cores |= 1ull << r->core;
            return;
        }
    if (rs->count == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 32;
        struct row *n = realloc(rs->items, cap * sizeof *n);
        if (!n) {
            rs->oom = true;
            return;
        }
        rs->items = n;
        rs->cap = cap;
    }
    struct row *row = &rs->items[rs->count++];
    row->r = *r;
    row->cores = (r->slot >= 0 && r->core < 64) ? 1ull << r->core : 0;
}

static int lowest_core(uint64_t mask)
{
    return mask ? __builtin_ctzll(mask) : 64;
}

static int cmp_rows(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    bool la = a->r.slot >= 0, lb = b->r.slot >= 0;
    if (la != lb)
        return la ? -1 : 1;
    if (la) {
        if (a->r.slot != b->r.slot)
            return a->r.slot < b->r.slot ? -1 : 1;
        int ca = lowest_core(a->cores), cb = lowest_core(b->cores);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    } else if (a->r.domid != b->r.domid) {
        return a->r.domid < b->r.domid ? -1 : 1;
    }
    if (a->r.base != b->r.base)
        return a->r.base < b->r.base ? -1 : 1;
    return 0;
}

static void gather(const struct hv *hv, struct rows *rs)
{
    memset(rs, 0, sizeof *rs);
    hv->mod->regions(hv->state, collect, rs);
    if (rs->count)
        qsort(rs->items, rs->count, sizeof *rs->items, cmp_rows);
}

static const char *domain_name(const struct hv *hv, uint32_t domid)
{
    if (domid == HV_DOMID_XEN)
        return "xen";
    uint32_t d = domid - HV_DOMID_FIRST;
    return d < hv->info.ndomains ? hv->info.domains[d].name : "?";
}

static void write_attrs(struct json_writer *w, uint64_t prbar, uint64_t prlar)
{
    unsigned ap = (unsigned)((prbar >> MPU_PRBAR_AP_SHIFT) & 3);
    unsigned attr = (unsigned)((prlar >> MPU_PRLAR_ATTR_SHIFT) & 7);
    json_key(w, "attributes");
    json_begin_object(w);
    json_kv_string(w, "ap", hv_ap_name(ap));
    json_kv_bool(w, "xn", (prbar & MPU_PRBAR_XN_MASK) != 0);
    json_kv_uint(w, "attr_index", attr);
    json_kv_string(w, "memory", hv_mem_attr_name(attr));
    json_kv_string(w, "shareability", hv_sh_name((unsigned)((prbar >> MPU_PRBAR_SH_SHIFT) & 3)));
    json_end_object(w);
}

static void write_row(const struct hv *hv, struct json_writer *w, const struct row *row)
{
    const struct hv_region_info *r = &row->r;
    json_begin_object(w);
    json_key(w, "slot");
    if (r->slot >= 0)
        json_uint(w, (uint64_t)r->slot);
    else
        json_null(w);
    json_key(w, "cores");
    json_begin_array(w);
    bool pretty = w->pretty;
    w->pretty = false;
    for (unsigned c = 0; c < 64; c++)
        if (row->cores & (1ull << c))
            json_uint(w, c);
    json_end_array(w);
    w->pretty = pretty;
    json_kv_uint(w, "base", r->base);
    json_kv_uint(w, "limit", r->limit);
    json_kv_uint(w, "size", r->limit - r->base + 1);
    json_kv_bool(w, "enabled", (r->prlar & MPU_PRLAR_EN) != 0);
    json_kv_uint(w, "prbar", r->prbar);
    json_kv_uint(w, "prlar", r->prlar);
    write_attrs(w, r->prbar, r->prlar);
    json_kv_string(w, "owner", hv_owner_name(r->owner));
    json_kv_string(w, "purpose", r->purpose ? r->purpose : "");
    json_kv_string(w, "domain", domain_name(hv, r->domid));
    json_kv_uint(w, "refcount", r->refcount);
    json_end_object(w);
}

void hv_write_json(const struct hv *hv, FILE *out)
{
    struct rows rs;
    gather(hv, &rs);
    struct json_writer w;
    json_init(&w, out, true);
    json_begin_object(&w);
    json_key(&w, "regions");
    json_begin_array(&w);
    for (size_t i = 0; i < rs.count; i++)
        write_row(hv, &w, &rs.items[i]);
    json_end_array(&w);

    struct hv_summary s;
    hv_summary(hv, &s);
    json_key(&w, "summary");
    json_begin_object(&w);
    json_kv_string(&w, "module", hv->mod->name);
    json_kv_string(&w, "platform", hv->info.source);
    json_kv_uint(&w, "cores", s.cores);
    json_kv_uint(&w, "regions_implemented", s.regions_implemented);
    json_kv_uint(&w, "regions_used", s.regions_used);
    json_kv_uint(&w, "regions_peak", s.regions_peak);
    json_kv_uint(&w, "regions_boot_peak", s.regions_boot_peak);
    json_kv_uint(&w, "regions_runtime_peak", s.regions_runtime_peak);
    json_kv_double(&w, "regions_mean", s.regions_mean);
    json_kv_int(&w, "headroom", s.headroom);
    json_kv_uint(&w, "region_failures", s.region_failures);
    json_kv_uint(&w, "map_ops", s.map_ops);
    json_kv_uint(&w, "map_cycles", s.map_cycles);
    json_kv_uint(&w, "map_domain_page_ops", s.map_domain_page_ops);
    json_kv_uint(&w, "context_switches", s.context_switches);
    json_kv_double(&w, "context_switch_cycles_mean", s.context_switch_cycles_mean);
    json_kv_uint(&w, "cycles", s.cycles);
    json_kv_uint(&w, "consistency_errors", s.consistency_errors);
    json_kv_uint(&w, "el2_faults", s.el2_faults);
    json_kv_uint(&w, "domains", s.domains);
    json_kv_uint(&w, "vcpus", s.vcpus);
    json_key(&w, "heap");
    json_begin_object(&w);
    json_kv_uint(&w, "base", hv->info.nstatic_heap ? hv->info.static_heap[0].base : 0);
    json_kv_uint(&w, "size", hv->info.nstatic_heap ? hv->info.static_heap[0].size : 0);
    json_kv_bool(&w, "assumed", hv->heap_assumed);
    json_end_object(&w);
    json_key(&w, "fdt");
    json_begin_object(&w);
    json_kv_uint(&w, "base", hv->info.fdt.base);
    json_kv_uint(&w, "size", hv->info.fdt.size);
    json_end_object(&w);
    json_end_object(&w);
    json_end_object(&w);
    json_finish(&w);
    free(rs.items);
}

static void format_size(uint64_t v, char *buf, size_t len)
{
    static const char *const units[] = {"GiB", "MiB", "KiB"};
    static const unsigned shifts[] = {30, 20, 10};
    for (unsigned i = 0; i < 3; i++)
        if (v >= ((uint64_t)1 << shifts[i]) && !(v & (((uint64_t)1 << shifts[i]) - 1))) {
            snprintf(buf, len, "%" PRIu64 " %s", v >> shifts[i], units[i]);
            return;
        }
    snprintf(buf, len, "%" PRIu64 " B", v);
}

static void format_cores(uint64_t mask, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (!mask) {
        snprintf(buf, len, "-");
        return;
    }
    for (unsigned c = 0; c < 64 && used < len; c++) {
        if (!(mask & (1ull << c)))
            continue;
        unsigned e = c;
        while (e + 1 < 64 && (mask & (1ull << (e + 1))))
            e++;
        int n = e > c ? snprintf(buf + used, len - used, "%s%u-%u", used ? "," : "", c, e)
                      : snprintf(buf + used, len - used, "%s%u", used ? "," : "", c);
        if (n < 0)
            break;
        used += (size_t)n;
        c = e;
    }
}

/* An MMU module maps through page tables: no slots and no PRBAR/PRLAR
 * attributes to show, but page-table and TLB maintenance figures instead. */
static void write_text_mmu(const struct hv *hv, const struct rows *rs, const struct hv_summary *s,
                           FILE *out)
{
    fprintf(out, "%s on %s: %u core%s, EL2 stage-1 page tables\n\n", hv->mod->name, hv->info.source,
            s->cores, s->cores == 1 ? "" : "s");
    fprintf(out, "%-12s  %-12s  %-9s  %-13s  %-7s  %4s  %s\n", "base", "limit", "size", "owner",
            "domain", "refs", "purpose");
    for (size_t i = 0; i < rs->count; i++) {
        const struct hv_region_info *r = &rs->items[i].r;
        char size[24];
        format_size(r->limit - r->base + 1, size, sizeof size);
        fprintf(out, "0x%010" PRIx64 "  0x%010" PRIx64 "  %-9s  %-13s  %-7s  %4u  %s\n", r->base,
                r->limit, size, hv_owner_name(r->owner), domain_name(hv, r->domid), r->refcount,
                r->purpose ? r->purpose : "");
    }
    uint64_t tlbi = 0;
    for (int k = 0; k < HV_TLBI_KINDS; k++)
        tlbi += hv->tlbi_kind[k];
    fprintf(out, "\nsummary\n");
    fprintf(out, "  map operations      %" PRIu64 " (%" PRIu64 " cycles)\n", s->map_ops, s->map_cycles);
    fprintf(out, "  map_domain_page     %" PRIu64 "\n", s->map_domain_page_ops);
    fprintf(out, "  page-table pages    %" PRIu64 " (%" PRIu64 " descriptor writes)\n",
            hv->pt_pages[0] + hv->pt_pages[1], hv->pt_writes);
    fprintf(out, "  TLBI                %" PRIu64 "\n", tlbi);
    if (hv->expo)
        fprintf(out, "  exposure            %.0f byte-cycles\n", hv_expo_total(hv->expo));
    fprintf(out, "  context switches    %" PRIu64 " (%.1f cycles each)\n", s->context_switches,
            s->context_switch_cycles_mean);
    fprintf(out, "  domains             %u (%u vCPUs)\n", s->domains, s->vcpus);
    fprintf(out, "  failures            %" PRIu64 "\n", s->region_failures);
}

void hv_write_text(const struct hv *hv, FILE *out)
{
    struct rows rs;
    gather(hv, &rs);
    struct hv_summary s;
    hv_summary(hv, &s);
    if (hv->mod->profile == 'a') {
        write_text_mmu(hv, &rs, &s, out);
        free(rs.items);
        return;
    }
    fprintf(out, "%s on %s: %u core%s, %u EL2 MPU regions per core\n\n", hv->mod->name,
            hv->info.source, s.cores, s.cores == 1 ? "" : "s", s.regions_implemented);
    fprintf(out, "%4s  %-5s  %-12s  %-12s  %-8s  %-31s  %-13s  %-7s  %4s  %s\n", "slot", "cores",
            "base", "limit", "size", "attributes", "owner", "domain", "refs", "purpose");
    for (size_t i = 0; i < rs.count; i++) {
        const struct hv_region_info *r = &rs.items[i].r;
        char slot[16], cores[32], size[24], attrs[48];
        if (r->slot >= 0)
            snprintf(slot, sizeof slot, "%d", r->slot);
        else
            snprintf(slot, sizeof slot, "-");
        format_cores(rs.items[i].cores, cores, sizeof cores);
        format_size(r->limit - r->base + 1, size, sizeof size);
        hv_format_attrs(r->prbar, r->prlar, attrs, sizeof attrs);
        if (!(r->prlar & MPU_PRLAR_EN))
            strncat(attrs, " (off)", sizeof attrs - strlen(attrs) - 1);
        fprintf(out, "%4s  %-5s  0x%010" PRIx64 "  0x%010" PRIx64 "  %-8s  %-31s  %-13s  %-7s  %4u  %s\n",
                slot, cores, r->base, r->limit, size, attrs, hv_owner_name(r->owner),
                domain_name(hv, r->domid), r->refcount, r->purpose ? r->purpose : "");
    }
    fprintf(out, "\nsummary\n");
    fprintf(out, "  regions in use      %u of %u (most loaded core)\n", s.regions_used,
            s.regions_implemented);
    fprintf(out, "  peak                %u (boot %u, runtime %u)\n", s.regions_peak,
            s.regions_boot_peak, s.regions_runtime_peak);
    fprintf(out, "  headroom            %d\n", s.headroom);
    fprintf(out, "  mean                %.2f (time-weighted)\n", s.regions_mean);
    fprintf(out, "  failures            %" PRIu64 "\n", s.region_failures);
    fprintf(out, "  map operations      %" PRIu64 " (%" PRIu64 " cycles)\n", s.map_ops,
            s.map_cycles);
    fprintf(out, "  map_domain_page     %" PRIu64 "\n", s.map_domain_page_ops);
    fprintf(out, "  context switches    %" PRIu64 " (%.1f cycles each)\n", s.context_switches,
            s.context_switch_cycles_mean);
    fprintf(out, "  domains             %u (%u vCPUs)\n", s.domains, s.vcpus);
    fprintf(out, "  consistency         %s\n",
            s.consistency_errors ? "INCONSISTENT (see the messages on stderr)" : "ok");
    free(rs.items);
}
