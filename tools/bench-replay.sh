#!/usr/bin/env bash
# `make bench`: boot-trace replay speed, in events per second, for the
# binary sample traces of traces/.  "read" decodes the events only (trace
# info --time); "replay" also drives the module and the simulated MPUs
# (replay --time, the consistency check at the end, as in a sweep).  Each
# figure is the median of five runs; the timers cover the event loop, not
# the process start or the file's decompression.
set -u
BUILD=${BUILD:-build}
MSASIM=${MSASIM:-$BUILD/msasim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

rate() {   # rate KIND TRACE ARGS...: median events/s over five runs
    local what=$1 trace=$2
    shift 2
    local r=()
    for _ in 1 2 3 4 5; do
        if [ "$what" = read ]; then
            "$MSASIM" trace info --time "$trace" >/dev/null 2>"$TMP/err" || return 1
        else
            "$MSASIM" replay --time "$trace" "$@" >/dev/null 2>"$TMP/err" || return 1
        fi
        r+=("$(sed -n 's/.*: \([0-9]*\) events\/s$/\1/p' "$TMP/err" | tail -1)")
    done
    printf '%s\n' "${r[@]}" | sort -n | sed -n 3p
}

human() {
    awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.1f M", r / 1e6; else printf "%.0f k", r / 1e3 }'
}

printf '%-44s %8s %14s %14s\n' trace events "read ev/s" "replay ev/s"
status=0
for t in traces/*.mtrace.gz; do
    [ -f "$t" ] || continue
    plain="$TMP/$(basename "$t" .gz)"
    gzip -dc "$t" >"$plain"
    n=$("$MSASIM" trace info "$plain" | sed -n 's/^events *//p')
    rd=$(rate read "$plain") && rp=$(rate replay "$plain" --check end) || {
        echo "bench-replay: $t failed: $(cat "$TMP/err")"
        status=1
        continue
    }
    printf '%-44s %8s %14s %14s\n' "$(basename "$t")" "$n" "$(human "$rd")" "$(human "$rp")"
done
echo "target: replay at least 5 M events/s from the binary form (the \"replay\" column)"
exit $status
