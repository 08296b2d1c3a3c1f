#!/usr/bin/env bash
# msasim platform show on real trees: the JSON is valid and carries the
# values of the dom0less tree and the built-ins; errors are one line that
# names the file.
. tests/cli/lib.sh

# json_get FILE EXPR: evaluates a Python expression over the parsed JSON `d`.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

expect_json() {
    local got
    got=$(json_get "$TMP/out" "$1") || { fail "cannot evaluate $1"; return; }
    [ "$got" = "$2" ] || fail "$1 = $got, expected $2"
}

expect_status 0 "$MSASIM" platform show --json virt
expect_json 'd["profile"]' a
expect_json 'd["memory"]' "[{'base': 1073741824, 'size': 1073741824}]"
expect_json 'd["gic"]["version"], hex(d["gic"]["distributor"]["base"]), hex(d["gic"]["redistributors"][0]["base"])' \
    "(3, '0x8000000', '0x80a0000')"
expect_json 'hex(d["uarts"][0]["base"]), d["psci"]["method"], d["timer"], len(d["cpus"])' "('0x9000000', 'smc', True, 2)"

expect_status 0 "$MSASIM" platform show --json fvp-r
expect_json 'd["profile"], len(d["cpus"]), d["psci"]' "('r', 4, None)"
expect_json 'hex(d["gic"]["distributor"]["base"]), hex(d["uarts"][0]["base"])' "('0xaf000000', '0x9c090000')"

expect_status 0 "$MSASIM" platform show fvp-r
expect_stdout_has "cpus          4 x arm,cortex-r82, spin-table, profile r"

if shared=$(shared_dir); then
    for f in "$shared"/data/dts/derived/*.dts "$shared"/data/dts/derived/*.dtb; do
        expect_status 0 "$MSASIM" platform show --json "$f"
        expect_json '[hex(b["base"]) + "+" + hex(b["size"]) for b in d["chosen"]["static_heap"]]' "['0x50000000+0x20000000']"
        expect_json 'd["domains"][0]["name"], d["domains"][0]["vcpus"], d["domains"][0]["direct_map"], d["domains"][0]["el1_msa"]' \
            "('domU1', 1, True, 'mpu')"
        expect_json '[(hex(b["base"]), hex(b["size"])) for b in d["domains"][0]["static_mem"]]' "[('0x30000000', '0x1f000000')]"
        expect_json '[(m["kind"], hex(m["base"])) for m in d["domains"][0]["modules"]]' \
            "[('kernel', '0x11000000'), ('device-tree', '0x10ff0000')]"
    done
else
    echo "SKIP: shared data folder not found (set MSASIM_SHARED)"
fi

for f in bad-reg-length overlapping-banks domain-outside-ram syntax-error; do
    expect_status 2 "$MSASIM" platform show "tests/data/platform/$f.dts"
    expect_stderr_has "tests/data/platform/$f.dts"
    expect_one_line_stderr
done

finish
