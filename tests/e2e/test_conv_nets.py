"""Convolutional nets end to end: golden == PyTorch, RTL == golden, rates, accuracy, errors."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from hwgen.execution import run_golden, run_rtl
from hwgen.frontend import import_qonnx
from hwgen.passes import apply_folding, lower
from hwgen.passes.layout import chw_to_hwc_columns
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import verify_rtl
from tests.conftest import ROOT
from tests.e2e.test_cli import assert_one_line_error, run_cli
from tests.helpers import (
    CNN_MIN_ACCURACY,
    assert_outputs_match,
    bnn_pynq_cnv,
    export,
    need_tool,
    random_cnn,
    torch_outputs,
)

#: FINN's folding of CNV-W1A1 (finn-examples bnn-pynq folding_config), per MVAU in order
CNV_FOLD = {
    "Conv_0": (16, 3),
    "Conv_1": (32, 32),
    "Conv_2": (16, 32),
    "Conv_3": (16, 32),
    "Conv_4": (4, 32),
    "Conv_5": (1, 32),
    "Gemm_0": (1, 4),
    "Gemm_1": (1, 8),
    "Gemm_2": (5, 1),
}


def test_digits_cnn_golden_equals_pytorch_and_accuracy(digits_cnn):
    model, path, split, res = digits_cnn
    g = apply_folding(lower(import_qonnx(path)), pe=4, simd=4)
    got = run_golden(g, split.x_test)
    assert_outputs_match(got, torch_outputs(model, split.x_test))
    acc = float((got.argmax(1) == split.y_test).mean())
    assert acc >= CNN_MIN_ACCURACY, f"digits CNN golden accuracy {acc:.2%}"


@pytest.mark.parametrize("seed", range(4))
def test_random_digits_cnns_with_adversarial_bn(tmp_path, seed):
    model, path = random_cnn(tmp_path / "c.onnx", seed)
    x = np.random.default_rng(seed).random((300, 1, 8, 8), dtype=np.float32)
    x[:30] = np.round(x[:30] * 16) / 16  # digits-like pixel levels
    g = apply_folding(lower(import_qonnx(path)), pe=3, simd=5)
    assert_outputs_match(run_golden(g, x), torch_outputs(model, x))


@pytest.mark.parametrize("seed", range(5))
def test_cnv_w1a1_golden_equals_pytorch(tmp_path, seed):
    """Brevitas' bnn_pynq CNV-W1A1 as exported, random BN stats (some gamma < 0)."""
    model, path = bnn_pynq_cnv(tmp_path / "cnv.onnx", seed)
    x = np.random.default_rng(seed).random((100, 3, 32, 32), dtype=np.float32)
    g = apply_folding(
        lower(import_qonnx(path)),
        config={k: {"pe": p, "simd": s} for k, (p, s) in CNV_FOLD.items()},
    )
    assert_outputs_match(run_golden(g, x), torch_outputs(model, x))


def test_flatten_weight_reorder_matches_torch_nchw():
    """The pass's column permutation equals PyTorch's NCHW flatten seen from NHWC data."""
    rng = np.random.default_rng(0)
    c, h, w, mh = 3, 4, 5, 7
    weights = rng.integers(0, 2, (mh, c * h * w))
    x = rng.normal(size=(2, c, h, w))
    nchw = x.reshape(2, -1) @ weights.T  # what PyTorch computes
    nhwc = x.transpose(0, 2, 3, 1).reshape(2, -1) @ chw_to_hwc_columns(weights, c, h, w).T
    np.testing.assert_allclose(nhwc, nchw)


@pytest.mark.rtlsim
# Icarus runs this net at ~3k cycles/s: 12 frames there; 120 (and the whole test split
# below) on Verilator's native testbench
@pytest.mark.parametrize(
    "sim,pe,simd,frames",
    [
        ("verilator", 8, 8, 120),
        ("verilator", 3, 5, 120),
        pytest.param("icarus", 16, 16, 12, marks=pytest.mark.slow),
    ],
)
def test_digits_cnn_rtl_equals_golden(digits_cnn, sim, pe, simd, frames):
    need_tool(sim)
    model, path, split, _ = digits_cnn
    out = ROOT / "build" / "tests" / f"cnn-{pe}x{simd}"
    g, _ = compile_model(CompileOptions(path, out, pe, simd))
    gold = run_golden(g, split.x_test[:frames])
    rtl, res = run_rtl(g, out, split.x_test[:frames], sim=sim, in_pause=0.3, out_pause=0.3, seed=pe)
    np.testing.assert_array_equal(rtl, gold)
    r = verify_rtl(g, out, frames=8, sim=sim, seed=1)
    assert r.mismatches == 0 and r.cycles_per_frame <= 1.02 * r.bound, (r.cycles_per_frame, r.bound)


@pytest.mark.rtlsim
def test_digits_cnn_rtl_accuracy_whole_test_split(digits_cnn):
    need_tool("verilator")
    model, path, split, _ = digits_cnn
    out = ROOT / "build" / "tests" / "cnn-8x8"
    g, _ = compile_model(CompileOptions(path, out, 8, 8))
    rtl, _res = run_rtl(g, out, split.x_test, sim="verilator")
    np.testing.assert_array_equal(rtl, run_golden(g, split.x_test))
    assert float((rtl.argmax(1) == split.y_test).mean()) >= CNN_MIN_ACCURACY


@pytest.mark.rtlsim
def test_cnv_w1a1_whole_net_on_verilator(tmp_path):
    """CNV-W1A1 at FINN's folding: bit-exact on random 8-bit frames, <= 60,000 cycles/frame,
    within 2% of the slowest layer's bound (sliding windows included)."""
    need_tool("verilator")
    _model, path = bnn_pynq_cnv(tmp_path / "cnv.onnx", seed=0)
    fold = tmp_path / "fold.json"
    fold.write_text(json.dumps({k: {"PE": p, "SIMD": s} for k, (p, s) in CNV_FOLD.items()}))
    out = ROOT / "build" / "tests" / "cnv-finn-fold"
    from hwgen.passes.folding import load_fold_config

    g, _ = compile_model(CompileOptions(path, out, fold=load_fold_config(fold)))
    r = verify_rtl(g, out, frames=4, sim="verilator", seed=3)
    assert r.mismatches == 0
    assert (
        r.bound == 32768 and r.cycles_per_frame <= 1.02 * r.bound and r.cycles_per_frame <= 60_000
    )


# ------------------------------------------------------------------- unsupported convs
def _conv_net(flat: int, **conv_kwargs):
    from brevitas.nn import QuantConv2d
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    from hwgen.train.models import binary_act, binary_linear

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = binary_act()
            self.conv = QuantConv2d(
                4,
                4,
                conv_kwargs.pop("k", 3),
                bias=False,
                weight_quant=conv_kwargs.pop("wq", SignedBinaryWeightPerTensorConst),
                **conv_kwargs,
            )
            self.bn = nn.BatchNorm2d(4)
            self.q2 = binary_act()
            self.fc = binary_linear(flat, 3)

        def forward(self, x):
            x = self.q2(self.bn(self.conv(self.q(x))))
            return self.fc(x.reshape(x.shape[0], -1))

    return Net().eval()


@pytest.mark.parametrize(
    "kwargs,needles",
    [
        ({"dilation": 2, "k": 2, "flat": 64}, ["dilation"]),
        ({"groups": 2, "flat": 64}, ["grouped convolution"]),
        ({"padding": 3, "flat": 400}, ["pads [3, 3, 3, 3]", "[0, K-1 = 2]"]),
        ({"k": (3, 1), "flat": 96}, ["non-square kernel 3x1"]),
    ],
    ids=["dilation", "groups", "padding-past-k-1", "non-square"],
)
def test_unsupported_conv_settings_name_the_node(kwargs, needles, capsys, tmp_path):
    torch.manual_seed(0)
    path = export(_conv_net(**dict(kwargs)), (4, 6, 6), tmp_path / "bad.onnx")
    code, _o, err = run_cli(capsys, "compile", path, "-o", tmp_path / "b")
    assert_one_line_error(code, err, "node 'Conv_0'", *needles)


def test_binary_input_with_multibit_weights_is_refused(capsys, tmp_path):
    from brevitas.nn import QuantConv2d

    from hwgen.train.models import binary_act

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = binary_act()
            self.conv = QuantConv2d(2, 3, 3, bias=False, weight_bit_width=8)

        def forward(self, x):
            return self.conv(self.q(x)).reshape(x.shape[0], -1)

    path = export(Net().eval(), (2, 5, 5), tmp_path / "w8.onnx")
    code, _o, err = run_cli(capsys, "compile", path, "-o", tmp_path / "b")
    assert_one_line_error(code, err, "node 'Conv_0'", "8-bit weight")
