"""`hwgen report BUILD`: a Markdown and an HTML report of a compiled build: the per-layer
table (folding, cycles, estimated resources), synthesized totals and the iCE40 bitstream's
fmax where those flows ran, and two plots (resources per layer; a folding sweep's
throughput against LUTs with its Pareto front).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from hwgen.errors import HwgenError


def folding_sweep(graph, board: dict) -> list[dict]:
    """Estimated LUTs and frames/s over foldings: one point per global PE/SIMD pair."""
    from hwgen.estimate import estimate_graph
    from hwgen.passes.folding import apply_folding
    clock = board["clock_mhz"] * 1e6
    pts = []
    for pe in (1, 2, 4, 8, 16, 32, 64):
        for simd in (1, 2, 4, 8, 16, 32, 64):
            g = apply_folding(graph, pe=pe, simd=simd)
            est = estimate_graph(g, board["family"])
            pts.append({"pe": pe, "simd": simd, "lut": est.total["lut"], "cycles": est.cycles,
                        "fps": clock / est.cycles})
    return pts


def pareto(points: list[dict]) -> list[dict]:
    """Points no other point beats on both fewer LUTs and more frames/s."""
    front, best = [], -1.0
    for p in sorted(points, key=lambda p: (p["lut"], -p["fps"])):
        if p["fps"] > best:
            front.append(p)
            best = p["fps"]
    return front


def _plots(report: dict, sweep: list[dict], out: Path) -> list[str]:
    import matplotlib
    matplotlib.use("Agg")  # files only: no display here, nor in CI
    import matplotlib.pyplot as plt

    layers = report["estimate"]["layers"]
    names = [x["name"] for x in layers]
    fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [x["lut"] for x in layers], width=0.4, label="LUT (estimate)")
    ax.bar([x + 0.2 for x in xs], [x["ff"] for x in layers], width=0.4, label="FF (estimate)")
    ax.set_xticks(list(xs), names, rotation=30, ha="right")
    ax.set_ylabel("cells")
    ax.set_title(f"{report['graph']}: resources per layer ({report['board']['family']})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "resources.png")
    plt.close(fig)

    front = pareto(sweep)
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    ax.scatter([p["lut"] for p in sweep], [p["fps"] for p in sweep], s=14, color="0.6", label="foldings")
    ax.plot([p["lut"] for p in front], [p["fps"] for p in front], "o-", color="C3", label="Pareto front")
    cur = report["estimate"]["total"]["lut"], report["fps_at_clock"]
    ax.scatter([cur[0]], [cur[1]], marker="*", s=160, color="C0", zorder=5, label="this build")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("LUTs (estimate)")
    ax.set_ylabel(f"frames/s at {report['board']['clock_mhz']} MHz")
    ax.set_title(f"{report['graph']}: folding sweep (global PE x SIMD)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "sweep.png")
    plt.close(fig)
    return ["resources.png", "sweep.png"]


def _tables(report: dict, build: Path) -> list[tuple[str, list[str], list[list]]]:
    est = {e["name"]: e for e in report["estimate"]["layers"]}
    rows = []
    for r in report["layers"]:
        e = est.get(r["layer"], {})
        rows.append([r["layer"], r["kind"], r["shape"], r["pe"], r["simd"], r["cycles"],
                     e.get("lut", ""), e.get("ff", ""), e.get("bram", "")])
    tables = [("Layers (estimate, FIFO in front included)",
               ["layer", "kind", "shape", "PE", "SIMD", "cycles/frame", "LUT", "FF", "BRAM"], rows)]
    fit = [[r["resource"].upper(), r["used"], r["available"], f"{r['percent']:.1f} %", "yes" if r["fits"] else "NO"]
           for r in report["fit"]]
    tables.append((f"Fit on {report['board']['name']} ({report['board']['part']})",
                   ["resource", "estimate", "available", "used", "fits"], fit))
    syn = []
    for f in sorted((build / "synth").glob("*/utilization.json")):
        u = json.loads(f.read_text())
        s = u["summary"]
        syn.append([u["board"], u["family"], s["lut"], s["ff"], s["lutram"], s["bram"], s["dsp"], f"{u['seconds']:.1f}"])
    if syn:
        tables.append(("Yosys synthesis (whole design)", ["board", "family", "LUT", "FF", "LUTRAM", "BRAM/EBR", "DSP", "s"], syn))
    bit = []
    for f in sorted((build / "bitstream").glob("*/result.json")):
        r = json.loads(f.read_text())
        lc = r["utilization"].get("ICESTORM_LC", {})
        bit.append([r["board"], r["part"], f"{r['fmax_mhz']:.1f}", r["target_mhz"],
                    f"{lc.get('used', 0)}/{lc.get('available', 0)}", r["bitstream_bytes"]])
    if bit:
        tables.append(("Bitstream (nextpnr-ice40 + icepack)",
                       ["board", "part", "fmax MHz", "target MHz", "logic cells", "bytes"], bit))
    return tables


def write_report(build: Path) -> dict[str, Path]:
    """Write build/report/{report.md, report.html, resources.png, sweep.png}."""
    from hwgen.flows.boards import load_board
    from hwgen.ir import Graph
    build = Path(build)
    try:
        report = json.loads((build / "report.json").read_text())
        graph = Graph.load_build(build, ("report",))
    except FileNotFoundError:
        raise HwgenError(f"{build}: not a compiled build (run `hwgen compile` first)") from None
    if "estimate" not in report:
        raise HwgenError(f"{build}/report.json: made by an older hwgen; compile again")
    board = load_board(report["board"]["name"])
    out = build / "report"
    out.mkdir(parents=True, exist_ok=True)
    sweep = folding_sweep(graph, board)
    images = _plots(report, sweep, out)
    tables = _tables(report, build)
    head = (f"{report['graph']}: {report['bound_cycles']} cycles/frame = {report['fps_at_clock']:,.0f} "
            f"frames/s at {report['board']['clock_mhz']} MHz on {report['board']['name']}")

    md = [f"# hwgen report: {report['graph']}", "", head, ""]
    for title, cols, rows in tables:
        md += [f"## {title}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        md += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        md.append("")
    md += ["## Plots", ""] + [f"![{i}]({i})" for i in images] + [""]
    (out / "report.md").write_text("\n".join(md))

    h = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
         f"<title>hwgen report: {html.escape(report['graph'])}</title>",
         "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
         "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}</style>",
         "</head><body>", f"<h1>hwgen report: {html.escape(report['graph'])}</h1>", f"<p>{html.escape(head)}</p>"]
    for title, cols, rows in tables:
        h.append(f"<h2>{html.escape(title)}</h2><table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cols) + "</tr>")
        h += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows]
        h.append("</table>")
    h.append("<h2>Plots</h2>")
    h += [f"<p><img src='{i}' alt='{i}'></p>" for i in images]
    h.append("</body></html>")
    (out / "report.html").write_text("\n".join(h))
    return {"md": out / "report.md", "html": out / "report.html", **{i: out / i for i in images}}
