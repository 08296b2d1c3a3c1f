#!/usr/bin/env bash
# Replays the fuzz seed corpora and the saved crash inputs through every fuzz
# target (tests/fuzz), built with the ordinary compiler and a small driver in
# place of libFuzzer, so a fixed crash stays fixed without clang.  A crash,
# sanitizer report (make SANITIZE=1 test) or a hang past the time limit fails.
. tests/cli/lib.sh

BUILD=${BUILD:-build}
san=
case "$BUILD" in *san*) san=SANITIZE=1 ;; esac

targets=$(ls tests/fuzz/fuzz_*.c | sed 's|tests/fuzz/fuzz_\(.*\)\.c|\1|')
[ -n "$targets" ] || fail "no fuzz targets in tests/fuzz"
for t in $targets; do
    bin=$BUILD/fuzz-replay/fuzz_$t
    if ! make --no-print-directory -s $san "$bin" >"$TMP/make.log" 2>&1; then
        fail "building $bin"
        head -20 "$TMP/make.log"
        continue
    fi
    n=$(ls tests/fuzz/corpus/$t 2>/dev/null | wc -l)
    [ "$n" -gt 0 ] || fail "tests/fuzz/corpus/$t has no seeds"
    expect_status 0 timeout 300 "$bin" "tests/fuzz/corpus/$t" "tests/fuzz/regressions/$t"
    expect_stdout_has "replayed "
done

# The tree on which libfdt's full check spun without end: refused at once,
# in one line naming the place.
expect_status 2 timeout 10 "$MSASIM" platform show \
    tests/fuzz/regressions/dtb/timeout-d976d97498adb7df747b5c841beab7fc701d3a9e
expect_one_line_stderr
expect_stderr_has "the tag at byte 1740 of the structure block does not advance"
finish
