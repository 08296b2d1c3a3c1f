#!/usr/bin/env bash
# Fetches Debian's Xen 4.17 hypervisor for arm64 (xen-hypervisor-4.17-arm64)
# into DIR (default build/xen) and unpacks it there: DIR/boot/xen-4.17-arm64
# is the hypervisor Image; its debug symbols (the -dbg package), when they
# can be had too, are DIR/usr/lib/debug/boot/xen-syms-4.17-arm64.  Nothing
# of it is ever committed.  arm64 has to
# be a foreign architecture of apt for `apt-get download`; as root (or with
# sudo) this adds it and refreshes the package lists once.  Exit status 0
# with the Image in place, 1 (and a line saying why) when it cannot be had.
set -u
DIR=${1:-build/xen}
PKG=xen-hypervisor-4.17-arm64
IMAGE=$DIR/boot/xen-4.17-arm64
[ -f "$IMAGE" ] && exit 0

say() { echo "fetch-xen: $*" >&2; }
command -v apt-get >/dev/null 2>&1 || { say "no apt-get on this machine"; exit 1; }
SUDO=()
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=(sudo -n)

if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64; then
    "${SUDO[@]}" dpkg --add-architecture arm64 2>/dev/null ||
        { say "arm64 is not an apt architecture here and cannot be added (not root)"; exit 1; }
    "${SUDO[@]}" apt-get update -qq >/dev/null 2>&1 || { say "apt-get update failed"; exit 1; }
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download "$PKG:arm64" >/dev/null 2>&1); then
    # The lists may predate the architecture: refresh once and try again.
    "${SUDO[@]}" apt-get update -qq >/dev/null 2>&1
    (cd "$work" && apt-get download "$PKG:arm64" >/dev/null 2>&1) ||
        { say "apt-get download $PKG:arm64 failed (no network or no such package)"; exit 1; }
fi
mkdir -p "$DIR"
dpkg-deb -x "$work"/"$PKG"_*.deb "$DIR" || { say "cannot unpack the package"; exit 1; }
# The symbols are optional: without them there are no per-function figures.
(cd "$work" && apt-get download "$PKG-dbg:arm64" >/dev/null 2>&1) &&
    dpkg-deb -x "$work"/"$PKG"-dbg_*.deb "$DIR" ||
    say "no $PKG-dbg: the boot runs without Xen's symbols"
[ -f "$IMAGE" ] || { say "the package has no boot/xen-4.17-arm64"; exit 1; }
