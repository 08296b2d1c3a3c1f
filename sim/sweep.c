/* Sweep parameters, the cross product, and each point's command line. */
#include "sim/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The argument that carries a value: see the naming rules in sweep.h. */
static char *option_prefix(const char *name, size_t len)
{
    const char *colon = memchr(name, ':', len);
    size_t n = len + 16;
    char *p = malloc(n);
    if (!p)
        return NULL;
    if (colon)
        snprintf(p, n, "--%.*s=%.*s=", (int)(colon - name), name, (int)(len - (size_t)(colon - name) - 1),
                 colon + 1);
    else if (memchr(name, '.', len))
        snprintf(p, n, "--set=%.*s=", (int)len, name);
    else
        snprintf(p, n, "--%.*s=", (int)len, name);
    return p;
}

static bool name_valid(const char *name, size_t len)
{
    const char *colon = memchr(name, ':', len);
    if (colon && (colon == name || colon == name + len - 1 || memchr(colon + 1, ':', len - (size_t)(colon - name) - 1)))
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == ':'))
            return false;
    }
    return true;
}

int sweep_add_param(struct sweep_spec *spec, const char *text, struct msa_error *err)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || !eq[1])
        return msa_error_set(err, "sweep: --param '%s': expected NAME=V1,V2,...", text);
    if (spec->nparams >= SWEEP_MAX_PARAMS)
        return msa_error_set(err, "sweep: --param '%s': at most %d parameters", text, SWEEP_MAX_PARAMS);
    struct sweep_param *p = &spec->params[spec->nparams];
    memset(p, 0, sizeof *p);
    if (text[0] == '-')
        return msa_error_set(err, "sweep: --param '%s': give the option name without dashes", text);
    size_t name_len = (size_t)(eq - text);
    if (!name_valid(text, name_len))
        return msa_error_set(err, "sweep: --param '%s': expected a NAME of letters, digits, '-', '_' "
                                  "and '.', or OPTION:KEY",
                             text);
    for (int i = 0; i < spec->nparams; i++)
        if (strlen(spec->params[i].name) == name_len && strncmp(spec->params[i].name, text, name_len) == 0)
            return msa_error_set(err, "sweep: --param '%s': '%s' is already swept", text,
                                 spec->params[i].name);
    p->name = strndup(text, name_len);
    p->prefix = option_prefix(text, name_len);
    spec->nparams++; /* from here on, release frees what was parsed */
    if (!p->name || !p->prefix)
        return msa_error_set(err, "sweep: out of memory");
    /* Values end at commas; a backslash before a comma or a backslash makes
     * that character part of the value. */
    const char *s = eq + 1;
    for (;;) {
        size_t len = 0;
        char *v = malloc(strlen(s) + 1);
        if (!v)
            return msa_error_set(err, "sweep: out of memory");
        while (*s && *s != ',') {
            if (s[0] == '\\' && (s[1] == ',' || s[1] == '\\'))
                s++;
            v[len++] = *s++;
        }
        v[len] = '\0';
        if (len == 0) {
            free(v);
            return msa_error_set(err, "sweep: --param '%s': empty value", text);
        }
        if (p->nvalues >= SWEEP_MAX_VALUES) {
            free(v);
            return msa_error_set(err, "sweep: --param '%s': at most %d values", text, SWEEP_MAX_VALUES);
        }
        p->values[p->nvalues++] = v;
        if (!*s)
            break;
        s++;
    }
    return 0;
}

void sweep_spec_release(struct sweep_spec *spec)
{
    for (int i = 0; i < spec->nparams; i++) {
        free(spec->params[i].name);
        free(spec->params[i].prefix);
        for (int j = 0; j < spec->params[i].nvalues; j++)
            free(spec->params[i].values[j]);
    }
    spec->nparams = 0;
}

size_t sweep_point_count(const struct sweep_spec *spec)
{
    size_t n = 1;
    for (int i = 0; i < spec->nparams; i++) {
        n *= (size_t)spec->params[i].nvalues;
        if (n > SWEEP_MAX_POINTS)
            return SWEEP_MAX_POINTS + 1;
    }
    return n;
}

void sweep_point_indices(const struct sweep_spec *spec, size_t i, int *idx)
{
    for (int p = spec->nparams - 1; p >= 0; p--) {
        idx[p] = (int)(i % (size_t)spec->params[p].nvalues);
        i /= (size_t)spec->params[p].nvalues;
    }
}

char **sweep_point_argv(const struct sweep_spec *spec, size_t i, const char *argv0, const char *stats)
{
    int idx[SWEEP_MAX_PARAMS];
    sweep_point_indices(spec, i, idx);
    size_t n = (size_t)spec->sub_argc + (size_t)spec->nparams + 4;
    char **argv = calloc(n, sizeof *argv);
    if (!argv)
        return NULL;
    int argc = 0;
    bool ok = (argv[argc++] = strdup(argv0)) && (argv[argc++] = strdup(spec->sub_argv[0]));
    for (int p = 0; ok && p < spec->nparams; p++) {
        const char *v = spec->params[p].values[idx[p]];
        size_t len = strlen(spec->params[p].prefix) + strlen(v) + 1;
        ok = (argv[argc] = malloc(len)) != NULL;
        if (ok)
            snprintf(argv[argc++], len, "%s%s", spec->params[p].prefix, v);
    }
    if (ok && stats)
        ok = (argv[argc++] = strdup("--stats-json")) && (argv[argc++] = strdup(stats));
    for (int a = 1; ok && a < spec->sub_argc; a++)
        ok = (argv[argc++] = strdup(spec->sub_argv[a])) != NULL;
    if (!ok) {
        sweep_argv_free(argv);
        return NULL;
    }
    return argv;
}

void sweep_argv_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}
