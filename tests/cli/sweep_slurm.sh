#!/usr/bin/env bash
# Scaling a sweep out: --emit slurm writes a job array and a manifest; the
# array tasks run here with the environment Slurm would give them (the
# generated sbatch script itself, run by bash), GNU parallel's way (--task),
# and --collect must give the CSV a local sweep gives.
. tests/cli/lib.sh
M=$(cd "$(dirname "$MSASIM")" && pwd)/$(basename "$MSASIM")
PARAMS=(--param mpu-regions=8,16,32 --param hv-opt=alloc=first-fit,alloc=prenr)

expect_status 1 "$MSASIM" sweep --jobs 2 "${PARAMS[@]}" --out "$TMP/local.csv" -- boot --platform fvp-r
[ -s "$TMP/local.csv" ] || fail "the local sweep wrote no CSV"

expect_status 0 "$MSASIM" sweep --emit slurm "$TMP/job" "${PARAMS[@]}" -- boot --platform fvp-r
expect_stderr_has "6 points written to $TMP/job"
for f in manifest.tsv sweep.sbatch README; do
    [ -s "$TMP/job/$f" ] || fail "no $f"
done
[ -d "$TMP/job/results" ] && [ -d "$TMP/job/logs" ] || fail "results/ or logs/ missing"
grep -q '^#SBATCH --array=0-5$' "$TMP/job/sweep.sbatch" || fail "array range: $(grep array "$TMP/job/sweep.sbatch")"
grep -q "^#SBATCH --output=$TMP/job/logs/%A_%a.out$" "$TMP/job/sweep.sbatch" || fail "no per-task log"
bash -n "$TMP/job/sweep.sbatch" || fail "the sbatch script is not valid bash"
grep -q "parallel msasim sweep --run-task $TMP/job --task {} ::: \$(seq 0 5)" "$TMP/job/README" ||
    fail "README lacks the GNU parallel line"
[ "$(grep -c '^[0-9]' "$TMP/job/manifest.tsv")" -eq 6 ] || fail "manifest: not 6 point lines"
grep -q "^3	msasim	boot	--mpu-regions=16	--hv-opt=alloc=prenr	--platform	fvp-r$" "$TMP/job/manifest.tsv" ||
    fail "point 3's command line: $(grep '^3' "$TMP/job/manifest.tsv")"

# Array tasks 0, 2, 4 as Slurm runs them: the script, SLURM_* set, from another directory.
for t in 0 2 4; do
    (cd / && env SLURM_ARRAY_JOB_ID=4242 SLURM_JOB_ID=$((4243 + t)) SLURM_ARRAY_TASK_ID=$t \
        SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_MAX=5 SLURM_ARRAY_TASK_COUNT=6 SLURM_SUBMIT_DIR="$PWD" \
        MSASIM="$M" bash "$TMP/job/sweep.sbatch") >"$TMP/task$t.out" 2>&1
    rc=$?
    # Point 0 (8 regions) fails: the task reports it, and its result is recorded.
    want=0
    [ "$t" = 0 ] && want=1
    [ "$rc" -eq "$want" ] || { fail "array task $t exited $rc, expected $want"; cat "$TMP/task$t.out"; }
    [ -s "$TMP/job/results/$t.json" ] || fail "array task $t left no result"
done
# Collecting before every task ran: the missing points are marked, exit 1.
expect_status 1 "$MSASIM" sweep --collect "$TMP/job" --out "$TMP/partial.csv"
grep -q '^8,alloc=prenr,-1,no result: task 1 did not run or did not finish' "$TMP/partial.csv" ||
    fail "a missing task is not marked: $(sed -n 3p "$TMP/partial.csv")"
# The others GNU parallel's way (or its stand-in): --task N.
if command -v parallel >/dev/null 2>&1 && parallel --version 2>/dev/null | grep -q GNU; then
    parallel "$M" sweep --run-task "$TMP/job" --task {} ::: 1 3 5
else
    echo "note: GNU parallel is not installed; running its command lines with xargs"
    printf '%s\n' 1 3 5 | xargs -I{} "$M" sweep --run-task "$TMP/job" --task {}
fi
expect_status 1 "$MSASIM" sweep --collect "$TMP/job" --out "$TMP/collected.csv" --html "$TMP/c.html"
diff -u "$TMP/local.csv" "$TMP/collected.csv" || fail "collected CSV differs from the local sweep's"
grep -q 'id="pareto-0-0"' "$TMP/c.html" || fail "collect --html has no Pareto view"
# No stray files next to the results.
ls "$TMP/job/results" | grep -v '^[0-9]*\.json$' && fail "stray files in results/"

# Mistakes.
expect_status 2 "$MSASIM" sweep --run-task "$TMP/job"
expect_stderr_has "no --task N and no SLURM_ARRAY_TASK_ID"
expect_one_line_stderr
expect_status 2 "$MSASIM" sweep --run-task "$TMP/job" --task 6
expect_stderr_has "points 0 to 5"
expect_status 2 "$MSASIM" sweep --collect "$TMP/nowhere"
expect_stderr_has "$TMP/nowhere/manifest.tsv"
expect_status 2 "$MSASIM" sweep --collect "$TMP/job" --param a=1 -- boot
expect_stderr_has "takes no --param"
expect_status 2 "$MSASIM" sweep --emit slurm "$TMP/job" "${PARAMS[@]}" -- boot
expect_stderr_has "already holds results"
expect_status 2 "$MSASIM" sweep --emit slurm "${PARAMS[@]}" -- boot
expect_stderr_has "--emit slurm DIR"
expect_status 2 "$MSASIM" sweep --emit pbs "$TMP/x" "${PARAMS[@]}" -- boot
finish
