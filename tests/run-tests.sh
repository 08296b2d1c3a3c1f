#!/usr/bin/env bash
# Runs every test: the Check unit suites in $BUILD/tests, then the end-to-end
# scripts in tests/cli (each one a bash script that exits non-zero on
# failure).  Prints one closing line "N passed, N failed".
set -u
BUILD=${BUILD:-build}
export BUILD
export MSASIM=${MSASIM:-$BUILD/msasim}
passed=0
failed=0
failures=()

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    out=$(timeout 600 "$t" 2>&1)
    rc=$?
    printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:|^tests/|:[EF]:' | sed "s|^|$(basename "$t"): |"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks:' | tail -n 1)
    if [ -n "$line" ]; then
        n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
        f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
        e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
        passed=$((passed + n - f - e))
        failed=$((failed + f + e))
    fi
    if [ $rc -ne 0 ]; then
        failures+=("$(basename "$t") (exit $rc)")
        [ -n "$line" ] || failed=$((failed + 1))
    fi
done

for t in tests/cli/*.sh; do
    [ -f "$t" ] || continue
    [ "$(basename "$t")" = lib.sh ] && continue
    if out=$(timeout 900 bash "$t" 2>&1); then
        passed=$((passed + 1))
        echo "ok   $t"
    else
        failed=$((failed + 1))
        failures+=("$t")
        echo "FAIL $t"
        printf '%s\n' "$out" | tail -n 30 | sed 's/^/     /'
    fi
done

if ((${#failures[@]})); then
    echo "failing: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
