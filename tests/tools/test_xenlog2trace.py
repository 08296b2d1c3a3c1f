#!/usr/bin/env python3
"""Tests of tools/xenlog2trace: what it reads from the two shared Xen boot
logs (banks, modules, domains, loads), its warnings on lines it does not
understand, synthetic logs for the formats the shared logs lack (static
banks, inclusive module ends, dom0less-only), the trace and device tree it
writes, and its refusals.

Run from the repository root: python3 tests/tools/test_xenlog2trace.py.
The shared data folder is $MSASIM_SHARED, else ../shared; without it the
log-based tests are skipped with a message."""

import contextlib
import gzip
import importlib.machinery
import importlib.util
import io
import os
import struct
import tempfile
import unittest

ROOT = os.getcwd()
TOOL = os.path.join(ROOT, "tools", "xenlog2trace")
SHARED = os.environ.get("MSASIM_SHARED", os.path.join(ROOT, "..", "shared"))
LOGS = os.path.join(SHARED, "data", "bootlogs")
ZCU = os.path.join(LOGS, "01-zcu102-xen4.16-dom0-plus-dom0less-domU-static-mem.log")
S32 = os.path.join(LOGS, "02-nxp-s32g3-xen4.14-dom0.log")

loader = importlib.machinery.SourceFileLoader("xenlog2trace", TOOL)
spec = importlib.util.spec_from_loader("xenlog2trace", loader)
x2t = importlib.util.module_from_spec(spec)
loader.exec_module(x2t)

MIB = 1 << 20
# Captured here (tests/data/xenlog/capture.sh): Debian's Xen 4.17 on QEMU
# virt with this project's minimal dom0.
QEMU = os.path.join(ROOT, "tests", "data", "xenlog", "03-qemu-virt-xen4.17-debian-dom0.log")


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def run_tool(args):
    """main() with its stderr captured: (status, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            status = x2t.main(args)
        except SystemExit as e:
            status = e.code
    return status, err.getvalue()


def trace_lines(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return f.read().splitlines()


def events(lines):
    return lines[lines.index("events") + 1:-1]


def dtb_of(lines):
    hexdata = "".join(l[4:] for l in lines if l.startswith("dtb "))
    return bytes.fromhex(hexdata)


@unittest.skipUnless(os.path.isdir(LOGS), "shared boot logs not found (set MSASIM_SHARED)")
class SharedLogs(unittest.TestCase):
    def test_zcu102_facts(self):
        log = x2t.parse_log(read(ZCU))
        self.assertEqual(log.cpus, 4)
        self.assertEqual(log.gic_version, 2)
        self.assertEqual(log.gic, {"dist": 0xf9010000, "cpu": 0xf9020000, "hyp": 0xf9040000,
                                   "vcpu": 0xf9060000})
        self.assertEqual(log.ram, [])            # this log starts after the RAM lines
        self.assertEqual(log.order, [0, 1])
        d0, d1 = log.domains[0], log.domains[1]
        self.assertTrue(d0.direct)
        self.assertEqual(d0.banks, [(0x20000000, 0x40000000)])
        self.assertEqual(d0.kernel, (0xe00000, 0x20000000, 0x1367a00))
        self.assertEqual(d0.initrd, (0x2200000, 0x28200000, 0x1b60ac0))
        self.assertEqual(d0.dtb, (0x28000000, 0x96d4))
        self.assertEqual((d1.vcpus, d1.memory_kib), (1, 0x80000))
        self.assertFalse(d1.direct)
        self.assertEqual(d1.banks, [])           # its static banks are not printed at this level
        self.assertEqual(d1.kernel_src, 0x3e00000)
        self.assertEqual(d1.kernel, (0x3e00000, 0x40000000, 0x1367a00))
        self.assertEqual(d1.initrd, (0x5200000, 0x48200000, 0x183400))
        self.assertEqual(d1.dtb, (0x48000000, 0x7f3))
        self.assertEqual(log.grant, [(0x5600000, 0x40000)])
        self.assertEqual(len(log.extended), 6)
        self.assertEqual(log.extended[0], (0, 0x80000000, 0x40000000))
        self.assertEqual(log.placement, [(0, "d0v0"), (1, "d1v0")])
        self.assertEqual(log.freed_init_kib, 348)
        self.assertEqual(log.version, "4.16-rc")
        self.assertEqual(log.cpu_compatible, "arm,cortex-a53")

    def test_s32g3_facts(self):
        log = x2t.parse_log(read(S32))
        self.assertEqual(log.ram, [(0x80000000, 0x80000000), (0x880000000, 0x60000000)])
        self.assertEqual(log.modules, [(0x85600000, 0x1430c8, "Xen"),
                                       (0x86600000, 0xa000, "Device Tree"),
                                       (0x85800000, 0xd62808, "Kernel")])
        self.assertEqual(len(log.reserved), 9)
        self.assertEqual(log.reserved[0], (0xff800000, 0x200000))
        self.assertEqual(log.reserved[5], (0x34000000, 0x80000))
        self.assertEqual(log.cpus, 8)
        self.assertEqual(log.gic_version, 3)
        self.assertEqual(log.gic["dist"], 0x50800000)
        self.assertEqual(log.redist, [(0x50900000, 0x200000)])
        self.assertIn("dom0_max_vcpus=1", log.cmdline)
        self.assertEqual(log.order, [0])
        d0 = log.domains[0]
        self.assertEqual(d0.banks, [(0xa0000000, 0x20000000)])
        self.assertEqual(d0.kernel, (0x85800000, 0xa0000000, 0xd62808))
        self.assertIsNone(d0.initrd)
        self.assertEqual(d0.dtb, (0xa8000000, 0x947a))
        self.assertEqual(log.grant, [(0x85600000, 0x40000)])

    def test_s32g3_warns_about_the_lines_it_does_not_understand(self):
        log = x2t.parse_log(read(S32))
        self.assertEqual([t for _, t in log.unknown],
                         ["No dtuart path configured", "Bad console= option 'dtuart'"])
        with tempfile.TemporaryDirectory() as d:
            status, err = run_tool([S32, "-o", os.path.join(d, "t.trace")])
        self.assertEqual(status, 0)
        self.assertIn("02-nxp-s32g3-xen4.14-dom0.log:33: warning: line not understood: "
                      "No dtuart path configured", err)
        self.assertIn("2 (XEN) lines not understood", err)

    def test_traces_of_both_logs(self):
        for log, ndom, ncpu, pages in ((ZCU, 2, 4, 17344), (S32, 1, 8, 3437)):
            with tempfile.TemporaryDirectory() as d:
                out = os.path.join(d, "t.trace.gz")
                dts = os.path.join(d, "t.dts")
                status, _ = run_tool([log, "-o", out, "--dts", dts, "-q"])
                self.assertEqual(status, 0)
                lines = trace_lines(out)
                self.assertEqual(lines[0], "msasim-trace 2")
                self.assertTrue(lines[1].startswith("platform dtb "))
                blob = dtb_of(lines)
                self.assertEqual(struct.unpack(">I", blob[:4])[0], 0xd00dfeed)
                self.assertEqual(struct.unpack(">I", blob[4:8])[0], len(blob))
                ev = events(lines)
                self.assertEqual(lines[-1], "end %d" % len(ev))
                self.assertEqual(sum(1 for e in ev if " map_domain_page " in e), pages)
                self.assertEqual(sum(1 for e in ev if " create_domain " in e), ndom)
                self.assertEqual(sum(1 for e in ev if e.endswith(" cpu_up")), ncpu - 1)
                self.assertEqual(ev[0], "0 c0 idle boot")
                self.assertTrue(any(l.startswith('note "read: ') for l in lines))
                self.assertTrue(any(l.startswith('note "derived: ') for l in lines))
                text = read(dts)
                self.assertIn('compatible = "xen,domain";', text)
                self.assertIn("direct-map;", text)

    def test_zcu102_derivations(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "t.trace")
            run_tool([ZCU, "-o", out, "-q"])
            lines = trace_lines(out)
        notes = [l for l in lines if l.startswith("note ")]
        self.assertIn('note "derived: d1 memory 0x60000000+0x20000000, direct-mapped: the log '
                      'gives its size, not its place"', notes)
        self.assertIn('option "xen-start=0x5600000"', lines)
        ev = events(lines)
        # Xen's d1 kernel, loaded at guest 0x40000000, lands at the start of
        # its derived memory.
        i = ev.index('0 all idle ioremap 0x3e00000+0x1368000 pw--/1 other xen '
                     '"kernel module (ioremap_wc)"')
        self.assertEqual(ev[i + 1], "0 c0 idle map_domain_page 0x60000000")
        self.assertIn("0 c1 idle switch d2v0", ev)


class CapturedLog(unittest.TestCase):
    def test_qemu_virt_facts(self):
        log = x2t.parse_log(read(QEMU))
        self.assertEqual(log.version, "4.17.7")
        self.assertEqual(log.cpus, 2)
        self.assertEqual(log.cpu_compatible, "arm,cortex-a57")
        self.assertEqual(log.gic_version, 3)
        self.assertEqual(log.gic["dist"], 0x8000000)
        self.assertEqual(log.redist, [(0x80a0000, 0xf60000)])
        d0 = log.domains[0]
        self.assertTrue(d0.direct)
        self.assertEqual(d0.banks, [(0x50000000, 0x10000000)])
        self.assertEqual(d0.kernel_src, 0x49000000)
        self.assertEqual(d0.kernel, (0x49000000, 0x50000000, 0x1000))
        self.assertEqual(d0.dtb, (0x58000000, 0x1c0f))
        self.assertEqual(log.grant, [(0x40200000, 0x40000)])
        # 4.17 prefixes extended regions with the domain.
        self.assertEqual(log.extended, [(0, 0x40400000, 0xfc00000), (0, 0x60000000, 0x60000000)])
        self.assertEqual(log.freed_init_kib, 348)
        self.assertEqual(len(log.unknown), 4)
        self.assertTrue(all(t.startswith("****") for _, t in log.unknown))

    def test_qemu_virt_trace(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "q.trace")
            status, err = run_tool([QEMU, "-o", out])
            lines = trace_lines(out)
        self.assertEqual(status, 0)
        self.assertIn("03-qemu-virt-xen4.17-debian-dom0.log:72: warning: line not understood: "
                      "**** No support for ARM_SMCCC_ARCH_WORKAROUND_1. ****", err)
        ev = events(lines)
        self.assertEqual(sum(1 for e in ev if " map_domain_page " in e), 1 + 2)
        self.assertIn('0 c0 idle p2m_update d1 0x50000000 0x50000000+0x10000000 pwxg/7 '
                      '"static-mem"', ev)
        self.assertIn('0 all idle ioremap 0x80a0000+0xf60000 pw--/4 device xen '
                      '"GIC redistributors"', ev)


class SyntheticLogs(unittest.TestCase):
    DOM0LESS = """\
(XEN) RAM: 0000000000000000 - 000000007fffffff
(XEN)
(XEN) MODULE[0]: 0000000000200000 - 00000000003fffff Xen
(XEN) MODULE[1]: 0000000001000000 - 0000000001001fff Device Tree
(XEN) MODULE[2]: 0000000002000000 - 00000000021fffff Kernel
(XEN) Brought up 2 CPUs
(XEN) GICv3 initialization:
(XEN)       gic_dist_addr=0x000000af000000
(XEN)         - region 0: 0x000000af100000 - 0x000000af200000
(XEN) *** LOADING DOMU cpus=2 memory=0x10000KB ***
(XEN) d1: STATIC BANK[0] 0x30000000-0x34000000
(XEN) Loading d1 kernel from boot module @ 0000000002000000
(XEN) Loading zImage from 0000000002000000 to 0000000040000000-0000000040200000
(XEN) Loading d1 DTB to 0x0000000043000000-0x0000000043000800
(XEN) The flux capacitor is charged
(XEN) Freed 300kB init memory.
"""

    def run_synthetic(self, text, *extra):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "synthetic.log")
            with open(log, "w") as f:
                f.write(text)
            out = os.path.join(d, "t.trace")
            status, err = run_tool([log, "-o", out] + list(extra))
            lines = trace_lines(out) if status == 0 else []
        return status, err, lines

    def test_static_banks_inclusive_modules_and_warnings(self):
        log = x2t.parse_log(self.DOM0LESS)
        self.assertEqual(log.modules, [(0x200000, 0x200000, "Xen"), (0x1000000, 0x2000, "Device Tree"),
                                       (0x2000000, 0x200000, "Kernel")])
        d1 = log.domains[1]
        self.assertTrue(d1.static)
        self.assertEqual(d1.banks, [(0x30000000, 0x4000000)])
        self.assertEqual((d1.vcpus, d1.memory_kib), (2, 0x10000))
        self.assertEqual(log.unknown, [(15, "The flux capacitor is charged")])
        status, err, lines = self.run_synthetic(self.DOM0LESS)
        self.assertEqual(status, 0)
        self.assertIn("synthetic.log:15: warning: line not understood: The flux capacitor is "
                      "charged", err)
        ev = events(lines)
        # Static memory that Xen does not map 1:1 is given direct-map; the
        # kernel moves with it.
        self.assertIn('0 c0 idle p2m_update d1 0x30000000 0x30000000+0x4000000 pwxg/7 '
                      '"static-mem"', ev)
        self.assertIn("0 c0 idle map_domain_page 0x30000000", ev)
        self.assertIn('option "heap=0x7e000000+0x2000000"', lines)
        self.assertIn("0 c0 idle copy 0x33000000 0x7e000000 0x800", ev)
        # Two vCPUs over two cores: d1v0 on core 0, d1v1 on core 1.
        self.assertIn("0 c0 idle switch d1v0", ev)
        self.assertIn("0 c1 idle switch d1v1", ev)
        self.assertIn('option "fdt-addr=0x1000000"', lines)
        self.assertIn('option "xen-start=0x200000"', lines)

    def test_quiet_counts_only(self):
        status, err, _ = self.run_synthetic(self.DOM0LESS, "-q")
        self.assertEqual(status, 0)
        self.assertNotIn("warning:", err)
        self.assertIn("1 (XEN) line not understood", err)

    def test_a_log_without_a_loaded_domain_is_refused(self):
        status, err, _ = self.run_synthetic("(XEN) RAM: 0000000000000000 - 000000007fffffff\n")
        self.assertEqual(status, 2)
        self.assertIn("no domain is loaded in this log", err)

    def test_prefixes_and_timestamps(self):
        log = x2t.parse_log("[   12.5] (XEN) RAM: 0000000080000000 - 00000000ffffffff\r\n"
                            "(XEN) [2024-01-01 00:00:00] Brought up 3 CPUs\n"
                            "not a xen line: RAM: 0 - 1\n")
        self.assertEqual(log.ram, [(0x80000000, 0x80000000)])
        self.assertEqual(log.cpus, 3)
        self.assertEqual(log.unknown, [])

    def test_fdt_blob_layout(self):
        root = x2t.Node("", [("#address-cells", "u32", [2])],
                        [x2t.Node("chosen", [("bootargs", "str", "x"), ("ranges", "empty", None)])])
        blob = x2t.fdt_blob(root)
        magic, total, off_struct, off_strings, off_rsv, version = struct.unpack(">6I", blob[:24])
        self.assertEqual((magic, total, off_rsv, version), (0xd00dfeed, len(blob), 40, 17))
        self.assertEqual(blob[off_strings:], b"#address-cells\0bootargs\0ranges\0")
        # Begin root, its property, begin chosen, 2 properties, end, end, END.
        self.assertEqual(struct.unpack(">I", blob[off_struct:off_struct + 4])[0], 1)
        self.assertEqual(struct.unpack(">I", blob[off_strings - 4:off_strings])[0], 9)


if __name__ == "__main__":
    if not os.path.isdir(LOGS):
        print("skip: shared boot logs not found (set MSASIM_SHARED): log-based tests skipped")
    unittest.main(verbosity=1)
