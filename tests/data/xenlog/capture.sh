#!/usr/bin/env bash
# Captures 03-qemu-virt-xen4.17-debian-dom0.log: Debian 12's Xen 4.17
# hypervisor for arm64 booting dom0_hello.S (a minimal dom0 of this
# project) on qemu-system-aarch64 -M virt with virtualization on.
#
# Needs qemu-system-arm, binutils-aarch64-linux-gnu, and the arm64 package
# xen-hypervisor-4.17-arm64 from Debian; `apt-get download` fetches it once
# arm64 is a foreign architecture (dpkg --add-architecture arm64; apt-get
# update).  Run from this folder; writes the log here.
set -eu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download xen-hypervisor-4.17-arm64:arm64 >/dev/null)
dpkg-deb -x "$work"/xen-hypervisor-4.17-arm64_*.deb "$work/x"
aarch64-linux-gnu-as -o "$work/dom0.o" dom0_hello.S
aarch64-linux-gnu-ld -e _head -Ttext=0 -o "$work/dom0.elf" "$work/dom0.o"
aarch64-linux-gnu-objcopy -O binary "$work/dom0.elf" "$work/dom0.img"
# The guest powers the machine off through Xen, which ends QEMU.
timeout 120 qemu-system-aarch64 -M virt,virtualization=on,gic-version=3 -cpu cortex-a57 \
    -smp 2 -m 2G -nographic -no-reboot -kernel "$work/x/boot/xen-4.17-arm64" \
    -append "dom0_mem=256M dom0_max_vcpus=1 console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all" \
    -device guest-loader,addr=0x49000000,kernel="$work/dom0.img",bootargs="console=hvc0" \
    >03-qemu-virt-xen4.17-debian-dom0.log 2>&1
grep -q 'msasim dom0: hello from a guest under Xen' 03-qemu-virt-xen4.17-debian-dom0.log
