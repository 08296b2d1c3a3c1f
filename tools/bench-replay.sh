#!/usr/bin/env bash
# `make bench`: boot-trace replay speed, in events per second, for the
# binary sample traces of traces/.  "read" decodes the events only (trace
# info --time); "replay" also drives the module and the simulated MPUs
# (replay --time, the consistency check at the end, as in a sweep), by the
# wall clock and by the process's CPU time (on a shared machine the wall
# clock also counts the time the process waited for a core).  Each figure
# is the median of five runs; the timers cover the event loop, not the
# process start or the file's decompression.
set -u
BUILD=${BUILD:-build}
MSASIM=${MSASIM:-$BUILD/msasim}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# rate KIND TRACE ARGS...: "WALL CPU", the median events/s of five runs
# by each clock
rate() {
    local what=$1 trace=$2
    shift 2
    local w=() c=()
    for _ in 1 2 3 4 5; do
        if [ "$what" = read ]; then
            "$MSASIM" trace info --time "$trace" >/dev/null 2>"$TMP/err" || return 1
        else
            "$MSASIM" replay --time "$trace" "$@" >/dev/null 2>"$TMP/err" || return 1
        fi
        local line
        line=$(grep 'events/s, [0-9]* per CPU second$' "$TMP/err" | tail -1)
        w+=("$(sed -n 's/.*: \([0-9]*\) events\/s, .*/\1/p' <<<"$line")")
        c+=("$(sed -n 's/.*, \([0-9]*\) per CPU second$/\1/p' <<<"$line")")
    done
    echo "$(printf '%s\n' "${w[@]}" | sort -n | sed -n 3p) $(printf '%s\n' "${c[@]}" | sort -n | sed -n 3p)"
}

human() {
    awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.1f M", r / 1e6; else printf "%.0f k", r / 1e3 }'
}

printf '%-38s %7s %10s %13s %13s\n' trace events "read ev/s" "replay (wall)" "replay (CPU)"
status=0
for t in traces/*.mtrace.gz; do
    [ -f "$t" ] || continue
    plain="$TMP/$(basename "$t" .gz)"
    gzip -dc "$t" >"$plain"
    n=$("$MSASIM" trace info "$plain" | sed -n 's/^events *//p')
    rd=$(rate read "$plain") && rp=$(rate replay "$plain" --check end) && [ -n "$rp" ] || {
        echo "bench-replay: $t failed: $(cat "$TMP/err")"
        status=1
        continue
    }
    read -r rd_wall _ <<<"$rd"
    read -r rp_wall rp_cpu <<<"$rp"
    printf '%-38s %7s %10s %13s %13s\n' "$(basename "$t")" "$n" "$(human "$rd_wall")" \
        "$(human "$rp_wall")" "$(human "$rp_cpu")"
done
echo "target: replay at least 5 M events/s from the binary form (the \"replay\" columns)"
exit $status
