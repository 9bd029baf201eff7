"""FINN's model zoo at 1W2A and 2W2A: Brevitas' bnn_pynq multi-bit configurations as
exported (random weights, random BN statistics with some gamma < 0) compile, the golden model
equals PyTorch, and TFC-2W2A and CNV-2W2A run bit-exact on Verilator and in C-simulation."""

import numpy as np
import pytest

from hwgen.execution import run_csim_model, run_golden, run_rtl
from hwgen.ops import WindowMax, XnorMVU
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.helpers import assert_outputs_match, bnn_pynq_zoo, need_tool, torch_outputs

ZOO = ["tfc_1w2a", "tfc_2w2a", "sfc_1w2a", "sfc_2w2a", "lfc_1w2a", "cnv_1w2a", "cnv_2w2a"]
#: finn-examples' folding for CNV-W2A2 (build/bnn-pynq/folding_config/cnv-w2a2_folding_config.json)
CNV_W2A2_FOLD = {
    "Conv_0": (8, 3),
    "Conv_1": (16, 16),
    "Conv_2": (8, 16),
    "Conv_3": (8, 16),
    "Conv_4": (4, 8),
    "Conv_5": (1, 8),
    "Gemm_0": (1, 2),
    "Gemm_1": (2, 2),
    "Gemm_2": (5, 1),
}


def _inputs(shape, n, seed):
    x = np.random.default_rng(seed).random((n,) + shape, dtype=np.float32)
    x[: n // 10] = 0.5  # 2x - 1 = 0 exactly: a rounding tie at every 2-bit input quantizer
    return x


@pytest.mark.parametrize("name", ZOO)
def test_bnn_pynq_multibit_golden_equals_pytorch(tmp_path, name):
    model, path, shape = bnn_pynq_zoo(tmp_path / f"{name}.onnx", name, seed=ZOO.index(name))
    fold = (
        {k: {"pe": p, "simd": s} for k, (p, s) in CNV_W2A2_FOLD.items()}
        if name.startswith("cnv")
        else None
    )
    g, _ = compile_model(
        CompileOptions(
            path, tmp_path / "build", pe=None if fold else 4, simd=None if fold else 4, fold=fold
        )
    )
    wbits, abits = int(name[4]), int(name[6])
    mvus = [n for n in g.hw_nodes() if isinstance(n, XnorMVU)]
    assert all(n.weight_bits == wbits for n in mvus)
    assert all(
        n.out_bits == abits and n.levels for n in mvus[:-1]
    )  # k-bit activations between layers
    if name.startswith("cnv"):
        assert [n.elem_bits for n in g.hw_nodes() if isinstance(n, WindowMax)] == [
            abits,
            abits,
        ]  # a real max
    x = _inputs(shape, 12 if name.startswith("cnv") else 100, seed=7)
    assert_outputs_match(run_golden(g, x), torch_outputs(model, x))


@pytest.mark.rtlsim
def test_tfc_2w2a_on_verilator_and_csim(tmp_path):
    """TFC-2W2A at PE = SIMD = 4: RTL and C-sim equal golden under back-pressure; the steady
    state is the folding bound."""
    need_tool("verilator")
    model, path, shape = bnn_pynq_zoo(tmp_path / "tfc.onnx", "tfc_2w2a", seed=11)
    out = ROOT / "build" / "tests" / "tfc-2w2a"
    g, _ = compile_model(CompileOptions(path, out, 4, 4))
    x = _inputs(shape, 60, seed=3)
    gold = run_golden(g, x)
    assert_outputs_match(gold, torch_outputs(model, x))
    rtl, _res = run_rtl(g, out, x, sim="verilator", in_pause=0.3, out_pause=0.3, seed=2)
    np.testing.assert_array_equal(rtl, gold)
    csim, _ = run_csim_model(g, out, x[:20])
    np.testing.assert_array_equal(csim, gold[:20])
    r = verify_rtl(g, out, frames=6, sim="verilator", seed=1)
    assert r.mismatches == 0 and r.cycles_per_frame <= 1.02 * r.bound, (r.cycles_per_frame, r.bound)
    # the PYNQ driver over the simulated AXI shell: 2-bit input elements packed into DMA words
    from hwgen.driver.deploy_test import deploy_test

    rows = deploy_test(out, "pynq-z2", frames=24, batches=[1, 8])
    assert [(row["mismatches"], row["frames_out"]) for row in rows] == [(0, 24), (0, 24)]
    from hwgen.pipeline import layer_table

    rows = layer_table(g)
    assert [row["kind"] for row in rows] == [
        "MVU (int2 x int2)"
    ] * 4  # the compile table names the precision
    assert [row["out"] for row in rows] == ["int2", "int2", "int2", "int8"]


@pytest.mark.rtlsim
@pytest.mark.slow
def test_cnv_2w2a_at_finn_folding_on_verilator_and_csim(tmp_path):
    """CNV-2W2A at finn-examples' folding: bit-exact on Verilator (random 8-bit frames) and in
    C-sim; simulated cycles/frame equal the folding bound (within 2 %)."""
    need_tool("verilator")
    model, path, shape = bnn_pynq_zoo(tmp_path / "cnv.onnx", "cnv_2w2a", seed=12)
    out = ROOT / "build" / "tests" / "cnv-2w2a-finn-fold"
    g, _ = compile_model(
        CompileOptions(
            path, out, fold={k: {"pe": p, "simd": s} for k, (p, s) in CNV_W2A2_FOLD.items()}
        )
    )
    r = verify_rtl(g, out, frames=4, sim="verilator", seed=3)
    assert r.mismatches == 0
    assert r.bound == 115_200 and r.cycles_per_frame <= 1.02 * r.bound, (
        r.cycles_per_frame,
        r.bound,
    )
    x = _inputs(shape, 3, seed=5)
    gold = run_golden(g, x)
    assert_outputs_match(gold, torch_outputs(model, x))
    csim, _ = run_csim_model(g, out, x)
    np.testing.assert_array_equal(csim, gold)


def test_folding_search_reaches_a_rate_at_w2a2(tmp_path):
    """`--target-fps` on TFC-2W2A: the searched folding's bound meets the rate at the board's
    clock, and the estimate prices its 2-bit layers (sums of products, no popcount)."""
    from hwgen.estimate import estimate_graph
    from hwgen.passes.folding import folding_bound

    _model, path, _shape = bnn_pynq_zoo(tmp_path / "tfc.onnx", "tfc_2w2a", seed=13)
    g, _ = compile_model(CompileOptions(path, tmp_path / "build", target_fps=100_000))
    assert folding_bound(g) <= 100e6 / 100_000
    from hwgen.estimate import block_parts

    parts = [p for _n, p, _f in block_parts(g) if p.kind == "mvu"]
    assert all(p.lut.get("product", 0) > 0 and "popcount" not in p.lut for p in parts)
    assert estimate_graph(g, "zynq7").total["lut"] > 0
