"""`make bench`'s golden-model table: hwgen's golden model against Brevitas' own forward pass
and qonnx's ONNX executor, on the same random-init bnn_pynq TFC-W1A1 and CNV-W1A1 and the same
inputs in one run, with one thread each and with all threads."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from hwgen.frontend import import_qonnx
from hwgen.passes import lower

#: (net, input shape, frames for golden and Brevitas, frames for qonnx's per-node executor)
NETS = [("TFC-W1A1", (1, 28, 28), 10_000, 20), ("CNV-W1A1", (3, 32, 32), 500, 2)]


def _best(fn, repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def golden_speed(models: dict[str, tuple[object, Path]], threads: int) -> list[dict]:
    """Frames/s of golden, Brevitas and qonnx on each net with `threads` threads."""
    import torch  # deferred: torch is heavy (bench only)
    from qonnx.core.modelwrapper import ModelWrapper  # deferred: qonnx is slow to import
    from qonnx.core.onnx_exec import execute_onnx

    torch.set_num_threads(threads)
    os.environ["HWGEN_GOLDEN_THREADS"] = str(threads)
    rows = []
    for net, shape, frames, q_frames in NETS:
        module, onnx_path = models[net]
        g = lower(import_qonnx(onnx_path))
        x = np.random.default_rng(0).random((frames,) + shape).astype(np.float32)
        with torch.no_grad():
            want = module(torch.from_numpy(x)).numpy()
            t_brevitas = _best(lambda: module(torch.from_numpy(x)))
        got = g.execute(g.check_input(x))
        t_golden = _best(lambda: g.execute(g.check_input(x)))
        wrapper = ModelWrapper(str(onnx_path))
        name = wrapper.graph.input[0].name
        t0 = time.perf_counter()
        for k in range(q_frames):
            execute_onnx(wrapper, {name: x[k : k + 1]})
        t_qonnx = (time.perf_counter() - t0) / q_frames
        rows.append(
            {
                "net": net,
                "threads": threads,
                "golden": frames / t_golden,
                "brevitas": frames / t_brevitas,
                "qonnx": 1 / t_qonnx,
                "labels_equal": bool(np.all(got.argmax(1) == want.argmax(1))),
            }
        )
    os.environ.pop("HWGEN_GOLDEN_THREADS", None)
    return rows


def golden_section(models: dict[str, tuple[object, Path]], console) -> str:
    """The table, printed and as Markdown."""
    rows = [r for t in (1, os.cpu_count() or 1) for r in golden_speed(models, t)]
    lines = [
        "",
        "### Golden model against Brevitas and qonnx (frames/s, same inputs, one run)",
        "",
        "| net | threads | golden | Brevitas forward | qonnx execute_onnx | golden / Brevitas | "
        "top-1 equal |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['net']} | {r['threads']} | {r['golden']:,.0f} | {r['brevitas']:,.0f} | "
        f"{r['qonnx']:,.1f} | {r['golden'] / r['brevitas']:.2f}x | {r['labels_equal']} |"
        for r in rows
    ]
    console.print("\n".join(lines))
    return "\n".join(lines) + "\n"
