"""Bi-Real shortcut ops alone: level-output MVU -> residual blocks -> integer sign -> MVU, random
weights and thresholds, RTL == golden under back-pressure for several foldings (PE dividing MW
or not), exact cycles, lint-clean; the golden rules themselves on a hand case."""

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops import IntSign, ResidualBlock, XnorMVU
from hwgen.passes.folding import apply_folding
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import write_rtl

CACHE = ROOT / "build" / "tests" / "ops"


def _levels(rng, mh, mw, k):
    return np.sort(rng.integers(0, mw + 2, (mh, k)), axis=1)


def residual_graph(
    seed: int, width: int, blocks: int, pe: int, simd: int, classes: int = 5
) -> Graph:
    """A random Bi-Real chain: 3-bit levels (narrow: 6 thresholds, offset -3) throughout."""
    rng = np.random.default_rng(seed)
    mw_in = width + 3
    nodes = [
        XnorMVU(
            name="stem",
            weights=rng.integers(0, 2, (width, mw_in), dtype=np.uint8),
            thresholds=_levels(rng, width, mw_in, 6),
            out_bits=3,
            out_offset=-3,
        )
    ]
    h_range = [-3, 3]
    for b in range(blocks):
        blk = ResidualBlock(
            name=f"block{b}",
            weights=rng.integers(0, 2, (width, width), dtype=np.uint8),
            thresholds=_levels(rng, width, width, 6),
            out_bits=3,
            out_offset=-3,
            h_bits=3 + b,
            h_range=list(h_range),
        )
        nodes.append(blk)
        h_range = list(blk.out_range)
    nodes += [
        IntSign(name="sign", elems=width),
        XnorMVU(name="head", weights=rng.integers(0, 2, (classes, width), dtype=np.uint8)),
    ]
    g = Graph("residual_alone", [1, mw_in], [1, classes], nodes)
    return apply_folding(g, pe, simd)


def test_golden_rules_by_hand():
    """h_out = h_in + offset + thresholds reached by popcount(XNOR(h_in >= 0, w)), per channel."""
    w = np.array([[1, 1], [0, 0]], dtype=np.uint8)
    blk = ResidualBlock(
        name="b",
        weights=w,
        thresholds=np.array([[1, 2], [1, 2]]),
        out_bits=3,
        out_offset=-1,
        h_bits=4,
        h_range=[-5, 5],
    )
    blk.validate()
    # bits [1, 1]: row 0 matches 2 (q = +1), row 1 matches 0 (q = -1)
    assert blk.golden(np.array([[3, 2]])).tolist() == [[4, 1]]
    # bits [0, 0]: row 0 matches 0 (q = -1), row 1 matches 2 (q = +1)
    assert blk.golden(np.array([[-1, -4]])).tolist() == [[-2, -3]]
    # bits [1, 0]: one match each (q = 0): the shortcut alone
    assert blk.golden(np.array([[0, -5]])).tolist() == [[0, -5]]
    assert blk.out_range == (-6, 6)
    assert IntSign(name="s", elems=3, bits=4, in_width=12).golden(
        np.array([[0, -1, 7]])
    ).tolist() == [[1, 0, 1]]


def test_validation_names_the_block():
    w = np.ones((3, 4), dtype=np.uint8)
    with pytest.raises(HwgenError, match="'b'.*square"):
        ResidualBlock(
            name="b", weights=w, thresholds=np.zeros((3, 2), np.int64), out_bits=3, out_offset=-1
        ).validate()


# (width, blocks, PE, SIMD): PE dividing the width or not, SIMD 1 to all
CASES = [(12, 2, 4, 6), (10, 1, 3, 4), (8, 3, 8, 8), (9, 2, 2, 1)]


@pytest.mark.rtlsim
@pytest.mark.parametrize(
    "sim,case",
    [("icarus", c) for c in CASES] + [("verilator", CASES[0])],
    ids=lambda v: v if isinstance(v, str) else "w{}_b{}_pe{}_simd{}".format(*v),
)
def test_residual_chain_rtl(sim, case):
    need_tool(sim)
    g = residual_graph(sum(case), *case)
    out = write_rtl(g, CACHE / ("residual-{}-{}-{}-{}".format(*case)))
    r = verify_rtl(g, out, frames=60, sim=sim, pause=0.35, seed=2)
    assert r.mismatches == 0
    r = verify_rtl(g, out, frames=12, sim=sim, seed=3)
    assert r.mismatches == 0
    # the chain streams at its slowest layer's bound (the shortcut never throttles)
    assert r.cycles_per_frame == pytest.approx(r.bound, rel=0.02)


def test_residual_pe_follows_its_producer():
    g = residual_graph(0, 12, 2, 4, 6)
    stem, b0, b1 = g.hw_nodes()[:3]
    assert stem.pe == b0.pe == b1.pe == 4
    with pytest.raises(HwgenError, match="block0.*PE of 'stem'"):
        apply_folding(g, config={"block0": {"pe": 3}})


def test_residual_top_lints_clean():
    need_tool("verilator")
    import subprocess

    from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
    from hwgen.sim.tools import tool_path

    g = residual_graph(5, 10, 2, 3, 4)
    out = write_rtl(g, ROOT / "build" / "tests" / "lint" / "residual")
    p = subprocess.run(
        [
            tool_path("verilator"),
            "--lint-only",
            "-Wall",
            "--top-module",
            TOP_NAME,
            *rtl_sources(out / "rtl"),
        ],
        capture_output=True,
        text=True,
    )
    text = (p.stdout + p.stderr).strip()
    assert p.returncode == 0 and "%Warning" not in text, text
