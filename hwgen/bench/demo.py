"""`make demo`: train a W1A1 MLP on digits, compile it, simulate the Verilog, print a table."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from rich.table import Table

from hwgen.errors import HwgenError
from hwgen.execution import run_golden, simulate_hw
from hwgen.passes.folding import folding_bound
from hwgen.paths import hwgen_command
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, train

DEMO_PE, DEMO_SIMD = 16, 16


def demo(out: Path, sim: str = "verilator", console=None) -> dict:
    """Run the whole flow into `out`; returns the figures it printed."""
    # deferred: torch is heavy (training only)
    import torch

    con = console
    out.mkdir(parents=True, exist_ok=True)
    split = load_dataset("digits")
    torch.manual_seed(0)
    model = build_model("mlp", split.x_train.shape[1:], split.num_classes)
    # a bar on a terminal; a line per epoch in a log (`make demo > log`), never silence
    con.print("training a W1A1 MLP on scikit-learn's digits")
    tr = train(model, split, progress="bar" if con.is_terminal else "lines")
    con.print(f"trained: PyTorch test accuracy {tr.accuracy:.2%} in {tr.seconds:.1f} s")
    onnx_path = export(model, split.x_train.shape[1:], out / "mlp.onnx")

    with con.status("compiling"):
        g, log = compile_model(CompileOptions(onnx_path, out / "build", DEMO_PE, DEMO_SIMD))
    golden = run_golden(g, split.x_test)
    pre, hw, post = g.split()
    bits = g.execute(g.check_input(split.x_test), pre)
    hw_golden = g.execute(bits, hw)
    with con.status(f"simulating {len(bits)} frames on {sim} (first build takes a while)"):
        t0 = time.perf_counter()
        hw_rtl, res = simulate_hw(g, out / "build", bits, sim=sim)
        sim_s = time.perf_counter() - t0
    rtl = g.execute(hw_rtl, post)
    if hw_rtl.shape != hw_golden.shape:
        raise HwgenError("RTL output shape differs from the golden model's")

    y = split.y_test
    figures = {
        "pytorch_acc": float((tr.test_outputs.argmax(1) == y).mean()),
        "golden_acc": float((golden.argmax(1) == y).mean()),
        "rtl_acc": float((rtl.argmax(1) == y).mean()),
        "golden_vs_pytorch_maxdiff": float(np.abs(golden - tr.test_outputs).max()),
        "bit_mismatches": int(np.sum(hw_rtl != hw_golden)),
        "frames": len(bits),
        "cycles_per_frame": res.steady_cycles_per_frame(),
        "bound": folding_bound(g),
        "sim_seconds": sim_s,
    }
    t = Table(
        title=f"hwgen demo: W1A1 MLP on digits ({len(y)} test images), "
        f"PE={DEMO_PE} SIMD={DEMO_SIMD}, {sim}"
    )
    t.add_column("figure")
    t.add_column("value", justify="right")
    t.add_row("accuracy, PyTorch (Brevitas)", f"{figures['pytorch_acc']:.2%}")
    t.add_row("accuracy, golden model", f"{figures['golden_acc']:.2%}")
    t.add_row("accuracy, RTL simulation", f"{figures['rtl_acc']:.2%}")
    t.add_row("max |golden - PyTorch| output", f"{figures['golden_vs_pytorch_maxdiff']:.2e}")
    t.add_row(
        "bit mismatches RTL vs golden", f"{figures['bit_mismatches']} in {hw_rtl.size} outputs"
    )
    t.add_row("cycles/frame (steady state)", f"{figures['cycles_per_frame']:.1f}")
    t.add_row("folding bound (slowest layer)", f"{figures['bound']}")
    t.add_row(
        "simulation wall time",
        f"{sim_s:.1f} s" + (f" (build {res.build_seconds:.1f} s)" if res.build_seconds else ""),
    )
    con.print(t)
    con.print(
        f"build folder: {out / 'build'}; try `{hwgen_command()} sim {out / 'build'} "
        "--backpressure 0.3`"
    )
    if figures["bit_mismatches"]:
        raise HwgenError(
            f"RTL differs from the golden model in {figures['bit_mismatches']} outputs"
        )
    return figures
