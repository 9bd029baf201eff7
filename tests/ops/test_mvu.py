"""The XNOR-popcount MVU alone: RTL == golden under random back-pressure, exact cycles."""

from types import SimpleNamespace

import numpy as np
import pytest

from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import single_mvu_graph, write_rtl

pytestmark = pytest.mark.rtlsim

# (MW, MH, PE, SIMD, thresholds): dividing and non-dividing, PE = SIMD = 1, fully unfolded
CASES = [
    (16, 8, 1, 1, True),
    (17, 9, 2, 3, True),
    (33, 5, 5, 33, False),
    (7, 13, 13, 2, False),
    (64, 64, 8, 16, True),
    (10, 3, 3, 10, True),
    (2, 1, 1, 1, False),
    (1, 4, 2, 1, True),
    (100, 11, 4, 7, False),
    (40, 6, 6, 40, False),
]
# Verilator builds cost ~8 s each: two shapes in the default suite (every case runs on Icarus)
VERILATOR_CASES = [
    CASES[1],
    CASES[2],
    pytest.param(CASES[5], marks=pytest.mark.slow),
    pytest.param(CASES[7], marks=pytest.mark.slow),
]


def _run(sim, case, tmp_tag, pause, frames=60, seed=0):
    mw, mh, pe, simd, thr = case
    rng = np.random.default_rng(seed + mw * 131 + mh)
    g = single_mvu_graph(rng, mw, mh, pe, simd, thr)
    out = write_rtl(
        g, ROOT / "build" / "tests" / "ops" / f"mvu-{mw}x{mh}-{pe}-{simd}-{int(thr)}-{tmp_tag}"
    )
    return g, verify_rtl(g, out, frames=frames, sim=sim, pause=pause, seed=seed + 1)


@pytest.mark.parametrize(
    "case", CASES, ids=lambda c: "mw{}_mh{}_pe{}_simd{}_{}".format(*c[:4], "thr" if c[4] else "acc")
)
def test_mvu_icarus(case):
    need_tool("icarus")
    g, r = _run("icarus", case, "icarus", pause=0.4)
    assert r.mismatches == 0
    g, r = _run("icarus", case, "icarus", pause=0.0, frames=12)
    assert r.mismatches == 0
    # one layer alone streams at exactly its folding bound: SF * NF cycles per vector
    assert r.cycles_per_frame == g.hw_nodes()[0].cycles


@pytest.mark.parametrize(
    "case", VERILATOR_CASES, ids=lambda c: "mw{}_mh{}_pe{}_simd{}".format(*c[:4])
)
def test_mvu_verilator(case):
    need_tool("verilator")
    g, r = _run("verilator", case, "verilator", pause=0.4)
    assert r.mismatches == 0
    g, r = _run("verilator", case, "verilator", pause=0.0, frames=12)
    assert r.cycles_per_frame == g.hw_nodes()[0].cycles


# every stage alone, and all three: the output under back-pressure equals golden and one layer
# still streams at its folding bound (the stages add latency, not cycles per frame)
STAGE_SETS = [
    ("popcount",),
    ("rom",),
    ("threshold",),
    ("popcount_mid",),
    ("popcount_mid", "popcount", "rom", "threshold"),
    ("credit",),
    ("credit", "popcount", "rom"),
    ("skid",),
    ("skid", "credit", "popcount", "threshold"),
]


@pytest.mark.parametrize("stages", STAGE_SETS, ids="+".join)
@pytest.mark.parametrize("case", [CASES[1], CASES[4], CASES[6], CASES[2]], ids=str)
def test_pipelined_mvu_icarus(case, stages):
    _pipelined(case, stages, 1)


# the write buffer's handover (its clock enable from flip-flops) where the compute leaves its
# cycle a vector: alone, and with the other stages
@pytest.mark.parametrize(
    "stages", [("handover",), ("handover", "credit", "popcount", "rom")], ids="+".join
)
@pytest.mark.parametrize("case", [CASES[1], CASES[4]], ids=str)
def test_handover_mvu_keeps_its_bound_where_the_compute_leaves_a_cycle(case, stages):
    g = _pipelined(case, stages, 1)
    assert g.graph.hw_nodes()[0].handover_fits


def test_handover_costs_a_cycle_a_vector_where_the_input_is_the_bound():
    """One beat and one cycle a vector (SF = NF = 1): the handover takes a vector every two
    cycles, which is why the timing pass never offers it there."""
    need_tool("icarus")
    mw, mh, pe, simd, thr = CASES[2]
    rng = np.random.default_rng(5)
    g = single_mvu_graph(rng, mw, mh, pe, simd, thr, stages=("handover",))
    n = g.hw_nodes()[0]
    assert not n.handover_fits
    assert not any("handover" in c.stages for c in n.stage_candidates())
    out = write_rtl(g, ROOT / "build" / "tests" / "ops" / "mvu-handover-unfit")
    r = verify_rtl(g, out, frames=12, sim="icarus", pause=0.0, seed=4)
    assert r.mismatches == 0
    assert r.cycles_per_frame == 2 * n.cycles


# the popcount cut into groups (the last one short), registered or not
@pytest.mark.parametrize(
    "case,groups,stages",
    [
        (CASES[4], 3, ("popcount",)),
        (CASES[2], 4, ("popcount", "rom", "threshold")),
        (CASES[4], 2, ("popcount", "group_sum", "rom", "threshold")),
        (CASES[5], 2, ("group_sum",)),
        (CASES[4], 2, ("popcount_mid", "popcount", "group_sum", "rom", "threshold")),
        (CASES[9], 5, ()),
        (CASES[1], 2, ("popcount",)),
    ],
    ids=str,
)
def test_grouped_popcount_mvu_icarus(case, groups, stages):
    _pipelined(case, stages, groups)


# the weight ROM in banks (rtl/hwgen_mvu_rom.v): the last bank short (30 words in banks of 8),
# banks of two words, with the other stages and groups; on both simulators (each reads the
# bank images by the name the Verilog puts together)
BANKED = [
    ("icarus", CASES[1], 8, ("rom_bank",), 1),
    ("icarus", CASES[1], 2, ("rom_bank", "rom", "popcount", "threshold", "credit"), 1),
    ("icarus", CASES[4], 4, ("rom_bank", "popcount_mid", "group_sum"), 2),
    ("icarus", CASES[0], 16, ("rom_bank", "rom"), 1),
    ("icarus", CASES[8], 4, ("rom_bank",), 1),  # 45 words: the last bank holds one
    ("verilator", CASES[1], 8, ("rom_bank", "rom", "threshold"), 1),
]


@pytest.mark.parametrize("sim,case,depth,stages,groups", BANKED, ids=str)
def test_banked_rom_mvu(sim, case, depth, stages, groups):
    g = _pipelined(case, stages, groups, sim=sim, rom_bank_depth=depth)
    banks = sorted(p.name for p in (g.out / "rtl").glob("*_weights_b*.mem"))
    assert len(banks) == -(-g.graph.hw_nodes()[0].sf * g.graph.hw_nodes()[0].nf // depth)
    assert not list((g.out / "rtl").glob("*_weights.mem"))


def _pipelined(case, stages, groups, sim="icarus", rom_bank_depth=0):
    need_tool(sim)
    mw, mh, pe, simd, thr = case
    rng = np.random.default_rng(mw * 7 + mh)
    g = single_mvu_graph(
        rng, mw, mh, pe, simd, thr, stages=stages, pc_groups=groups, rom_bank_depth=rom_bank_depth
    )
    tag = f"mvu-pipe-{mw}x{mh}-{pe}-{simd}-{'+'.join(stages)}-g{groups}-b{rom_bank_depth}-{sim}"
    out = write_rtl(g, ROOT / "build" / "tests" / "ops" / tag)
    r = verify_rtl(g, out, frames=40, sim=sim, pause=0.4, seed=3)
    assert r.mismatches == 0
    r = verify_rtl(g, out, frames=12, sim=sim, pause=0.0, seed=4)
    assert r.mismatches == 0
    assert r.cycles_per_frame == g.hw_nodes()[0].cycles
    return SimpleNamespace(graph=g, out=out)
