"""Convolution blocks alone: sliding window, window OR (max-pool), integer-input MVU.

Each against its golden op, on Icarus (many shapes) and Verilator (a few), with random
back-pressure, and its steady rate against its cycle bound."""

from pathlib import Path

import numpy as np
import pytest

from hwgen import SHARE as REPO
from hwgen.backends.rtl.codegen import SWG_RTL
from hwgen.errors import HwgenError
from hwgen.ops import SlidingWindow, WindowMax
from hwgen.sim.runner import simulate
from hwgen.sim.stream import element_bits, pack_frames, unpack_frames
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import single_mvu_graph, write_rtl

pytestmark = pytest.mark.rtlsim
PORTS = {"clock": "clk", "reset": "rst_n", "in_prefix": "s", "out_prefix": "m"}
CACHE = ROOT / "build" / "tests" / "conv_blocks"

# (H, W, C, K, stride, element bits, input beat width[, pads top, left, bottom, right]):
# non-square images, sizes the stride does not divide, pixels split over several beats (with
# pad lanes), multi-bit elements, zero padding of every side alone and together (up to K-1),
# a stride that leaves rows unread, a kernel as large as the image
SWG_CASES = [
    (5, 5, 3, 3, 1, 1, 3),
    (7, 6, 4, 3, 2, 1, 4),
    (6, 6, 5, 2, 2, 1, 2),
    (8, 8, 1, 3, 1, 8, 8),
    (4, 9, 2, 4, 1, 3, 6),
    (5, 7, 6, 1, 1, 1, 4),
    (6, 6, 3, 6, 1, 2, 6),
    (9, 5, 4, 2, 3, 1, 3),
    (5, 5, 3, 3, 1, 1, 3, (1, 1, 1, 1)),
    (7, 6, 4, 3, 2, 1, 4, (2, 0, 1, 2)),
    (6, 6, 2, 2, 2, 1, 2, (1, 1, 1, 1)),
    (8, 8, 1, 3, 1, 8, 8, (0, 2, 2, 0)),
    (4, 9, 2, 4, 1, 3, 6, (3, 1, 0, 3)),
    (3, 3, 2, 3, 1, 1, 2, (2, 2, 2, 2)),
    (9, 5, 4, 2, 3, 1, 3, (1, 0, 0, 1)),
]


def _case_id(c) -> str:
    pads = "p{}{}{}{}".format(*c[7]) if len(c) > 7 else ""
    return "h{}w{}c{}k{}s{}e{}iw{}".format(*c[:7]) + pads


def _swg_run(sim, case, images=6, pause=0.3, seed=0, stages=(), sources=None):
    h, w, c, k, s, eb, in_w = case[:7]
    pads = list(case[7]) if len(case) > 7 else [0, 0, 0, 0]
    op = SlidingWindow(
        name="swg",
        h=h,
        w=w,
        c=c,
        k=k,
        stride=s,
        elem_bits=eb,
        in_width=in_w,
        pads=pads,
        stages=list(stages),
    )
    op.validate()
    rng = np.random.default_rng(seed + h * 7 + w)
    lo, hi = (0, 1) if eb == 1 else (-(1 << (eb - 1)), (1 << (eb - 1)) - 1)
    x = rng.integers(lo, hi + 1, (images, h, w, c))
    # each pixel as in_beats beats; the pad lanes of the last beat get random garbage
    pix_bits = element_bits(x.reshape(images * h * w, c), eb)
    pad = op.in_beats * in_w - op.pixel_bits
    pix_bits = np.concatenate(
        [pix_bits, rng.integers(0, 2, (len(pix_bits), pad), dtype=np.uint8)], axis=1
    )
    beats = pack_frames(pix_bits.reshape(images, -1), in_w)
    res = simulate(
        sim,
        "hwgen_swg",
        sources or [str(REPO / f) for f in SWG_RTL],
        CACHE,
        beats,
        max_cycles=images * op.cycles * 6 + 500,
        in_pause=pause,
        out_pause=pause,
        seed=seed,
        ports=PORTS,
        parameters={
            "IMG_H": h,
            "IMG_W": w,
            "PIXEL_W": op.pixel_bits,
            "IN_W": in_w,
            "K": k,
            "S": s,
            "PAD_T": pads[0],
            "PAD_L": pads[1],
            "PAD_B": pads[2],
            "PAD_R": pads[3],
            **dict(op.stage_params()),
        },
        out_frames=images * op.oh * op.ow * k * k,
    )
    got = unpack_frames(
        [[b for f in res.frames for b in f]], 1, op.pixel_bits, len(res.frames), signed=False
    )
    got_pix = (got[0][:, None] >> np.arange(op.pixel_bits)) & 1
    want_pix = element_bits(op.golden(x).reshape(-1, c), eb)
    return op, res, got_pix, want_pix


@pytest.mark.parametrize("stages", [(), ("flow",)], ids=["direct", "flow"])
@pytest.mark.parametrize("case", SWG_CASES, ids=_case_id)
def test_sliding_window_icarus(case, stages):
    need_tool("icarus")
    op, res, got, want = _swg_run("icarus", case, stages=stages)
    np.testing.assert_array_equal(got, want)
    op, res, got, want = _swg_run("icarus", case, images=5, pause=0.0, stages=stages)
    np.testing.assert_array_equal(got, want)
    per_image = op.oh * op.ow * op.k * op.k  # output beats (one "frame" each, no TLAST)
    c = res.done_cycles
    steady = (c[-1] - c[per_image - 1]) / 4
    # the flow stage's writer sees the reader's frame end two cycles late (its room is a
    # register of a registered limit): up to two cycles a frame where the reader then waits
    slack = 2 if stages else 0
    assert op.cycles <= steady <= 1.02 * op.cycles + slack, (steady, op.cycles)


def test_the_rings_check_stops_a_writer_that_overwrites_the_pixel_being_read(tmp_path):
    """The ring has no collision logic (rtl/hwgen_swg_ring.v): the reader never reads the slot
    written in the same cycle, which every simulation checks. A flow window whose writer may
    run two pixels too far (its limit L + D + 1, not L + D - 1) stops at that check."""
    need_tool("icarus")
    src = (REPO / "rtl/hwgen_swg.v").read_text()
    bad = src.replace("lim1 <= lowest + (D_N - 1'b1);", "lim1 <= lowest + D_N + 1'b1;")
    assert bad != src
    (tmp_path / "hwgen_swg.v").write_text(bad)
    sources = [str(tmp_path / "hwgen_swg.v")] + [str(REPO / f) for f in SWG_RTL[1:]]
    with pytest.raises(HwgenError) as err:
        _swg_run("icarus", SWG_CASES[3], stages=("flow",), sources=sources)
    log = Path(str(err.value).split("(log: ")[1].split(")")[0]).read_text()
    assert "read in the cycle it is written" in log


@pytest.mark.parametrize(
    "case", [SWG_CASES[1], SWG_CASES[3], SWG_CASES[9]], ids=["stride2", "8bit", "padded"]
)
def test_sliding_window_verilator(case):
    need_tool("verilator")
    op, res, got, want = _swg_run("verilator", case)
    np.testing.assert_array_equal(got, want)
    op, res, got, want = _swg_run("verilator", case, stages=("flow",))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
@pytest.mark.parametrize("c,k", [(8, 2), (5, 3), (1, 1)])
def test_window_max(sim, c, k):
    need_tool(sim)
    rng = np.random.default_rng(c * k)
    windows = rng.random((150, k * k, c)) < 0.2  # sparse ones: the OR is not always 1
    op = WindowMax(name="or", c=c, k=k, pixels=1, in_width=c)
    beats = pack_frames(windows.reshape(150, -1).astype(np.uint8), c)  # a window's k*k beats
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
        parameters={"C": c, "KK": k * k},
    )
    got = unpack_frames([[f[0] for f in res.frames]], 1, c, len(res.frames), signed=False)[0]
    got_bits = (got[:, None] >> np.arange(c)) & 1
    want = op.golden(windows.reshape(150, 1, 1, k * k * c).astype(np.uint8)).reshape(150, c)
    np.testing.assert_array_equal(got_bits, want)


# (MW, MH, PE, SIMD, in bits, signed, thresholds): the first layer of pixels
INT_CASES = [
    (27, 16, 4, 3, 8, True, True),
    (9, 5, 2, 4, 8, True, False),
    (20, 7, 7, 20, 4, False, True),
    (12, 3, 1, 1, 2, True, True),
    (33, 10, 3, 5, 3, False, False),
]


# Verilator builds cost ~8 s each: two shapes there, all of them on Icarus
@pytest.mark.parametrize(
    "sim,case",
    [("icarus", c) for c in INT_CASES] + [("verilator", c) for c in INT_CASES[:2]],
    ids=lambda v: (
        v
        if isinstance(v, str)
        else "mw{}_mh{}_pe{}_simd{}_b{}{}_{}".format(
            v[0], v[1], v[2], v[3], v[4], "s" if v[5] else "u", "thr" if v[6] else "acc"
        )
    ),
)
def test_integer_input_mvu(sim, case):
    need_tool(sim)
    mw, mh, pe, simd, bits, signed, thr = case
    rng = np.random.default_rng(mw + mh)
    g = single_mvu_graph(rng, mw, mh, pe, simd, thr)
    n = g.nodes[0]
    n.in_bits, n.in_signed = bits, signed
    if thr:
        lo, hi = n.acc_range()
        n.thresholds = rng.integers(lo // 4, hi // 4 + 1, mh)
        n.thresholds[:2] = [lo, hi + 1]  # always and never
    from hwgen.passes.folding import set_stream_widths

    g = set_stream_widths(g)
    out = write_rtl(g, CACHE / "mvu-int-{}-{}-{}-{}-{}-{}-{}".format(*case))
    r = verify_rtl(g, out, frames=80, sim=sim, pause=0.3, seed=2)
    assert r.mismatches == 0
    r = verify_rtl(g, out, frames=10, sim=sim, seed=3)
    assert r.mismatches == 0 and r.cycles_per_frame == n.cycles
