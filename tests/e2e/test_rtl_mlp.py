"""Verification ladder, rung 2 for whole nets: RTL simulation equals the golden model.

Each net runs >= 200 frames with random back-pressure on input and output, on Verilator and
Icarus, at several foldings (PE = SIMD = 1, non-dividing sizes, full unfolding), and the
steady-state rate without back-pressure is asserted against the folding bound (cycle counts
from simulation are exact)."""

from pathlib import Path

import numpy as np
import pytest

from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool, random_mlp

pytestmark = pytest.mark.rtlsim
BIG = 10_000  # clipped to each layer's size: full unfolding


@pytest.fixture(scope="module")
def odd_mlp(tmp_path_factory):
    """64 -> 37 -> 19 -> 10: no size divides by the usual foldings."""
    return random_mlp(tmp_path_factory.mktemp("odd") / "odd.onnx", [64, 37, 19, 10], seed=7)[1]


def _build(onnx_path: Path, tag: str, pe, simd, fold=None):
    out = ROOT / "build" / "tests" / tag
    g, _ = compile_model(CompileOptions(onnx_path, out, pe, simd, fold))
    return g, out


def _check(g, out, sim, frames, seed):
    r = verify_rtl(g, out, frames=frames, sim=sim, pause=0.3, seed=seed)
    assert r.frames == frames and r.mismatches == 0, f"{r.mismatches} of {frames} frames differ"
    r = verify_rtl(g, out, frames=24, sim=sim, pause=0.0, seed=seed + 100)
    assert r.mismatches == 0
    assert r.cycles_per_frame <= 1.02 * r.bound, (
        f"{r.cycles_per_frame} cycles/frame > 1.02 x {r.bound}"
    )
    return r


ODD_FOLDINGS = [
    ("1x1", 1, 1, None),
    ("3x5", 3, 5, None),
    ("full", BIG, BIG, None),
    (
        "mixed",
        None,
        None,
        {
            "Gemm_0": {"pe": 37, "simd": 64},
            "Gemm_1": {"pe": 2, "simd": 7},
            "Gemm_2": {"pe": 4, "simd": 19},
        },
    ),
]


# every odd folding on Verilator (the native testbench); on Icarus (cocotb, slower on big
# tops) one in the default suite
@pytest.mark.parametrize(
    "tag,pe,simd,fold,sim",
    [
        pytest.param(
            *f,
            sim,
            id=f"{f[0]}-{sim}",
            marks=(pytest.mark.slow,) if sim == "icarus" and f[0] != "3x5" else (),
        )
        for f in ODD_FOLDINGS
        for sim in ("verilator", "icarus")
    ],
)
def test_odd_mlp_rtl_equals_golden(odd_mlp, sim, tag, pe, simd, fold):
    need_tool(sim)
    g, out = _build(odd_mlp, f"odd-{tag}", pe, simd, fold)
    _check(g, out, sim, frames=200, seed=3)


# (sim, tag, pe, simd, frames with back-pressure, marks). PE = SIMD = 1 makes the digits MLP
# 32,768 cycles a frame: 200 such frames take seconds on the native testbench (Verilator),
# about a minute on Icarus (`make slow`).
DIGITS_CASES = [
    ("verilator", "1x1", 1, 1, 200, ()),
    ("verilator", "5x6", 5, 6, 200, ()),
    # fully parallel (384 popcount trees): a Verilator model of ~40 MB of C++, minutes to build
    ("verilator", "full", BIG, BIG, 200, (pytest.mark.slow,)),
    ("icarus", "16x16", 16, 16, 16, ()),
    ("icarus", "16x16", 16, 16, 200, (pytest.mark.slow,)),
    ("icarus", "7x9", 7, 9, 20, ()),
    ("icarus", "full", BIG, BIG, 200, (pytest.mark.slow,)),
    ("icarus", "1x1", 1, 1, 20, (pytest.mark.slow,)),  # Icarus: ~10 k cycles/s on this top
]


@pytest.mark.parametrize(
    "sim,tag,pe,simd,frames",
    [pytest.param(*c[:5], marks=c[5], id=f"{c[0]}-{c[1]}-{c[4]}") for c in DIGITS_CASES],
)
def test_digits_mlp_rtl_equals_golden(digits_mlp, sim, tag, pe, simd, frames):
    need_tool(sim)
    _model, path, split, _res = digits_mlp
    g, out = _build(path, f"digits-{tag}", pe, simd)
    pre, _hw, _post = g.split()
    bits = g.execute(g.check_input(split.x_test[:frames]), pre)
    r = verify_rtl(g, out, sim=sim, pause=0.3, seed=5, bits=bits)
    assert r.frames == frames and r.mismatches == 0
    r = verify_rtl(g, out, frames=6, sim=sim, seed=9)
    assert r.mismatches == 0 and r.cycles_per_frame <= 1.02 * r.bound


def test_digits_mlp_rtl_accuracy_whole_test_split(digits_mlp):
    """Acceptance 4: the RTL gives the same accuracy (>= 90%) as the golden model."""
    need_tool("verilator")
    from hwgen.execution import run_golden, run_rtl

    _model, path, split, _res = digits_mlp
    g, out = _build(path, "digits-16x16", 16, 16)
    gold = run_golden(g, split.x_test)
    rtl, res = run_rtl(g, out, split.x_test, sim="verilator", in_pause=0.2, out_pause=0.2)
    np.testing.assert_array_equal(rtl, gold)
    acc = float((rtl.argmax(1) == split.y_test).mean())
    assert acc >= 0.90
