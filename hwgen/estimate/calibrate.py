"""Fit the estimator's LUT coefficients to Yosys' synthesis of hwgen designs, and measure
the estimate's error against it (`hwgen calibrate`, `make bench`).

A design's LUTs are modelled as sum_k c_k * f_k over its building blocks' counts f_k
(`features`), plus the LUTs of memories that land in logic; the c_k >= 0 come from a
non-negative least-squares fit of relative error, so small and large designs weigh alike.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hwgen.estimate import CALIBRATION, block_parts, estimate_graph, features

FAMILY_BOARD = {"zynq7": "pynq-z2", "ice40": "icebreaker"}


def feature_totals(graph, family: str) -> tuple[dict[str, float], dict[str, float]]:
    """Summed LUT and register features of a whole design (`top`: one per design)."""
    lut: dict[str, float] = {"top": 1.0}
    ff: dict[str, float] = {"top": 1.0}
    for _n, parts, fifo in block_parts(graph):
        for p in (parts, fifo):
            fl, ffe, _ = features(p, family)
            for k, v in fl.items():
                lut[k] = lut.get(k, 0) + v
            for k, v in ffe.items():
                ff[k] = ff.get(k, 0) + v
    return lut, ff


def fit(samples: list[tuple[dict[str, float], float]]) -> dict[str, float]:
    """Non-negative coefficients minimizing the squared relative error over the samples."""
    from scipy.optimize import nnls
    names = sorted({k for f, _ in samples for k in f})
    a = np.array([[f.get(k, 0.0) / y for k in names] for f, y in samples])
    coef, _ = nnls(a, np.ones(len(samples)))
    return dict(zip(names, (round(float(c), 4) for c in coef)))


def calibrate(samples_by_family: dict[str, list[tuple[object, dict]]], write: bool = True) -> dict:
    """samples: family -> [(graph, Yosys summary)]. Fits LUT and register coefficients,
    writes calibration.json (when `write`), and returns the new calibration."""
    new = json.loads(CALIBRATION.read_text()) if CALIBRATION.is_file() else {}
    for family, samples in samples_by_family.items():
        totals = [(feature_totals(g, family), s) for g, s in samples]
        new[family] = {"lut": fit([(lut, float(s["lut"])) for (lut, _), s in totals]),
                       "ff": fit([(ff, float(s["ff"])) for (_, ff), s in totals]),
                       "samples": len(samples)}
    if write:
        CALIBRATION.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    return new


def errors(samples: list[tuple[object, dict]], family: str) -> list[dict]:
    """Estimated against synthesized LUT/FF per design, as relative errors."""
    out = []
    for g, s in samples:
        est = estimate_graph(g, family).total
        out.append({"design": g.name, "lut_est": est["lut"], "lut_syn": s["lut"],
                    "lut_err": (est["lut"] - s["lut"]) / s["lut"],
                    "ff_est": est["ff"], "ff_syn": s["ff"], "ff_err": (est["ff"] - s["ff"]) / s["ff"],
                    "bram_est": est["bram"], "bram_syn": s["bram"]})
    return out


def load_samples(builds: list[Path], family: str) -> list[tuple[object, dict]]:
    """(graph, Yosys summary) for builds already synthesized for the family's board."""
    from hwgen.ir import Graph
    out = []
    for b in builds:
        f = Path(b) / "synth" / FAMILY_BOARD[family] / "utilization.json"
        if f.is_file():
            g = Graph.load(Path(b))
            g.name = Path(b).name
            out.append((g, json.loads(f.read_text())["summary"]))
    return out
