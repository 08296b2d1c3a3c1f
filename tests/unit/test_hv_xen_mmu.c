/* xen-mmu: the page tables it writes really translate (walked with the
 * VMSA model over the page-table storage), the directmap is there or not,
 * mapcache slots are reused with a local TLBI, and a 1 GiB-aligned p2m
 * bank gets a 1 GiB block. */
#include <check.h>
#include <string.h>

#include "hv/hv_internal.h"
#include "hv/modules/xen-mmu/xen_mmu.h"
#include "mmu/mmu.h"
#include "sim/platform.h"
#include "tests/unit/check_run.h"

struct fixture {
    struct platform *plat;
    struct hv *hv;
};

static void boot(struct fixture *f, const char *const *opts, unsigned n)
{
    struct msa_error err = {{0}};
    ck_assert_int_eq(platform_load("virt", &f->plat, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = "xen-mmu";
    cfg.options = opts;
    cfg.noptions = n;
    ck_assert_int_eq(hv_create(&cfg, f->plat, NULL, &f->hv, &err), HV_RUN_OK);
    ck_assert_msg(hv_boot_run(f->hv, &err) == HV_RUN_OK, "%s", err.msg);
}

static void done(struct fixture *f)
{
    hv_destroy(f->hv);
    platform_free(f->plat);
}

static int read_pa(void *ctx, uint64_t pa, uint64_t *v)
{
    *v = hv_pt_read(ctx, pa);
    return 0;
}

/* An EL2 read of `va` on core 0 with the registers the module wrote. */
static bool el2_translate(struct hv *hv, uint64_t va, uint64_t *pa)
{
    struct mmu_tlb tlb;
    struct mmu_tlb_config tc;
    memset(&tc, 0, sizeof tc);   /* no TLBs: every translation walks */
    struct msa_error err;
    ck_assert_int_eq(mmu_tlb_init(&tlb, &tc, &err), 0);
    struct mmu_ctl ctl = {
        .regime = MMU_REGIME_EL2,
        .sctlr = hv_sysreg_value(hv, 0, HV_SYSREG_SCTLR_EL2),
        .tcr = hv_sysreg_value(hv, 0, HV_SYSREG_TCR_EL2),
        .ttbr0 = hv_sysreg_value(hv, 0, HV_SYSREG_TTBR0_EL2),
        .mair = hv_sysreg_value(hv, 0, HV_SYSREG_MAIR_EL2),
    };
    ck_assert(ctl.sctlr & MMU_SCTLR_M);
    struct mmu_bus bus = {hv, read_pa};
    struct mmu_req req = {.va = va, .type = MMU_ACC_READ, .el = 2};
    struct mmu_result res;
    bool ok = mmu_translate(&tlb, &ctl, &bus, &req, &res);
    mmu_tlb_free(&tlb);
    *pa = res.pa;
    return ok;
}

START_TEST(directmap_on_translates)
{
    static const char *const opts[] = {"directmap=on"};
    struct fixture f;
    boot(&f, opts, 1);
    uint64_t pa;
    /* virt's RAM: 1 GiB at 1 GiB; the directmap starts at its base. */
    ck_assert(el2_translate(f.hv, XMM_DIRECTMAP_VIRT_START + 0x1234568, &pa));
    ck_assert_uint_eq(pa, 0x41234568);
    /* The Xen image at XEN_VIRT_START + 2M -> RAM base + 2M. */
    ck_assert(el2_translate(f.hv, XMM_XEN_VIRT_START + XMM_IMAGE_OFF + 0x10, &pa));
    ck_assert_uint_eq(pa, 0x40200010);
    /* map_domain_page through the directmap: no table write. */
    uint64_t writes = f.hv->pt_writes, va;
    struct msa_error err;
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x50000000, &va, &err), 0);
    ck_assert_uint_eq(va, XMM_DIRECTMAP_VIRT_START + 0x10000000);
    ck_assert_uint_eq(f.hv->pt_writes, writes);
    ck_assert(f.hv->tlbi_kind[HV_TLBI_ALLE2] >= 2);   /* each CPU's MMU-on */
    done(&f);
}
END_TEST

START_TEST(directmap_off_faults_and_mapcache)
{
    static const char *const opts[] = {"directmap=off", "mapcache-slots=2"};
    struct fixture f;
    boot(&f, opts, 2);
    uint64_t pa, va[3];
    ck_assert(!el2_translate(f.hv, XMM_DIRECTMAP_VIRT_START + 0x1234000, &pa));
    struct msa_error err;
    uint64_t tlbi0 = f.hv->tlbi_kind[HV_TLBI_VALE2];
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x50000000, &va[0], &err), 0);
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x50001000, &va[1], &err), 0);
    ck_assert_uint_ne(va[0], va[1]);
    ck_assert(el2_translate(f.hv, va[1] + 8, &pa));
    ck_assert_uint_eq(pa, 0x50001008);
    /* Both slots held: a third page cannot be mapped. */
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x50002000, &va[2], &err), HV_RUN_FAILED);
    ck_assert_int_eq(hv_unmap_domain_page(f.hv, 0, va[0], &err), 0);
    /* The freed slot is recycled: new PTE and one local TLBI. */
    ck_assert_int_eq(hv_map_domain_page(f.hv, 0, 0x50002000, &va[2], &err), 0);
    ck_assert_uint_eq(va[2], va[0]);
    ck_assert_uint_eq(f.hv->tlbi_kind[HV_TLBI_VALE2], tlbi0 + 1);
    ck_assert(el2_translate(f.hv, va[2], &pa));
    ck_assert_uint_eq(pa, 0x50002000);
    done(&f);
}
END_TEST

/* Walks a p2m from its concatenated level-1 root: the leaf level. */
static int p2m_leaf_level(struct hv *hv, uint64_t root, uint64_t ipa, uint64_t *oa)
{
    uint64_t table = root;
    for (int l = 1; l <= 3; l++) {
        unsigned shift = 12u + 9u * (unsigned)(3 - l);
        uint64_t n = l == 1 ? 1024 : 512;
        uint64_t d = hv_pt_read(hv, table + ((ipa >> shift) & (n - 1)) * 8);
        if (!(d & 1))
            return -1;
        if (l == 3 || (d & 3) == 1) {
            *oa = d & MMU_DESC_OA_MASK;
            return l;
        }
        table = d & MMU_DESC_OA_MASK;
    }
    return -1;
}

static void p2m_case(bool superpages, int want_level)
{
    const char *opts[] = {superpages ? "superpages=on" : "superpages=off"};
    struct fixture f;
    boot(&f, opts, 1);
    struct hv *hv = f.hv;
    struct xmm_state *st = hv->state;
    /* A domain made by hand (virt describes none). */
    ck_assert_int_eq(xmm_alloc_pages2(st, &hv->hal, HV_PT_P2M, &st->dom[0].root), 0);
    st->dom[0].created = true;
    st->dom[0].vmid = 1;
    ck_assert_int_eq(hv->mod->p2m_update(hv->state, &hv->hal, 0, 0x40000000, 0x40000000,
                                          0x40000000, HV_MAP_GUEST_RAM, "test"), 0);
    uint64_t oa;
    ck_assert_int_eq(p2m_leaf_level(hv, st->dom[0].root, 0x40123000, &oa), want_level);
    ck_assert_uint_eq(oa + (0x40123000 & ((1ull << (12 + 9 * (3 - want_level))) - 1)),
                      0x40123000);
    ck_assert_uint_eq(st->dom[0].blocks[want_level], superpages ? 1 : 262144);
    done(&f);
}

START_TEST(p2m_uses_1g_block) { p2m_case(true, 1); }
END_TEST

START_TEST(p2m_without_superpages_uses_pages) { p2m_case(false, 3); }
END_TEST

START_TEST(bad_option)
{
    static const char *const opts[] = {"directmap=maybe"};
    struct msa_error err = {{0}};
    struct platform *plat;
    ck_assert_int_eq(platform_load("virt", &plat, &err), 0);
    struct hv_config cfg;
    hv_config_default(&cfg);
    cfg.module = "xen-mmu";
    cfg.options = opts;
    cfg.noptions = 1;
    struct hv *hv;
    ck_assert_int_eq(hv_create(&cfg, plat, NULL, &hv, &err), HV_RUN_BAD_INPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "directmap=on or directmap=off"));
    platform_free(plat);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hv_xen_mmu");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, directmap_on_translates);
    tcase_add_test(tc, directmap_off_faults_and_mapcache);
    tcase_add_test(tc, p2m_uses_1g_block);
    tcase_add_test(tc, p2m_without_superpages_uses_pages);
    tcase_add_test(tc, bad_option);
    suite_add_tcase(s, tc);
    return check_run(s);
}
