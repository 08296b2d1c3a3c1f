#!/usr/bin/env bash
# The binary's contract: --help and --version, exit statuses, one-line errors
# that name the bad input, and the built-in platforms' summaries.
. tests/cli/lib.sh

expect_status 0 "$MSASIM" --version
expect_stdout_has "msasim "
expect_status 0 "$MSASIM" --help
expect_stdout_has "platform"
expect_status 2 "$MSASIM"
expect_status 2 "$MSASIM" frobnicate
expect_stderr_has "unknown subcommand 'frobnicate'"

expect_status 0 "$MSASIM" platform show --help
expect_stdout_has "usage: msasim platform show"
expect_status 2 "$MSASIM" platform show
expect_stderr_has "missing platform"
expect_status 2 "$MSASIM" platform show --jsn virt
expect_stderr_has "unknown option '--jsn'"
expect_one_line_stderr
expect_status 2 "$MSASIM" platform show "$TMP/nonexistent.dtb"
expect_stderr_has "$TMP/nonexistent.dtb"
expect_one_line_stderr

# A truncated DTB and a DTS with a syntax error: exit 2, one line naming the file.
"$MSASIM" platform show --json virt >/dev/null
dtc -q -I dts -O dtb -o "$TMP/good.dtb" sim/platforms/virt.dts
head -c 200 "$TMP/good.dtb" >"$TMP/cut.dtb"
expect_status 2 "$MSASIM" platform show "$TMP/cut.dtb"
expect_stderr_has "$TMP/cut.dtb"
expect_one_line_stderr
printf '/dts-v1/;\n/ { memory { reg = <0x0 ; }; };\n' >"$TMP/bad.dts"
expect_status 2 "$MSASIM" platform show "$TMP/bad.dts"
expect_stderr_has "$TMP/bad.dts"
expect_one_line_stderr

# Golden summaries of the built-in platforms.
for p in virt fvp-r; do
    expect_status 0 "$MSASIM" platform show --json "$p"
    expect_stdout_golden "platform-$p.json"
    expect_status 0 "$MSASIM" platform show "$p"
    expect_stdout_golden "platform-$p.txt"
done

# The derived Xen dom0less tree, when the shared data is present.
if S=$(shared_dir); then
    expect_status 0 "$MSASIM" platform show --json "$S/data/dts/derived/fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb"
    expect_stdout_has '"name": "domU1"'
    expect_stdout_has '"direct_map": true'
else
    echo "skip: shared data folder not found (set MSASIM_SHARED)"
fi
finish
