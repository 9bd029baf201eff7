"""`hwgen compare`: every binarizer trained with several seeds on the same net, its float
twin beside it, each binary net compiled to the same hardware: one table (Markdown) and one
plot. The golden model is run on every compiled net and must give PyTorch's labels.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch
from rich.progress import Progress
from rich.table import Table
from torch import nn

from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph
from hwgen.execution import run_golden
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sweep.engine import Job, every_result, run_jobs
from hwgen.train.binarizers import METHODS
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, predict, train


class FloatTwin(nn.Module):
    """The binary MLP's shape with real weights and activations (hardtanh: the function the
    binary activation's straight-through estimator pretends to be)."""

    def __init__(self, in_features: int, hidden: list[int], num_classes: int, dropout: float = 0.1):
        super().__init__()
        layers: list[nn.Module] = [nn.BatchNorm1d(in_features)]
        n = in_features
        for h in hidden:
            layers += [
                nn.Linear(n, h, bias=False),
                nn.BatchNorm1d(h),
                nn.Hardtanh(),
                nn.Dropout(dropout),
            ]
            n = h
        layers += [nn.Linear(n, num_classes, bias=False), nn.BatchNorm1d(num_classes)]
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return self.features(x.reshape(x.shape[0], -1))


def _compile_and_check(model, split, out: Path, pe: int, simd: int) -> dict:
    """Export, compile at PE/SIMD, run the golden model on the test split: labels must be
    PyTorch's. Returns cycles/frame, estimated LUTs and the golden accuracy."""
    onnx = export(model, split.x_train.shape[1:], out / "model.onnx")
    g, _ = compile_model(CompileOptions(onnx, out / "build", pe, simd))
    gold = run_golden(g, split.x_test)
    torch_labels = predict(model, split.x_test).argmax(1)
    if not np.array_equal(gold.argmax(1), torch_labels):
        bad = int(np.sum(gold.argmax(1) != torch_labels))
        raise HwgenError(f"{out}: golden model and PyTorch disagree on {bad} test labels")
    est = estimate_graph(g, "zynq7")
    n_thr = max((n.n_thr for n in g.hw_nodes() if getattr(n, "has_thresholds", False)), default=1)
    return {
        "cycles": est.cycles,
        "lut": est.total["lut"],
        "acc_golden": float((gold.argmax(1) == split.y_test).mean()),
        "n_thr": n_thr,
    }


#: the whole Bi-Real recipe: the Bi-Real MLP (fixed-point shortcuts around 128-wide binary
#: layers), ApproxSign, magnitude-aware weight gradients, clip-based real-valued pretraining
BIREAL_NET = "bireal-net"
BIREAL_PRETRAIN = 20
#: the same digits MLP at bnn_pynq's precisions, with Brevitas' own quantizers (no binarizer
#: method): 1-bit or 2-bit ({-1, 0, +1}) weights and hidden activations
PRECISIONS = {"w1a1": (1, 1), "w1a2": (1, 2), "w2a2": (2, 2)}
#: convolutional rows on the 8x8 images: the plain binary CNN (W1A1, Brevitas' sign) and the
#: Bi-Real CNN with the paper's recipe (ApproxSign, magnitude-aware gradients, pretraining)
CNNS = ("cnn", "bireal-cnn")


def _model_for(method: str, split):
    """(model, binarizer, pretraining epochs) of a compare row."""
    if method == "cnn":
        return build_model("cnn", split.x_train.shape[1:], split.num_classes), None, 0
    if method == "bireal-cnn":
        return (
            build_model("bireal-cnn", split.x_train.shape[1:], split.num_classes),
            "bireal",
            BIREAL_PRETRAIN,
        )
    if method == BIREAL_NET:
        return (
            build_model(
                "bireal-mlp",
                split.x_train.shape[1:],
                split.num_classes,
                [128, 128, 128],
                binarizer="bireal",
                input_bits=8,
            ),
            "bireal",
            BIREAL_PRETRAIN,
        )
    if method in PRECISIONS:
        wb, ab = PRECISIONS[method]
        return (
            build_model(
                "mlp",
                split.x_train.shape[1:],
                split.num_classes,
                input_bits=8,
                weight_bits=wb,
                act_bits=ab,
            ),
            None,
            0,
        )
    return (
        build_model(
            "mlp", split.x_train.shape[1:], split.num_classes, binarizer=method, input_bits=8
        ),
        method,
        0,
    )


def _twin_run(seed: int, epochs: int) -> dict:
    """One float-twin training (a sweep-engine task)."""
    split = load_dataset("digits", flat=True)
    torch.manual_seed(seed)
    twin = FloatTwin(split.x_train.shape[1], [256, 128], split.num_classes)
    r = train(twin, split, epochs=epochs, seed=seed, progress=False)
    return {"method": "float", "seed": seed, "acc": r.accuracy, "seconds": r.seconds}


def _method_run(method: str, seed: int, epochs: int, pe: int, simd: int) -> dict:
    """One binarizer x seed: train, compile, golden against PyTorch (a sweep-engine task, in a
    folder of its own: it returns figures, not files)."""

    split = load_dataset("digits", flat=method not in CNNS)
    torch.manual_seed(seed)
    m, binarizer, pre = _model_for(method, split)
    r = train(
        m, split, epochs=epochs, seed=seed, progress=False, binarizer=binarizer, pretrain_epochs=pre
    )
    with tempfile.TemporaryDirectory(prefix=f"hwgen-compare-{method}-{seed}-") as tmp:
        hw = _compile_and_check(m, split, Path(tmp), pe, simd)
    return {"method": method, "seed": seed, "acc": r.accuracy, "seconds": r.seconds, **hw}


def compare(
    out: Path,
    methods=None,
    seeds=(0, 1, 2),
    epochs: int = 60,
    pe: int = 16,
    simd: int = 16,
    console=None,
    address: str | None = None,
    timeout: float | None = None,
) -> list[dict]:
    """Train every method x seed (and the float twin x seed) on the digits MLP (8-bit input
    pixels, as bnn_pynq's CNV takes them; binary weights and hidden activations), plus the
    whole Bi-Real net (`bireal-net`); returns one row per method with accuracy mean and std,
    training seconds, cycles and LUTs. Every run is a task of the sweep engine (a local Ray
    with this machine's cores, or the cluster at `address`)."""

    known = METHODS + (BIREAL_NET,) + tuple(PRECISIONS) + CNNS
    methods = list(methods or known)
    unknown = [m for m in methods if m not in known]
    if unknown:
        raise HwgenError(f"--methods: unknown {unknown} (available: {', '.join(known)})")
    out.mkdir(parents=True, exist_ok=True)
    jobs = [Job(f"float twin, seed {s}", _twin_run, (s, epochs)) for s in seeds]
    jobs += [
        Job(f"{m}, seed {s}", _method_run, (m, s, epochs, pe, simd)) for m in methods for s in seeds
    ]
    with Progress(transient=True, disable=console is None) as prog:
        task = prog.add_task("training", total=len(jobs))
        results = run_jobs(
            jobs,
            address=address,
            timeout=timeout,
            progress=lambda done, total, label: prog.update(
                task, completed=done, description=f"training: {label}"
            ),
        )
    runs = every_result(results, "compare")
    float_acc = [r["acc"] for r in runs if r["method"] == "float"]
    rows = []
    for method in methods:
        rs = [r for r in runs if r["method"] == method]
        acc = np.array([r["acc"] for r in rs])
        rows.append(
            {
                "method": method,
                "acc_mean": float(acc.mean()),
                "acc_std": float(acc.std()),
                "float_mean": float(np.mean(float_acc)),
                "float_std": float(np.std(float_acc)),
                "seconds": float(np.mean([r["seconds"] for r in rs])),
                "cycles": rs[0]["cycles"],
                "lut": rs[0]["lut"],
                "n_thr": max(r["n_thr"] for r in rs),
                "seeds": len(rs),
                "runs": rs,
            }
        )
    _write(rows, out, pe, simd, epochs, console)
    return rows


def _write(rows: list[dict], out: Path, pe: int, simd: int, epochs: int, console) -> None:
    # deferred: matplotlib is slow to import
    import matplotlib

    matplotlib.use("Agg")
    # deferred: matplotlib is slow to import
    import matplotlib.pyplot as plt

    cols = (
        "method",
        "test accuracy (mean ± std)",
        "float twin",
        "train s",
        "cycles/frame",
        "LUT (est.)",
        "thresholds/channel",
    )
    lines = [
        f"Digits MLP 64-256-128-10 (8-bit input, W1A1 hidden layers), {rows[0]['seeds']} seeds, "
        f"{epochs} epochs; "
        f"hardware at PE={pe}, SIMD={simd}. `{BIREAL_NET}` is the whole Bi-Real recipe: "
        "64-128-128-128-10 "
        "with 4-bit fixed-point shortcuts around the two 128x128 layers, ApproxSign, "
        "magnitude-aware "
        f"weight gradients and {BIREAL_PRETRAIN} epochs of clip-based real-valued pretraining "
        "first. "
        "`w1a1`, `w1a2` and `w2a2` are the net at bnn_pynq's precisions with Brevitas' own "
        "quantizers "
        "(2 bits: {-1, 0, +1}, weights and hidden activations). `cnn` is the binary CNN on the 8x8 "
        "images "
        "(two 3x3 convolutions, a max-pool, FC 128); `bireal-cnn` the Bi-Real CNN (a 3x3 stem, a "
        "block at "
        "16 channels, a downsampling block to 32 (AvgPool2d + 1x1 shortcut), a block, the "
        "classifier) "
        f"with the Bi-Real recipe and {BIREAL_PRETRAIN} pretraining epochs.",
        "Thresholds/channel is the most any layer needs: 1 is a plain threshold; more are interval "
        "thresholds (a learned binarizer whose decision switches more than once) or, for "
        "bireal-net, "
        "level thresholds (its 4-bit shortcut path: 14 per channel; a 2-bit activation: 2).",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    for r in rows:
        lines.append(
            f"| {r['method']} | {100 * r['acc_mean']:.2f} ± {100 * r['acc_std']:.2f} % | "
            f"{100 * r['float_mean']:.2f} ± {100 * r['float_std']:.2f} % | {r['seconds']:.1f} | "
            f"{r['cycles']} | {r['lut']} | {r['n_thr']} |"
        )
    (out / "compare.md").write_text("\n".join(lines) + "\n\n![accuracy](compare.png)\n")
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    names = [r["method"] for r in rows] + ["float twin"]
    means = [100 * r["acc_mean"] for r in rows] + [100 * rows[0]["float_mean"]]
    stds = [100 * r["acc_std"] for r in rows] + [100 * rows[0]["float_std"]]
    ax.bar(names, means, yerr=stds, capsize=4, color=["C0"] * len(rows) + ["C7"])
    ax.set_ylim(max(0, min(means) - 10), 100)
    ax.set_ylabel("test accuracy, %")
    ax.set_title("digits MLP: binarizers (mean ± std over seeds)")
    fig.tight_layout()
    fig.savefig(out / "compare.png")
    plt.close(fig)
    if console is not None:
        t = Table(title=lines[0])
        for c in cols:
            t.add_column(c, justify="left" if c == "method" else "right")
        for r in rows:
            t.add_row(
                r["method"],
                f"{100 * r['acc_mean']:.2f} ± {100 * r['acc_std']:.2f} %",
                f"{100 * r['float_mean']:.2f} ± {100 * r['float_std']:.2f} %",
                f"{r['seconds']:.1f}",
                str(r["cycles"]),
                str(r["lut"]),
                str(r["n_thr"]),
            )
        console.print(t)
        console.print(f"wrote {out / 'compare.md'} and {out / 'compare.png'}")
