"""Multi-bit blocks alone: the MVU with k-bit inputs and 2- to 3-bit weights (sum of products,
rtl/hwgen_lane_dot.v), with no thresholds, one threshold or level thresholds (signed and
unsigned k-bit outputs), and the max-pool of k-bit integers (rtl/hwgen_window_max.v).

Each against its golden op, under random back-pressure, on Icarus (every case) and Verilator
(a few), and at its folding bound with none."""

import numpy as np
import pytest

from hwgen import SHARE as REPO
from hwgen.ir import Graph
from hwgen.ir.dtypes import Int
from hwgen.ops import WindowMax, XnorMVU
from hwgen.passes.folding import set_stream_widths
from hwgen.sim.runner import simulate
from hwgen.sim.stream import element_bits, pack_frames, unpack_frames
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import write_rtl

pytestmark = pytest.mark.rtlsim
PORTS = {"clock": "clk", "reset": "rst_n", "in_prefix": "s", "out_prefix": "m"}
CACHE = ROOT / "build" / "tests" / "multibit_blocks"

# (MW, MH, PE, SIMD, in bits, in signed, weight bits, weight range, output): output "acc" (the
# sum), "thr" (one threshold), or "lv<bits><s|u>" (levels of a k-bit quantizer); weight range
# "narrow" ({-1, 0, 1}), "full" (every value of the width)
CASES = [
    (16, 8, 2, 4, 2, True, 2, "narrow", "lv2s"),
    (27, 9, 3, 5, 8, True, 2, "narrow", "lv2s"),
    (20, 7, 7, 20, 2, True, 2, "full", "acc"),
    (9, 5, 1, 1, 2, False, 2, "full", "lv2u"),
    (33, 10, 5, 3, 1, False, 2, "narrow", "thr"),
    (12, 6, 2, 6, 3, True, 3, "full", "lv3s"),
    (64, 16, 4, 16, 2, True, 2, "narrow", "thr"),
    (10, 4, 4, 10, 4, False, 2, "full", "lv4u"),
    (7, 3, 3, 2, 1, False, 3, "full", "acc"),
]


def _case_id(c) -> str:
    return "mw{}_mh{}_pe{}_simd{}_a{}{}_w{}{}_{}".format(
        c[0], c[1], c[2], c[3], c[4], "s" if c[5] else "u", c[6], c[7][0], c[8]
    )


def multibit_mvu_graph(case, seed: int = 0) -> Graph:
    """One random MVU of the case: weights over their range, thresholds over the reachable
    accumulator (always and never included), levels sorted per channel."""
    mw, mh, pe, simd, bits, signed, wbits, wrange, out = case
    rng = np.random.default_rng(seed + mw * 31 + mh)
    lo_w = -(1 << (wbits - 1)) + (1 if wrange == "narrow" else 0)
    w = rng.integers(lo_w, (1 << (wbits - 1)), (mh, mw)).astype(np.int8)
    n = XnorMVU(
        name="mvu", weights=w, weight_bits=wbits, in_bits=bits, in_signed=signed, pe=pe, simd=simd
    )
    lo, hi = n.acc_range()
    if out == "thr":
        n.thresholds = rng.integers(lo // 3, hi // 3 + 1, mh)
        n.thresholds[:2] = [lo, hi + 1]
    elif out.startswith("lv"):
        ob, osigned = int(out[2]), out[3] == "s"
        q = Int(ob, osigned)
        k = q.max - q.min
        n.thresholds = np.sort(rng.integers(lo // 3, hi // 3 + 2, (mh, k)), axis=1)
        n.thresholds[0] = lo  # always the top level
        n.out_bits, n.out_signed, n.out_offset = ob, osigned, q.min
    n.validate()
    return set_stream_widths(Graph("mvu_multibit", [1, mw], [1, mh], [n]))


@pytest.mark.parametrize(
    "sim,case",
    [("icarus", c) for c in CASES] + [("verilator", c) for c in CASES[:3]],
    ids=lambda v: v if isinstance(v, str) else _case_id(v),
)
def test_multibit_mvu(sim, case):
    need_tool(sim)
    g = multibit_mvu_graph(case)
    n = g.nodes[0]
    out = write_rtl(g, CACHE / f"mvu-{_case_id(case)}")
    r = verify_rtl(g, out, frames=80, sim=sim, pause=0.3, seed=2)
    assert r.mismatches == 0
    r = verify_rtl(g, out, frames=10, sim=sim, seed=3)
    assert r.mismatches == 0 and r.cycles_per_frame == n.cycles


def test_multibit_mvu_golden_is_the_sum_of_products():
    """The golden op against a plain integer matmul, so the RTL checks above cannot agree
    with a wrong golden model."""
    g = multibit_mvu_graph(CASES[2])
    n = g.nodes[0]
    rng = np.random.default_rng(5)
    x = rng.integers(-2, 2, (40, n.mw))
    np.testing.assert_array_equal(n.golden(x), x @ n.weights.astype(np.int64).T)
    words = n.weight_words()  # lane 0 of word 0 is w[0][0], two's complement in WB bits
    assert words[0] & ((1 << n.weight_bits) - 1) == int(n.weights[0, 0]) & (
        (1 << n.weight_bits) - 1
    )


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize(
    "c,k,bits,signed", [(8, 2, 2, True), (5, 3, 3, False), (3, 2, 4, True), (1, 1, 2, False)]
)
def test_window_max_of_integers(sim, c, k, bits, signed):
    need_tool(sim)
    rng = np.random.default_rng(c * k + bits)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    windows = rng.integers(lo, hi + 1, (150, k * k, c))
    windows[:10] = lo  # all least: the max is the least value
    op = WindowMax(name="max", c=c, k=k, pixels=1, in_width=c * bits, elem_bits=bits, signed=signed)
    op.validate()
    beats = pack_frames(element_bits(windows.reshape(150, -1), bits), c * bits)
    res = simulate(
        sim,
        "hwgen_window_max",
        [str(REPO / "rtl/hwgen_window_max.v")],
        CACHE,
        beats,
        max_cycles=10_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=k,
        ports=PORTS,
        parameters={"C": c, "KK": k * k, "ELEM_W": bits, "SIGNED": int(signed)},
    )
    got = unpack_frames([[f[0] for f in res.frames]], c, bits, len(res.frames) * c, signed=signed)[
        0
    ]
    want = op.golden(windows.reshape(150, 1, 1, k * k * c)).reshape(150, c)
    np.testing.assert_array_equal(got.reshape(150, c), want)
    if k > 1:  # the max is not always the first pixel
        assert np.any(want != windows.reshape(150, k * k, c)[:, 0])
