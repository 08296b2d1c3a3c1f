#!/usr/bin/env bash
# Debian's unmodified Xen 4.17 hypervisor for arm64 booted on the virt
# platform with the Linux boot protocol (--kernel, --module, --append), as
# QEMU boots it with the same inputs: the console must show what QEMU's
# console showed (tests/data/xenlog/03-qemu-virt-xen4.17-debian-dom0.log),
# line for line, as far as msasim's run goes.  Lines that describe the CPU
# (ID registers: msasim's core has no AArch32, QEMU's cortex-a57 has) are
# left out of the comparison.  The package is fetched by tools/fetch-xen.sh
# and never committed; the test skips, saying so, when it cannot be had.
# How far the boot goes today is printed; the check is that it gets at
# least to the generic timer (the GIC is not modelled yet).
. tests/cli/lib.sh
BUILD=${BUILD:-build}
XEN=$BUILD/xen/boot/xen-4.17-arm64
REF=tests/data/xenlog/03-qemu-virt-xen4.17-debian-dom0.log

if ! tools/fetch-xen.sh "$BUILD/xen" 2>"$TMP/fetch.err"; then
    echo "skip: Debian's xen-hypervisor-4.17-arm64 cannot be fetched: $(cat "$TMP/fetch.err")"
    finish
fi

# The dom0 of the QEMU capture: a few instructions that print through
# console_io and power off.
aarch64-linux-gnu-as -o "$TMP/dom0.o" tests/data/xenlog/dom0_hello.S &&
    aarch64-linux-gnu-ld -e _head -Ttext=0 -o "$TMP/dom0.elf" "$TMP/dom0.o" &&
    aarch64-linux-gnu-objcopy -O binary "$TMP/dom0.elf" "$TMP/dom0.img" ||
    { fail "cannot build the dom0 image"; finish; }

# The (XEN) lines of a console log without the CPU description block.
xen_lines() {
    sed -n 's/\r$//; /^(XEN)/p' "$1" | awk '
        /^\(XEN\) 64-bit Execution:/ { skip = 1; next }
        /^\(XEN\) Using SMC Calling Convention/ { skip = 0 }
        !skip'
}

# compare NAME: how many reference lines msasim's console reproduces in
# order before the first difference; at least up to the generic timer.
compare() {
    local name=$1
    xen_lines "$REF" >"$TMP/ref.lines"
    xen_lines "$TMP/out" >"$TMP/$name.lines"
    local n
    n=$(paste -d '\n' "$TMP/ref.lines" "$TMP/$name.lines" | awk 'NR % 2 { r = $0; next }
        $0 != r { exit } { n++ } END { print n + 0 }')
    local total; total=$(wc -l <"$TMP/ref.lines")
    echo "$name: $n of QEMU's $total (XEN) lines reproduced; msasim's next line:" \
         "$(sed -n "$((n + 1))p" "$TMP/$name.lines")"
    local timer; timer=$(grep -n 'Generic Timer IRQ' "$TMP/ref.lines" | cut -d: -f1)
    [ "$n" -ge "$timer" ] || fail "$name: the boot diverges from QEMU's before the generic timer (line $((n + 1)))"
}

ARGS=(--platform virt --cores 2 --kernel "$XEN" --module "0x49000000:$TMP/dom0.img:console=hvc0"
      --append "dom0_mem=128M dom0_max_vcpus=1 console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all")
# Bounded: today's boot stops at the GIC and would wait to reboot.
"$MSASIM" run "${ARGS[@]}" --max-insns 20000000 --stats-json "$TMP/off.json" >"$TMP/out" 2>"$TMP/err"
compare timing-off
"$MSASIM" run "${ARGS[@]}" --timing on --max-insns 20000000 --stats-json "$TMP/on.json" >"$TMP/out" 2>"$TMP/err"
compare timing-on
grep -q '"cycles"' "$TMP/on.json" || fail "timing on: no cycle count in the statistics"

finish
