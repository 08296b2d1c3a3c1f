/* Parameters of the cycle model: the key table, core description files
 * (KEY = VALUE lines, '#' comments, an optional `base = CORE` to start from
 * another description), overrides from the command line, and the checks
 * that make a set of values a buildable model. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/timing/internal.h"

const char *const tm_words_bp_kind[] = {"static", "bimodal", "gshare", NULL};
const char *const tm_words_repl[] = {"lru", "fifo", "random", NULL};
const char *const tm_words_write[] = {"wb", "wt", NULL};

struct tm_key {
    struct timing_key_info info;
    size_t offset;
    uint64_t min, max, def;
};

static const struct tm_key keys[] = {
#define X(key, field, words, min, max, def, doc) \
    {{key, doc, words}, offsetof(struct tm_params, field), (min), (max), (def)},
#include "cpu/timing/params_list.h"
#undef X
};
#define NKEYS (sizeof keys / sizeof keys[0])

size_t timing_key_count(void)
{
    return NKEYS;
}

const struct timing_key_info *timing_key_at(size_t i)
{
    return i < NKEYS ? &keys[i].info : NULL;
}

static const struct tm_key *find_key(const char *name, size_t len)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strlen(keys[i].info.key) == len && memcmp(keys[i].info.key, name, len) == 0)
            return &keys[i];
    return NULL;
}

static uint64_t *field_of(struct tm_params *p, const struct tm_key *k)
{
    return (uint64_t *)((char *)p + k->offset);
}

static void set_defaults(struct timing_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->name, sizeof cfg->name, "defaults");
    for (size_t i = 0; i < NKEYS; i++)
        *field_of(&cfg->p, &keys[i]) = keys[i].def;
}

struct timing_config *timing_config_defaults(void)
{
    struct timing_config *cfg = malloc(sizeof *cfg);
    if (cfg)
        set_defaults(cfg);
    return cfg;
}

struct timing_config *timing_config_clone(const struct timing_config *src)
{
    struct timing_config *cfg = malloc(sizeof *cfg);
    if (cfg)
        *cfg = *src;
    return cfg;
}

void timing_config_free(struct timing_config *cfg)
{
    free(cfg);
}

const char *timing_config_name(const struct timing_config *cfg)
{
    return cfg->name;
}

const char *const *timing_builtin_core_names(void)
{
    static const char *names[16];
    unsigned n = tm_builtin_core_count < 15 ? tm_builtin_core_count : 15;
    for (unsigned i = 0; i < n; i++)
        names[i] = tm_builtin_cores[i].name;
    names[n] = NULL;
    return names;
}

const char *timing_builtin_core_text(const char *name)
{
    for (unsigned i = 0; i < tm_builtin_core_count; i++)
        if (strcmp(tm_builtin_cores[i].name, name) == 0)
            return tm_builtin_cores[i].text;
    return NULL;
}

/* "lru, fifo or random" */
static void words_list(const char *const *w, char *buf, size_t len)
{
    buf[0] = 0;
    for (size_t i = 0; w[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i == 0 ? "" : (w[i + 1] ? ", " : " or "), w[i]);
    }
}

/* Numbers: decimal or 0x hex, with an optional K, M or G (binary). */
static int parse_number(const char *s, uint64_t *out)
{
    if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10;
    else if (*end == 'm' || *end == 'M')
        shift = 20;
    else if (*end == 'g' || *end == 'G')
        shift = 30;
    if (shift) {
        end++;
        if (v > (~0ull >> shift))
            return -1;
        v <<= shift;
    }
    if (*end)
        return -1;
    *out = v;
    return 0;
}

/* Sets key `k` from the text `val`; `where` prefixes the error. */
static int set_value(struct timing_config *cfg, const struct tm_key *k, const char *val,
                     const char *where, struct msa_error *err)
{
    uint64_t v;
    if (k->info.words) {
        for (size_t i = 0; k->info.words[i]; i++)
            if (strcmp(k->info.words[i], val) == 0) {
                *field_of(&cfg->p, k) = i;
                return 0;
            }
        char list[128];
        words_list(k->info.words, list, sizeof list);
        return msa_error_set(err, "%s%s: '%s' is not accepted; expected %s", where, k->info.key, val, list);
    }
    if (parse_number(val, &v) < 0 || v < k->min || v > k->max)
        return msa_error_set(err, "%s%s: '%s' is not accepted; expected a number from %llu to %llu", where,
                             k->info.key, val, (unsigned long long)k->min, (unsigned long long)k->max);
    *field_of(&cfg->p, k) = v;
    return 0;
}

int timing_config_set(struct timing_config *cfg, const char *assignment, struct msa_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return msa_error_set(err, "--set: '%s' is not accepted; expected KEY=VALUE (keys in cpu/timing/README.md)",
                             assignment);
    const struct tm_key *k = find_key(assignment, (size_t)(eq - assignment));
    if (!k)
        return msa_error_set(err, "--set: unknown key '%.*s' (keys in cpu/timing/README.md)",
                             (int)(eq - assignment), assignment);
    return set_value(cfg, k, eq + 1, "--set: ", err);
}

int timing_config_get(const struct timing_config *cfg, const char *key, uint64_t *value)
{
    const struct tm_key *k = find_key(key, strlen(key));
    if (!k)
        return -1;
    *value = *field_of((struct tm_params *)&cfg->p, k);
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static int parse_text(struct timing_config *cfg, const char *text, const char *source, int depth,
                      struct msa_error *err);

/* `base = NAME`: start from a built-in description. */
static int apply_base(struct timing_config *cfg, const char *name, const char *where, int depth,
                      struct msa_error *err)
{
    const char *text = timing_builtin_core_text(name);
    if (!text)
        return msa_error_set(err, "%sbase: '%s' is not a built-in core", where, name);
    if (depth > 4)
        return msa_error_set(err, "%sbase: descriptions nest too deeply", where);
    char saved[sizeof cfg->name];
    memcpy(saved, cfg->name, sizeof saved);
    if (parse_text(cfg, text, name, depth + 1, err) < 0)
        return -1;
    memcpy(cfg->name, saved, sizeof saved);
    return 0;
}

static int parse_text(struct timing_config *cfg, const char *text, const char *source, int depth,
                      struct msa_error *err)
{
    unsigned lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        lineno++;
        char line[512];
        char where[300];
        snprintf(where, sizeof where, "%s:%u: ", source, lineno);
        if (len >= sizeof line)
            return msa_error_set(err, "%sthe line is longer than %zu characters", where, sizeof line - 1);
        memcpy(line, p, len);
        line[len] = 0;
        p += len + (nl ? 1 : 0);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq)
            return msa_error_set(err, "%s'%s' is not accepted; expected KEY = VALUE", where, s);
        *eq = 0;
        char *key = trim(s);
        char *val = trim(eq + 1);
        if (!*val)
            return msa_error_set(err, "%s%s: the value is missing", where, key);
        if (strcmp(key, "name") == 0) {
            snprintf(cfg->name, sizeof cfg->name, "%s", val);
            continue;
        }
        if (strcmp(key, "base") == 0) {
            if (apply_base(cfg, val, where, depth, err) < 0)
                return -1;
            continue;
        }
        const struct tm_key *k = find_key(key, strlen(key));
        if (!k)
            return msa_error_set(err, "%sunknown key '%s' (keys in cpu/timing/README.md)", where, key);
        if (set_value(cfg, k, val, where, err) < 0)
            return -1;
    }
    return 0;
}

static char *read_file(const char *path, struct msa_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
        if (len + 1 >= cap) {
            if (cap >= (1u << 20)) {
                free(buf);
                fclose(f);
                msa_error_set(err, "--core: %s: larger than 1 MiB; expected a core description", path);
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        msa_error_set(err, "--core: %s: out of memory", path);
        return NULL;
    }
    buf[len] = 0;
    if (memchr(buf, 0, len)) {
        free(buf);
        msa_error_set(err, "--core: %s: contains NUL bytes; expected a text core description", path);
        return NULL;
    }
    return buf;
}

int timing_config_load(const char *core, struct timing_config **out, struct msa_error *err)
{
    *out = NULL;
    struct timing_config *cfg = timing_config_defaults();
    if (!cfg)
        return msa_error_set(err, "out of memory");
    const char *text = timing_builtin_core_text(core);
    if (text) {
        snprintf(cfg->name, sizeof cfg->name, "%s", core);
        if (parse_text(cfg, text, core, 0, err) < 0)
            goto fail;
    } else {
        err->msg[0] = 0;
        char *file = read_file(core, err);
        if (!file) {
            if (!err->msg[0]) {
                char list[256];
                words_list(timing_builtin_core_names(), list, sizeof list);
                msa_error_set(err, "--core: '%s' is neither a built-in core (%s) nor a readable file", core,
                              list);
            }
            goto fail;
        }
        const char *slash = strrchr(core, '/');
        snprintf(cfg->name, sizeof cfg->name, "%s", slash ? slash + 1 : core);
        char *dot = strrchr(cfg->name, '.');
        if (dot && strcmp(dot, ".core") == 0)
            *dot = 0;
        int rc = parse_text(cfg, file, core, 0, err);
        free(file);
        if (rc < 0)
            goto fail;
    }
    if (timing_config_check(cfg, err) < 0) {
        msa_error_prefix(err, "--core %s: ", core);
        goto fail;
    }
    *out = cfg;
    return 0;
fail:
    timing_config_free(cfg);
    return -1;
}

static bool pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

static int check_cache(const char *name, uint64_t size, uint64_t ways, uint64_t line, struct msa_error *err)
{
    if (!pow2(line))
        return msa_error_set(err, "%s.line: %llu is not a power of two", name, (unsigned long long)line);
    if (size % (ways * line) || !pow2(size / (ways * line)))
        return msa_error_set(err,
                             "%s: %llu bytes in %llu ways of %llu-byte lines gives no power-of-two number of "
                             "sets; expected size = sets * ways * line with sets a power of two",
                             name, (unsigned long long)size, (unsigned long long)ways, (unsigned long long)line);
    return 0;
}

int timing_config_check(const struct timing_config *cfg, struct msa_error *err)
{
    const struct tm_params *p = &cfg->p;
    if (check_cache("l1i", p->l1i_size, p->l1i_ways, p->l1i_line, err) < 0 ||
        check_cache("l1d", p->l1d_size, p->l1d_ways, p->l1d_line, err) < 0)
        return -1;
    if (p->l2_size && check_cache("l2", p->l2_size, p->l2_ways, p->l2_line, err) < 0)
        return -1;
    if (!pow2(p->bp_entries))
        return msa_error_set(err, "bp.entries: %llu is not a power of two", (unsigned long long)p->bp_entries);
    if (p->bp_btb_entries % p->bp_btb_ways || !pow2(p->bp_btb_entries / p->bp_btb_ways))
        return msa_error_set(err, "bp.btb: %llu entries in %llu ways; expected a power-of-two number of sets",
                             (unsigned long long)p->bp_btb_entries, (unsigned long long)p->bp_btb_ways);
    if (p->tlb_main % p->tlb_main_ways || !pow2(p->tlb_main / p->tlb_main_ways))
        return msa_error_set(err, "tlb.main: %llu entries in %llu ways; expected a power-of-two number of sets",
                             (unsigned long long)p->tlb_main, (unsigned long long)p->tlb_main_ways);
    if (p->wbuf_entries > TM_WBUF_MAX)
        return msa_error_set(err, "wbuf.entries: at most %d", TM_WBUF_MAX);
    if (p->tcm_i_size && p->tcm_i_base + p->tcm_i_size < p->tcm_i_base)
        return msa_error_set(err, "tcm.i: the range wraps around the address space");
    if (p->tcm_d_size && p->tcm_d_base + p->tcm_d_size < p->tcm_d_base)
        return msa_error_set(err, "tcm.d: the range wraps around the address space");
    return 0;
}
