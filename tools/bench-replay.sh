#!/usr/bin/env bash
# `make bench`: boot-trace replay speed, in events per second, for the
# binary sample traces of traces/.  "read" decodes the events only (trace
# info --time); "replay" also drives the module and the simulated MPUs
# (replay --time, the consistency check at the end, as in a sweep), by the
# wall clock and by the process's CPU time (on a shared machine the wall
# clock also counts the time the process waited for a core).  The timers
# cover the event loop, not the process start or the file's decompression.
# Each figure is the median of ROUNDS runs (default 9); the rounds visit
# the traces in turn, so that a spell of load from elsewhere falls on all
# of them alike rather than on one trace's runs.
set -u
BUILD=${BUILD:-build}
MSASIM=${MSASIM:-$BUILD/msasim}
ROUNDS=${ROUNDS:-9}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

human() {
    awk -v r="$1" 'BEGIN { if (r >= 1e6) printf "%.1f M", r / 1e6; else printf "%.0f k", r / 1e3 }'
}

# median FILE: the middle of the numbers in FILE, one per line
median() {
    sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# measure KEY ARGS...: one timed run of msasim ARGS; appends its wall and
# CPU rates to $TMP/KEY.wall and $TMP/KEY.cpu
measure() {
    local key=$1
    shift
    "$MSASIM" "$@" >/dev/null 2>"$TMP/err" || return 1
    local line
    line=$(grep 'events/s, [0-9]* per CPU second$' "$TMP/err" | tail -1)
    [ -n "$line" ] || return 1
    sed -n 's/.*: \([0-9]*\) events\/s, .*/\1/p' <<<"$line" >>"$TMP/$key.wall"
    sed -n 's/.*, \([0-9]*\) per CPU second$/\1/p' <<<"$line" >>"$TMP/$key.cpu"
}

traces=()
for t in traces/*.mtrace.gz; do
    [ -f "$t" ] || continue
    plain="$TMP/$(basename "$t" .gz)"
    gzip -dc "$t" >"$plain"
    traces+=("$plain")
done

declare -A failed
for ((round = 0; round < ROUNDS; round++)); do
    for i in "${!traces[@]}"; do
        [ -z "${failed[$i]:-}" ] || continue
        measure "read$i" trace info --time "${traces[$i]}" &&
            measure "replay$i" replay --time "${traces[$i]}" --check end ||
            failed[$i]=$(cat "$TMP/err")
    done
done

printf '%-38s %7s %10s %13s %13s\n' trace events "read ev/s" "replay (wall)" "replay (CPU)"
status=0
for i in "${!traces[@]}"; do
    name=$(basename "${traces[$i]}").gz
    if [ -n "${failed[$i]:-}" ]; then
        echo "bench-replay: $name failed: ${failed[$i]}"
        status=1
        continue
    fi
    n=$("$MSASIM" trace info "${traces[$i]}" | sed -n 's/^events *//p')
    printf '%-38s %7s %10s %13s %13s\n' "$name" "$n" "$(human "$(median "$TMP/read$i.wall")")" \
        "$(human "$(median "$TMP/replay$i.wall")")" "$(human "$(median "$TMP/replay$i.cpu")")"
done
echo "target: replay at least 5 M events/s from the binary form (the \"replay\" columns;" \
    "medians of $ROUNDS rounds)"
exit $status
