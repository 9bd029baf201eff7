"""`hwgen hash`: DLBHC hash codes on digits, compiled to hardware: train a HashMLP per code
length, compile its code part, take the codes from the golden model (and, with --rtl, from
the simulated Verilog: they must be identical), and rank the training set for each test
image by Hamming distance; mAP and precision@k against a random-projection LSH baseline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from rich.table import Table

from hwgen.errors import HwgenError
from hwgen.execution import run_golden, run_rtl
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.train import retrieval as R
from hwgen.train.data import load_dataset
from hwgen.train.hashing import CodeNet, HashMLP, codes_from_torch, lsh_codes
from hwgen.train.trainer import export, train


def hash_codes(
    out: Path,
    bits_list=(16, 32, 48),
    epochs: int = 60,
    seed: int = 0,
    pe: int = 16,
    simd: int = 16,
    rtl: str | None = None,
    top_k: int = 100,
    console=None,
) -> list[dict]:
    """One row per code length: accuracy of the classifier head, mAP and precision@top_k of
    DLBHC codes from the hardware's golden model and of LSH, and the RTL check."""
    # deferred: torch is heavy (training only)
    import torch

    split = load_dataset("digits", flat=True)
    rows = []
    for bits in bits_list:
        torch.manual_seed(seed)
        net = HashMLP(split.x_train.shape[1], bits, split.num_classes)
        res = train(net, split, epochs=epochs, seed=seed, progress=False)
        folder = Path(out) / f"hash{bits}"
        onnx = export(CodeNet(net).eval(), split.x_train.shape[1:], folder / "code.onnx")
        g, _ = compile_model(CompileOptions(onnx, folder / "build", pe, simd))
        q = (run_golden(g, split.x_test) > 0).astype(np.uint8)
        db = (run_golden(g, split.x_train) > 0).astype(np.uint8)
        if not np.array_equal(q, codes_from_torch(net, split.x_test)):
            raise HwgenError(f"hash{bits}: the golden model's codes differ from PyTorch's")
        row = {"bits": bits, "classifier_acc": res.accuracy}
        if rtl:
            got, _ = run_rtl(g, folder / "build", split.x_test, sim=rtl)
            row["rtl_mismatches"] = int(np.sum(np.any((got > 0).astype(np.uint8) != q, axis=1)))
        order = R.rank(q, db)
        row["map"] = R.mean_average_precision(order, split.y_test, split.y_train)
        row["p_at_k"] = R.precision_at(order, split.y_test, split.y_train, top_k)
        ldb, lq = lsh_codes(split.x_train, split.x_test, bits, seed)
        lorder = R.rank(lq, ldb)
        row["lsh_map"] = R.mean_average_precision(lorder, split.y_test, split.y_train)
        row["lsh_p_at_k"] = R.precision_at(lorder, split.y_test, split.y_train, top_k)
        row["cycles"] = max(n.cycles for n in g.hw_nodes())
        rows.append(row)
    _write(rows, Path(out), top_k, console)
    return rows


def _write(rows: list[dict], out: Path, top_k: int, console) -> None:
    cols = (
        "bits",
        "classifier acc",
        "DLBHC mAP",
        f"DLBHC P@{top_k}",
        "LSH mAP",
        f"LSH P@{top_k}",
        "cycles/frame",
        "RTL code mismatches",
    )
    md = [
        "DLBHC codes (hardware golden model) vs random-projection LSH; digits test set as queries, "
        "training set as database.",
        "",
        "| " + " | ".join(cols) + " |",
        "|" + "---|" * len(cols),
    ]
    cells = []
    for r in rows:
        c = (
            str(r["bits"]),
            f"{100 * r['classifier_acc']:.2f} %",
            f"{r['map']:.3f}",
            f"{r['p_at_k']:.3f}",
            f"{r['lsh_map']:.3f}",
            f"{r['lsh_p_at_k']:.3f}",
            str(r["cycles"]),
            str(r.get("rtl_mismatches", "-")),
        )
        cells.append(c)
        md.append("| " + " | ".join(c) + " |")
    out.mkdir(parents=True, exist_ok=True)
    (out / "hash.md").write_text("\n".join(md) + "\n")
    if console is not None:
        t = Table(title=md[0])
        for col in cols:
            t.add_column(col, justify="right")
        for c in cells:
            t.add_row(*c)
        console.print(t)
