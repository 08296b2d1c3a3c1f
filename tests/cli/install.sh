#!/usr/bin/env bash
# make install: the binary runs from its new place, the library and every
# installed header are there, and each header compiles on its own.
. tests/cli/lib.sh
make --no-print-directory -s install PREFIX="$TMP/p" BUILD="${BUILD:-build}" >"$TMP/log" 2>&1 ||
    { fail "make install failed"; tail -5 "$TMP/log"; }
expect_status 0 "$TMP/p/bin/msasim" --version
[ -f "$TMP/p/lib/libmsasim.a" ] || fail "libmsasim.a not installed"
n=0
for h in $(cd "$TMP/p/include/msasim" && find . -name '*.h' | sed 's|^\./||'); do
    [ "$h" = cpu/sysreg_list.h ] && continue   # an X-macro table, included by cpu/cpu.h
    printf '#include "%s"\n' "$h" >"$TMP/h.c"
    cc -std=c11 -D_DEFAULT_SOURCE -fsyntax-only -Wall -Werror -I"$TMP/p/include/msasim" "$TMP/h.c" 2>"$TMP/herr" ||
        { fail "installed header $h does not compile on its own"; head -3 "$TMP/herr"; }
    n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n headers installed"
finish
