#include "sim/sweep.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/atomic_file.h"
#include "sim/json_parse.h"

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
    for (int i = 0; i < spec->nparams; i++)
        if (strlen(spec->params[i].name) == name_len && strncmp(spec->params[i].name, text, name_len) == 0)
            return msa_error_set(err, "sweep: --param '%s': '%s' is already swept", text,
                                 spec->params[i].name);
    p->name = strndup(text, name_len);
    const char *s = eq + 1;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (len == 0) {
            spec->nparams++; /* so release frees what was parsed */
            return msa_error_set(err, "sweep: --param '%s': empty value", text);
        }
        if (p->nvalues >= SWEEP_MAX_VALUES) {
            spec->nparams++;
            return msa_error_set(err, "sweep: --param '%s': at most %d values", text, SWEEP_MAX_VALUES);
        }
        p->values[p->nvalues++] = strndup(s, len);
        if (!comma)
            break;
        s = comma + 1;
    }
    spec->nparams++;
    return 0;
}

void sweep_spec_release(struct sweep_spec *spec)
{
    for (int i = 0; i < spec->nparams; i++) {
        free(spec->params[i].name);
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

/* ---- one point -------------------------------------------------------- */

struct point {
    pid_t pid;
    int status;          /* exit status, or 128 + signal */
    char stats_path[64];
    char err_path[64];
    char error[MSA_ERROR_MAX]; /* last line of stderr when it failed */
    struct json_doc *stats;
};

static int start_point(const struct sweep_spec *spec, size_t i, struct point *pt, const char *dir,
                       struct msa_error *err)
{
    int idx[SWEEP_MAX_PARAMS];
    sweep_point_indices(spec, i, idx);
    snprintf(pt->stats_path, sizeof pt->stats_path, "%s/%zu.json", dir, i);
    snprintf(pt->err_path, sizeof pt->err_path, "%s/%zu.err", dir, i);

    /* argv: self SUBCOMMAND --name=value... --stats-json PATH ARGS... */
    int argc = 0;
    char **argv = calloc((size_t)(spec->sub_argc + spec->nparams + 4), sizeof *argv);
    char *owned[SWEEP_MAX_PARAMS];
    if (!argv)
        return msa_error_set(err, "sweep: out of memory");
    argv[argc++] = (char *)spec->self;
    argv[argc++] = spec->sub_argv[0];
    for (int p = 0; p < spec->nparams; p++) {
        size_t len = strlen(spec->params[p].name) + strlen(spec->params[p].values[idx[p]]) + 4;
        owned[p] = malloc(len);
        snprintf(owned[p], len, "--%s=%s", spec->params[p].name, spec->params[p].values[idx[p]]);
        argv[argc++] = owned[p];
    }
    argv[argc++] = "--stats-json";
    argv[argc++] = pt->stats_path;
    for (int a = 1; a < spec->sub_argc; a++)
        argv[argc++] = spec->sub_argv[a];
    argv[argc] = NULL;

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int efd = open(pt->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
        }
        if (efd >= 0)
            dup2(efd, STDERR_FILENO);
        execv(spec->self, argv);
        fprintf(stderr, "cannot run %s: %s\n", spec->self, strerror(errno));
        _exit(127);
    }
    for (int p = 0; p < spec->nparams; p++)
        free(owned[p]);
    free(argv);
    if (pid < 0)
        return msa_error_set(err, "sweep: cannot start a process: %s", strerror(errno));
    pt->pid = pid;
    return 0;
}

static void finish_point(struct point *pt, int wstatus)
{
    pt->pid = 0;
    pt->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    FILE *f = fopen(pt->err_path, "r");
    if (f) {
        char line[MSA_ERROR_MAX - 1];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0])
                snprintf(pt->error, sizeof pt->error, "%s", line);
        }
        fclose(f);
    }
    unlink(pt->err_path);
    if (pt->status > 128 && !pt->error[0])
        snprintf(pt->error, sizeof pt->error, "killed by signal %d", pt->status - 128);
    if (access(pt->stats_path, R_OK) == 0) {
        struct msa_error jerr;
        pt->stats = json_parse_file(pt->stats_path, NULL, &jerr);
        if (!pt->stats && !pt->error[0])
            snprintf(pt->error, sizeof pt->error, "%s", jerr.msg);
        unlink(pt->stats_path);
    }
}

/* ---- the CSV ------------------------------------------------------------ */

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

static const struct json_value *point_summary(const struct point *pt)
{
    if (!pt->stats)
        return NULL;
    const struct json_value *s = json_get(json_doc_root(pt->stats), "summary");
    return s && s->type == JSON_OBJECT ? s : NULL;
}

/* Summary columns: every key any point reported, in first-seen order. */
static int collect_columns(struct point *pts, size_t n, const char ***cols, size_t *ncols)
{
    size_t cap = 16;
    *cols = malloc(cap * sizeof **cols);
    *ncols = 0;
    if (!*cols)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const struct json_value *s = point_summary(&pts[i]);
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
    char buf[64];
    if (!v)
        return;
    switch (v->type) {
    case JSON_NUMBER:
        if (v->number.fits_int)
            snprintf(buf, sizeof buf, "%" PRId64, v->number.i);
        else if (v->number.fits_uint)
            snprintf(buf, sizeof buf, "%" PRIu64, v->number.u);
        else
            snprintf(buf, sizeof buf, "%.17g", v->number.d);
        fputs(buf, f);
        break;
    case JSON_STRING: csv_field(f, v->string.s); break;
    case JSON_BOOL: fputs(v->boolean ? "true" : "false", f); break;
    default: break;
    }
}

static int write_csv(const struct sweep_spec *spec, struct point *pts, size_t n, const char *out_path,
                     struct msa_error *err)
{
    const char **cols;
    size_t ncols;
    if (collect_columns(pts, n, &cols, &ncols) < 0) {
        free(cols);
        return msa_error_set(err, "sweep: out of memory");
    }
    struct atomic_file af;
    FILE *f = atomic_open(out_path, &af, err);
    if (!f) {
        free(cols);
        return -1;
    }
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
        fprintf(f, "%d,", pts[i].status);
        csv_field(f, pts[i].status ? pts[i].error : "");
        const struct json_value *s = point_summary(&pts[i]);
        for (size_t c = 0; c < ncols; c++) {
            fputc(',', f);
            write_value(f, s ? json_get(s, cols[c]) : NULL);
        }
        fputc('\n', f);
    }
    free(cols);
    return atomic_commit(&af, err);
}

/* ---- the scheduler ------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_progress(size_t done, size_t total, size_t failed, double elapsed)
{
    double eta = done ? elapsed / (double)done * (double)(total - done) : 0;
    fprintf(stderr, "\rsweep: %zu/%zu points done, %zu failed, elapsed %.0fs, ETA %.0fs   ", done, total,
            failed, elapsed, eta);
}

long sweep_run(const struct sweep_spec *spec, const char *out_path, struct msa_error *err)
{
    size_t n = sweep_point_count(spec);
    if (n > SWEEP_MAX_POINTS)
        return msa_error_set(err, "sweep: more than %d points", SWEEP_MAX_POINTS);
    char dir[] = "/tmp/msasim-sweep.XXXXXX";
    if (!mkdtemp(dir))
        return msa_error_set(err, "sweep: cannot create a temporary directory: %s", strerror(errno));
    struct point *pts = calloc(n, sizeof *pts);
    if (!pts) {
        rmdir(dir);
        return msa_error_set(err, "sweep: out of memory");
    }
    unsigned jobs = spec->jobs ? spec->jobs : 1;
    size_t next = 0, done = 0, failed = 0, running = 0;
    double t0 = now_seconds();
    int rc = 0;
    while (done < n) {
        while (rc == 0 && running < jobs && next < n) {
            if (start_point(spec, next, &pts[next], dir, err) < 0) {
                rc = -1;
                break;
            }
            next++;
            running++;
        }
        if (running == 0)
            break;
        int wstatus;
        pid_t pid = wait(&wstatus);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (size_t i = 0; i < next; i++) {
            if (pts[i].pid == pid) {
                finish_point(&pts[i], wstatus);
                running--;
                done++;
                if (pts[i].status != 0)
                    failed++;
                break;
            }
        }
        if (spec->progress)
            show_progress(done, n, failed, now_seconds() - t0);
    }
    if (spec->progress)
        fputc('\n', stderr);
    if (rc == 0 && done == n && write_csv(spec, pts, n, out_path, err) < 0)
        rc = -1;
    for (size_t i = 0; i < n; i++)
        json_doc_free(pts[i].stats);
    free(pts);
    rmdir(dir);
    return rc < 0 ? -1 : (long)failed;
}
