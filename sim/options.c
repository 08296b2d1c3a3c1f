#include "sim/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int opt_parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || isspace((unsigned char)*s))
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    if (*end) {
        switch (*end) {
        case 'k': case 'K': shift = 10; break;
        case 'm': case 'M': shift = 20; break;
        case 'g': case 'G': shift = 30; break;
        default: return -1;
        }
        if (end[1])
            return -1;
    }
    if (shift && v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static const struct opt_spec *find_spec(const struct opt_spec *specs, const char *name, size_t len)
{
    for (const struct opt_spec *s = specs; s->name; s++)
        if (strlen(s->name) == len && strncmp(s->name, name, len) == 0)
            return s;
    return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *specs, char c)
{
    for (const struct opt_spec *s = specs; s->name; s++)
        if (s->short_name && s->short_name == c)
            return s;
    return NULL;
}

static void describe_choices(const struct opt_spec *s, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; s->choices[i]; i++) {
        int n = snprintf(buf + used, len - used, "%s%s", i ? "|" : "", s->choices[i]);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
}

static int store_value(const struct opt_spec *s, void *target, const char *value,
                       const char *cmd, struct msa_error *err)
{
    char *field = (char *)target + s->offset;
    switch (s->kind) {
    case OPT_FLAG:
        *(bool *)field = true;
        return 0;
    case OPT_UINT: {
        uint64_t v;
        if (opt_parse_u64(value, &v) < 0 || v < s->min || v > s->max)
            return msa_error_set(err, "%s: --%s: '%s' is not accepted: expected an integer from %llu to %llu",
                                 cmd, s->name, value, (unsigned long long)s->min,
                                 (unsigned long long)s->max);
        *(uint64_t *)field = v;
        return 0;
    }
    case OPT_STRING:
        if (!*value)
            return msa_error_set(err, "%s: --%s: the value is empty: expected %s", cmd, s->name,
                                 s->metavar ? s->metavar : "a value");
        *(const char **)field = value;
        return 0;
    case OPT_CHOICE:
        for (int i = 0; s->choices[i]; i++) {
            if (strcmp(s->choices[i], value) == 0) {
                *(int *)field = i;
                return 0;
            }
        }
        {
            char buf[256];
            describe_choices(s, buf, sizeof buf);
            return msa_error_set(err, "%s: --%s: '%s' is not accepted: expected one of %s", cmd,
                                 s->name, value, buf);
        }
    case OPT_ONOFF:
        if (strcmp(value, "on") == 0)
            *(bool *)field = true;
        else if (strcmp(value, "off") == 0)
            *(bool *)field = false;
        else
            return msa_error_set(err, "%s: --%s: '%s' is not accepted: expected on or off", cmd,
                                 s->name, value);
        return 0;
    case OPT_LIST: {
        struct opt_list *l = (struct opt_list *)field;
        if (!*value)
            return msa_error_set(err, "%s: --%s: the value is empty", cmd, s->name);
        if (l->count >= OPT_MAX_LIST)
            return msa_error_set(err, "%s: --%s: given more than %d times", cmd, s->name, OPT_MAX_LIST);
        l->items[l->count++] = value;
        return 0;
    }
    }
    return msa_error_set(err, "%s: --%s: unsupported option kind", cmd, s->name);
}

static void note_given(struct opt_result *res, const char *name)
{
    if (res->ngiven < (int)(sizeof res->given / sizeof res->given[0]))
        res->given[res->ngiven++] = name;
}

int opt_parse(const struct opt_spec *specs, void *target, int argc, char **argv,
              struct opt_result *res, bool *help_requested, const char *cmd,
              struct msa_error *err)
{
    memset(res, 0, sizeof *res);
    *help_requested = false;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (res->npositional >= OPT_MAX_LIST)
                return msa_error_set(err, "%s: too many arguments (at most %d)", cmd, OPT_MAX_LIST);
            res->positional[res->npositional++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            *help_requested = true;
            return 0;
        }
        const char *name;
        const char *eq;
        size_t len;
        const struct opt_spec *s;
        if (arg[1] != '-') {
            s = arg[2] == '\0' ? find_short(specs, arg[1]) : NULL;
            if (!s)
                return msa_error_set(err, "%s: unknown option '%s' (see msasim %s --help)", cmd, arg, cmd);
            name = s->name;
            len = strlen(name);
            eq = NULL;
        } else {
            name = arg + 2;
            eq = strchr(name, '=');
            len = eq ? (size_t)(eq - name) : strlen(name);
            s = find_spec(specs, name, len);
        }
        if (!s)
            return msa_error_set(err, "%s: unknown option '--%.*s' (see msasim %s --help)", cmd, (int)len,
                                 name, cmd);
        const char *value = NULL;
        if (s->kind == OPT_FLAG) {
            if (eq)
                return msa_error_set(err, "%s: --%s takes no value (got '%s')", cmd, s->name, eq + 1);
        } else if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            return msa_error_set(err, "%s: --%s needs a value: %s", cmd, s->name,
                                 s->metavar ? s->metavar : "VALUE");
        }
        if (store_value(s, target, value, cmd, err) < 0)
            return -1;
        note_given(res, s->name);
    }
    return 0;
}

bool opt_was_given(const struct opt_result *res, const char *name)
{
    for (int i = 0; i < res->ngiven; i++)
        if (strcmp(res->given[i], name) == 0)
            return true;
    return false;
}

void opt_print_help(const struct opt_spec *specs, FILE *out)
{
    for (const struct opt_spec *s = specs; s->name; s++) {
        char left[96];
        char alias[8] = "";
        if (s->short_name)
            snprintf(alias, sizeof alias, "-%c, ", s->short_name);
        if (s->kind == OPT_FLAG)
            snprintf(left, sizeof left, "%s--%s", alias, s->name);
        else if (s->kind == OPT_CHOICE) {
            char buf[64];
            describe_choices(s, buf, sizeof buf);
            snprintf(left, sizeof left, "%s--%s %s", alias, s->name, buf);
        } else if (s->kind == OPT_ONOFF)
            snprintf(left, sizeof left, "%s--%s on|off", alias, s->name);
        else
            snprintf(left, sizeof left, "%s--%s %s", alias, s->name, s->metavar ? s->metavar : "VALUE");
        if (strlen(left) > 26)
            fprintf(out, "  %s\n  %-26s  %s\n", left, "", s->help);
        else
            fprintf(out, "  %-26s  %s\n", left, s->help);
    }
    fprintf(out, "  %-26s  %s\n", "--help", "show this help");
}
