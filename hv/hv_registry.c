/* Finding a module: built-in ones by name, others in a shared object that
 * exports HV_MODULE_SYMBOL.  A shared object is checked before anything of
 * it is used: its API version first (the first member, the one field whose
 * place every version keeps), then the operations the core cannot do
 * without. */
#include <dlfcn.h>
#include <string.h>

#include "hv/hv_builtin.h"

static const struct hv_module_ops *const builtins[] = {
    &hv_module_xen_mpu,
    &hv_module_xen_mmu,
};

#define NBUILTINS (sizeof builtins / sizeof builtins[0])

const struct hv_module_ops *hv_find_module(const char *name)
{
    for (size_t i = 0; i < NBUILTINS; i++)
        if (strcmp(builtins[i]->name, name) == 0)
            return builtins[i];
    return NULL;
}

const char *hv_builtin_name(size_t i)
{
    return i < NBUILTINS ? builtins[i]->name : NULL;
}

static bool looks_like_path(const char *name)
{
    size_t n = strlen(name);
    return strchr(name, '/') || (n > 3 && strcmp(name + n - 3, ".so") == 0);
}

/* The state buffer is allocated by the core; a module asking for more than
 * this is more likely a corrupt table than a real need. */
#define HV_MAX_STATE_SIZE ((size_t)256 << 20)

static int check_ops(const struct hv_module_ops *ops, const char *what, struct msa_error *err)
{
    if (ops->api_version != HV_API_VERSION)
        return msa_error_set(err,
                             "--hv %s: the module was built for plug-in API version %u, this msasim "
                             "implements version %u: rebuild it against this hv/hv.h",
                             what, ops->api_version, HV_API_VERSION);
    if (!ops->name || !*ops->name)
        return msa_error_set(err, "--hv %s: the module has no name", what);
    if (ops->state_size > HV_MAX_STATE_SIZE)
        return msa_error_set(err, "--hv %s: module '%s' asks for %zu bytes of state, more than %zu",
                             what, ops->name, ops->state_size, HV_MAX_STATE_SIZE);
    const char *missing = !ops->boot ? "boot" : !ops->map ? "map" : !ops->regions ? "regions"
                        : !ops->shadow ? "shadow" : NULL;
    if (missing)
        return msa_error_set(err, "--hv %s: module '%s' lacks the mandatory operation '%s'", what,
                             ops->name, missing);
    return 0;
}

int hv_module_resolve(const char *name, const struct hv_module_ops **ops, void **handle,
                      struct msa_error *err)
{
    *ops = NULL;
    *handle = NULL;
    if (!name || !*name)
        return msa_error_set(err, "--hv: empty module name");
    if (!looks_like_path(name)) {
        const struct hv_module_ops *m = hv_find_module(name);
        if (!m) {
            char list[256] = "";
            for (size_t i = 0; i < NBUILTINS; i++) {
                if (i)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, builtins[i]->name, sizeof list - strlen(list) - 1);
            }
            return msa_error_set(err, "--hv %s: unknown module: expected %s, or the path of a "
                                 "shared object (./NAME.so)", name, list);
        }
        if (check_ops(m, name, err) < 0)
            return -1;
        *ops = m;
        return 0;
    }
    void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        return msa_error_set(err, "--hv %s: cannot load the shared object: %s", name,
                             why ? why : "unknown reason");
    }
    const struct hv_module_ops *m = (const struct hv_module_ops *)dlsym(h, HV_MODULE_SYMBOL);
    if (!m) {
        dlclose(h);
        return msa_error_set(err, "--hv %s: no symbol '%s': a module exports "
                             "'const struct hv_module_ops %s'", name, HV_MODULE_SYMBOL,
                             HV_MODULE_SYMBOL);
    }
    if (check_ops(m, name, err) < 0) {
        dlclose(h);
        return -1;
    }
    *ops = m;
    *handle = h;
    return 0;
}

void hv_module_release(void *handle)
{
    if (handle)
        dlclose(handle);
}
