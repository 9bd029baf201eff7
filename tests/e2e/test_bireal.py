"""Bi-Real shortcuts end to end: a trained Bi-Real MLP (fixed-point shortcut path) compiles to
level-threshold MVUs, residual blocks and an integer sign; PyTorch == golden on the whole test
split, and the HLS C-simulation and the RTL (under back-pressure) == golden (Icarus on 50
test digits; Verilator's native testbench on all of them)."""

import numpy as np
import pytest
import torch

from hwgen.execution import run_golden, run_rtl
from hwgen.ops import IntSign, ResidualBlock, XnorMVU
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, predict, train
from tests.helpers import need_tool


@pytest.fixture(scope="module")
def bireal_net(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bireal")
    split = load_dataset("digits", flat=True)
    torch.manual_seed(0)
    m = build_model("bireal-mlp", (64,), 10, [32, 32, 32], binarizer="bireal")
    res = train(m, split, epochs=8, progress=False, binarizer="bireal")
    onnx = export(m, (64,), tmp / "bireal.onnx")
    g, _ = compile_model(CompileOptions(onnx, tmp / "build", 4, 8))
    return m, split, res, g, tmp / "build"


def test_bireal_lowers_to_residual_blocks(bireal_net):
    _m, _s, _r, g, _b = bireal_net
    kinds = [type(n) for n in g.hw_nodes()]
    assert kinds == [XnorMVU, ResidualBlock, ResidualBlock, IntSign, XnorMVU]
    stem, b1, b2 = g.hw_nodes()[:3]
    assert stem.levels and stem.out_bits == 4 and stem.n_thr == 14  # 4-bit narrow: 15 levels
    assert b1.pe == b2.pe == stem.pe and b1.h_bits == 4 and b2.h_bits == b1.out_lane_bits


def test_bireal_golden_equals_pytorch(bireal_net):
    m, split, res, g, _b = bireal_net
    gold = run_golden(g, split.x_test)
    np.testing.assert_array_equal(gold.argmax(1), predict(m, split.x_test).argmax(1))
    assert res.accuracy > 0.6  # it learns (chance 0.1)


def test_bireal_csim_equals_golden(bireal_net):
    from hwgen.execution import simulate_csim
    from hwgen.sim.verify import random_inputs

    _m, _s, _r, g, build = bireal_net
    x = random_inputs(g, 64, np.random.default_rng(0))
    got, res = simulate_csim(g, build, x)
    np.testing.assert_array_equal(got, g.execute(x, g.hw_nodes()))


@pytest.mark.parametrize("sim", ["icarus", "verilator"])
def test_bireal_rtl_equals_golden(bireal_net, sim):
    need_tool(sim)
    _m, split, _r, g, build = bireal_net
    n = 50 if sim == "icarus" else len(split.x_test)
    got, r = run_rtl(g, build, split.x_test[:n], sim=sim, in_pause=0.3, out_pause=0.3)
    np.testing.assert_array_equal(got, run_golden(g, split.x_test[:n]))
