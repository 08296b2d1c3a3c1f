/* Running sweep points as child processes: one point, and the local
 * scheduler that keeps --jobs of them running and shows progress. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/json_parse.h"
#include "sim/sweep.h"

int sweep_proc_start(const struct sweep_spec *spec, size_t i, const char *tmpdir, const char *cwd,
                     struct sweep_proc *p, struct msa_error *err)
{
    snprintf(p->stats_path, sizeof p->stats_path, "%s/%zu.stats.json", tmpdir, i);
    snprintf(p->err_path, sizeof p->err_path, "%s/%zu.err", tmpdir, i);
    char **argv = sweep_point_argv(spec, i, spec->self, p->stats_path);
    if (!argv)
        return msa_error_set(err, "sweep: out of memory");
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int efd = open(p->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (devnull >= 0) {
            dup2(devnull, STDIN_FILENO);
            dup2(devnull, STDOUT_FILENO);
        }
        if (efd >= 0)
            dup2(efd, STDERR_FILENO);
        if (cwd && chdir(cwd) < 0) {
            fprintf(stderr, "cannot enter %s: %s\n", cwd, strerror(errno));
            _exit(127);
        }
        execv(spec->self, argv);
        fprintf(stderr, "cannot run %s: %s\n", spec->self, strerror(errno));
        _exit(127);
    }
    sweep_argv_free(argv);
    if (pid < 0)
        return msa_error_set(err, "sweep: cannot start a process: %s", strerror(errno));
    p->pid = pid;
    return 0;
}

void sweep_proc_finish(struct sweep_proc *p, int wstatus, struct sweep_outcome *o)
{
    p->pid = 0;
    memset(o, 0, sizeof *o);
    o->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    FILE *f = fopen(p->err_path, "r");
    if (f) {
        char line[MSA_ERROR_MAX - 1];
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (line[0])
                snprintf(o->error, sizeof o->error, "%s", line);
        }
        fclose(f);
    }
    unlink(p->err_path);
    if (o->status > 128 && !o->error[0])
        snprintf(o->error, sizeof o->error, "killed by signal %d", o->status - 128);
    if (access(p->stats_path, R_OK) == 0) {
        struct msa_error jerr = {{0}};
        o->doc = json_parse_file(p->stats_path, NULL, &jerr);
        if (!o->doc && !o->error[0])
            snprintf(o->error, sizeof o->error, "%s", jerr.msg);
        unlink(p->stats_path);
    }
}

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

long sweep_run(const struct sweep_spec *spec, const char *out_path, const char *html_path,
               struct msa_error *err)
{
    size_t n = sweep_point_count(spec);
    if (n > SWEEP_MAX_POINTS)
        return msa_error_set(err, "sweep: more than %d points", SWEEP_MAX_POINTS);
    const char *tmp = getenv("TMPDIR");
    char dir[SWEEP_PATH_MAX];
    if (!tmp || !*tmp)
        tmp = P_tmpdir;
    snprintf(dir, sizeof dir, "%s/msasim-sweep.XXXXXX", tmp);
    if (!mkdtemp(dir))
        return msa_error_set(err, "sweep: cannot create a temporary directory in %s: %s", tmp,
                             strerror(errno));
    struct sweep_proc *procs = calloc(n, sizeof *procs);
    struct sweep_outcome *out = calloc(n, sizeof *out);
    if (!procs || !out) {
        free(procs);
        free(out);
        rmdir(dir);
        return msa_error_set(err, "sweep: out of memory");
    }
    unsigned jobs = spec->jobs ? spec->jobs : 1;
    size_t next = 0, done = 0, failed = 0, running = 0;
    double t0 = now_seconds();
    int rc = 0;
    if (spec->progress)
        show_progress(0, n, 0, 0);
    while (done < n) {
        while (rc == 0 && running < jobs && next < n) {
            if (sweep_proc_start(spec, next, dir, NULL, &procs[next], err) < 0) {
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
            if (procs[i].pid == pid) {
                sweep_proc_finish(&procs[i], wstatus, &out[i]);
                running--;
                done++;
                if (out[i].status != 0)
                    failed++;
                break;
            }
        }
        if (spec->progress)
            show_progress(done, n, failed, now_seconds() - t0);
    }
    if (spec->progress)
        fputc('\n', stderr);
    if (rc == 0 && done == n && sweep_write_results(spec, out, n, out_path, html_path, err) < 0)
        rc = -1;
    for (size_t i = 0; i < n; i++)
        json_doc_free(out[i].doc);
    free(procs);
    free(out);
    rmdir(dir);
    return rc < 0 ? -1 : (long)failed;
}
