/* Unit tests for sweeps: parameter forms, the cross product and each point's
 * command line, the results CSV, and the Slurm manifest (emit, read back,
 * task selection, collect with missing results). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/json_parse.h"
#include "sim/sweep.h"
#include "tests/unit/check_run.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n = getdelim(&buf, &cap, '\0', f);
    fclose(f);
    ck_assert_int_ge(n, 0);
    return buf;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "%s/sweep-test.XXXXXX", P_tmpdir);
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *sub_argv[] = {"boot", "--platform", "fvp-r", NULL};

static void spec_with(struct sweep_spec *spec, const char *const *params)
{
    struct msa_error err = {{0}};
    memset(spec, 0, sizeof *spec);
    for (size_t i = 0; params[i]; i++)
        ck_assert_msg(sweep_add_param(spec, params[i], &err) == 0, "%s", err.msg);
    spec->self = "/bin/true";
    spec->sub_argc = 3;
    spec->sub_argv = sub_argv;
    spec->jobs = 1;
}

START_TEST(test_param_forms)
{
    struct sweep_spec spec;
    const char *params[] = {"mpu-regions=16,32", "hv-opt=alloc=first-fit,alloc=prenr",
                            "hv-opt:alloc=first-fit,reserved=4,prenr", "l1d.size=16K", NULL};
    spec_with(&spec, params);
    ck_assert_int_eq(spec.nparams, 4);
    ck_assert_str_eq(spec.params[0].prefix, "--mpu-regions=");
    ck_assert_str_eq(spec.params[1].prefix, "--hv-opt=");
    ck_assert_str_eq(spec.params[1].values[1], "alloc=prenr");
    ck_assert_str_eq(spec.params[2].name, "hv-opt:alloc");
    ck_assert_str_eq(spec.params[2].prefix, "--hv-opt=alloc=");
    ck_assert_str_eq(spec.params[2].values[1], "reserved=4");
    ck_assert_str_eq(spec.params[3].prefix, "--set=l1d.size=");
    ck_assert_uint_eq(sweep_point_count(&spec), 12);
    sweep_spec_release(&spec);

    /* Escaped commas and backslashes stay in the value. */
    const char *escaped[] = {"device=1:0x1000+0x10\\,2:0x2000+0x10,x\\\\,y\\z", NULL};
    spec_with(&spec, escaped);
    ck_assert_int_eq(spec.params[0].nvalues, 3);
    ck_assert_str_eq(spec.params[0].values[0], "1:0x1000+0x10,2:0x2000+0x10");
    ck_assert_str_eq(spec.params[0].values[1], "x\\");
    ck_assert_str_eq(spec.params[0].values[2], "y\\z");
    sweep_spec_release(&spec);
}
END_TEST

START_TEST(test_param_errors)
{
    struct sweep_spec spec;
    memset(&spec, 0, sizeof spec);
    struct msa_error err = {{0}};
    const struct {
        const char *text, *msg;
    } bad[] = {
        {"mpu-regions", "expected NAME=V1,V2"},
        {"=1,2", "expected NAME=V1,V2"},
        {"mpu-regions=", "expected NAME=V1,V2"},
        {"--mpu-regions=1", "without dashes"},
        {"a b=1", "expected a NAME"},
        {":k=1", "expected a NAME"},
        {"x:=1", "expected a NAME"},
        {"cores=1,,2", "empty value"},
        {"threads=1,", "empty value"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sweep_add_param(&spec, bad[i].text, &err), -1);
        ck_assert_msg(strstr(err.msg, bad[i].msg), "'%s': %s", bad[i].text, err.msg);
        ck_assert_msg(strstr(err.msg, bad[i].text), "the error names the text: %s", err.msg);
    }
    sweep_spec_release(&spec);
    ck_assert_int_eq(sweep_add_param(&spec, "cores=1", &err), 0);
    ck_assert_int_eq(sweep_add_param(&spec, "cores=2", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "already swept"));
    sweep_spec_release(&spec);
}
END_TEST

START_TEST(test_point_argv_order)
{
    struct sweep_spec spec;
    const char *params[] = {"a=1,2", "b:k=x,y,z", NULL};
    spec_with(&spec, params);
    int idx[SWEEP_MAX_PARAMS];
    sweep_point_indices(&spec, 4, idx); /* the last parameter varies fastest */
    ck_assert_int_eq(idx[0], 1);
    ck_assert_int_eq(idx[1], 1);
    char **argv = sweep_point_argv(&spec, 5, "msasim", "S.json");
    const char *want[] = {"msasim", "boot", "--a=2", "--b=k=z", "--stats-json", "S.json",
                          "--platform", "fvp-r", NULL};
    for (size_t i = 0; want[i]; i++)
        ck_assert_str_eq(argv[i], want[i]);
    ck_assert_ptr_null(argv[8]);
    sweep_argv_free(argv);
    argv = sweep_point_argv(&spec, 0, "msasim", NULL);
    ck_assert_str_eq(argv[2], "--a=1");
    ck_assert_str_eq(argv[4], "--platform");
    sweep_argv_free(argv);
    sweep_spec_release(&spec);
}
END_TEST

static struct json_doc *doc(const char *text)
{
    struct msa_error err = {{0}};
    struct json_doc *d = json_parse(text, strlen(text), "t", NULL, &err);
    ck_assert_msg(d != NULL, "%s", err.msg);
    return d;
}

START_TEST(test_results_csv)
{
    make_tmpdir();
    struct sweep_spec spec;
    const char *params[] = {"p=a,b,c", NULL};
    spec_with(&spec, params);
    struct sweep_outcome o[3];
    memset(o, 0, sizeof o);
    o[0].doc = doc("{\"summary\": {\"x\": 1, \"y\": 2.5}}");
    o[1].status = 1;
    snprintf(o[1].error, sizeof o[1].error, "msasim: bad, \"quoted\"");
    o[2].doc = doc("{\"summary\": {\"z\": 18446744073709551615, \"x\": null, \"s\": \"w,v\"}}");
    char csv[128];
    snprintf(csv, sizeof csv, "%s/r.csv", tmpdir);
    struct msa_error err = {{0}};
    ck_assert_int_eq(sweep_write_results(&spec, o, 3, csv, NULL, &err), 0);
    char *got = slurp(csv);
    ck_assert_str_eq(got, "p,status,error,x,y,z,s\n"
                          "a,0,,1,2.5,,\n"
                          "b,1,\"msasim: bad, \"\"quoted\"\"\",,,,\n"
                          "c,0,,,,18446744073709551615,\"w,v\"\n");
    free(got);
    char html[128];
    snprintf(html, sizeof html, "%s/r.html", tmpdir);
    ck_assert_int_eq(sweep_write_results(&spec, o, 3, csv, html, &err), 0);
    got = slurp(html);
    ck_assert_ptr_nonnull(strstr(got, "Sweep report"));
    free(got);
    for (int i = 0; i < 3; i++)
        json_doc_free(o[i].doc);
    sweep_spec_release(&spec);
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_manifest_round_trip_and_collect)
{
    make_tmpdir();
    char dir[128];
    snprintf(dir, sizeof dir, "%s/emit", tmpdir);
    struct sweep_spec spec;
    const char *params[] = {"mpu-regions=8,16", "hv-opt:alloc=first-fit,reserved=4,prenr", NULL};
    spec_with(&spec, params);
    struct msa_error err = {{0}};
    ck_assert_msg(sweep_emit_slurm(&spec, dir, &err) == 0, "%s", err.msg);

    /* A value with a comma and a backslash comes back whole. */
    char dir2[160];
    snprintf(dir2, sizeof dir2, "%s/commas", tmpdir);
    struct sweep_spec odd;
    const char *odd_params[] = {"x=a\\,b,c\\\\", NULL};
    spec_with(&odd, odd_params);
    ck_assert_msg(sweep_emit_slurm(&odd, dir2, &err) == 0, "%s", err.msg);
    struct sweep_manifest *om;
    ck_assert_msg(sweep_manifest_read(dir2, &om, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(sweep_manifest_spec(om)->params[0].nvalues, 2);
    ck_assert_str_eq(sweep_manifest_spec(om)->params[0].values[0], "a,b");
    ck_assert_str_eq(sweep_manifest_spec(om)->params[0].values[1], "c\\");
    sweep_manifest_free(om);
    sweep_spec_release(&odd);

    char path[256];
    snprintf(path, sizeof path, "%s/sweep.sbatch", dir);
    char *sbatch = slurp(path);
    ck_assert_ptr_nonnull(strstr(sbatch, "#!/bin/bash\n"));
    ck_assert_ptr_nonnull(strstr(sbatch, "#SBATCH --array=0-5\n"));
    ck_assert_ptr_nonnull(strstr(sbatch, "sweep --run-task '"));
    free(sbatch);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(st.st_mode & S_IXUSR);
    snprintf(path, sizeof path, "%s/README", dir);
    char *readme = slurp(path);
    ck_assert_ptr_nonnull(strstr(readme, "parallel msasim sweep --run-task "));
    ck_assert_ptr_nonnull(strstr(readme, "--task {} ::: $(seq 0 5)"));
    free(readme);
    snprintf(path, sizeof path, "%s/manifest.tsv", dir);
    char *man = slurp(path);
    ck_assert_ptr_nonnull(strstr(man, "\n5\tmsasim\tboot\t--mpu-regions=16\t--hv-opt=alloc=prenr\t"
                                      "--platform\tfvp-r\n"));
    free(man);

    struct sweep_manifest *m;
    ck_assert_msg(sweep_manifest_read(dir, &m, &err) == 0, "%s", err.msg);
    const struct sweep_spec *back = sweep_manifest_spec(m);
    ck_assert_int_eq(back->nparams, 2);
    ck_assert_str_eq(back->params[1].name, "hv-opt:alloc");
    ck_assert_str_eq(back->params[1].values[1], "reserved=4");
    ck_assert_int_eq(back->sub_argc, 3);
    ck_assert_str_eq(back->sub_argv[2], "fvp-r");
    char cwd[SWEEP_PATH_MAX];
    ck_assert_str_eq(sweep_manifest_cwd(m), getcwd(cwd, sizeof cwd));
    sweep_manifest_free(m);

    /* A second emit into the same directory with results is refused. */
    snprintf(path, sizeof path, "%s/results/0.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"index\": 0, \"status\": 0, \"error\": \"\", \"summary\": {\"regions_peak\": 7}}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/results/2.json", dir);
    f = fopen(path, "w");
    fputs("{\"index\": 3, \"status\": 0}", f);
    fclose(f);
    ck_assert_int_eq(sweep_emit_slurm(&spec, dir, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "already holds results"));

    /* Collect: one good result, one of the wrong point, the rest missing. */
    char csv[160];
    snprintf(csv, sizeof csv, "%s/c.csv", tmpdir);
    ck_assert_int_eq(sweep_collect(dir, csv, NULL, &err), 5);
    char *got = slurp(csv);
    ck_assert_ptr_nonnull(strstr(got, "mpu-regions,hv-opt:alloc,status,error,regions_peak\n"
                                      "8,first-fit,0,,7\n"
                                      "8,reserved=4,-1,no result: task 1 did not run or did not "
                                      "finish,\n"));
    ck_assert_ptr_nonnull(strstr(got, "8,prenr,-1,"));
    ck_assert_ptr_nonnull(strstr(got, "expected {\"\"index\"\": 2"));
    free(got);

    /* Tasks: out of range, and no index at all. */
    unsetenv("SLURM_ARRAY_TASK_ID");
    ck_assert_int_eq(sweep_run_task("/bin/true", dir, -1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "SLURM_ARRAY_TASK_ID"));
    setenv("SLURM_ARRAY_TASK_ID", "six", 1);
    ck_assert_int_eq(sweep_run_task("/bin/true", dir, -1, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "SLURM_ARRAY_TASK_ID='six'"));
    unsetenv("SLURM_ARRAY_TASK_ID");
    ck_assert_int_eq(sweep_run_task("/bin/true", dir, 6, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "points 0 to 5"));
    sweep_spec_release(&spec);
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_manifest_errors)
{
    make_tmpdir();
    struct msa_error err = {{0}};
    struct sweep_manifest *m;
    ck_assert_int_eq(sweep_manifest_read(tmpdir, &m, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "manifest.tsv"));
    ck_assert_ptr_nonnull(strstr(err.msg, "--emit"));
    char path[160];
    snprintf(path, sizeof path, "%s/manifest.tsv", tmpdir);
    const struct {
        const char *text, *msg;
    } bad[] = {
        {"something else\n", "line 1: expected '# msasim sweep manifest 1'"},
        {"# msasim sweep manifest 1\ncwd\t/\nparam\ta\t1\nsub\tboot\n0\tmsasim\tboot\t--a=1\n"
         "2\tmsasim\tboot\t--a=1\n",
         "line 6: point 2 out of order"},
        {"# msasim sweep manifest 1\ncwd\t/\nparam\ta\t1\t2\nsub\tboot\n0\tmsasim\tboot\t--a=1\n",
         "1 point lines, but the parameters make 2 points"},
        {"# msasim sweep manifest 1\nparam\ta\t1\nsub\tboot\n0\tmsasim\tboot\t--a=1\n",
         "the cwd, param or sub line is missing"},
        {"# msasim sweep manifest 1\ncwd\t/\nbogus\n", "line 3: expected cwd, param, sub"},
        {"# msasim sweep manifest 1\ncwd\t/\nparam\t--a\t1\n", "line 3: sweep: --param"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(path, "w");
        fputs(bad[i].text, f);
        fclose(f);
        ck_assert_int_eq(sweep_manifest_read(tmpdir, &m, &err), -1);
        ck_assert_msg(strstr(err.msg, bad[i].msg), "case %zu: %s", i, err.msg);
    }
    /* Values a manifest cannot carry are refused at emit. */
    struct sweep_spec spec;
    const char *params[] = {"a=x\ty", NULL};
    spec_with(&spec, params);
    char dir[160];
    snprintf(dir, sizeof dir, "%s/e", tmpdir);
    ck_assert_int_eq(sweep_emit_slurm(&spec, dir, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.msg, "tab or a line break"));
    sweep_spec_release(&spec);
    remove_tree(tmpdir);
}
END_TEST

static Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *p = tcase_create("params");
    tcase_add_test(p, test_param_forms);
    tcase_add_test(p, test_param_errors);
    tcase_add_test(p, test_point_argv_order);
    suite_add_tcase(s, p);
    TCase *r = tcase_create("results");
    tcase_add_test(r, test_results_csv);
    tcase_add_test(r, test_manifest_round_trip_and_collect);
    tcase_add_test(r, test_manifest_errors);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    return check_run(sweep_suite());
}
