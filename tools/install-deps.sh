#!/usr/bin/env bash
# Installs the Debian packages msasim needs to build, test and demonstrate.
# Idempotent: silent, and quick, when everything is already present.
set -u

PACKAGES=(
    build-essential pkg-config
    libfdt-dev device-tree-compiler     # device trees
    libelf-dev zlib1g-dev               # ELF loading
    check                               # unit tests
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu   # AArch64 workloads
    qemu-system-arm qemu-user           # differential tests
    libsystemc-dev                      # the SystemC TLM-2.0 wrapper (make systemc)
    python3                             # tools/ scripts
    python3-matplotlib                  # tools/report-png.py
    chromium                            # the HTML report's browser test
)

missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)
    [ "$status" = "installed" ] || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-deps: these packages are missing: ${missing[*]}" >&2
    echo "install-deps: you are not root and sudo is not available; install them as root with:" >&2
    echo "    apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null || { echo "install-deps: apt-get update failed" >&2; exit 1; }
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    { echo "install-deps: apt-get install ${missing[*]} failed" >&2; exit 1; }
