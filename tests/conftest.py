"""Shared fixtures: a trained digits MLP and a cache folder for simulator builds."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def digits_mlp(tmp_path_factory):
    """The default W1A1 MLP trained on digits: (model, onnx path, split)."""
    import torch

    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, train

    split = load_dataset("digits")
    torch.manual_seed(0)
    model = build_model("mlp", split.x_train.shape[1:], split.num_classes)
    res = train(model, split, progress=False)
    path = export(model, split.x_train.shape[1:], tmp_path_factory.mktemp("digits") / "mlp.onnx")
    model.eval()
    return model, path, split, res


@pytest.fixture(scope="session")
def digits_cnn(tmp_path_factory):
    """`hwgen train --model cnn --dataset digits`, in-process: (model, onnx, split, result)."""
    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export as export_model, train
    import torch
    split = load_dataset("digits", flat=False)
    torch.manual_seed(0)
    model = build_model("cnn", split.x_train.shape[1:], split.num_classes)
    res = train(model, split, progress=False)
    path = export_model(model, split.x_train.shape[1:], tmp_path_factory.mktemp("cnn") / "cnn.onnx")
    return model.eval(), path, split, res


@pytest.fixture(scope="session")
def digits_graph(digits_mlp):
    """The digits MLP imported and lowered (unfolded: PE = SIMD = 1)."""
    from hwgen.frontend import import_qonnx
    from hwgen.passes import apply_folding, lower
    return apply_folding(lower(import_qonnx(digits_mlp[1])))


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
