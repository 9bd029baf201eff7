"""The trained digits Bi-Real CNN (`hwgen train --model bireal-cnn`'s model and recipe, a few
epochs): PyTorch == golden == RTL (Verilator's native testbench) on the whole test split."""

import numpy as np
import torch

from hwgen.execution import run_golden, run_rtl
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, predict, train
from tests.helpers import need_tool


def test_trained_bireal_cnn_pytorch_golden_rtl_agree(tmp_path):
    need_tool("verilator")
    split = load_dataset("digits", flat=False)
    torch.manual_seed(0)
    m = build_model("bireal-cnn", split.x_train.shape[1:], split.num_classes)
    res = train(m, split, epochs=4, progress=False, binarizer="bireal", pretrain_epochs=1)
    assert res.accuracy > 0.8  # it learns (chance 0.1)
    onnx = export(m, split.x_train.shape[1:], tmp_path / "bireal_cnn.onnx")
    g, _ = compile_model(CompileOptions(onnx, tmp_path / "build", pe=16, simd=16))
    gold = run_golden(g, split.x_test)
    np.testing.assert_array_equal(gold.argmax(1), predict(m, split.x_test).argmax(1))
    rtl, _sim = run_rtl(g, tmp_path / "build", split.x_test, out_pause=0.2)
    np.testing.assert_array_equal(rtl, gold)
