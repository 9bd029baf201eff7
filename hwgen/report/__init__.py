"""`hwgen report BUILD`: a Markdown and an HTML report of a compiled build: the per-layer
table (folding, cycles, estimated resources), the board fit, what verified it (simulations
recorded by `hwgen sim`), synthesized totals and the iCE40 bitstream's fmax with the frame
rate there, and two plots (resources per layer with block RAM; foldings against LUTs with
the per-layer Pareto front and the board's capacity).
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.rates import bitstream_results
from hwgen.ir import Graph
from hwgen.report.plots import folding_sweep, pareto, per_layer_front, write_plots
from hwgen.report.tables import headline, tables, verification

__all__ = ["write_report", "folding_sweep", "per_layer_front", "pareto"]


def write_report(build: Path) -> dict[str, Path]:
    """Write build/report/{report.md, report.html, resources.png, sweep.png}."""
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
    sweep = folding_sweep(graph, board) + per_layer_front(graph, board)
    (out / "sweep.json").write_text(json.dumps(sweep, indent=1))
    images = write_plots(report, board, sweep, out)
    checks, bits = verification(build), bitstream_results(build)
    tabs = tables(report, build, checks, bits)
    head = headline(report, checks, bits)

    md = [f"# hwgen report: {report['graph']}", ""] + [f"- {line}" for line in head] + [""]
    for title, cols, rows in tabs:
        md += [f"## {title}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        md += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        md.append("")
    md += ["## Plots", ""] + [f"![{i}]({i})" for i in images] + [""]
    (out / "report.md").write_text("\n".join(md))

    h = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>hwgen report: {html.escape(report['graph'])}</title>",
        # the page needs no script, icon or network: a favicon request would be the console's only
        # error
        "<link rel='icon' href='data:,'>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
        "td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}"
        "img{max-width:100%}</style>",
        "</head><body>",
        f"<h1>hwgen report: {html.escape(report['graph'])}</h1>",
        "<ul>",
    ]
    h += [f"<li>{html.escape(line)}</li>" for line in head] + ["</ul>"]
    for title, cols, rows in tabs:
        h.append(
            f"<h2>{html.escape(title)}</h2><table><tr>"
            + "".join(f"<th>{html.escape(c)}</th>" for c in cols)
            + "</tr>"
        )
        h += [
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
        ]
        h.append("</table>")
    h.append("<h2>Plots</h2>")
    h += [f"<p><img src='{i}' alt='{i}'></p>" for i in images]
    h.append("</body></html>")
    (out / "report.html").write_text("\n".join(h))
    return {"md": out / "report.md", "html": out / "report.html", **{i: out / i for i in images}}
