/* The address space of a user-mode process: a page map from virtual page
 * to host memory and protection, the bus and translation the core sees
 * (physical = virtual; the translation checks PROT_* and faults on holes),
 * and copies between the process and the host for system calls. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/cpu.h"
#include "sim/user_internal.h"

/* Top of the region non-fixed mmaps are carved from, downwards; the stack
 * sits above it. */
#define UMMAP_TOP UINT64_C(0x7fff00000000)

void uspace_init(struct uspace *as)
{
    memset(as, 0, sizeof *as);
    as->mmap_next = UMMAP_TOP;
}

void uspace_free(struct uspace *as)
{
    for (unsigned i = 0; i < URADIX_SIZE; i++) {
        struct upage **l2 = as->l1[i];
        if (!l2)
            continue;
        for (unsigned j = 0; j < URADIX_SIZE; j++)
            free(l2[j]);
        free(l2);
    }
    struct uchunk *c = as->chunks;
    while (c) {
        struct uchunk *next = c->next;
        munmap(c->base, c->len);
        free(c);
        c = next;
    }
    memset(as, 0, sizeof *as);
}

static struct upage *page_slot(struct uspace *as, uint64_t va, bool create)
{
    uint64_t pn = va >> UPAGE_SHIFT;
    unsigned i1 = (unsigned)(pn >> (2 * URADIX_BITS)) & (URADIX_SIZE - 1);
    unsigned i2 = (unsigned)(pn >> URADIX_BITS) & (URADIX_SIZE - 1);
    unsigned i3 = (unsigned)pn & (URADIX_SIZE - 1);
    if (va >= UVA_LIMIT)
        return NULL;
    struct upage **l2 = as->l1[i1];
    if (!l2) {
        if (!create)
            return NULL;
        l2 = as->l1[i1] = calloc(URADIX_SIZE, sizeof *l2);
        if (!l2)
            return NULL;
    }
    struct upage *l3 = l2[i2];
    if (!l3) {
        if (!create)
            return NULL;
        l3 = l2[i2] = calloc(URADIX_SIZE, sizeof *l3);
        if (!l3)
            return NULL;
    }
    return &l3[i3];
}

const struct upage *uspace_page(const struct uspace *as, uint64_t va)
{
    const struct upage *pg = page_slot((struct uspace *)as, va, false);
    return pg && (pg->prot & UPROT_MAPPED) ? pg : NULL;
}

bool uspace_free_range(const struct uspace *as, uint64_t va, uint64_t len)
{
    if (va >= UVA_LIMIT || len > UVA_LIMIT - va)
        return false;
    for (uint64_t a = va; a < va + len; a += UPAGE_SIZE)
        if (uspace_page(as, a))
            return false;
    return true;
}

/* Code at a virtual address may have been decoded under its old mapping
 * (physical = virtual), and the soft TLB may hold the old host pointers. */
static void mapping_changed(struct user_proc *p, uint64_t va, uint64_t len)
{
    if (!p->cpu)
        return;
    cpu_cluster_code_written(p->cluster, va, len);
    cpu_tlb_flush(p->cpu);
}

int uspace_map(struct user_proc *p, uint64_t va, uint64_t len, unsigned prot)
{
    struct uspace *as = &p->as;
    if ((va | len) & UPAGE_MASK || len == 0 || va >= UVA_LIMIT || len > UVA_LIMIT - va)
        return -EINVAL;
    /* MAP_NORESERVE: the host backs only the pages the process touches. */
    void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                     -1, 0);
    if (mem == MAP_FAILED)
        return -ENOMEM;
    struct uchunk *ch = malloc(sizeof *ch);
    if (!ch) {
        munmap(mem, len);
        return -ENOMEM;
    }
    ch->base = mem;
    ch->len = len;
    ch->next = as->chunks;
    as->chunks = ch;
    for (uint64_t off = 0; off < len; off += UPAGE_SIZE) {
        struct upage *pg = page_slot(as, va + off, true);
        if (!pg)
            return -ENOMEM;
        if (!(pg->prot & UPROT_MAPPED))
            as->pages_mapped++;
        pg->host = (uint8_t *)mem + off;
        pg->prot = (uint8_t)((prot & (UPROT_R | UPROT_W | UPROT_X)) | UPROT_MAPPED);
    }
    if (as->pages_mapped > as->pages_peak)
        as->pages_peak = as->pages_mapped;
    mapping_changed(p, va, len);
    return 0;
}

void uspace_unmap(struct user_proc *p, uint64_t va, uint64_t len)
{
    struct uspace *as = &p->as;
    for (uint64_t a = va; a < va + len && a < UVA_LIMIT; a += UPAGE_SIZE) {
        struct upage *pg = page_slot(as, a, false);
        if (pg && (pg->prot & UPROT_MAPPED)) {
            pg->prot = 0;
            pg->host = NULL;
            as->pages_mapped--;
        }
    }
    mapping_changed(p, va, len);
}

int uspace_protect(struct user_proc *p, uint64_t va, uint64_t len, unsigned prot)
{
    struct uspace *as = &p->as;
    if (va >= UVA_LIMIT || len > UVA_LIMIT - va)
        return -ENOMEM;
    for (uint64_t a = va; a < va + len; a += UPAGE_SIZE)
        if (!uspace_page(as, a))
            return -ENOMEM;
    for (uint64_t a = va; a < va + len; a += UPAGE_SIZE) {
        struct upage *pg = page_slot(as, a, false);
        pg->prot = (uint8_t)((prot & (UPROT_R | UPROT_W | UPROT_X)) | UPROT_MAPPED);
    }
    mapping_changed(p, va, len);
    return 0;
}

uint64_t uspace_find_free(struct uspace *as, uint64_t len)
{
    /* Top-down first fit below the last non-fixed mapping, then from the
     * top again (after munmaps) before giving up. */
    for (int pass = 0; pass < 2; pass++) {
        uint64_t top = pass ? UMMAP_TOP : as->mmap_next;
        while (top >= len && top - len > as->brk_cur + (UINT64_C(1) << 30)) {
            uint64_t va = top - len;
            if (uspace_free_range(as, va, len)) {
                as->mmap_next = va;
                return va;
            }
            /* skip below the mapped page that blocked this range */
            uint64_t a = top;
            while (a > va && !uspace_page(as, a - UPAGE_SIZE))
                a -= UPAGE_SIZE;
            top = a - UPAGE_SIZE;
        }
    }
    return 0;
}

/* ---- copies ---- */

static int copy(const struct uspace *as, uint64_t va, void *buf, size_t len, unsigned need,
                bool to_process)
{
    uint8_t *b = buf;
    while (len) {
        const struct upage *pg = uspace_page(as, va);
        if (!pg || (need && !(pg->prot & need)))
            return -EFAULT;
        size_t off = va & UPAGE_MASK;
        size_t n = UPAGE_SIZE - off;
        if (n > len)
            n = len;
        if (to_process)
            memcpy(pg->host + off, b, n);
        else
            memcpy(b, pg->host + off, n);
        b += n;
        va += n;
        len -= n;
    }
    return 0;
}

int uspace_read(const struct uspace *as, uint64_t va, void *buf, size_t len)
{
    return copy(as, va, buf, len, UPROT_R, false);
}

int uspace_write(const struct uspace *as, uint64_t va, const void *buf, size_t len)
{
    return copy(as, va, (void *)buf, len, UPROT_W, true);
}

int uspace_poke(const struct uspace *as, uint64_t va, const void *buf, size_t len)
{
    return copy(as, va, (void *)buf, len, 0, true);
}

int uspace_read_str(const struct uspace *as, uint64_t va, char *buf, size_t max)
{
    for (size_t k = 0; k < max; k++) {
        if (uspace_read(as, va + k, &buf[k], 1))
            return -EFAULT;
        if (!buf[k])
            return 0;
    }
    return -ENAMETOOLONG;
}

/* ---- what the core sees ---- */

static uint8_t *user_host_ptr(void *ctx, uint64_t pa, bool write)
{
    struct user_proc *p = ctx;
    const struct upage *pg = uspace_page(&p->as, pa);
    return pg ? pg->host + (pa & UPAGE_MASK) : NULL;
}

/* Nothing but memory exists in a process. */
static int user_mmio_read(void *ctx, uint64_t pa, unsigned size, uint64_t *val)
{
    *val = 0;
    return CPU_BUS_DECODE_ERROR;
}

static int user_mmio_write(void *ctx, uint64_t pa, unsigned size, uint64_t val)
{
    return CPU_BUS_DECODE_ERROR;
}

/* Fault status codes of a 4 KiB-granule walk ending at level 3. */
enum { FSC_TRANSLATION_L3 = 0x07, FSC_PERMISSION_L3 = 0x0F, FSC_TRANSLATION_L0 = 0x04 };

static int user_translate(void *ctx, struct cpu *cpu, const struct cpu_xlat_req *req,
                          struct cpu_xlat *out, struct cpu_fault *fault)
{
    struct user_proc *p = ctx;
    fault->stage = 1;
    if (req->va >= UVA_LIMIT) {
        fault->level = 0;
        fault->fsc = FSC_TRANSLATION_L0;
        return -1;
    }
    const struct upage *pg = uspace_page(&p->as, req->va);
    if (!pg) {
        fault->level = 3;
        fault->fsc = FSC_TRANSLATION_L3;
        return -1;
    }
    unsigned need = req->kind == CPU_ACC_WRITE ? UPROT_W : req->kind == CPU_ACC_EXEC ? UPROT_X : UPROT_R;
    if (!(pg->prot & need)) {
        fault->level = 3;
        fault->fsc = FSC_PERMISSION_L3;
        return -1;
    }
    out->pa = req->va;
    out->page_ok = true;
    return 0;
}

static const struct cpu_xlat_ops user_xlat = {
    .translate = user_translate,
};

struct cpu_bus uspace_bus(struct user_proc *p)
{
    struct cpu_bus bus = {p, user_host_ptr, user_mmio_read, user_mmio_write};
    return bus;
}

void uspace_attach_xlat(struct user_proc *p)
{
    cpu_set_xlat(p->cpu, &user_xlat, p);
}
