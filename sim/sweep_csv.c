/* A sweep's results as CSV (and, on request, its HTML report): the
 * parameters, status and error, then every summary figure any point
 * reported, in first-seen order. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/atomic_file.h"
#include "sim/json_parse.h"
#include "sim/report.h"
#include "sim/sweep.h"

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static const struct json_value *summary_of(const struct sweep_outcome *o)
{
    if (!o->doc)
        return NULL;
    const struct json_value *s = json_get(json_doc_root(o->doc), "summary");
    return s && s->type == JSON_OBJECT ? s : NULL;
}

static int collect_columns(const struct sweep_outcome *o, size_t n, const char ***cols, size_t *ncols)
{
    size_t cap = 16;
    *cols = malloc(cap * sizeof **cols);
    *ncols = 0;
    if (!*cols)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct json_value *s = summary_of(&o[i]);
        for (size_t m = 0; s && m < s->object.count; m++) {
            const char *key = s->object.members[m].key;
            size_t k = 0;
            while (k < *ncols && strcmp((*cols)[k], key) != 0)
                k++;
            if (k < *ncols)
                continue;
            if (*ncols == cap) {
                const char **grown = realloc(*cols, 2 * cap * sizeof **cols);
                if (!grown)
                    return -1;
                *cols = grown;
                cap *= 2;
            }
            (*cols)[(*ncols)++] = key;
        }
    }
    return 0;
}

static void write_value(FILE *f, const struct json_value *v)
{
    if (!v)
        return;
    switch (v->type) {
    case JSON_NUMBER:
        if (v->number.fits_int)
            fprintf(f, "%" PRId64, v->number.i);
        else if (v->number.fits_uint)
            fprintf(f, "%" PRIu64, v->number.u);
        else
            fprintf(f, "%.17g", v->number.d);
        break;
    case JSON_STRING: csv_field(f, v->string.s); break;
    case JSON_BOOL: fputs(v->boolean ? "true" : "false", f); break;
    default: break;
    }
}

static void write_csv(const struct sweep_spec *spec, const struct sweep_outcome *o, size_t n,
                      const char **cols, size_t ncols, FILE *f)
{
    for (int p = 0; p < spec->nparams; p++) {
        csv_field(f, spec->params[p].name);
        fputc(',', f);
    }
    fputs("status,error", f);
    for (size_t c = 0; c < ncols; c++) {
        fputc(',', f);
        csv_field(f, cols[c]);
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        int idx[SWEEP_MAX_PARAMS];
        sweep_point_indices(spec, i, idx);
        for (int p = 0; p < spec->nparams; p++) {
            csv_field(f, spec->params[p].values[idx[p]]);
            fputc(',', f);
        }
        fprintf(f, "%d,", o[i].status);
        csv_field(f, o[i].status ? o[i].error : "");
        const struct json_value *s = summary_of(&o[i]);
        for (size_t c = 0; c < ncols; c++) {
            fputc(',', f);
            write_value(f, s ? json_get(s, cols[c]) : NULL);
        }
        fputc('\n', f);
    }
}

static int write_file(const char *path, const char *text, size_t len, struct msa_error *err)
{
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, err);
    if (!f)
        return -1;
    fwrite(text, 1, len, f);
    return atomic_commit(&af, err);
}

int sweep_write_results(const struct sweep_spec *spec, const struct sweep_outcome *o, size_t n,
                        const char *csv_path, const char *html_path, struct msa_error *err)
{
    const char **cols;
    size_t ncols;
    if (collect_columns(o, n, &cols, &ncols) < 0) {
        free(cols);
        return msa_error_set(err, "sweep: out of memory");
    }
    /* Built in memory first: the HTML report is made from the same bytes. */
    char *csv = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&csv, &len);
    if (!mem) {
        free(cols);
        return msa_error_set(err, "sweep: out of memory");
    }
    write_csv(spec, o, n, cols, ncols, mem);
    free(cols);
    if (fclose(mem) != 0 || !csv) {
        free(csv);
        return msa_error_set(err, "sweep: out of memory");
    }
    int rc = write_file(csv_path, csv, len, err);
    if (rc == 0 && html_path) {
        struct atomic_file af;
        FILE *f = atomic_open(html_path, &af, err);
        rc = f ? 0 : -1;
        if (f && report_sweep(csv, len, strcmp(csv_path, "-") ? csv_path : "the sweep", "html", f,
                              err) < 0) {
            atomic_abort(&af);
            rc = -1;
        } else if (f) {
            rc = atomic_commit(&af, err);
        }
    }
    free(csv);
    return rc;
}
