/* Sweeps on a cluster: a manifest of the points, a Slurm job-array script
 * whose task N runs point N, and the merge of the per-task results into the
 * CSV a local sweep writes.
 *
 * DIR/manifest.tsv (tab-separated, '#' starts a comment line):
 *   cwd    DIRECTORY              every point runs there (relative paths)
 *   param  NAME VALUE...          one line per parameter, in sweep order
 *   sub    SUBCOMMAND ARG...      what the sweep runs
 *   INDEX  msasim SUBCOMMAND ...  one line per point: its full command line
 * DIR/results/INDEX.json: {"index", "status", "error", "argv", "summary"}. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/atomic_file.h"
#include "sim/json_parse.h"
#include "sim/json_writer.h"
#include "sim/sweep.h"

#define MANIFEST_MAGIC "# msasim sweep manifest 1"
#define MANIFEST_MAX_LINE (1 << 20)

/* snprintf into a path buffer; false (and the error set) when it does not fit. */
static bool path_fits(int len, size_t size, const char *dir, struct msa_error *err)
{
    if (len >= 0 && (size_t)len < size)
        return true;
    if (err)
        msa_error_set(err, "sweep: %.200s: the path is too long", dir);
    return false;
}

/* ---- writing ------------------------------------------------------------------- */

static int check_field(const char *s, const char *what, struct msa_error *err)
{
    if (strpbrk(s, "\t\n\r"))
        return msa_error_set(err, "sweep: %s '%s' holds a tab or a line break, which the manifest "
                                  "cannot carry",
                             what, s);
    return 0;
}

static void write_manifest(const struct sweep_spec *spec, const char *cwd, size_t n, FILE *f)
{
    fprintf(f, "%s\n# Tab-separated.  cwd: where every point runs; param: a swept parameter and "
               "its values;\n# sub: the subcommand and its arguments; then one line per point: its "
               "index and its\n# command line (msasim stands for the binary that runs the task).\n",
            MANIFEST_MAGIC);
    fprintf(f, "cwd\t%s\n", cwd);
    for (int p = 0; p < spec->nparams; p++) {
        fprintf(f, "param\t%s", spec->params[p].name);
        for (int v = 0; v < spec->params[p].nvalues; v++)
            fprintf(f, "\t%s", spec->params[p].values[v]);
        fputc('\n', f);
    }
    fputs("sub", f);
    for (int a = 0; a < spec->sub_argc; a++)
        fprintf(f, "\t%s", spec->sub_argv[a]);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++) {
        char **argv = sweep_point_argv(spec, i, "msasim", NULL);
        fprintf(f, "%zu", i);
        for (size_t a = 0; argv && argv[a]; a++)
            fprintf(f, "\t%s", argv[a]);
        fputc('\n', f);
        sweep_argv_free(argv);
    }
}

/* 'text' for the shell. */
static void shell_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", f);
        else
            fputc(*s, f);
    }
    fputc('\'', f);
}

static void write_sbatch(const struct sweep_spec *spec, const char *dir, size_t n, FILE *f)
{
    fprintf(f, "#!/bin/bash\n"
               "# msasim sweep: %zu points as a Slurm job array, one point per array task.\n"
               "#   submit:  sbatch %s/sweep.sbatch\n"
               "#   collect: msasim sweep --collect %s --out results.csv [--html report.html]\n"
               "# At most K tasks at once: sbatch --array=0-%zu%%K ...  Slurm caps the array size\n"
               "# (MaxArraySize); submit a larger sweep in slices with --array=FIRST-LAST.\n"
               "#SBATCH --job-name=msasim-sweep\n"
               "#SBATCH --array=0-%zu\n"
               "#SBATCH --ntasks=1\n"
               "#SBATCH --cpus-per-task=1\n"
               "#SBATCH --output=%s/logs/%%A_%%a.out\n"
               "MSASIM=${MSASIM:-",
            n, dir, dir, n - 1, n - 1, dir);
    shell_quote(f, spec->self);
    fputs("}\nexec \"$MSASIM\" sweep --run-task ", f);
    shell_quote(f, dir);
    fputc('\n', f);
}

static void write_readme(const char *dir, size_t n, FILE *f)
{
    fprintf(f, "msasim sweep: %zu points.\n\n"
               "Slurm:         sbatch %s/sweep.sbatch\n"
               "GNU parallel:  parallel msasim sweep --run-task %s --task {} ::: $(seq 0 %zu)\n"
               "One point:     msasim sweep --run-task %s --task INDEX\n"
               "Results:       msasim sweep --collect %s --out results.csv [--html report.html]\n\n"
               "manifest.tsv lists every point's command line; results/ gets one INDEX.json per "
               "finished point,\nlogs/ the Slurm output of each task.\n",
            n, dir, dir, n - 1, dir, dir);
}

static int write_whole(const char *dir, const char *name, int mode,
                       void (*fn)(const void *ctx, FILE *f), const void *ctx, struct msa_error *err)
{
    char path[SWEEP_PATH_MAX];
    if (!path_fits(snprintf(path, sizeof path, "%s/%s", dir, name), sizeof path, dir, err))
        return -1;
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, err);
    if (!f)
        return -1;
    fn(ctx, f);
    if (atomic_commit(&af, err) < 0)
        return -1;
    if (mode && chmod(path, (mode_t)mode) < 0)
        return msa_error_set(err, "%s: cannot make it executable: %s", path, strerror(errno));
    return 0;
}

struct emit_ctx {
    const struct sweep_spec *spec;
    const char *dir, *cwd;
    size_t n;
};

static void emit_manifest(const void *c, FILE *f)
{
    const struct emit_ctx *e = c;
    write_manifest(e->spec, e->cwd, e->n, f);
}

static void emit_sbatch(const void *c, FILE *f)
{
    const struct emit_ctx *e = c;
    write_sbatch(e->spec, e->dir, e->n, f);
}

static void emit_readme(const void *c, FILE *f)
{
    const struct emit_ctx *e = c;
    write_readme(e->dir, e->n, f);
}

static int make_dir(const char *path, struct msa_error *err)
{
    if (mkdir(path, 0777) < 0 && errno != EEXIST)
        return msa_error_set(err, "sweep: cannot create %s: %s", path, strerror(errno));
    return 0;
}

/* True when DIR/results holds a result already (a second emit into the
 * same directory would mix two sweeps). */
static bool has_results(const char *dir)
{
    char path[SWEEP_PATH_MAX];
    return path_fits(snprintf(path, sizeof path, "%s/results/0.json", dir), sizeof path, dir, NULL) &&
           access(path, F_OK) == 0;
}

int sweep_emit_slurm(const struct sweep_spec *spec, const char *dir, struct msa_error *err)
{
    size_t n = sweep_point_count(spec);
    if (n > SWEEP_MAX_POINTS)
        return msa_error_set(err, "sweep: more than %d points", SWEEP_MAX_POINTS);
    for (int p = 0; p < spec->nparams; p++)
        for (int v = 0; v < spec->params[p].nvalues; v++)
            if (check_field(spec->params[p].values[v], "value", err) < 0)
                return -1;
    for (int a = 0; a < spec->sub_argc; a++)
        if (check_field(spec->sub_argv[a], "argument", err) < 0)
            return -1;
    if (make_dir(dir, err) < 0)
        return -1;
    char abs[SWEEP_PATH_MAX], cwd[SWEEP_PATH_MAX], sub[SWEEP_PATH_MAX + 16];
    if (!realpath(dir, abs) || !getcwd(cwd, sizeof cwd))
        return msa_error_set(err, "sweep: %s: %s", dir, strerror(errno));
    if (check_field(abs, "directory", err) < 0 || check_field(cwd, "directory", err) < 0)
        return -1;
    if (has_results(abs))
        return msa_error_set(err, "sweep: %s/results already holds results of a sweep; emit into "
                                  "a new directory",
                             dir);
    if (!path_fits(snprintf(sub, sizeof sub, "%s/results", abs), sizeof sub, abs, err) ||
        make_dir(sub, err) < 0)
        return -1;
    if (!path_fits(snprintf(sub, sizeof sub, "%s/logs", abs), sizeof sub, abs, err) ||
        make_dir(sub, err) < 0)
        return -1;
    struct emit_ctx e = {spec, abs, cwd, n};
    if (write_whole(abs, "manifest.tsv", 0, emit_manifest, &e, err) < 0 ||
        write_whole(abs, "sweep.sbatch", 0755, emit_sbatch, &e, err) < 0 ||
        write_whole(abs, "README", 0, emit_readme, &e, err) < 0)
        return -1;
    return 0;
}

/* ---- reading the manifest -------------------------------------------------------- */

struct sweep_manifest {
    struct sweep_spec spec;
    char *cwd;
    char **sub;                  /* owned copies of SUBCOMMAND ARGS... */
    size_t npoints;
    char ***points;              /* [npoints] argv of each point, NULL-terminated */
};

/* Splits a line at tabs into a NULL-terminated vector of copies. */
static char **split_tabs(const char *line)
{
    size_t n = 1;
    for (const char *p = line; *p; p++)
        n += *p == '\t';
    char **v = calloc(n + 1, sizeof *v);
    if (!v)
        return NULL;
    const char *s = line;
    for (size_t i = 0; i < n; i++) {
        const char *t = strchr(s, '\t');
        size_t len = t ? (size_t)(t - s) : strlen(s);
        if (!(v[i] = strndup(s, len))) {
            sweep_argv_free(v);
            return NULL;
        }
        s = t ? t + 1 : s + len;
    }
    return v;
}

static size_t vec_len(char **v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return n;
}

void sweep_manifest_free(struct sweep_manifest *m)
{
    if (!m)
        return;
    sweep_spec_release(&m->spec);
    free(m->cwd);
    sweep_argv_free(m->sub);
    for (size_t i = 0; m->points && i < m->npoints; i++)
        sweep_argv_free(m->points[i]);
    free(m->points);
    free(m);
}

const struct sweep_spec *sweep_manifest_spec(const struct sweep_manifest *m)
{
    return &m->spec;
}

const char *sweep_manifest_cwd(const struct sweep_manifest *m)
{
    return m->cwd;
}

/* One header line (cwd, param, sub) or point line into `m`. */
static int manifest_line(struct sweep_manifest *m, char **v, const char *path, unsigned ln,
                         struct msa_error *err)
{
    size_t n = vec_len(v);
    if (strcmp(v[0], "cwd") == 0 && n == 2) {
        free(m->cwd);
        m->cwd = strdup(v[1]);
        return m->cwd ? 0 : msa_error_set(err, "%s: out of memory", path);
    }
    if (strcmp(v[0], "param") == 0 && n >= 3) {
        if (m->npoints)
            return msa_error_set(err, "%s: line %u: a param line after the points", path, ln);
        /* Rebuilt through the same parser as the command line, commas and
         * backslashes in values escaped. */
        size_t len = 0;
        for (size_t i = 1; i < n; i++)
            len += 2 * strlen(v[i]) + 1;
        char *text = malloc(len + 1);
        if (!text)
            return msa_error_set(err, "%s: out of memory", path);
        size_t o = 0;
        for (size_t i = 1; i < n; i++) {
            for (const char *c = v[i]; *c; c++) {
                if (i > 1 && (*c == ',' || *c == '\\'))
                    text[o++] = '\\';
                text[o++] = *c;
            }
            if (i + 1 < n)
                text[o++] = i == 1 ? '=' : ',';
        }
        text[o] = '\0';
        struct msa_error perr = {{0}};
        int rc = sweep_add_param(&m->spec, text, &perr);
        free(text);
        return rc < 0 ? msa_error_set(err, "%s: line %u: %s", path, ln, perr.msg) : 0;
    }
    if (strcmp(v[0], "sub") == 0 && n >= 2) {
        sweep_argv_free(m->sub);
        m->sub = calloc(n, sizeof *m->sub);
        if (!m->sub)
            return msa_error_set(err, "%s: out of memory", path);
        for (size_t i = 1; i < n; i++)
            if (!(m->sub[i - 1] = strdup(v[i])))
                return msa_error_set(err, "%s: out of memory", path);
        m->spec.sub_argv = m->sub;
        m->spec.sub_argc = (int)(n - 1);
        return 0;
    }
    char *end;
    unsigned long idx = strtoul(v[0], &end, 10);
    if (*end || end == v[0] || n < 3)
        return msa_error_set(err, "%s: line %u: expected cwd, param, sub or a point line (INDEX "
                                  "then its command line)",
                             path, ln);
    if (idx != m->npoints)
        return msa_error_set(err, "%s: line %u: point %lu out of order (expected %zu)", path, ln,
                             idx, m->npoints);
    char ***g = realloc(m->points, (m->npoints + 1) * sizeof *g);
    if (!g)
        return msa_error_set(err, "%s: out of memory", path);
    m->points = g;
    m->points[m->npoints] = calloc(n, sizeof **g);
    if (!m->points[m->npoints])
        return msa_error_set(err, "%s: out of memory", path);
    m->npoints++;
    for (size_t i = 1; i < n; i++)
        if (!(m->points[m->npoints - 1][i - 1] = strdup(v[i])))
            return msa_error_set(err, "%s: out of memory", path);
    return 0;
}

int sweep_manifest_read(const char *dir, struct sweep_manifest **out, struct msa_error *err)
{
    char path[SWEEP_PATH_MAX];
    if (!path_fits(snprintf(path, sizeof path, "%s/manifest.tsv", dir), sizeof path, dir, err))
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return msa_error_set(err, "sweep: %s: %s (expected the directory of msasim sweep --emit)",
                             path, strerror(errno));
    struct sweep_manifest *m = calloc(1, sizeof *m);
    char *line = malloc(MANIFEST_MAX_LINE);
    int rc = m && line ? 0 : msa_error_set(err, "%s: out of memory", path);
    unsigned ln = 0;
    while (rc == 0 && fgets(line, MANIFEST_MAX_LINE, f)) {
        ln++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        else if (!feof(f))
            rc = msa_error_set(err, "%s: line %u: longer than %d bytes", path, ln, MANIFEST_MAX_LINE);
        if (rc < 0)
            break;
        if (ln == 1 && strcmp(line, MANIFEST_MAGIC) != 0) {
            rc = msa_error_set(err, "%s: line 1: expected '%s'", path, MANIFEST_MAGIC);
            break;
        }
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char **v = split_tabs(line);
        rc = v ? manifest_line(m, v, path, ln, err) : msa_error_set(err, "%s: out of memory", path);
        sweep_argv_free(v);
    }
    fclose(f);
    free(line);
    if (rc == 0 && (!m->cwd || !m->spec.sub_argc || !m->spec.nparams))
        rc = msa_error_set(err, "%s: the cwd, param or sub line is missing", path);
    if (rc == 0 && m->npoints != sweep_point_count(&m->spec))
        rc = msa_error_set(err, "%s: %zu point lines, but the parameters make %zu points", path,
                           m->npoints, sweep_point_count(&m->spec));
    if (rc < 0) {
        sweep_manifest_free(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* ---- one task ------------------------------------------------------------------------ */

/* A JSON value copied through the writer (the summary of a point). */
static void copy_value(struct json_writer *w, const struct json_value *v)
{
    switch (v->type) {
    case JSON_NULL: json_null(w); break;
    case JSON_BOOL: json_bool(w, v->boolean); break;
    case JSON_STRING: json_string(w, v->string.s); break;
    case JSON_NUMBER:
        if (v->number.fits_int)
            json_int(w, v->number.i);
        else if (v->number.fits_uint)
            json_uint(w, v->number.u);
        else
            json_double(w, v->number.d);
        break;
    case JSON_ARRAY:
        json_begin_array(w);
        for (size_t i = 0; i < v->array.count; i++)
            copy_value(w, &v->array.items[i]);
        json_end_array(w);
        break;
    case JSON_OBJECT:
        json_begin_object(w);
        for (size_t i = 0; i < v->object.count; i++) {
            json_key(w, v->object.members[i].key);
            copy_value(w, &v->object.members[i].value);
        }
        json_end_object(w);
        break;
    }
}

static int write_result(const char *dir, long task, char **argv, const struct sweep_outcome *o,
                        struct msa_error *err)
{
    char path[SWEEP_PATH_MAX];
    if (!path_fits(snprintf(path, sizeof path, "%s/results/%ld.json", dir, task), sizeof path, dir,
                   err))
        return -1;
    struct atomic_file af;
    FILE *f = atomic_open(path, &af, err);
    if (!f)
        return -1;
    struct json_writer w;
    json_init(&w, f, true);
    json_begin_object(&w);
    json_kv_int(&w, "index", task);
    json_kv_int(&w, "status", o->status);
    json_kv_string(&w, "error", o->status ? o->error : "");
    json_key(&w, "argv");
    json_begin_array(&w);
    for (size_t a = 1; argv[a]; a++)
        json_string(&w, argv[a]);
    json_end_array(&w);
    const struct json_value *s = o->doc ? json_get(json_doc_root(o->doc), "summary") : NULL;
    json_key(&w, "summary");
    if (s && s->type == JSON_OBJECT)
        copy_value(&w, s);
    else
        json_null(&w);
    json_end_object(&w);
    json_finish(&w);
    return atomic_commit(&af, err);
}

static long task_from_env(struct msa_error *err)
{
    const char *id = getenv("SLURM_ARRAY_TASK_ID");
    if (!id || !*id)
        return msa_error_set(err, "sweep: --run-task: no --task N and no SLURM_ARRAY_TASK_ID in the "
                                  "environment");
    char *end;
    long t = strtol(id, &end, 10);
    if (*end || t < 0)
        return msa_error_set(err, "sweep: SLURM_ARRAY_TASK_ID='%s': expected a task index", id);
    return t;
}

int sweep_run_task(const char *self, const char *dir, long task, struct msa_error *err)
{
    if (task < 0 && (task = task_from_env(err)) < 0)
        return -1;
    struct sweep_manifest *m;
    if (sweep_manifest_read(dir, &m, err) < 0)
        return -1;
    if ((size_t)task >= m->npoints) {
        size_t n = m->npoints;
        sweep_manifest_free(m);
        return msa_error_set(err, "sweep: task %ld: the manifest in %s has points 0 to %zu", task,
                             dir, n - 1);
    }
    char abs[SWEEP_PATH_MAX];
    if (!realpath(dir, abs)) {
        sweep_manifest_free(m);
        return msa_error_set(err, "sweep: %s: %s", dir, strerror(errno));
    }
    /* The point's own command line, with the statistics file added. */
    char **point = m->points[task];
    size_t n = vec_len(point);
    char **argv = calloc(n + 3, sizeof *argv);
    struct sweep_proc p = {0};
    if (!argv ||
        !path_fits(snprintf(p.stats_path, sizeof p.stats_path, "%s/results/%ld.stats.json", abs, task),
                   sizeof p.stats_path, abs, err) ||
        !path_fits(snprintf(p.err_path, sizeof p.err_path, "%s/results/%ld.err", abs, task),
                   sizeof p.err_path, abs, err)) {
        free(argv);
        sweep_manifest_free(m);
        return argv ? -1 : msa_error_set(err, "sweep: out of memory");
    }
    argv[0] = (char *)self;
    argv[1] = point[1];
    argv[2] = "--stats-json";
    argv[3] = p.stats_path;
    for (size_t a = 2; a < n; a++)
        argv[a + 2] = point[a];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int efd = open(p.err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
        }
        if (efd >= 0)
            dup2(efd, STDERR_FILENO);
        if (chdir(m->cwd) < 0) {
            fprintf(stderr, "cannot enter %s: %s\n", m->cwd, strerror(errno));
            _exit(127);
        }
        execv(self, argv);
        fprintf(stderr, "cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    int rc = -1, wstatus = 0;
    if (pid < 0) {
        msa_error_set(err, "sweep: cannot start a process: %s", strerror(errno));
    } else if (waitpid(pid, &wstatus, 0) == pid) {
        struct sweep_outcome o;
        sweep_proc_finish(&p, wstatus, &o);
        rc = write_result(abs, task, point, &o, err) < 0 ? -1 : o.status ? 1 : 0;
        json_doc_free(o.doc);
    } else {
        msa_error_set(err, "sweep: waiting for task %ld: %s", task, strerror(errno));
    }
    free(argv);
    sweep_manifest_free(m);
    return rc;
}

/* ---- collecting ------------------------------------------------------------------------- */

static void read_result(const char *dir, size_t i, struct sweep_outcome *o)
{
    char path[SWEEP_PATH_MAX];
    memset(o, 0, sizeof *o);
    if (!path_fits(snprintf(path, sizeof path, "%s/results/%zu.json", dir, i), sizeof path, dir,
                   NULL)) {
        o->status = -1;
        snprintf(o->error, sizeof o->error, "the path of result %zu is too long", i);
        return;
    }
    if (access(path, F_OK) != 0) {
        o->status = -1;
        snprintf(o->error, sizeof o->error, "no result: task %zu did not run or did not finish", i);
        return;
    }
    struct msa_error jerr = {{0}};
    o->doc = json_parse_file(path, NULL, &jerr);
    const struct json_value *root = o->doc ? json_doc_root(o->doc) : NULL;
    const struct json_value *idx = json_get(root, "index"), *st = json_get(root, "status");
    const struct json_value *er = json_get(root, "error");
    if (!root || !idx || idx->type != JSON_NUMBER || !idx->number.fits_uint ||
        idx->number.u != i || !st || st->type != JSON_NUMBER || !st->number.fits_int) {
        o->status = -1;
        if (o->doc)
            snprintf(o->error, sizeof o->error, "%.300s: expected {\"index\": %zu, \"status\": N, ...}",
                     path, i);
        else
            snprintf(o->error, sizeof o->error, "%s", jerr.msg);
        json_doc_free(o->doc);
        o->doc = NULL;
        return;
    }
    o->status = (int)st->number.i;
    if (er && er->type == JSON_STRING)
        snprintf(o->error, sizeof o->error, "%s", er->string.s);
}

long sweep_collect(const char *dir, const char *out_path, const char *html_path,
                   struct msa_error *err)
{
    struct sweep_manifest *m;
    if (sweep_manifest_read(dir, &m, err) < 0)
        return -1;
    struct sweep_outcome *o = calloc(m->npoints ? m->npoints : 1, sizeof *o);
    if (!o) {
        sweep_manifest_free(m);
        return msa_error_set(err, "sweep: out of memory");
    }
    long failed = 0;
    for (size_t i = 0; i < m->npoints; i++) {
        read_result(dir, i, &o[i]);
        failed += o[i].status != 0;
    }
    if (sweep_write_results(&m->spec, o, m->npoints, out_path, html_path, err) < 0)
        failed = -1;
    for (size_t i = 0; i < m->npoints; i++)
        json_doc_free(o[i].doc);
    free(o);
    sweep_manifest_free(m);
    return failed;
}
