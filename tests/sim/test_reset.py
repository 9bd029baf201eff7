"""Reset mid-frame: ap_rst_n asserted at random cycles while frames stream (mid-frame or not),
on the native testbench and on cocotb (Verilator and Icarus). After each reset the frames not
done are sent again, and the outputs must be every frame's, once, exact against golden: no
partial frame leaks out of the reset, no beat is lost in it. A top that ignores the reset
must fail the same check."""

from __future__ import annotations

import numpy as np
import pytest

from hwgen.execution import simulate_hw
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import random_inputs
from tests.conftest import ROOT
from tests.helpers import need_tool, random_cnn, random_mlp
from tests.sim.faults import faulty_sources

pytestmark = pytest.mark.rtlsim


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """An odd MLP (no size divides its folding) and a digits-shaped CNN (sliding windows with
    frame buffers, a max-pool): the state a reset must clear."""
    tmp = tmp_path_factory.mktemp("reset")
    mlp = random_mlp(tmp / "odd.onnx", [64, 37, 19, 10], seed=11)[1]
    cnn = random_cnn(tmp / "cnn.onnx", seed=2)[1]
    out = {}
    for name, path, pe, simd in (("mlp", mlp, 3, 5), ("cnn", cnn, 4, 8)):
        d = ROOT / "build" / "tests" / f"reset-{name}-{pe}x{simd}"
        out[name] = (compile_model(CompileOptions(path, d, pe, simd))[0], d)
    return out


def _reset_cycles(g, frames: int, count: int, seed: int) -> list[int]:
    """`count` distinct cycles spread over the run's first 80 % (so each lands while frames
    are in flight), drawn from a seeded generator."""
    from hwgen.passes.folding import folding_bound

    span = int(0.8 * frames * folding_bound(g))
    rng = np.random.default_rng(seed)
    return sorted(int(c) for c in rng.choice(np.arange(10, span), size=count, replace=False))


@pytest.mark.parametrize(
    "net,sim,testbench,frames,resets",
    [
        ("mlp", "verilator", "native", 60, 8),
        ("cnn", "verilator", "native", 30, 6),
        ("mlp", "verilator", "cocotb", 16, 3),
        ("mlp", "icarus", "cocotb", 12, 3),
    ],
)
def test_reset_mid_frame_then_exact(builds, net, sim, testbench, frames, resets):
    need_tool(sim)
    g, out = builds[net]
    x = random_inputs(g, frames, np.random.default_rng(7))
    want = g.execute(x, g.hw_nodes()).reshape(frames, -1)
    at = _reset_cycles(g, frames, resets, seed=resets)
    got, res = simulate_hw(
        g, out, x, sim, in_pause=0.2, out_pause=0.2, seed=4, testbench=testbench, reset_at=at
    )
    assert res.resets == resets, f"only {res.resets} of the {resets} resets at {at} happened"
    np.testing.assert_array_equal(got, want)


def test_a_top_that_ignores_the_reset_fails(builds, tmp_path):
    """The check can fail: with the mid-run reset kept from the core, the frames sent again
    meet a pipeline still holding the abandoned ones."""
    need_tool("verilator")
    g, out = builds["mlp"]
    x = random_inputs(g, 30, np.random.default_rng(7))
    want = g.execute(x, g.hw_nodes()).reshape(30, -1)
    sources = faulty_sources(g, out, "reset_ignored", 0, tmp_path)
    at = _reset_cycles(g, 30, 4, seed=1)
    try:
        got, _ = simulate_hw(g, out, x, sources=sources, reset_at=at)
    except Exception as e:  # a framing stop is a failure found too
        assert "framing" in str(e) or "watchdog" in str(e), e
        return
    assert not np.array_equal(got, want)
