/* xen-mpu: options, the operations table, and what the module reports
 * (its regions, its view of each slot). */
#include "hv/hv_builtin.h"
#include "hv/modules/xen-mpu/xen_mpu.h"

static const struct hv_option_doc xm_options[] = {
    {"alloc", "first-fit|reserved=N|prenr", "first-fit",
     "first-fit: one shared pool of slots (upstream); reserved=N: N slots at the top\n"
     "      kept for guest stage 2; prenr: guest regions resident in 0-31, switched by\n"
     "      one PRENR write (Bao)"},
    {"map-domain-page", "transient|ram", "transient",
     "a region per map_domain_page (upstream), or regions over all RAM mapped at boot"},
    {"disable", "prlar|prenr-upstream", "prlar",
     "how a region is disabled: PRLAR.EN cleared, or upstream's PRENR test (no effect on 32+)"},
    {"early-printk", "on|off", "on", "the early UART boot region (CONFIG_EARLY_PRINTK)"},
    {"el1-context", "on|off", "on", "save and restore the guest's EL1 MPU at context switch"},
    {"xen-start", "ADDR", "RAM base + 2 MiB", "XEN_START_ADDRESS (4 KiB-aligned)"},
    {"text-size", "SIZE", "768K", "section sizes of the Xen image, whole 4 KiB pages"},
    {"rodata-size", "SIZE", "192K", NULL},
    {"ro-after-init-size", "SIZE", "4K", NULL},
    {"data-size", "SIZE", "128K", NULL},
    {"init-text-size", "SIZE", "192K", NULL},
    {"init-data-size", "SIZE", "156K", NULL},
    {"bss-size", "SIZE", "256K", NULL},
    {NULL, NULL, NULL, NULL},
};

static int onoff(struct hv_hal *h, const char *key, const char *v, bool *out)
{
    if (hv_streq(v, "on"))
        *out = true;
    else if (hv_streq(v, "off"))
        *out = false;
    else {
        h->ops->errorf(h, "expected %s=on or %s=off", key, key);
        return HV_ERR_BADCFG;
    }
    return HV_OK;
}

static int size_option(struct hv_hal *h, const char *key, const char *v, uint64_t *out)
{
    uint64_t n;
    if (hv_parse_u64(v, &n) < 0 || (n & (HV_PAGE_SIZE - 1)) || n > ((uint64_t)1 << 32)) {
        h->ops->errorf(h, "expected %s=SIZE in whole 4 KiB pages, at most 4G", key);
        return HV_ERR_BADCFG;
    }
    *out = n;
    return HV_OK;
}

static int xm_set_option(void *state, struct hv_hal *h, const char *key, const char *v)
{
    struct xm_state *st = state;
    const char *rest;
    if (hv_streq(key, "alloc")) {
        uint64_t n;
        if (hv_streq(v, "first-fit"))
            st->alloc = XM_ALLOC_FIRST_FIT;
        else if (hv_streq(v, "prenr"))
            st->alloc = XM_ALLOC_PRENR;
        else if (hv_starts_with(v, "reserved=", &rest) && hv_parse_u64(rest, &n) == 0 && n > 0 &&
                 n < 256) {
            st->alloc = XM_ALLOC_RESERVED;
            st->reserved = (unsigned)n;
        } else {
            h->ops->errorf(h, "expected alloc=first-fit, alloc=reserved=N (N from 1 to 255) or "
                           "alloc=prenr");
            return HV_ERR_BADCFG;
        }
        return HV_OK;
    }
    if (hv_streq(key, "map-domain-page")) {
        if (hv_streq(v, "transient"))
            st->mdp = XM_MDP_TRANSIENT;
        else if (hv_streq(v, "ram"))
            st->mdp = XM_MDP_RAM;
        else {
            h->ops->errorf(h, "expected map-domain-page=transient or map-domain-page=ram");
            return HV_ERR_BADCFG;
        }
        return HV_OK;
    }
    if (hv_streq(key, "disable")) {
        if (hv_streq(v, "prlar"))
            st->disable = XM_DISABLE_PRLAR;
        else if (hv_streq(v, "prenr-upstream"))
            st->disable = XM_DISABLE_PRENR_UPSTREAM;
        else {
            h->ops->errorf(h, "expected disable=prlar or disable=prenr-upstream");
            return HV_ERR_BADCFG;
        }
        return HV_OK;
    }
    if (hv_streq(key, "early-printk"))
        return onoff(h, key, v, &st->early_printk);
    if (hv_streq(key, "el1-context"))
        return onoff(h, key, v, &st->el1_context);
    if (hv_streq(key, "xen-start")) {
        uint64_t a;
        if (hv_parse_u64(v, &a) < 0 || (a & (HV_PAGE_SIZE - 1)) || a == 0) {
            h->ops->errorf(h, "expected xen-start=ADDR, non-zero and 4 KiB-aligned");
            return HV_ERR_BADCFG;
        }
        st->lay.start = a;
        return HV_OK;
    }
    static const struct {
        const char *key;
        unsigned off;
    } sizes[] = {
        {"text-size", offsetof(struct xm_layout, text)},
        {"rodata-size", offsetof(struct xm_layout, rodata)},
        {"ro-after-init-size", offsetof(struct xm_layout, ro_after_init)},
        {"data-size", offsetof(struct xm_layout, data)},
        {"init-text-size", offsetof(struct xm_layout, init_text)},
        {"init-data-size", offsetof(struct xm_layout, init_data)},
        {"bss-size", offsetof(struct xm_layout, bss)},
    };
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (hv_streq(key, sizes[i].key))
            return size_option(h, key, v, (uint64_t *)(void *)((char *)&st->lay + sizes[i].off));
    h->ops->errorf(h, "unknown option '%s' of module xen-mpu: expected alloc, map-domain-page, "
                   "disable, early-printk, el1-context, xen-start or a *-size", key);
    return HV_ERR_BADCFG;
}

/* The state is zeroed by the core; these are the non-zero defaults, set on
 * first use because a module has no constructor. */
static void defaults(struct xm_state *st)
{
    if (st->defaults_set)
        return;
    st->defaults_set = true;
    st->lay = (struct xm_layout){
        .start = 0,
        .text = 0xC0000, .rodata = 0x30000, .ro_after_init = 0x1000, .data = 0x20000,
        .init_text = 0x30000, .init_data = 0x27000, .bss = 0x40000,
    };
    st->early_printk = true;
    st->el1_context = true;
}

static int xm_set_option_entry(void *state, struct hv_hal *h, const char *key, const char *v)
{
    defaults(state);
    return xm_set_option(state, h, key, v);
}

static int xm_boot_entry(void *state, struct hv_hal *h, const struct hv_boot_info *info)
{
    defaults(state);
    return xm_boot(state, h, info);
}

static int xm_map(void *state, struct hv_hal *h, const struct hv_map_req *req)
{
    struct xm_state *st = state;
    struct xm_req rq = {
        .base = req->base, .limit = req->base + req->size, .flags = req->flags,
        .owner = req->owner, .domid = req->domid, .purpose = req->purpose,
        .cls = XM_CLASS_HV,
    };
    if (req->size == 0 || rq.limit < rq.base) {
        h->ops->errorf(h, "map [0x%llx, +0x%llx): empty or wrapping range",
                       (unsigned long long)req->base, (unsigned long long)req->size);
        return HV_ERR_INVAL;
    }
    return req->core == HV_ALL_CORES ? xm_update_all(st, h, &rq) : xm_update(st, h, req->core, &rq);
}

/* Traps belong to `run --hv`; the boot path raises none. */
static int xm_handle_trap(void *state, struct hv_hal *h, struct hv_trap *trap)
{
    return HV_TRAP_UNHANDLED;
}

static void emit(hv_region_fn fn, void *ctx, int slot, unsigned core, uint64_t prbar,
                 uint64_t prlar, enum hv_owner owner, uint32_t domid, unsigned refcount,
                 const char *purpose)
{
    struct hv_region_info r = {
        .slot = slot, .core = core, .base = prbar & MPU_ADDR_MASK,
        .limit = (prlar & MPU_ADDR_MASK) | (MPU_GRANULE - 1), .prbar = prbar, .prlar = prlar,
        .owner = owner, .domid = domid, .refcount = refcount, .purpose = purpose,
    };
    fn(ctx, &r);
}

static void xm_regions(const void *state, hv_region_fn fn, void *ctx)
{
    const struct xm_state *st = state;
    for (unsigned c = 0; c < HV_MAX_CORES; c++) {
        if (!xm_online(st, c))
            continue;
        const struct xm_cpu *cpu = &st->cpu[c];
        for (unsigned s = 0; s < st->nslots; s++) {
            const struct xm_entry *e = &cpu->map[s];
            if (e->in_use)
                emit(fn, ctx, (int)s, c, e->prbar, e->prlar, (enum hv_owner)e->owner, e->domid,
                     e->refcount, e->purpose);
        }
    }
    /* Stage-2 regions that no core holds right now. */
    for (unsigned d = 0; d < HV_MAX_DOMAINS; d++) {
        const struct xm_domain *dom = &st->dom[d];
        if (!dom->created)
            continue;
        for (unsigned i = 0; i < dom->np2m; i++) {
            bool held = false;
            for (unsigned c = 0; c < HV_MAX_CORES && !held; c++) {
                if (!xm_online(st, c))
                    continue;
                const struct xm_cpu *cpu = &st->cpu[c];
                if (st->alloc == XM_ALLOC_PRENR)
                    held = cpu->resident[d][i] != 0;
                else
                    held = cpu->cur_domain == (int)d;
            }
            if (held)
                continue;
            const struct xm_p2m *p = &dom->p2m[i];
            emit(fn, ctx, -1, 0, xm_prbar_of(p->base, p->flags, true),
                 xm_prlar_of(p->limit, p->flags), HV_OWNER_GUEST, dom->info->domid, 0,
                 p->purpose);
        }
    }
}

static void xm_shadow(const void *state, unsigned core, unsigned slot, struct hv_shadow_slot *out)
{
    const struct xm_state *st = state;
    *out = (struct hv_shadow_slot){0};
    if (core >= HV_MAX_CORES || slot >= st->nslots || !xm_online(st, core))
        return;
    const struct xm_entry *e = &st->cpu[core].map[slot];
    out->in_use = e->in_use;
    out->expect_enabled = e->in_use && (e->prlar & MPU_PRLAR_EN);
    out->prbar = e->prbar;
    out->prlar = e->prlar;
}

const struct hv_module_ops hv_module_xen_mpu = {
    .api_version = HV_API_VERSION,
    .name = "xen-mpu",
    .description = "upstream Xen's Armv8-R MPU memory manager (xen_mpumap), dom0less domains",
    .profile = 'r',
    .state_size = sizeof(struct xm_state),
    .options = xm_options,
    .set_option = xm_set_option_entry,
    .boot = xm_boot_entry,
    .cpu_up = xm_cpu_up,
    .map = xm_map,
    .map_domain_page = xm_map_domain_page,
    .unmap_domain_page = xm_unmap_domain_page,
    .create_domain = xm_create_domain,
    .p2m_update = xm_p2m_update,
    .finish_boot = xm_finish_boot,
    .context_switch = xm_context_switch,
    .handle_trap = xm_handle_trap,
    .regions = xm_regions,
    .shadow = xm_shadow,
};
