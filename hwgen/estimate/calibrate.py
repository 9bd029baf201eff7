"""Fit the estimator's LUT coefficients to Yosys' synthesis of hwgen designs, and measure
the estimate's error against it (`hwgen calibrate`, `make bench`).

A design's LUTs are modelled as sum_k c_k * f_k over its building blocks' counts f_k
(`features`), plus the LUTs of memories that land in logic; the c_k >= 0 come from a
non-negative least-squares fit of relative error, so small and large designs weigh alike.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.rtl.codegen import RTL_LIBRARY
from hwgen.estimate import CALIBRATION, block_parts, cell_features, estimate_graph, features
from hwgen.flows.yosys import slice_luts, summarize
from hwgen.ir import Graph
from hwgen.paths import SHARE
from hwgen.sweep.engine import Job, every_result, run_jobs
from hwgen.sweep.points import Point, model_files
from hwgen.sweep.worker import extract_archive, run_point
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, train

FAMILY_BOARD = {"zynq7": "pynq-z2", "ice40": "icebreaker", "ecp5": "ulx3s"}


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


# What a unit of each feature should cost if the counts are right (one LUT per counter output
# bit, adder bit, multiplexer bit, ROM LUT; one flip-flop per register bit). The fit is pulled
# towards these, so features that move together (a wider PE means a wider ROM and more
# popcount trees) cannot trade places and a design unlike the sweep is still priced sensibly.
PRIOR = {"control": 10.0, "top": 20.0, "load": 0.5}
SLACK = 0.08
RIDGE = 0.001


def fit(
    samples: list[tuple[dict[str, float], float]], prior: dict[str, float] | None = None
) -> dict[str, float]:
    """Non-negative coefficients minimizing the worst relative error over the samples (a
    linear program), then, among fits within 0.5 % of that worst error (or SLACK, if larger),
    the one closest to `prior` (default PRIOR; 1 where not listed), so that features which
    move together stay near their counts."""
    prior_of = PRIOR if prior is None else prior
    # deferred: scipy is slow to import
    from scipy.optimize import linprog

    names = sorted({k for f, _ in samples for k in f})
    a = np.array([[f.get(k, 0.0) / y for k in names] for f, y in samples])
    n, m = a.shape
    ones = np.ones(n)
    # variables c (m) and t: min t  s.t.  -t <= a c - 1 <= t
    ub = np.vstack([np.hstack([a, -ones[:, None]]), np.hstack([-a, -ones[:, None]])])
    bounds = [(0, None)] * m + [(0, None)]
    lp = linprog(
        np.r_[np.zeros(m), 1.0], A_ub=ub, b_ub=np.r_[ones, -ones], bounds=bounds, method="highs"
    )
    if not lp.success:
        return _fit_least_squares(samples, prior_of)
    # the closest-to-prior fit may cost up to SLACK worst error: a design unlike the sweep
    # (a residual block, another net) is priced better by counts near their meaning
    worst = max(lp.x[-1] + 0.005, SLACK)
    # second pass: variables c, d+ and d- (distance from the prior), minimise sum d
    prior = np.array([prior_of.get(k, 1.0) for k in names])
    eye = np.eye(m)
    ub2 = np.vstack([np.hstack([a, np.zeros((n, 2 * m))]), np.hstack([-a, np.zeros((n, 2 * m))])])
    eq = np.hstack([eye, -eye, eye])  # c - d+ + d- = prior
    w = 1.0 / prior.clip(0.1)  # relative distance
    lp2 = linprog(
        np.r_[np.zeros(m), w, w],
        A_ub=ub2,
        b_ub=np.r_[ones + worst, -(ones - worst)],
        A_eq=eq,
        b_eq=prior,
        bounds=[(0, None)] * (3 * m),
        method="highs",
    )
    coef = lp2.x[:m] if lp2.success else lp.x[:m]
    return dict(zip(names, (round(float(c), 4) for c in coef)))


def cell_prior(lut_coef: dict[str, float]) -> dict[str, float]:
    """Where the packed-cell fit starts from: a LUT feature costs what it costs in LUTs (one
    LUT, one cell), and half of every block's flip-flops pair with one of its LUTs."""
    return {
        **{f"lut.{k}": max(v, 0.1) for k, v in lut_coef.items()},
        **{f"ff.{k}": 0.5 for k in ("buffers", "fifo", "lanes", "mem", "rom_out", "state")},
        "ff.rom_out_logic": 0.5,
        "ff.top": 10.0,
    }


def _fit_least_squares(
    samples: list[tuple[dict[str, float], float]], prior: dict[str, float]
) -> dict[str, float]:
    """Non-negative coefficients minimizing the squared relative error over the samples plus
    RIDGE times the squared distance from `prior` (1 where not listed)."""
    # deferred: scipy is slow to import
    from scipy.optimize import nnls

    names = sorted({k for f, _ in samples for k in f})
    a = [[f.get(k, 0.0) / y for k in names] for f, y in samples]
    b = [1.0] * len(samples)
    for i, k in enumerate(names):
        a.append([RIDGE**0.5 if j == i else 0.0 for j in range(len(names))])
        b.append(RIDGE**0.5 * prior.get(k, 1.0))
    coef, _ = nnls(np.array(a), np.array(b))
    return dict(zip(names, (round(float(c), 4) for c in coef)))


def calibrate(samples_by_family: dict[str, list[tuple[object, dict]]], write: bool = True) -> dict:
    """samples: family -> [(graph, Yosys summary)]. Fits LUT and register coefficients,
    writes calibration.json (when `write`), and returns the new calibration."""
    new = json.loads(CALIBRATION.read_text()) if CALIBRATION.is_file() else {}
    for family, samples in samples_by_family.items():
        if not samples:
            continue
        totals = [(feature_totals(g, family), s) for g, s in samples]
        new[family] = {
            "lut": fit([(lut, float(slice_luts(s))) for (lut, _), s in totals]),
            "ff": fit([(ff, float(s["ff"])) for (_, ff), s in totals]),
            "samples": len(samples),
        }
        if all("lc" in s for _, s in samples):
            new[family]["lc"] = fit(
                [(cell_features(*t), float(s["lc"])) for t, s in totals],
                cell_prior(new[family]["lut"]),
            )
    if write:
        CALIBRATION.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    return new


def errors(samples: list[tuple[object, dict]], family: str) -> list[dict]:
    """Estimated against synthesized LUT/FF per design, as relative errors."""
    out = []
    for g, s in samples:
        est = estimate_graph(g, family).total
        syn = slice_luts(s)
        out.append(
            {
                "design": g.name,
                "lut_est": est["lut"],
                "lut_syn": syn,
                "lut_err": (est["lut"] - syn) / syn,
                "ff_est": est["ff"],
                "ff_syn": s["ff"],
                "ff_err": (est["ff"] - s["ff"]) / s["ff"],
                "bram_est": est["bram"],
                "bram_syn": s["bram"],
                **(
                    {
                        "lc_est": est["lc"],
                        "lc_pnr": s["lc"],
                        "lc_err": (est["lc"] - s["lc"]) / s["lc"],
                    }
                    if "lc" in s
                    else {}
                ),
            }
        )
    return out


def load_samples(builds: list[Path], family: str) -> list[tuple[object, dict]]:
    """(graph, Yosys summary) for builds already synthesized for the family's board."""
    out = []
    for b in builds:
        f = Path(b) / "synth" / FAMILY_BOARD[family] / "utilization.json"
        if f.is_file():
            g = Graph.load(Path(b))
            g.name = Path(b).name
            doc = json.loads(f.read_text())
            summary = summarize(doc["cells"])
            if doc.get("packed"):  # nextpnr's packed cells (iCE40 logic cells, ECP5 COMB)
                summary["lc"] = doc["packed"]["used"]
            out.append((g, summary))
    return out


def leave_one_out(samples: list[tuple[object, dict]], family: str) -> dict[str, float]:
    """Mean and worst relative LUT/FF error of each design when the coefficients are fitted
    without it: how the estimator does on a design it has not seen."""
    totals = [(feature_totals(g, family), s) for g, s in samples]
    cells = all("lc" in s for _, s in samples)
    errs = {"lut": [], "ff": [], **({"lc": []} if cells else {})}
    truths = {"lut": slice_luts, "ff": lambda x: x["ff"], "lc": lambda x: x["lc"]}
    pick = {"lut": lambda t: t[0], "ff": lambda t: t[1], "lc": lambda t: cell_features(*t)}
    for k in range(len(totals)):
        rest = totals[:k] + totals[k + 1 :]
        here, s = totals[k]
        for what in errs:
            truth = truths[what]
            prior = None
            if what == "lc":
                prior = cell_prior(fit([(t[0], float(slice_luts(ss))) for t, ss in rest]))
            coef = fit([(pick[what](t), float(truth(ss))) for t, ss in rest], prior)
            est = sum(coef.get(n, 0.0) * v for n, v in pick[what](here).items())
            errs[what].append(abs(est - truth(s)) / truth(s))
    return {
        f"{w}_{stat}": (float(np.mean(v)) if stat == "mean" else float(np.max(v)))
        for w, v in errs.items()
        for stat in ("mean", "worst")
    }


# the designs the calibration is fitted to (and `make bench` measures): digits MLP and CNN
MLP_FOLDINGS = [
    (1, 1),
    (2, 4),
    (4, 8),
    (8, 8),
    (16, 16),
    (4, 16),
    (16, 4),
    (8, 32),
    (32, 32),
    (2, 64),
    (32, 8),
    (1, 64),
    (3, 5),
    (7, 9),
    (10, 10),
]
CNN_FOLDINGS = [
    (1, 1),
    (2, 2),
    (4, 4),
    (8, 8),
    (16, 16),
    (4, 16),
    (16, 4),
    (8, 32),
    (3, 5),
    (32, 32),
]
# the padded 16x16 image CNN (padded integer and bipolar convs, border classes, line buffers)
PCNN_FOLDINGS = [(1, 1), (2, 4), (4, 8), (8, 8), (16, 16), (3, 5)]
# a Bi-Real MLP (residual blocks with their shortcut FIFOs and level thresholds)
BIREAL_FOLDINGS = [(2, 4), (4, 8), (8, 8), (4, 4)]
# the digits MLP and CNN at W2A2 (2-bit weights and activations: sums of products, level
# thresholds, a max-pool of 2-bit integers)
Q2MLP_FOLDINGS = [(2, 4), (4, 8), (8, 8), (16, 16)]
Q2CNN_FOLDINGS = [(2, 2), (4, 4), (8, 8), (3, 5)]
#: every net of the sweep and its foldings
SWEEP = (
    ("mlp", MLP_FOLDINGS),
    ("cnn", CNN_FOLDINGS),
    ("pcnn", PCNN_FOLDINGS),
    ("bireal", BIREAL_FOLDINGS),
    ("q2mlp", Q2MLP_FOLDINGS),
    ("q2cnn", Q2CNN_FOLDINGS),
)
#: pipelined designs: nets compiled for a fast clock on a routed family, so the timing pass
#: (passes/pipeline_stages.py) adds its stages and popcount groups; synthesized for every
#: family like the rest. (net, board compiled for, clock MHz, foldings)
STAGED_SWEEP = (
    ("mlp", "ulx3s", 125, [(4, 8), (8, 8), (16, 16), (32, 32)]),
    ("mlp", "icebreaker", 50, [(8, 8)]),
    ("cnn", "ulx3s", 125, [(8, 8)]),
    ("q2mlp", "ulx3s", 125, [(8, 8)]),
)


def sweep_points() -> list[tuple[str, str, Point]]:
    """(net, build folder name, point) of every calibration design: the SWEEP compiled for the
    first board (no stages), then the STAGED_SWEEP; each synthesized for every family."""
    boards = tuple(FAMILY_BOARD.values())
    out = [
        (net, f"{net}-{pe}x{simd}", Point(boards[0], pe, simd, synth_boards=boards, archive=True))
        for net, foldings in SWEEP
        for pe, simd in foldings
    ]
    out += [
        (
            net,
            f"{net}-{pe}x{simd}-{board}-{clock}mhz",
            Point(board, pe, simd, clock_mhz=clock, synth_boards=boards, archive=True),
        )
        for net, board, clock, foldings in STAGED_SWEEP
        for pe, simd in foldings
    ]
    return out


def sweep_builds(
    models: dict[str, Path],
    out: Path,
    progress=lambda s: None,
    address: str | None = None,
    timeout: float | None = None,
) -> list[Path]:
    """Compile the calibration sweep (models: {'mlp': onnx, 'cnn': onnx[, 'pcnn': onnx]}) and
    synthesize each build for both calibrated families, every point a task of the sweep engine
    (a local Ray, or the cluster at `address`); each comes back as a build folder in `out`. A
    build already synthesized for both is reused; a point that fails stops the calibration
    with its error."""
    boards = tuple(FAMILY_BOARD.values())
    builds, jobs = [], []
    files = {net: model_files(path) for net, path in models.items()}
    for net, name, point in sweep_points():
        if net not in models:
            continue
        b = Path(out) / name
        builds.append(b)
        if not _reusable(b, boards, files[net]):
            jobs.append((b, Job(b.name, run_point, (files[net], Path(models[net]).name, point))))
    if jobs:
        results = run_jobs(
            [j for _, j in jobs],
            address=address,
            timeout=timeout,
            progress=lambda done, total, label: progress(
                f"Yosys: {done} of {total} builds ({label})"
            ),
        )
        for (b, _), figures in zip(jobs, every_result(results, "calibrate")):
            shutil.rmtree(b, ignore_errors=True)
            extract_archive(figures["archive_b64"], b)
    return builds


def _reusable(build: Path, boards, model: dict[str, bytes]) -> bool:
    """A sweep build may be reused: synthesized for every board, from this very model (its
    manifest's hashes) and from the kernels in rtl/ as they are now (a changed kernel or a
    retrained model makes an earlier synthesis stale)."""

    if not all((build / "synth" / board / "utilization.json").is_file() for board in boards):
        return False
    try:
        recorded = dict(json.loads((build / "manifest.json").read_text())["model"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if recorded != {name: hashlib.sha256(data).hexdigest() for name, data in model.items()}:
        return False
    for lib in RTL_LIBRARY:
        copy = build / "rtl" / Path(lib).name
        if not copy.is_file() or copy.read_bytes() != (SHARE / lib).read_bytes():
            return False
    return True


#: training epochs of the W2A2 calibration nets: trained thresholds, not a random init's
#: degenerate ones (identity BatchNorms make many channels constant, which Yosys removes)
PRECISION_EPOCHS = 15


def precision_onnx(out: Path, model: str) -> Path:
    """The calibration's digits MLP or CNN at W2A2, trained briefly, as QONNX (reused if there)."""
    # deferred: torch is heavy (training only)
    import torch

    path = Path(out) / f"w2a2_{model}.onnx"
    split = load_dataset("digits", flat=model == "mlp")
    torch.manual_seed(0)
    m = build_model(
        model,
        split.x_train.shape[1:],
        split.num_classes,
        input_bits=8 if model == "mlp" else 1,
        weight_bits=2,
        act_bits=2,
    )
    train(m, split, epochs=PRECISION_EPOCHS, progress=False)
    return export(m, split.x_train.shape[1:], path)


def bireal_onnx(out: Path) -> Path:
    """The calibration's Bi-Real MLP (64 -> 3 x 32 -> 10, random weights) as QONNX."""
    # deferred: torch is heavy (training only)
    import torch

    torch.manual_seed(0)
    m = build_model("bireal-mlp", (64,), 10, [32, 32, 32], binarizer="bireal").eval()
    return export(m, (64,), Path(out) / "bireal_mlp.onnx")
