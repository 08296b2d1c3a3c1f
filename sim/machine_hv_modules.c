/* Guests named by the device tree: a platform with /chosen xen,domain
 * nodes (dom0less) says where each domain's kernel, ramdisk and device
 * tree lie in memory when the hypervisor starts (their multiboot module
 * nodes' reg); `run --hv MODULE --module ADDR:FILE ...` puts the files
 * there, as a bootloader would, and the model builds the domains from
 * them.
 *
 * A kernel file is an arm64 Image, placed at the module's address as it
 * is, or an ELF linked where the domain runs (it is loaded at its own
 * addresses, then moved to the module's, so that the hypervisor's domain
 * construction copies it back).  Any other module file (a ramdisk, a
 * partial device tree) is placed byte for byte.  Each domain's entry point
 * is the ELF's, or the start of its first static-memory bank for an
 * Image, where the hypervisor puts the kernel. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "sim/loader.h"
#include "sim/machine.h"
#include "sim/platform.h"
#include "sim/ram.h"
#include "sim/symbols.h"

struct module_file {
    uint64_t addr;
    const char *path;
    bool used;
};

/* ADDR:FILE.  The path may itself hold colons after the first one. */
static int parse_module_arg(const char *arg, struct module_file *out, struct msa_error *err)
{
    const char *colon = strchr(arg, ':');
    char *end;
    if (!colon || colon == arg || !colon[1])
        return msa_error_set(err, "--module %s: expected ADDR:FILE, e.g. 0x11000000:guest.Image",
                             arg);
    unsigned long long addr = strtoull(arg, &end, 0);
    if (end != colon)
        return msa_error_set(err, "--module %s: '%.*s' is not an address", arg,
                             (int)(colon - arg), arg);
    *out = (struct module_file){.addr = addr, .path = colon + 1};
    return 0;
}

/* The file given for module `mod` of `dom`, or NULL with an error. */
static struct module_file *file_for(struct module_file *files, unsigned n,
                                    const struct platform *p, const struct platform_domain *dom,
                                    const struct platform_module *mod, struct msa_error *err)
{
    for (unsigned i = 0; i < n; i++) {
        if (files[i].addr != mod->base)
            continue;
        if (files[i].used) {
            msa_error_set(err, "--module 0x%" PRIx64 ":%s: two modules of %s start there", mod->base,
                          files[i].path, p->source);
            return NULL;
        }
        files[i].used = true;
        return &files[i];
    }
    msa_error_set(err, "%s: /chosen/%s/%s (%s at 0x%" PRIx64 "): no file for it; give "
                  "--module 0x%" PRIx64 ":FILE", p->source, dom->name, mod->name,
                  platform_module_kind_name(mod->kind), mod->base, mod->base);
    return NULL;
}

static int load_kernel(struct machine *m, const struct platform_domain *dom,
                       const struct platform_module *mod, const char *path, bool first,
                       uint64_t *entry, struct msa_error *err)
{
    const struct platform_range *bank = dom->static_mem.count ? &dom->static_mem.items[0] : NULL;
    if (!bank)
        return msa_error_set(err, "%s: /chosen/%s: no xen,static-mem: msasim runs dom0less "
                             "guests in static memory only", m->plat->source, dom->name);
    struct loaded_image img;
    if (load_file_auto(m->ram, path, mod->base, &img, err) < 0)
        return -1;
    int rc = 0;
    if (img.low == mod->base) {
        /* An Image: it lies at the module's address; the hypervisor puts
         * it at the start of the bank and enters it there. */
        *entry = bank->base;
    } else if (img.low < bank->base || img.high > bank->base + bank->size) {
        rc = msa_error_set(err, "%s: linked at [0x%" PRIx64 ", 0x%" PRIx64 "), outside "
                           "/chosen/%s's memory [0x%" PRIx64 ", 0x%" PRIx64 "): link the guest "
                           "at its domain's address", path, img.low, img.high, dom->name,
                           bank->base, bank->base + bank->size);
    } else if (img.low != bank->base) {
        rc = msa_error_set(err, "%s: starts at 0x%" PRIx64 ", not at the start of /chosen/%s's "
                           "memory (0x%" PRIx64 ") where the hypervisor copies the kernel",
                           path, img.low, dom->name, bank->base);
    } else {
        *entry = img.entry;
        rc = machine_hv_move_image(m, path, &img, mod->base, mod->size, err);
    }
    if (rc == 0 && img.high - img.low > mod->size)
        rc = msa_error_set(err, "%s: 0x%" PRIx64 " bytes do not fit /chosen/%s/%s (0x%" PRIx64
                           " bytes)", path, img.high - img.low, dom->name, mod->name, mod->size);
    if (rc == 0) {
        cpu_cluster_code_written(m->cluster, img.low, img.high - img.low);
        if (first) {
            symbols_free(m->syms);
            m->syms = img.syms;
            img.syms = NULL;
        }
    }
    loaded_image_release(&img);
    return rc;
}

static int load_other_module(struct machine *m, const struct platform_domain *dom,
                     const struct platform_module *mod, const char *path, struct msa_error *err)
{
    struct loaded_image img;
    if (load_raw(m->ram, path, mod->base, &img, err) < 0)
        return -1;
    uint64_t len = img.high - img.low;
    loaded_image_release(&img);
    if (len > mod->size)
        return msa_error_set(err, "%s: 0x%" PRIx64 " bytes do not fit /chosen/%s/%s (0x%" PRIx64
                             " bytes)", path, len, dom->name, mod->name, mod->size);
    return 0;
}

int machine_hv_load_modules(struct machine *m, const char *const *modules, unsigned nmodules,
                            uint64_t *entries, struct msa_error *err)
{
    const struct platform *p = m->plat;
    struct module_file *files = calloc(nmodules ? nmodules : 1, sizeof *files);
    if (!files)
        return msa_error_set(err, "out of memory");
    int rc = 0;
    for (unsigned i = 0; rc == 0 && i < nmodules; i++)
        rc = parse_module_arg(modules[i], &files[i], err);
    for (size_t d = 0; rc == 0 && d < p->domains.count; d++) {
        const struct platform_domain *dom = &p->domains.items[d];
        bool have_kernel = false;
        for (size_t k = 0; rc == 0 && k < dom->modules.count; k++) {
            const struct platform_module *mod = &dom->modules.items[k];
            if (mod->size == 0) {
                rc = msa_error_set(err, "%s: /chosen/%s/%s has no reg (a UEFI boot's "
                                   "xen,uefi-binary?): msasim needs the module's address",
                                   p->source, dom->name, mod->name);
                break;
            }
            struct module_file *f = file_for(files, nmodules, p, dom, mod, err);
            if (!f) {
                rc = -1;
                break;
            }
            if (mod->kind == PLATFORM_MODULE_KERNEL) {
                rc = load_kernel(m, dom, mod, f->path, d == 0, &entries[d], err);
                have_kernel = true;
            } else {
                rc = load_other_module(m, dom, mod, f->path, err);
            }
        }
        if (rc == 0 && !have_kernel)
            rc = msa_error_set(err, "%s: /chosen/%s has no multiboot,kernel module: nothing to "
                               "run in it", p->source, dom->name);
    }
    for (unsigned i = 0; rc == 0 && i < nmodules; i++)
        if (!files[i].used)
            rc = msa_error_set(err, "--module %s: no module of %s's xen,domain nodes starts at "
                               "0x%" PRIx64, modules[i], p->source, files[i].addr);
    free(files);
    return rc;
}
