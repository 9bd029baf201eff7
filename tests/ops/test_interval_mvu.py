"""The MVU with interval thresholds (a decision switching K times, from a learned binarizer):
RTL and HLS C-simulation == golden, bipolar and integer inputs, under back-pressure."""

import numpy as np
import pytest

from hwgen.backends.hls import generate_hls
from hwgen.execution import simulate_csim
from hwgen.manifest import write_manifest
from hwgen.passes.folding import set_stream_widths
from hwgen.sim.verify import random_inputs, verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import interval_rows, single_mvu_graph, write_rtl

CACHE = ROOT / "build" / "tests" / "ops"
# (MW, MH, PE, SIMD, K, in bits): K thresholds per channel; 1 bit = bipolar
CASES = [
    (12, 6, 2, 3, 3, 1),
    (9, 5, 5, 9, 4, 1),
    (20, 7, 1, 4, 2, 1),
    (10, 4, 2, 5, 3, 8),
    (6, 3, 3, 2, 5, 4),
]


def _graph(case):
    mw, mh, pe, simd, k, bits = case
    rng = np.random.default_rng(mw * 17 + k)
    g = single_mvu_graph(rng, mw, mh, pe, simd, True)
    n = g.nodes[0]
    n.in_bits, n.in_signed = bits, bits > 1
    lo, hi = (0, mw) if bits == 1 else n.acc_range()
    n.thresholds = interval_rows(rng, mh, k, lo, hi)
    n.validate()
    return set_stream_widths(g), rng


def _id(c):
    return "mw{}_mh{}_pe{}_simd{}_k{}_b{}".format(*c)


@pytest.mark.rtlsim
@pytest.mark.parametrize(
    "sim,case",
    [("icarus", c) for c in CASES] + [("verilator", CASES[3])],
    ids=lambda v: v if isinstance(v, str) else _id(v),
)
def test_interval_mvu_rtl(sim, case):
    need_tool(sim)
    g, _ = _graph(case)
    out = write_rtl(g, CACHE / ("mvu-intervals-" + _id(case)))
    r = verify_rtl(g, out, frames=60, sim=sim, pause=0.3, seed=4)
    assert r.mismatches == 0
    r = verify_rtl(g, out, frames=10, sim=sim, seed=5)
    assert r.mismatches == 0 and r.cycles_per_frame == g.nodes[0].cycles


@pytest.mark.csim
@pytest.mark.parametrize("case", CASES[:2] + CASES[3:4], ids=_id)
def test_interval_mvu_csim(case):
    g, rng = _graph(case)
    out = ROOT / "build" / "tests" / "hls" / ("mvu-intervals-" + _id(case))
    (out / "hls").mkdir(parents=True, exist_ok=True)
    for name, text in generate_hls(g).items():
        (out / "hls" / name).write_text(text)
    write_manifest(out, g)  # as `hwgen compile` does: simulate_csim checks it
    x = random_inputs(g, 50, rng)
    got, _ = simulate_csim(g, out, x)
    np.testing.assert_array_equal(got, g.execute(x, g.hw_nodes()))


def test_golden_intervals_are_parity_of_reached():
    """The golden rule itself, against a direct reading: a row [a, b, c] is 1 on [a, b) and
    from c on; a repeated value cancels."""
    from hwgen.golden import threshold_bits

    t = np.array([[2, 4, 6], [0, 9, 9], [3, 3, 5]])
    acc = np.arange(0, 8)[:, None].repeat(3, axis=1)
    got = threshold_bits(acc, t).T.tolist()
    assert got[0] == [0, 0, 1, 1, 0, 0, 1, 1]
    assert got[1] == [1] * 8
    assert got[2] == [0, 0, 0, 0, 0, 1, 1, 1]
