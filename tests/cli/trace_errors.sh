#!/usr/bin/env bash
# Bad traces: truncated and corrupt text and binary traces, a newer format
# version, something that is not a trace, a gzip stream cut short, events
# the platform cannot take.  Each is one error line naming the file and the
# line or byte, exit status 2, and no output file.
. tests/cli/lib.sh

"$MSASIM" boot --trace-out "$TMP/good.trace" >/dev/null 2>&1 || fail "boot --trace-out failed"
"$MSASIM" trace convert "$TMP/good.trace" "$TMP/good.mtrace" || fail "trace convert failed"
size=$(wc -c <"$TMP/good.mtrace")

# bad TRACE MESSAGE: replay and convert refuse it with MESSAGE, write nothing.
bad() {
    expect_status 2 "$MSASIM" replay "$1" --stats-json "$TMP/stats.json" --trace-out "$TMP/re.trace"
    expect_stderr_has "$2"
    expect_one_line_stderr
    [ ! -e "$TMP/stats.json" ] || fail "replay of $1 wrote a statistics file"
    [ ! -e "$TMP/re.trace" ] || fail "replay of $1 wrote a trace"
    rm -f "$TMP/stats.json" "$TMP/re.trace"
    expect_status 2 "$MSASIM" trace convert "$1" "$TMP/conv.mtrace"
    expect_stderr_has "$2"
    [ ! -e "$TMP/conv.mtrace" ] || fail "trace convert of $1 left an output"
}

# Truncated binary: the error names a byte offset inside the data.
head -c $((size - 3)) "$TMP/good.mtrace" >"$TMP/cut.mtrace"
bad "$TMP/cut.mtrace" "cut.mtrace: byte "
expect_stderr_has "truncated"
head -c 20 "$TMP/good.mtrace" >"$TMP/cut20.mtrace"
bad "$TMP/cut20.mtrace" "cut20.mtrace: byte "

# Truncated text: the error names the line.
head -n 18 "$TMP/good.trace" >"$TMP/cut.trace"
bad "$TMP/cut.trace" "cut.trace:18: truncated: no 'end COUNT' line"
head -c 300 "$TMP/good.trace" >"$TMP/cut300.trace"
bad "$TMP/cut300.trace" "cut300.trace:"

# Corrupt binary: an unknown record type at a known offset.
python3 - "$TMP/good.mtrace" "$TMP/corrupt.mtrace" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
# The end record is 0x00 COUNT at the end; put an unknown record there.
b[-2] = 0x7e
open(sys.argv[2], "wb").write(b)
EOF
bad "$TMP/corrupt.mtrace" "corrupt.mtrace: byte $((size - 2)): corrupt: unknown record type 0x7e"

# Corrupt text: a line that is not an event.
sed '12s/ioremap/iomap/' "$TMP/good.trace" >"$TMP/corrupt.trace"
bad "$TMP/corrupt.trace" "corrupt.trace:12: unknown event 'iomap'"
sed 's/^end \([0-9]*\)$/end 99/' "$TMP/good.trace" >"$TMP/count.trace"
bad "$TMP/count.trace" "the end line counts 99 events"

# A newer format version: a clear refusal.
sed '1s/.*/msasim-trace 3/' "$TMP/good.trace" >"$TMP/newer.trace"
bad "$TMP/newer.trace" "newer.trace:1: trace format version 3 is newer than this msasim reads (version 2): refused"
python3 - "$TMP/good.mtrace" "$TMP/newer.mtrace" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[8] = 3     # the version, right after the 8-byte magic
open(sys.argv[2], "wb").write(b)
EOF
bad "$TMP/newer.mtrace" "newer.mtrace: byte 8: trace format version 3 is newer"

# Not a trace, an empty file, a gzip stream cut short, a missing file.
echo "hello" >"$TMP/hello.trace"
bad "$TMP/hello.trace" "hello.trace: byte 0: not a msasim trace"
: >"$TMP/empty.trace"
bad "$TMP/empty.trace" "empty.trace: empty file"
gzip -c "$TMP/good.trace" | head -c 200 >"$TMP/cut.trace.gz"
bad "$TMP/cut.trace.gz" "gzip stream truncated or corrupt"
bad "$TMP/missing.trace" "missing.trace: cannot open"

# Events the platform cannot take: a domain fvp-r does not have.
sed 's/^\(.* c0 idle\) finish_boot$/\1 create_domain d3/' "$TMP/good.trace" >"$TMP/dom.trace"
line=$(grep -n 'create_domain d3' "$TMP/dom.trace" | cut -d: -f1)
[ -n "$line" ] || fail "could not build the bad-domain trace"
bad_replay_only() {
    expect_status 2 "$MSASIM" replay "$1" --stats-json "$TMP/stats.json"
    expect_stderr_has "$2"
    [ ! -e "$TMP/stats.json" ] || fail "replay of $1 wrote a statistics file"
}
bad_replay_only "$TMP/dom.trace" "dom.trace:$line: create_domain names domain d3: the platform has 0 dom0less domains"
sed 's/^\(.*\) c1 idle cpu_up$/\1 c9 idle cpu_up/' "$TMP/good.trace" >"$TMP/core.trace"
bad_replay_only "$TMP/core.trace" "cpu_up on core 9: the platform has 4 cores"
# An embedded platform that is not a device tree.
sed 's/^platform builtin "fvp-r"$/platform builtin "no-such-board"/' "$TMP/good.trace" >"$TMP/plat.trace"
bad_replay_only "$TMP/plat.trace" "platform 'no-such-board' is not a built-in"

# Usage errors.
expect_status 2 "$MSASIM" replay
expect_stderr_has "expected a TRACE file"
expect_status 2 "$MSASIM" trace frobnicate x
expect_stderr_has "unknown action 'frobnicate'"
expect_status 2 "$MSASIM" trace convert "$TMP/good.trace"
expect_stderr_has "expected IN and OUT"
finish
