"""Verification ladder, rung 1: the golden IR execution equals the PyTorch model."""

import numpy as np
import pytest
import torch

from hwgen.frontend import import_qonnx
from hwgen.passes import apply_folding, lower
from tests.helpers import assert_outputs_match, bnn_pynq_fc, random_mlp, torch_outputs


def _compile(path):
    return apply_folding(lower(import_qonnx(path)), pe=4, simd=4)


def test_trained_digits_mlp_whole_test_split(digits_mlp, digits_graph):
    model, _path, split, res = digits_mlp
    ref = torch_outputs(model, split.x_test)
    got = digits_graph.execute(digits_graph.check_input(split.x_test))
    assert_outputs_match(got, ref)
    acc = float((got.argmax(1) == split.y_test).mean())
    assert acc >= 0.90, f"digits MLP test accuracy {acc:.2%} < 90%"


def _count_ties(model, x):
    """How many (input, channel) pairs hit a hidden BatchNorm exactly at its zero crossing."""
    ties = []

    def hook(mod, inp, out):
        ties.append(int((out[0] == 0).sum()) if False else int((out == 0).sum()))

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, torch.nn.BatchNorm1d)
    ]
    with torch.no_grad():
        model(torch.from_numpy(x))
    for h in handles:
        h.remove()
    return sum(ties[1:-1])  # hidden layers (not the input BN, not the final affine)


SHAPES = [[64, 37, 19, 10], [64, 64, 10], [30, 100, 50, 7], [64, 128, 64, 10], [13, 5, 3]]


# 8 seeds here (tie counting, exact zeros at the input BN); tests/property draws 1,000 more nets
@pytest.mark.parametrize("seed", range(8))
def test_random_mlps_with_adversarial_bn(tmp_path, seed):
    sizes = SHAPES[seed % len(SHAPES)]
    model, path = random_mlp(tmp_path / "m.onnx", sizes, seed)
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 4, (1000, sizes[0])).astype(np.float32)
    # exact zeros at the input quantizer: the input BN maps its mean to 0 on a few pixels
    bn0 = model.features[0]
    bn0.running_mean.data[:4] = 0.5
    bn0.running_var.data[:4] = 0.75
    bn0.weight.data[:4] = 1.0
    bn0.bias.data[:4] = 0.0
    x[::3, :4] = 0.5
    from tests.helpers import export

    export(model, (sizes[0],), path)
    g = _compile(path)
    ref = torch_outputs(model, x)
    assert_outputs_match(g.execute(g.check_input(x)), ref)
    if len(sizes) > 3:
        assert _count_ties(model, x) > 0, "the test inputs hit no exact threshold tie"


@pytest.mark.parametrize(
    "name,hidden,seed",
    [
        ("TFC", [64, 64, 64], 1),
        ("TFC", [64, 64, 64], 2),
        ("SFC", [256, 256, 256], 3),
        ("SFC", [256, 256, 256], 4),
        ("LFC", [1024, 1024, 1024], 5),
    ],
)
def test_bnn_pynq_fc_topologies(tmp_path, name, hidden, seed):
    model, path = bnn_pynq_fc(tmp_path / f"{name}.onnx", hidden, seed)
    x = np.random.default_rng(seed).random((1000, 1, 28, 28), dtype=np.float32)
    x[:50] = 0.5  # 2x - 1 = 0 exactly: sign(0) = +1 on every pixel
    g = _compile(path)
    assert [n.mh for n in g.hw_nodes()] == hidden + [10]
    assert_outputs_match(g.execute(g.check_input(x)), torch_outputs(model, x))
