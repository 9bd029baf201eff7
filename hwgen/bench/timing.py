"""Timing closure, measured: each point compiled twice for one clock, without added stages
(every layer and window pinned to none) and with the stages the timing model picks, both routed by
nextpnr toward that clock; the table gives fmax before and after, LUT and FF (Yosys), the
added latency, frames/s at min(routed fmax, clock) and the model's prediction. The same
results refit the model (`hwgen calibrate-timing`: `timing.json`).

A point's result is kept in its folder with a digest of its design (Verilog, ROM images,
clock): a rerun of `make bench` compiles each point and reuses the result while the design is
the same.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.table import Table
from scipy.optimize import minimize

from hwgen.api import compile as compile_build
from hwgen.api import load as load_build
from hwgen.bench.tables import table_and_markdown
from hwgen.estimate import estimate_graph
from hwgen.estimate.timing import TIMING, Coefficients, load_timing, node_period
from hwgen.flows.boards import load_board
from hwgen.flows.lattice import FLOWS
from hwgen.frontend.qonnx_import import import_qonnx
from hwgen.ir import Graph
from hwgen.passes import lower


@dataclass(frozen=True)
class TimingPoint:
    """A net at a folding on a board, for a target clock."""

    net: str  # a key of the bench's models
    folding: str  # its label
    fold: dict  # FINN's per-layer layout, {"Gemm_0": {"pe": 16, "simd": 49}}
    board: str
    clock_mhz: float
    slow: bool = False  # minutes of place and route: left out unless asked for

    def label(self, staged: bool) -> str:
        what = "staged" if staged else "unstaged"
        return f"{self.net}-{self.folding.replace('/', 'x')}-{self.board}-{self.clock_mhz:g}-{what}"


def _digits(pe: int, simd: int) -> dict:
    """The digits MLP (64-256-128-10) at one PE/SIMD, clipped to its last layer's 10 channels."""
    return {
        "Gemm_0": {"pe": pe, "simd": simd},
        "Gemm_1": {"pe": pe, "simd": simd},
        "Gemm_2": {"pe": min(pe, 10), "simd": simd},
    }


TFC_FOLD = {
    "Gemm_0": {"pe": 16, "simd": 49},
    "Gemm_1": {"pe": 8, "simd": 8},
    "Gemm_2": {"pe": 8, "simd": 8},
    "Gemm_3": {"pe": 10, "simd": 8},
}
CNV_FOLD = {
    "Conv_0": {"pe": 16, "simd": 3},
    "Conv_1": {"pe": 32, "simd": 32},
    "Conv_2": {"pe": 16, "simd": 32},
    "Conv_3": {"pe": 16, "simd": 32},
    "Conv_4": {"pe": 4, "simd": 32},
    "Conv_5": {"pe": 1, "simd": 32},
    "Gemm_0": {"pe": 1, "simd": 4},
    "Gemm_1": {"pe": 1, "simd": 8},
    "Gemm_2": {"pe": 5, "simd": 1},
}
POINTS = [
    TimingPoint("TFC-W1A1", "finn-examples", TFC_FOLD, "ulx3s-85f", 125),
    TimingPoint("digits-mlp", "16/16", _digits(16, 16), "ulx3s-85f", 125),
    TimingPoint("digits-mlp", "4/8", _digits(4, 8), "icebreaker", 50),
    # the digits MLP at 16/16 does not fit the UP5K (6,456 of 5,280 cells packed): 8/8 does
    TimingPoint("digits-mlp", "8/8", _digits(8, 8), "icebreaker", 50),
    TimingPoint("CNV-W1A1", "finn-examples", CNV_FOLD, "ulx3s-85f", 100, slow=True),
]


def run_point(p: TimingPoint, model: Path, staged: bool, out: Path, progress) -> dict:
    """Compile, synthesize, place and route one point (or reuse its result: same design)."""
    folder = out / p.label(staged)
    done = folder / "timing.json"
    fold = {k: dict(v) for k, v in p.fold.items()}
    if not staged:  # the old design: every layer (and window) pinned to no stages
        for name in staged_nodes(model):
            fold.setdefault(name, {})["stages"] = []
    t0 = time.perf_counter()
    # a result is reused while the design is the same: its Verilog, ROM images and clock (a
    # refit of the model that picks the same stages keeps its points). The compile goes to a
    # scratch folder and moves in (builds are relocatable) only when it is a new design, so
    # the kept one's bitstream stays
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hwgen-timing-", dir=folder) as tmp:
        trial = compile_build(
            model, Path(tmp) / "build", fold=fold, board=p.board, clock_mhz=p.clock_mhz
        )
        digest = design_digest(trial.path, load_board(p.board)["family"])
        if done.is_file():
            res = json.loads(done.read_text())
            if res.get("design") == digest:
                return res
        shutil.rmtree(folder / "build", ignore_errors=True)
        shutil.move(trial.path, folder / "build")
    build = load_build(folder / "build")
    syn = build.synth(p.board, progress=lambda s: progress(f"{p.label(staged)}: {s}"), force=True)
    bit, summ = syn["bitstream"], syn["yosys"]["summary"]
    clock = build.clock
    res = {
        "label": p.label(staged),
        "net": p.net,
        "folding": p.folding,
        "board": p.board,
        "family": load_board(p.board)["family"],
        "clock_mhz": p.clock_mhz,
        "staged": staged,
        "fmax_mhz": bit["fmax_mhz"],
        "model_mhz": clock["model"]["mhz"],
        "model_path": f"{clock['model']['layer']} {clock['model']['path']}".strip(),
        "lut": summ["lut"],
        "ff": summ["ff"],
        "cells": bit["utilization"].get(bit["cell"], {}).get("used"),
        "latency": sum(r.get("latency", 0) for r in build.layers),
        "cycles": build.estimate["cycles"],
        "fps_met": clock.get("fps_met"),
        "placer": bit["placer"],
        "seed": bit["seed"],
        "seconds": time.perf_counter() - t0,
        "build": str(folder / "build"),
        "design": digest,
    }
    done.write_text(json.dumps(res, indent=1))
    return res


def staged_nodes(model: Path) -> list[str]:
    """The names of a model's ops that can take stages (its MVUs and sliding windows)."""
    return [n.name for n in lower(import_qonnx(model)).nodes if getattr(n, "pipelined", False)]


def design_digest(build: Path, family: str) -> str:
    """A hash of a build's Verilog and ROM images (rtl/), its target clock and the source of
    the family's netlist step (hwgen.flows.lattice.DeviceFlow: what nextpnr gets is its
    output, so a changed step is a new design)."""
    h = hashlib.sha256(
        str(json.loads((build / "report.json").read_text())["clock"]["target_mhz"]).encode()
    )
    step = FLOWS[family].netlist_step
    if step is not None:
        h.update(Path(inspect.getsourcefile(step)).read_bytes())
    for f in sorted((build / "rtl").iterdir()):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def run_points(
    models: dict[str, Path], out: Path, progress, slow: bool = False, nets: tuple = ()
) -> list[dict]:
    """Every point (the slow ones with `slow`; only `nets` where given), unstaged and
    staged."""
    return [
        run_point(p, models[p.net], staged, out, progress)
        for p in POINTS
        if (slow or not p.slow) and (not nets or p.net in nets)
        for staged in (False, True)
    ]


def timing_table(results: list[dict]) -> tuple[Table, str]:
    """Before and after per point: the table for the console and its Markdown."""
    cols = ["net", "folding", "board", "clock", "fmax before", "fmax after", "model after",
            "LUT", "LUT after", "FF", "FF after", "estimate LUT/FF after", "latency",
            "frames/s after"]  # fmt: skip
    pairs = {}
    for r in results:
        pairs.setdefault((r["net"], r["folding"], r["board"], r["clock_mhz"]), {})[r["staged"]] = r
    rows = []
    for (net, folding, board, clock), pr in pairs.items():
        a, b = pr.get(False), pr.get(True)
        if not (a and b):
            continue
        g = Graph.load(Path(b["build"]))
        c = load_timing(b["family"])
        est = estimate_graph(g, b["family"]).total
        rows.append(
            [
                net,
                folding,
                board,
                f"{clock:g}",
                f"{a['fmax_mhz']:.1f}",
                f"{b['fmax_mhz']:.1f}",
                f"{1000.0 / predicted_period(g, c):.0f}",
                str(a["lut"]),
                f"{b['lut']} ({b['lut'] / a['lut'] - 1:+.1%})",
                str(a["ff"]),
                str(b["ff"]),
                f"{est['lut'] / b['lut'] - 1:+.1%} / {est['ff'] / b['ff'] - 1:+.1%}",
                f"+{b['latency']}",
                f"{b['fps_met']:,.0f}" if b.get("fps_met") else "",
            ]  # fmt: skip
        )
    return table_and_markdown(
        "timing closure: routed fmax (nextpnr; seed 1, the next where its placer loops) before "
        "and after the stages",
        cols,
        rows,
    )


def predicted_period(graph: Graph, c: Coefficients) -> float:
    """The modelled period (ns) of a folded graph: its longest path, or the rest's."""
    return max([1000.0 / c.other_mhz] + [node_period(n, c)[0] for n in graph.hw_nodes()])


FITTED = ("clk", "level", "carry", "bram", "fanout", "other_mhz")
#: how much a coefficient's move from the committed one weighs against the points' errors:
#: a coefficient doubled costs as much as one point 10 % off. Six coefficients over a handful
#: of routed designs fit anything; unweighed, the fit traded a sane clock-to-out for 1 % on
#: one point (iCE40: 16 ns, a logic level 0.4 ns)
PRIOR_WEIGHT = 0.01


def coefficient_moves(values, committed) -> np.ndarray:
    """Each coefficient's move from the committed one, relative to it (0.1 ns more keeps a
    zero one movable): what the fit's prior weighs, in FITTED's order."""
    values, committed = np.asarray(values, dtype=float), np.asarray(committed, dtype=float)
    return (np.abs(values) - committed) / (np.abs(committed) + 0.1)


def fit_timing(
    results: list[dict], family: str, prior_weight: float = PRIOR_WEIGHT
) -> tuple[Coefficients, list[dict]]:
    """Coefficients for `family` minimizing the squared relative error of the modelled period
    against the routed one over `results`, plus `prior_weight` times each coefficient's
    squared relative move from the committed one (timing.json), and each point's error with
    them."""
    mine = [r for r in results if r["family"] == family and r.get("fmax_mhz")]
    if not mine:
        raise ValueError(f"no routed points for {family}")
    graphs = [Graph.load(Path(r["build"])) for r in mine]
    start = load_timing(family)
    x0 = np.array([getattr(start, k) for k in FITTED])

    def coef(x) -> Coefficients:
        return Coefficients(*np.abs(x), source="nextpnr")

    def loss(x) -> float:
        c = coef(x)
        errs = [predicted_period(g, c) * r["fmax_mhz"] / 1000.0 - 1.0 for g, r in zip(graphs, mine)]
        moves = coefficient_moves(x, x0)
        return float(np.sum(np.square(errs)) + prior_weight * np.sum(np.square(moves)))

    best = minimize(loss, x0, method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-4})
    c = coef(best.x)
    table = [
        {
            "label": r["label"],
            "routed_mhz": r["fmax_mhz"],
            "model_mhz": 1000.0 / predicted_period(g, c),
        }
        for g, r in zip(graphs, mine)
    ]
    for row in table:
        row["error"] = row["model_mhz"] / row["routed_mhz"] - 1.0
    return c, table


def write_timing(coefs: dict[str, Coefficients]) -> None:
    """Replace the fitted families' coefficients in timing.json (the others stay)."""
    table = json.loads(TIMING.read_text())
    for fam, c in coefs.items():
        table[fam] = {k: round(float(getattr(c, k)), 4) for k in FITTED} | {"source": c.source}
    TIMING.write_text(json.dumps(table, indent=1) + "\n")
