"""The report's plots: resources per layer against the board, and the folding sweep with its
per-layer Pareto front, the board's capacity and this build."""

from __future__ import annotations

import math
from pathlib import Path

from hwgen.estimate import estimate_graph, load_calibration
from hwgen.ops import XnorMVU
from hwgen.passes.fold_search import fold_for_budget, layer_options, min_cycles
from hwgen.passes.folding import apply_folding


def folding_sweep(graph, board: dict) -> list[dict]:
    """Estimated LUTs and frames/s over foldings: one point per global PE/SIMD pair."""
    clock = board["clock_mhz"] * 1e6
    pts = []
    for pe in (1, 2, 4, 8, 16, 32, 64):
        for simd in (1, 2, 4, 8, 16, 32, 64):
            g = apply_folding(graph, pe=pe, simd=simd)
            est = estimate_graph(g, board["family"])
            pts.append(
                {
                    "pe": pe,
                    "simd": simd,
                    "lut": est.total["lut"],
                    "cycles": est.cycles,
                    "fps": clock / est.cycles,
                    "kind": "global",
                }
            )
    return pts


def per_layer_front(graph, board: dict, budgets: int = 48) -> list[dict]:
    """The front of per-layer foldings: for cycle budgets from the fastest to the slowest, the
    folding search's choice (each layer its cheapest PE/SIMD within the budget). A build with
    its own per-layer folding lies on or below this front, never above it."""

    family, clock = board["family"], board["clock_mhz"] * 1e6
    cal = load_calibration(family)
    cycles = sorted(
        {
            o[0]
            for n in graph.hw_nodes()
            if isinstance(n, XnorMVU)
            for o in layer_options(n, family, cal)
        }
        | {min_cycles(graph)}
    )
    cycles = [c for c in cycles if c >= min_cycles(graph)]
    if len(cycles) > budgets:  # a geometric sample keeps big nets quick, both ends included
        step = (len(cycles) - 1) / (budgets - 1)
        cycles = sorted(
            {cycles[min(len(cycles) - 1, math.floor(k * step + 0.5))] for k in range(budgets)}
        )
    pts = []
    for budget in cycles:
        cfg = fold_for_budget(graph, budget, family)
        if cfg is None:
            continue
        est = estimate_graph(apply_folding(graph, config=cfg), family)
        pts.append(
            {
                "budget": budget,
                "lut": est.total["lut"],
                "cycles": est.cycles,
                "fps": clock / est.cycles,
                "kind": "per-layer",
            }
        )
    return pts


def pareto(points: list[dict]) -> list[dict]:
    """Points no other point beats on both fewer LUTs and more frames/s."""
    front, best = [], -1.0
    for p in sorted(points, key=lambda p: (p["lut"], -p["fps"])):
        if p["fps"] > best:
            front.append(p)
            best = p["fps"]
    return front


def write_plots(report: dict, board: dict, sweep: list[dict], out: Path) -> list[str]:
    """resources.png and sweep.png in `out`; returns their file names."""
    # deferred: matplotlib is slow to import
    import matplotlib

    matplotlib.use("Agg")  # files only: no display here, nor in CI
    # deferred: matplotlib is slow to import
    import matplotlib.pyplot as plt

    layers = report["estimate"]["layers"]
    names = [x["name"] for x in layers]
    xs = list(range(len(names)))
    brams = [x["bram"] for x in layers]
    # no block RAM at all (weights in LUTs): one panel, not an empty second one
    if sum(brams):
        fig, (ax, ax_b) = plt.subplots(
            1, 2, figsize=(11, 4), dpi=100, gridspec_kw={"width_ratios": [2, 1]}
        )
    else:
        fig, ax = plt.subplots(figsize=(8, 4), dpi=100)
    ax.bar([x - 0.2 for x in xs], [x["lut"] for x in layers], width=0.4, label="LUT (estimate)")
    ax.bar([x + 0.2 for x in xs], [x["ff"] for x in layers], width=0.4, label="FF (estimate)")
    ax.set_xticks(xs, names, rotation=30, ha="right")
    ax.set_ylabel("cells")
    ax.set_title(
        f"{report['graph']}: logic per layer ({report['board']['family']})"
        + ("" if sum(brams) else "; no block RAM")
    )
    ax.legend()
    if sum(brams):
        bram_name = "EBR" if report["board"]["family"] == "ice40" else "BRAM18"
        ax_b.bar(xs, brams, color="C2", label=f"{bram_name} (estimate)")
        ax_b.set_ylim(0, 1.1 * max(brams))
        have = board.get("bram18", board.get("ebr"))
        ax_b.set_title(f"block RAM: {sum(brams):g} of {have} {bram_name}" if have else "block RAM")
        ax_b.set_xticks(xs, names, rotation=30, ha="right")
        ax_b.set_ylabel(f"{bram_name} blocks")
    fig.tight_layout()
    fig.savefig(out / "resources.png")
    plt.close(fig)

    front = pareto(sweep)  # over both kinds: a global folding on it is a per-layer one too
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    glob = [p for p in sweep if p["kind"] == "global"]
    ax.scatter(
        [p["lut"] for p in glob],
        [p["fps"] for p in glob],
        s=14,
        color="0.6",
        label="global PE x SIMD",
    )
    ax.plot(
        [p["lut"] for p in front],
        [p["fps"] for p in front],
        "o-",
        ms=4,
        color="C3",
        label="Pareto front (per-layer folding)",
    )
    ax.axvline(
        board["luts"], color="k", ls="--", lw=1, label=f"{board['name']}: {board['luts']:,} LUTs"
    )
    cur = report["estimate"]["total"]["lut"], report["fps_at_clock"]
    ax.scatter([cur[0]], [cur[1]], marker="*", s=160, color="C0", zorder=5, label="this build")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("LUTs (estimate)")
    ax.set_ylabel(f"frames/s at {report['board']['clock_mhz']} MHz")
    ax.set_title(f"{report['graph']}: foldings on {board['name']}")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "sweep.png")
    plt.close(fig)
    return ["resources.png", "sweep.png"]
