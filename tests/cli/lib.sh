# Helpers for the end-to-end tests: source it, call `expect_*`, end with
# `finish`.  Every check prints what it compared when it fails.
MSASIM=${MSASIM:-build/msasim}
FAILS=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

# expect_status STATUS CMD...: runs CMD, output to $TMP/out and $TMP/err
expect_status() {
    local want=$1; shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "'$*' exited $got, expected $want"
        sed 's/^/  stderr: /' "$TMP/err" | head -5
    fi
}

# expect_stderr_has TEXT: the last command's stderr contains TEXT
expect_stderr_has() {
    grep -qF -- "$1" "$TMP/err" || { fail "stderr lacks '$1'"; sed 's/^/  stderr: /' "$TMP/err" | head -5; }
}

expect_stdout_has() {
    grep -qF -- "$1" "$TMP/out" || { fail "stdout lacks '$1'"; head -20 "$TMP/out" | sed 's/^/  stdout: /'; }
}

# expect_one_line_stderr: errors are one line
expect_one_line_stderr() {
    local n; n=$(wc -l <"$TMP/err")
    [ "$n" -eq 1 ] || { fail "stderr has $n lines, expected 1"; head -5 "$TMP/err"; }
}

# expect_same_as_golden FILE: stdout equals tests/golden/FILE
expect_stdout_golden() {
    if ! diff -u "tests/golden/$1" "$TMP/out" >"$TMP/diff"; then
        fail "stdout differs from tests/golden/$1"
        head -40 "$TMP/diff"
    fi
}

shared_dir() {
    local d=${MSASIM_SHARED:-../shared}
    [ -d "$d/data" ] && echo "$d"
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed"
        exit 1
    fi
    exit 0
}
