"""Hand-written stream blocks alone: the AXI-Stream FIFO and label select."""

import numpy as np
import pytest

from hwgen import SHARE as REPO
from hwgen.ir.dtypes import unsigned_bits_for
from hwgen.ops import LabelSelect
from hwgen.sim.runner import simulate
from hwgen.sim.stream import pack_frames
from tests.conftest import ROOT
from tests.helpers import need_tool

pytestmark = pytest.mark.rtlsim
PORTS = {"clock": "clk", "reset": "rst_n", "in_prefix": "s", "out_prefix": "m"}


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("depth", [2, 5])
def test_axis_fifo_order_under_backpressure(sim, depth):
    need_tool(sim)
    rng = np.random.default_rng(depth)
    beats = [int(v) for v in rng.integers(0, 256, 300)]
    res = simulate(
        sim,
        "hwgen_axis_fifo",
        [str(REPO / "rtl/hwgen_axis_fifo.v")],
        ROOT / "build" / "tests" / "fifo",
        [[b] for b in beats],
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.5,
        seed=depth,
        ports=PORTS,
        parameters={"DATA_W": 8, "DEPTH": depth},
    )
    assert [f[0] for f in res.frames] == beats  # every beat once, in order (no TLAST: 1 beat/frame)
    full = simulate(
        sim,
        "hwgen_axis_fifo",
        [str(REPO / "rtl/hwgen_axis_fifo.v")],
        ROOT / "build" / "tests" / "fifo",
        [[b] for b in beats[:50]],
        max_cycles=2_000,
        ports=PORTS,
        parameters={"DATA_W": 8, "DEPTH": depth},
    )
    assert full.steady_cycles_per_frame() == 1.0  # one beat per cycle when nothing stalls


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("num,pe,bits", [(10, 1, 6), (10, 3, 9), (7, 7, 4), (16, 4, 5)])
def test_label_select_first_maximum(sim, num, pe, bits):
    need_tool(sim)
    rng = np.random.default_rng(num * pe)
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    scores = rng.integers(lo, hi + 1, (120, num))
    scores[:40] = rng.integers(-1, 2, (40, num))  # many ties: the first maximum must win
    scores[40:45] = hi
    scores[45:50] = lo
    op = LabelSelect(name="ls", num_labels=num, in_bits=bits, pe=pe)
    lanes = np.zeros((len(scores), op.in_beats * pe), dtype=np.int64)
    lanes[:, :num] = scores & ((1 << bits) - 1)  # two's complement lanes
    lane_bits = (
        ((lanes[:, :, None] >> np.arange(bits)) & 1).reshape(len(scores), -1).astype(np.uint8)
    )
    frames = pack_frames(lane_bits, pe * bits)
    res = simulate(
        sim,
        "hwgen_label_select",
        [str(REPO / "rtl/hwgen_label_select.v")],
        ROOT / "build" / "tests" / "label_select",
        frames,
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=pe,
        ports=PORTS,
        parameters={"NUM": num, "PE": pe, "IN_W": bits, "OUT_W": op.out_bits},
    )
    got = np.array([f[0] for f in res.frames])
    np.testing.assert_array_equal(got, op.golden(scores)[:, 0])
    assert op.out_bits == unsigned_bits_for(num - 1)


def _chunks(value: int, width: int, narrow: int) -> list[int]:
    """A wide beat as narrow beats, lowest first (the converter's layout)."""
    n = -(-width // narrow)
    return [(value >> (k * narrow)) & ((1 << narrow) - 1) for k in range(n)]


# Icarus for every shape (cheap builds), Verilator for one (the shells' output side)
@pytest.mark.parametrize(
    "sim,in_w,out_w",
    [
        ("icarus", 8, 20),
        ("icarus", 20, 8),
        ("icarus", 8, 8),
        ("icarus", 3, 8),
        ("icarus", 64, 8),
        ("icarus", 8, 64),
        ("verilator", 20, 8),
    ],
)
def test_width_convert_with_tlast_under_backpressure(sim, in_w, out_w):
    """Wide beats split into / gathered from narrow beats, TLAST kept on frame ends."""
    need_tool(sim)
    rng = np.random.default_rng(in_w * 100 + out_w)
    wide, narrow = max(in_w, out_w), min(in_w, out_w)
    frames_wide = [
        [int(v) for v in rng.integers(0, 1 << min(wide, 62), int(rng.integers(1, 5)))]
        for _ in range(40)
    ]
    frames_narrow = [[c for v in f for c in _chunks(v, wide, narrow)] for f in frames_wide]
    up = in_w < out_w
    src, want = (frames_narrow, frames_wide) if up else (frames_wide, frames_narrow)
    res = simulate(
        sim,
        "hwgen_width_convert",
        [str(REPO / "rtl/hwgen_width_convert.v")],
        ROOT / "build" / "tests" / "width_convert",
        src,
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.4,
        seed=in_w,
        ports=PORTS,
        parameters={"IN_W": in_w, "OUT_W": out_w},
    )
    assert res.frames == want  # the sink splits frames at TLAST: framing checked too
    full = simulate(
        sim,
        "hwgen_width_convert",
        [str(REPO / "rtl/hwgen_width_convert.v")],
        ROOT / "build" / "tests" / "width_convert",
        src[:10],
        max_cycles=5_000,
        ports=PORTS,
        parameters={"IN_W": in_w, "OUT_W": out_w},
    )
    narrow_beats = sum(len(f) for f in frames_narrow[:10])
    assert full.done_cycles[-1] <= narrow_beats + 4  # one narrow beat per cycle
