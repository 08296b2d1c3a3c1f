#!/usr/bin/env bash
# Guests named by the device tree: `run --hv xen-mpu --platform TREE
# --module ADDR:FILE ...` with /chosen xen,domain nodes; the files fill
# their multiboot modules (ELF linked where the domain runs, or Image),
# the model builds the domains from them, the guests run.  Bad
# combinations are one-line errors naming the node, the address or the
# file.  The dom0less tree of the Xen Armv8-R porting proposal (shared
# data) runs the hello guest built for its domain.
. tests/cli/lib.sh
G=${BUILD:-build}/workloads/guests
TREE=tests/data/dom0less/fvp-r-two-domains.dts
for g in hello sched2 hello-at-0x30000000; do
    [ -f "$G/$g.elf" ] || { fail "$G/$g.elf was not built"; finish; }
done
head -c 4096 /dev/zero | tr '\0' 'r' >"$TMP/ramdisk.bin"

run_tree() {   # run_tree STATUS KERNEL1 KERNEL2 [more args]
    local status=$1 k1=$2 k2=$3
    shift 3
    expect_status "$status" "$MSASIM" run --hv xen-mpu --platform "$TREE" \
        --module "0x70000000:$k1" --module "0x71000000:$k2" \
        --module "0x72000000:$TMP/ramdisk.bin" "$@"
}

# Two domains from the tree: hello (ELF) and sched (ELF) each in its own
# domain, on their own cores.
run_tree 0 "$G/hello.elf" "$G/sched2.elf" --stats-json "$TMP/tree.json"
expect_stdout_has "hello from a guest at EL1"
expect_stdout_has "sched 0x61000000: done, state kept, yields 24"
python3 - "$TMP/tree.json" <<'EOF' || fail "two domains: figures wrong"
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
bad = []
if s["domains"] != 2: bad.append("domains %s" % s["domains"])
if s["consistency_errors"] != 0: bad.append("consistency_errors %s" % s["consistency_errors"])
# Both kernels (1 MiB modules) and domU2's ramdisk page copied in page by
# page: at least 2 * 256 + 1 map_domain_page calls.
if s["map_domain_page_ops"] < 513: bad.append("map_domain_page_ops %s" % s["map_domain_page_ops"])
for line in bad:
    print("  " + line)
sys.exit(1 if bad else 0)
EOF

# The first kernel as an arm64 Image: entered at the start of its memory.
run_tree 0 "$G/hello.Image" "$G/sched2.elf"
expect_stdout_has "hello from a guest at EL1"

# A guest linked for another domain's memory.
run_tree 2 "$G/sched2.elf" "$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "linked at [0x61000000"
expect_stderr_has "outside /chosen/domU1's memory [0x60000000, 0x61000000)"
# A module without a file names the node and the address to give.
expect_status 2 "$MSASIM" run --hv xen-mpu --platform "$TREE" --module "0x70000000:$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "/chosen/domU2/module@71000000 (kernel at 0x71000000): no file for it; give --module 0x71000000:FILE"
# A file for an address where no module starts.
run_tree 2 "$G/hello.elf" "$G/sched2.elf" --module "0x73000000:$TMP/ramdisk.bin"
expect_one_line_stderr; expect_stderr_has "--module 0x73000000:$TMP/ramdisk.bin: no module of $TREE's xen,domain nodes starts at 0x73000000"
# A file larger than its module.
head -c 4097 /dev/zero >"$TMP/big.bin"
expect_status 2 "$MSASIM" run --hv xen-mpu --platform "$TREE" --module "0x70000000:$G/hello.elf" \
    --module "0x71000000:$G/sched2.elf" --module "0x72000000:$TMP/big.bin"
expect_one_line_stderr; expect_stderr_has "0x1001 bytes do not fit /chosen/domU2/module@72000000 (0x1000 bytes)"
# Guests on the command line as well as in the tree.
run_tree 2 "$G/hello.elf" "$G/sched2.elf" "$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "has 2 xen,domain nodes: the guests are their multiboot modules"
# Malformed --module, and --module without a model or without domains.
expect_status 2 "$MSASIM" run --hv xen-mpu --platform "$TREE" --module "seventy:$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "--module seventy:$G/hello.elf: 'seventy' is not an address"
expect_status 2 "$MSASIM" run --platform "$TREE" --module "0x70000000:$G/hello.elf" "$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "needs --hv MODULE"
expect_status 2 "$MSASIM" run --hv xen-mpu --module "0x70000000:$G/hello.elf" "$G/hello.elf"
expect_one_line_stderr; expect_stderr_has "fvp-r has no xen,domain nodes"

# The tree of the Xen Armv8-R porting proposal: domU1 at 0x30000000 with
# its kernel module at 0x11000000 and its device-tree module at 0x10ff0000.
SHARED=$(shared_dir)
PROPOSAL=$SHARED/data/dts/derived/fvp-baser-aemv8r64+xen-mpu-dom0less.ASSEMBLED.dtb
if [ -n "$SHARED" ] && [ -f "$PROPOSAL" ]; then
    expect_status 0 "$MSASIM" run --profile r --hv xen-mpu --platform "$PROPOSAL" \
        --module "0x11000000:$G/hello-at-0x30000000.Image" --module "0x10ff0000:$TMP/ramdisk.bin" \
        --stats-json "$TMP/proposal.json"
    expect_stdout_has "hello from a guest at EL1"
    peak=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["regions_peak"])' \
             "$TMP/proposal.json")
    # As `boot` on that tree: 11 regions at the peak.
    [ "$peak" = 11 ] || fail "proposal tree: regions_peak $peak, expected 11"
else
    echo "skip: the shared dom0less tree is not available"
fi

finish
