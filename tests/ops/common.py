"""Helpers for testing one op alone through the generated top."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwgen.backends.rtl import generate_rtl
from hwgen.ir import Graph
from hwgen.ops import XnorMVU
from hwgen.passes.folding import set_stream_widths


def single_mvu_graph(
    rng,
    mw,
    mh,
    pe,
    simd,
    thresholds: bool,
    fifo_depth: int = 2,
    stages: tuple = (),
    pc_groups: int = 1,
    rom_bank_depth: int = 0,
) -> Graph:
    """A graph holding one random XnorMVU (thresholds drawn over the whole legal range), with
    the pipeline `stages` added (ops.mvu.PIPE_STAGES' names; rom_bank with `rom_bank_depth`
    words a bank)."""
    w = rng.integers(0, 2, (mh, mw), dtype=np.uint8)
    t = rng.integers(0, mw + 2, mh) if thresholds else None
    n = XnorMVU(
        name="mvu",
        weights=w,
        thresholds=t,
        pe=pe,
        simd=simd,
        fifo_depth=fifo_depth,
        stages=list(stages),
        pc_groups=pc_groups,
        rom_bank_depth=rom_bank_depth,
        # the skid entry and the handover stand before a write buffer in registers (a
        # memory's ready is a flag already: there the stages change nothing)
        input_style="registers" if {"skid", "handover"} & set(stages) else "auto",
    )
    return set_stream_widths(Graph("mvu_alone", [1, mw], [1, mh], [n]))


def interval_rows(rng, mh: int, k: int, lo: int, hi: int) -> np.ndarray:
    """Random interval thresholds (MH, K), rows sorted in [lo, hi + 1]; row 0 starts at the
    bottom (always reached), row 1 is all padding (never), row 2 repeats a value (cancels)."""
    t = np.sort(rng.integers(lo, hi + 2, (mh, k)), axis=1)
    t[0, 0] = lo
    if mh > 1:
        t[1] = hi + 1
    if mh > 2 and k > 1:
        t[2, 1] = t[2, 0]
    return t


def write_rtl(g: Graph, out: Path) -> Path:
    """Generate the top and ROM images for `g` into out/rtl (what `hwgen compile` does)."""
    rtl = (out / "rtl").resolve()
    rtl.mkdir(parents=True, exist_ok=True)
    for name, text in generate_rtl(g).items():
        (rtl / name).write_text(text)
    from hwgen.manifest import write_manifest

    write_manifest(out, g)
    return out
