#!/usr/bin/env bash
# Debian's unmodified Xen 4.17 hypervisor for arm64 booted on the virt
# platform with the Linux boot protocol (--kernel, --module, --append) and
# one of this project's guests as dom0, as QEMU booted it for
# tests/data/xenlog/03-qemu-virt-xen4.17-debian-dom0.log (capture.sh
# there): the console must show the same lines, Xen's boot messages, the
# guest's output through console_io and Xen halting the machine when dom0
# shuts down, with the cycle model off and on.  The platform is QEMU's own
# device tree for that machine (dumped at test time), so that what Xen
# derives from it (dom0's tree, memory layout) compares too.  Left out of
# the comparison: the CPU description (msasim's core has no AArch32, QEMU's
# cortex-a57 has), and two timing-dependent lines (how many tries guest
# atomics get, where "CPU 1 booted." falls).  The package is fetched by
# tools/fetch-xen.sh and never committed; the test skips, saying so, when it
# cannot be had.
. tests/cli/lib.sh
BUILD=${BUILD:-build}
XEN=$BUILD/xen/boot/xen-4.17-arm64
REF=tests/data/xenlog/03-qemu-virt-xen4.17-debian-dom0.log

if ! tools/fetch-xen.sh "$BUILD/xen" 2>"$TMP/fetch.err"; then
    echo "skip: Debian's xen-hypervisor-4.17-arm64 cannot be fetched: $(cat "$TMP/fetch.err")"
    finish
fi

aarch64-linux-gnu-as -o "$TMP/dom0.o" tests/data/xenlog/dom0_hello.S &&
    aarch64-linux-gnu-ld -e _head -Ttext=0 -o "$TMP/dom0.elf" "$TMP/dom0.o" &&
    aarch64-linux-gnu-objcopy -O binary "$TMP/dom0.elf" "$TMP/dom0.img" ||
    { fail "cannot build the dom0 image"; finish; }
qemu-system-aarch64 -M virt,virtualization=on,gic-version=3,dumpdtb="$TMP/virt.dtb" \
    -cpu cortex-a57 -smp 2 -m 2G -nographic >/dev/null 2>&1 ||
    { fail "qemu-system-aarch64 could not dump its virt device tree"; finish; }

# The (XEN) and dom0 lines of a console, without the CPU description and
# with the timing-dependent lines made neutral.
console_lines() {
    tr -d '\r' <"$1" | grep -E '^\(XEN\)|^msasim dom0' | awk '
        /^\(XEN\) 64-bit Execution:/ { skip = 1; next }
        /^\(XEN\) Using SMC Calling Convention/ { skip = 0 }
        /Guest atomics will try [0-9]+ times/ { sub(/try [0-9]+ times/, "try N times") }
        /^\(XEN\) CPU 1 booted\.$/ { next }
        !skip'
}

ARGS=(--platform "$TMP/virt.dtb" --cores 2 --kernel "$XEN"
      --module "0x49000000:$TMP/dom0.img:console=hvc0"
      --append "dom0_mem=256M dom0_max_vcpus=1 console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all")

boot() {   # boot NAME [options]: the whole boot, compared with QEMU's console
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    expect_status 0 timeout 900 "$MSASIM" run "${ARGS[@]}" "$@" --stats-json "$TMP/$name.json"
    t1=$(date +%s.%N)
    tr -d '\r' <"$TMP/out" | grep -qx 'msasim dom0: hello from a guest under Xen' ||
        fail "$name: dom0's line through console_io is missing"
    tail -n 1 "$TMP/out" | tr -d '\r' | grep -qx '(XEN) Hardware Dom0 halted: halting machine' ||
        fail "$name: Xen did not halt the machine last"
    grep -c '^(XEN) CPU 1 booted\.' "$TMP/out" | grep -qx 1 || fail "$name: CPU 1 did not boot"
    console_lines "$REF" >"$TMP/ref.lines"
    console_lines "$TMP/out" >"$TMP/$name.lines"
    if ! diff -u "$TMP/ref.lines" "$TMP/$name.lines" >"$TMP/$name.diff"; then
        fail "$name: the console differs from QEMU's"
        head -30 "$TMP/$name.diff"
    fi
    python3 - "$TMP/$name.json" "$t0" "$t1" "$name" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
wall = float(sys.argv[3]) - float(sys.argv[2])
print("%s: %d instructions in %.1f s wall, %.1f MIPS%s" % (
    sys.argv[4], s["insns"], wall, s["insns"] / wall / 1e6,
    (", %d cycles" % s["cycles"]) if "cycles" in s else ""))
EOF
}

boot timing-off
# The sanitizer build is ten times slower: the cycle model's boot runs in
# the plain build only.  With Xen's debug symbols (the -dbg package): the
# cycles and calls of its functions, its TLB maintenance by kind, and what
# its tables map for dom0 (el2maps.*).
SYMS=$BUILD/xen/usr/lib/debug/boot/xen-syms-4.17-arm64
case $BUILD in
*san*) echo "skip: the boot with --timing on is not repeated under the sanitizers" ;;
*)  if [ -f "$SYMS" ]; then
        boot timing-on --timing on --symbols "$SYMS"
        python3 - "$TMP/timing-on.json" <<'PY' || fail "timing on: Xen's figures are missing or wrong"
import json, sys
s = json.load(open(sys.argv[1]))
c, g = s["counters"], s["gauges"]
need = ["func.__p2m_set_entry.cycles", "func.__p2m_set_entry.calls", "func.xen_pt_update.cycles",
        "func.xen_pt_update.calls", "func.clear_domain_page.cycles", "func.p2m_alloc_page.calls"]
missing = [k for k in need if not c.get(k)]
tlbi = {k.split(".")[3]: v for k, v in c.items()
        if k.startswith("mmu.core0.tlbi.") and k.endswith(".ops") and k.count(".") == 4 and v}
for k in need:
    print("  %s %s" % (k, c.get(k)))
print("  core 0 TLBI by kind: %s" % ", ".join("%s %d" % kv for kv in sorted(tlbi.items())))
# dom0 (VMID 1) read from Xen's own tables: its stage 2 maps the 256 MiB
# dom0_mem gives it, all of which Xen's directmap lets EL2 read; every page
# Xen took from the p2m pool is one of its stage-2 tables.
vm = {k[len("el2maps.vmid1."):]: v for k, v in g.items() if k.startswith("el2maps.vmid1.")}
print("  dom0 at EL2: %s" % ", ".join("%s %d" % kv for kv in sorted(vm.items())))
print("  page-table pages %d, EL2 regime's %d" % (g.get("el2maps.table_pages", -1),
                                                  g.get("el2maps.el2.table_pages", -1)))
wrong = []
if vm.get("ram_bytes") != 256 << 20:
    wrong.append("dom0's RAM at stage 2")
if vm.get("el2_readable_bytes") != vm.get("ram_bytes"):
    wrong.append("dom0's RAM readable at EL2 (the directmap)")
if not vm.get("exposure_byte_cycles"):
    wrong.append("dom0's exposure")
if vm.get("s2_table_pages", 0) < c.get("func.p2m_alloc_page.calls", 1 << 30):
    wrong.append("dom0's stage-2 table pages against p2m_alloc_page calls")
for w in wrong:
    print("  wrong: %s" % w)
sys.exit(1 if missing or wrong or not tlbi or not s["summary"].get("cycles") else 0)
PY
    else
        echo "note: no Xen debug symbols: the boot with --timing on runs without per-function figures"
        boot timing-on --timing on
        grep -q '"cycles"' "$TMP/timing-on.json" || fail "timing on: no cycle count"
    fi ;;
esac

finish
