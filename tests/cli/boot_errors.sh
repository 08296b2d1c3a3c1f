#!/usr/bin/env bash
# msasim boot on bad input: each refusal is one line on stderr naming the
# option, the node or the file, with exit status 2; a design that does not
# fit the MPU (too few regions for the boot layout) exits 1 and names the
# shortfall; a module built for another plug-in API version is refused.
. tests/cli/lib.sh
BUILD=${BUILD:-build}

if ! "$MSASIM" boot --help >/dev/null 2>&1; then
    fail "'$MSASIM boot' is not a subcommand (cmd_boot is not wired into sim/main.c)"
    finish
fi

expect_status 0 "$MSASIM" boot --help
expect_stdout_has "usage: msasim boot"
expect_stdout_has "alloc=first-fit|reserved=N|prenr"

# Options.
expect_status 2 "$MSASIM" boot --mpu-regions 0
expect_stderr_has "--mpu-regions"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --mpu-regions 257
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --hv-opt alloc=best-fit
expect_stderr_has "--hv-opt alloc=best-fit: expected alloc=first-fit"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --hv-opt cost.isb=slow
expect_stderr_has "--hv-opt cost.isb=slow"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --check sometimes
expect_one_line_stderr
expect_status 2 "$MSASIM" boot fvp-r
expect_stderr_has "unexpected argument 'fvp-r'"
expect_status 2 "$MSASIM" boot --platform "$TMP/missing.dtb"
expect_stderr_has "$TMP/missing.dtb"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --stats-json "$TMP/no/such/dir/stats.json"
expect_stderr_has "$TMP/no/such/dir/stats.json"

# Modules.
expect_status 2 "$MSASIM" boot --hv xen-nope
expect_stderr_has "--hv xen-nope: unknown module"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --hv "$TMP/nothere.so"
expect_stderr_has "cannot load the shared object"
expect_one_line_stderr
expect_status 2 "$MSASIM" boot --hv "./$BUILD/hv-example-badver.so"
expect_stderr_has "built for plug-in API version 999, this msasim implements version 1"
expect_one_line_stderr

# Too few EL2 regions for the boot layout: the design does not fit (1).
expect_status 1 "$MSASIM" boot --mpu-regions 4
expect_stderr_has "the boot layout needs 6 EL2 MPU regions"
expect_stderr_has "MPUIR_EL2 reports 4 (--mpu-regions): 2 short"
expect_status 1 "$MSASIM" boot --mpu-regions 8
expect_stderr_has "no free EL2 MPU region for GIC distributor"
expect_status 2 "$MSASIM" boot --hv-opt heap=none
expect_stderr_has "No static heap memory bank found"
expect_one_line_stderr

# Device trees whose domains cannot be built.
tree() {   # tree FILE DOMAIN-BODY: two cores, RAM at 0, a heap, one domain
    cat >"$1" <<DTS
/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	memory@0 { device_type = "memory"; reg = <0x0 0x0 0x0 0x80000000>; };
	cpus { #address-cells = <1>; #size-cells = <0>;
		cpu@0 { device_type = "cpu"; compatible = "arm,cortex-r82"; reg = <0>; };
		cpu@1 { device_type = "cpu"; compatible = "arm,cortex-r82"; reg = <1>; };
	};
	chosen { #address-cells = <1>; #size-cells = <1>;
		xen,static-heap = <0x0 0x50000000 0x0 0x1000000>;
		$2
	};
};
DTS
}
dom() {   # dom NAME CPUS BASE SIZE-KIB
    printf '%s { compatible = "xen,domain"; #address-cells = <1>; #size-cells = <1>;
		cpus = <%s>; memory = <0x0 %s>; direct-map; xen,static-mem = <%s %s>;
		module@8000000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x8000000 0x10000>; }; };' \
        "$1" "$2" "$(printf '0x%x' "$4")" "$3" "$(printf '0x%x' $(($4 * 1024)))"
}
tree "$TMP/vcpus.dts" "$(dom domU1 3 0x10000000 16384)"
expect_status 2 "$MSASIM" boot --platform "$TMP/vcpus.dts"
expect_stderr_has "node /chosen/domU1: property cpus: 3 vCPUs, more than the 2 cores"
expect_one_line_stderr
tree "$TMP/overlap.dts" "$(dom domU1 1 0x10000000 16384) $(dom domU2 1 0x10800000 16384)"
expect_status 2 "$MSASIM" boot --platform "$TMP/overlap.dts"
expect_stderr_has "node /chosen/domU2: property xen,static-mem"
expect_stderr_has "overlaps static memory of domain domU1"
expect_one_line_stderr
tree "$TMP/outside.dts" "$(dom domU1 1 0x90000000 16384)"
expect_status 2 "$MSASIM" boot --platform "$TMP/outside.dts"
expect_stderr_has "node /chosen/domU1: property xen,static-mem"
expect_stderr_has "outside RAM"
expect_one_line_stderr
tree "$TMP/image.dts" "$(dom domU1 1 0x200000 16384)"
expect_status 2 "$MSASIM" boot --platform "$TMP/image.dts"
expect_stderr_has "node /chosen/domU1: property xen,static-mem: bank 0x200000+0x1000000 overlaps the Xen image"
expect_one_line_stderr
tree "$TMP/good.dts" "$(dom domU1 2 0x10000000 16384) $(dom domU2 1 0x20000000 16384)"
expect_status 0 "$MSASIM" boot --platform "$TMP/good.dts"
expect_stdout_has "domU2"
expect_status 2 "$MSASIM" boot --platform "$TMP/good.dts" --hv-opt device=domU3:0x9c0b0000+0x1000
expect_stderr_has "has no xen,domain node named 'domU3'"
expect_one_line_stderr
# Upstream's PRENR-based disable leaves region 32+ enabled: the checker says
# so when core 0 switches from domU1 (two vCPUs, two banks in slots 34 and 35 of the
# guest block) to domU2 (one bank), and slot 35 stays on.
two_banks='domU1 { compatible = "xen,domain"; #address-cells = <1>; #size-cells = <1>;
		cpus = <2>; memory = <0x0 0x8000>; direct-map;
		xen,static-mem = <0x10000000 0x1000000 0x12000000 0x1000000>;
		module@8000000 { compatible = "multiboot,kernel", "multiboot,module"; reg = <0x8000000 0x10000>; }; };'
tree "$TMP/banks.dts" "$two_banks $(dom domU2 1 0x20000000 16384)"
expect_status 0 "$MSASIM" boot --platform "$TMP/banks.dts" --mpu-regions 64 --hv-opt alloc=reserved=30
expect_status 1 "$MSASIM" boot --platform "$TMP/banks.dts" --mpu-regions 64 \
    --hv-opt alloc=reserved=30 --hv-opt disable=prenr-upstream
expect_stderr_has "core 0 slot 35: enabled in the EL2 MPU"
expect_stderr_has "enabled in the EL2 MPU"
expect_stderr_has "free in the module's table"
finish
