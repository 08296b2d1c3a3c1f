#!/usr/bin/env python3
"""PNG charts of an msasim statistics file or sweep CSV, for papers and slides.

    tools/report-png.py STATS.json [-o DIR] [--dpi N]
    tools/report-png.py results.csv [-o DIR] [--dpi N]

A statistics file (msasim run/boot --stats-json) gives:
    NAME-pressure.png   EL2 MPU regions in use over time, per core, against
                        the implemented count
    NAME-slots.png      who held each MPU slot over time (one panel per core)
    NAME-costs.png      cycles per operation: a histogram per operation kind
    NAME-exposure.png   exposed bytes over time (when the run measured it)
    NAME-cpi.png        the CPI stack (when the run had the cycle model)
A sweep CSV (msasim sweep) gives NAME-pareto.png: the Pareto view, exposure
against map/unmap cycles and against the region peak, or map/unmap cycles
against the region peak when exposure was not measured.

The names the charts read are listed in sim/STATS_SCHEMA.md ("Names the
report reads"); the charts match the HTML report (msasim report --format
html).  Needs matplotlib (Debian: python3-matplotlib).
"""
import argparse
import csv
import json
import math
import os
import re
import sys

OWNERS = {1: "hv_text", 2: "hv_rodata", 3: "hv_data", 4: "hv_heap", 5: "device",
          6: "transient_map", 7: "guest_stage2", 8: "other"}
OWNER_COLOURS = {1: "#0072b2", 2: "#56b4e9", 3: "#009e73", 4: "#e69f00", 5: "#cc79a7",
                 6: "#d55e00", 7: "#6a3d9a", 8: "#8c8c8c"}
GUEST_COLOURS = ["#6a3d9a", "#b15928", "#1f78b4", "#33a02c", "#e31a1c", "#a6761d",
                 "#666666", "#f781bf"]
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
           "#8c564b", "#999933", "#882255"]


def fail(msg):
    print(f"report-png: {msg}", file=sys.stderr)
    sys.exit(2)


def owner_colour(code):
    owner, dom = code % 16, code // 16
    if owner == 7 and dom > 0:
        return GUEST_COLOURS[(dom - 1) % len(GUEST_COLOURS)]
    return OWNER_COLOURS.get(owner, "#8c8c8c")


def holder_label(meta, code):
    owner, dom = code % 16, code // 16
    name = OWNERS.get(owner, "other")
    if dom:
        name += " " + meta.get(f"hv.domain.{dom}", f"domain {dom}")
    return name


# ---- statistics files ---------------------------------------------------------

def end_cycle(stats):
    end = 0
    for s in stats.get("series", {}).values():
        for p in s["points"]:
            end = max(end, p[4] if len(p) == 6 else p[0])
    for key in ("hv_cycles", "cycles"):
        v = stats.get("summary", {}).get(key)
        if isinstance(v, (int, float)) and v > end:
            end = int(v)
    return end or 1


def step_xy(points, end):
    """A step function's corners; merged points keep their last value."""
    xs, ys = [], []
    for p in points:
        xs.append(p[0])
        ys.append(p[1])
    xs.append(end)
    ys.append(ys[-1] if ys else 0)
    return xs, ys


def runtime_start(stats):
    ph = stats.get("series", {}).get("hv.phase")
    for p in ph["points"] if ph else []:
        if (p[3] if len(p) == 6 else p[1]) >= 1:
            return p[0]
    return None


def series_by_core(stats, pattern):
    out = []
    for name, s in stats.get("series", {}).items():
        m = re.fullmatch(pattern, name)
        if m:
            out.append((int(m.group(1)), s))
    return sorted(out, key=lambda t: t[0])


def chart_pressure(plt, stats, end, path):
    lines = series_by_core(stats, r"hv\.core(\d+)\.regions")
    if not lines:
        return False
    fig, ax = plt.subplots(figsize=(8, 3.6))
    for i, (core, s) in enumerate(lines):
        xs, ys = step_xy(s["points"], end)
        ax.step(xs, ys, where="post", color=PALETTE[i % len(PALETTE)], lw=1.4,
                label=f"core {core}")
    impl = stats.get("summary", {}).get("regions_implemented")
    if isinstance(impl, (int, float)):
        ax.axhline(impl, color="#c62828", ls="--", lw=1.5, label=f"implemented: {impl:g}")
    rt = runtime_start(stats)
    if rt:
        ax.axvline(rt, color="#444", ls=":", lw=1)
    ax.set_xlim(0, end)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("cycles")
    ax.set_ylabel("EL2 MPU regions in use")
    ax.set_title("Region pressure over time")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def chart_slots(plt, stats, end, path):
    meta = stats.get("meta", {})
    cores = {}
    for name, s in stats.get("series", {}).items():
        m = re.fullmatch(r"hv\.core(\d+)\.slot\.(\d+)\.owner", name)
        if m:
            cores.setdefault(int(m.group(1)), []).append((int(m.group(2)), s))
    if not cores:
        return False
    rows = sum(len(v) for v in cores.values())
    fig, axes = plt.subplots(len(cores), 1, figsize=(8, 0.9 + 0.22 * rows + 0.5 * len(cores)),
                             squeeze=False, sharex=True,
                             gridspec_kw={"height_ratios": [len(cores[c]) for c in sorted(cores)]})
    seen = {}
    for ax, core in zip(axes[:, 0], sorted(cores)):
        slots = sorted(cores[core])
        for row, (slot, s) in enumerate(slots):
            pts = s["points"]
            for i, p in enumerate(pts):
                nxt = pts[i + 1][0] if i + 1 < len(pts) else end
                if len(p) == 6 and p[4] > p[0] and p[3] > 0:
                    ax.broken_barh([(p[0], p[4] - p[0])], (row - 0.4, 0.8),
                                   color=owner_colour(int(p[3])), alpha=0.45, lw=0)
                last = p[4] if len(p) == 6 else p[0]
                if p[1] and nxt > last:
                    code = int(p[1])
                    seen[code] = True
                    ax.broken_barh([(last, nxt - last)], (row - 0.4, 0.8),
                                   color=owner_colour(code), lw=0)
        ax.set_yticks(range(len(slots)))
        ax.set_yticklabels([f"slot {s}" for s, _ in slots], fontsize=7)
        ax.set_ylim(len(slots) - 0.5, -0.5)
        ax.set_xlim(0, end)
        ax.set_ylabel(f"core {core}", fontsize=8)
    axes[-1, 0].set_xlabel("cycles")
    axes[0, 0].set_title("Who held each EL2 MPU slot")
    from matplotlib.patches import Patch
    handles = [Patch(color=owner_colour(c), label=holder_label(meta, c)) for c in sorted(seen)]
    fig.legend(handles=handles, loc="center right", fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    fig.savefig(path)
    plt.close(fig)
    return True


def chart_costs(plt, stats, path):
    hists = []
    for name, h in stats.get("histograms", {}).items():
        m = re.fullmatch(r"hv\.op\.(.+)\.cycles", name)
        if m and h["count"] and h["min"] != h["max"]:
            hists.append((m.group(1), h))
    if not hists:
        return False
    hists.sort(key=lambda t: -t[1]["sum"])
    cols = min(3, len(hists))
    rows = math.ceil(len(hists) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.4 * rows), squeeze=False)
    for ax in axes.flat[len(hists):]:
        ax.axis("off")
    for ax, (op, h) in zip(axes.flat, hists):
        lo = [b[0] for b in h["buckets"]]
        hi = [b[1] for b in h["buckets"]]
        n = [b[2] for b in h["buckets"]]
        width = [max(1, b - a + 1) * 0.9 for a, b in zip(lo, hi)]
        ax.bar(lo, n, width=width, align="edge", color="#0072b2")
        if h["min"] > 0 and h["max"] / h["min"] > 1000:
            ax.set_xscale("log")
        ax.set_title(f"{op} ({h['count']} ops)", fontsize=9)
        ax.set_xlabel("cycles", fontsize=8)
        ax.set_ylabel("operations", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.suptitle("Cycles per operation")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def chart_exposure(plt, stats, end, path):
    lines = series_by_core(stats, r"exposure\.core(\d+)\.bytes")
    total = stats.get("series", {}).get("exposure.bytes")
    if total:
        lines = [("all", total)] + lines
    if not lines:
        return False
    fig, ax = plt.subplots(figsize=(8, 3.4))
    for i, (core, s) in enumerate(lines):
        xs, ys = step_xy(s["points"], end)
        ax.step(xs, ys, where="post", color=PALETTE[i % len(PALETTE)],
                label="all cores" if core == "all" else f"core {core}")
    ax.set_xlim(0, end)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("cycles")
    ax.set_ylabel("bytes of other domains mapped at EL2")
    ax.set_title("Speculation exposure over time")
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def chart_cpi(plt, stats, path):
    parts = [(k[len("cpi_stack."):], v) for k, v in stats.get("summary", {}).items()
             if k.startswith("cpi_stack.") and isinstance(v, (int, float))]
    if not parts:
        return False
    fig, ax = plt.subplots(figsize=(8, 1.8))
    left = 0
    total = sum(max(0, v) for _, v in parts) or 1
    for i, (name, v) in enumerate(parts):
        share = max(0, v) / total
        ax.barh(0, share, left=left, color=PALETTE[i % len(PALETTE)],
                label=f"{name} {100 * share:.1f}%")
        left += share
    ax.set_xlim(0, 1)
    ax.set_yticks([])
    ax.set_xlabel("share of the cycles")
    ax.set_title("CPI stack")
    ax.legend(ncol=5, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.5), frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def render_stats(plt, stats, out, name):
    if stats.get("schema") != "msasim-stats":
        fail("not an msasim statistics file (schema is not msasim-stats)")
    end = end_cycle(stats)
    made = []
    for suffix, fn in (("pressure", lambda p: chart_pressure(plt, stats, end, p)),
                       ("slots", lambda p: chart_slots(plt, stats, end, p)),
                       ("costs", lambda p: chart_costs(plt, stats, p)),
                       ("exposure", lambda p: chart_exposure(plt, stats, end, p)),
                       ("cpi", lambda p: chart_cpi(plt, stats, p))):
        path = os.path.join(out, f"{name}-{suffix}.png")
        if fn(path):
            made.append(path)
    return made


# ---- sweep CSVs -----------------------------------------------------------------

def number(s):
    try:
        v = float(s)
        return v if math.isfinite(v) else None
    except (TypeError, ValueError):
        return None


def first_seen(values):
    out = []
    for v in values:
        if v not in out:
            out.append(v)
    return out


def pareto(points):
    """Indices of the points no other point beats in both coordinates."""
    front = []
    for i, (x, y) in enumerate(points):
        if not any((a <= x and b <= y) and (a < x or b < y) for a, b in points):
            front.append(i)
    return front


def render_sweep(plt, header, rows, out, name):
    params = header[:header.index("status")]
    col = {h: i for i, h in enumerate(header)}
    have_exp = "exposure_byte_cycles" in col and any(
        number(r[col["exposure_byte_cycles"]]) is not None for r in rows)
    if have_exp:
        axes = [("map_cycles", "exposure_byte_cycles"), ("regions_peak", "exposure_byte_cycles")]
    else:
        axes = [("regions_peak", "map_cycles")]
    for x, y in axes:
        if x not in col or y not in col:
            fail(f"the sweep CSV has no {x if x not in col else y} column")
    facet = "platform" if "platform" in params else None
    policy_cols = [p for p in params if p != facet and
                   any(number(r[col[p]]) is None for r in rows)] or \
                  [p for p in params if p != facet]
    ok = [r for r in rows if r[col["status"]] == "0"]
    # Completed but out of regions: not a design that fits, kept off the front.
    if "region_failures" in col:
        ok = [r for r in ok if (number(r[col["region_failures"]]) or 0) == 0]
    facets = first_seen(r[col[facet]] if facet else "" for r in ok)
    if not facets:
        fail("no point of the sweep completed: nothing to plot")
    # First-seen order, as the HTML report colours them.
    policies = first_seen(" ".join(r[col[p]] for p in policy_cols) for r in rows)
    fig, grid = plt.subplots(len(facets), len(axes), squeeze=False,
                             figsize=(4.6 * len(axes), 3.6 * len(facets)))
    for fi, fct in enumerate(facets):
        sub = [r for r in ok if not facet or r[col[facet]] == fct]
        for ai, (x, y) in enumerate(axes):
            ax = grid[fi][ai]
            pts = [(number(r[col[x]]), number(r[col[y]])) for r in sub]
            keep = [i for i, (a, b) in enumerate(pts) if a is not None and b is not None]
            pts = [pts[i] for i in keep]
            rs = [sub[i] for i in keep]
            for pi, pol in enumerate(policies):
                sel = [i for i, r in enumerate(rs)
                       if " ".join(r[col[p]] for p in policy_cols) == pol]
                ax.scatter([pts[i][0] for i in sel], [pts[i][1] for i in sel],
                           color=PALETTE[pi % len(PALETTE)], s=28, label=pol, zorder=3)
            front = sorted(pareto(pts), key=lambda i: pts[i])
            if front:
                fx = [pts[i][0] for i in front]
                fy = [pts[i][1] for i in front]
                ax.scatter(fx, fy, s=110, facecolors="none", edgecolors="#222", lw=1.5,
                           zorder=4, label="Pareto-optimal" if fi == 0 and ai == 0 else None)
                ax.step(fx, fy, where="post", color="#222", ls="--", lw=1)
            from matplotlib.ticker import MaxNLocator
            for k, axis in enumerate((ax.xaxis, ax.yaxis)):
                vals = [p[k] for p in pts]
                if vals and all(float(v).is_integer() for v in vals):
                    axis.set_major_locator(MaxNLocator(integer=True))
                    if max(vals) - min(vals) < 2:  # room for two integer ticks
                        (ax.set_xlim if k == 0 else ax.set_ylim)(min(vals) - 1, max(vals) + 1)
            ax.set_xlabel(x.replace("_", " "))
            ax.set_ylabel(y.replace("_", " "))
            if facet:
                ax.set_title(os.path.basename(fct), fontsize=9)
    handles, labels = grid[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(4, len(labels)), fontsize=8,
               frameon=False)
    fig.suptitle("Pareto view: lower is better on both axes" +
                 ("" if have_exp else "\n(exposure not measured in this sweep)"), fontsize=10)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    path = os.path.join(out, f"{name}-pareto.png")
    fig.savefig(path)
    plt.close(fig)
    return [path]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("input", help="a statistics file (JSON) or a sweep CSV")
    ap.add_argument("-o", "--out", default=".", help="directory for the PNG files (default .)")
    ap.add_argument("--dpi", type=int, default=150, help="resolution (default 150)")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        fail("matplotlib is not installed (Debian: apt-get install python3-matplotlib)")
    plt.rcParams.update({"savefig.dpi": args.dpi, "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    try:
        with open(args.input, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        fail(f"{args.input}: {e.strerror}")
    os.makedirs(args.out, exist_ok=True)
    name = os.path.splitext(os.path.basename(args.input))[0] or "report"
    if text.lstrip().startswith("{"):
        try:
            stats = json.loads(text)
        except json.JSONDecodeError as e:
            fail(f"{args.input}: line {e.lineno}, column {e.colno}: {e.msg}")
        made = render_stats(plt, stats, args.out, name)
    else:
        rows = list(csv.reader(text.splitlines()))
        if not rows or "status" not in rows[0] or "error" not in rows[0]:
            fail(f"{args.input}: expected a statistics file or a sweep CSV "
                 "(header: parameters, status, error, figures)")
        made = render_sweep(plt, rows[0], rows[1:], args.out, name)
    if not made:
        fail(f"{args.input}: nothing to draw (no series, histograms or sweep figures)")
    for p in made:
        print(p)


if __name__ == "__main__":
    main()
