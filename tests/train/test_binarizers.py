"""Each binarizer's forward (what the hardware computes once trained) and backward (the
method's surrogate gradient), and that every one exports as the same BipolarQuant."""

import math

import pytest
import torch

from hwgen.errors import HwgenError
from hwgen.train.binarizers import (
    METHODS,
    ApproxSign,
    Binarizer,
    SignSTE,
    StochasticSign,
    abc_clamp,
    anneal_all,
    lr_factor,
    scaled_tanh,
)

X = torch.tensor([-2.0, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 1.5])


def _grad(fn, x=X):
    x = x.clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad


def test_sign_ste():
    assert SignSTE.apply(X).tolist() == [
        -1,
        -1,
        -1,
        1,
        1,
        1,
        1,
        1,
        1,
    ]  # sign(0) = +1, as BipolarQuant
    assert _grad(SignSTE.apply).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 0]  # 1{|x| <= 1}


def test_stochastic_sign_probability_and_gradient():
    torch.manual_seed(0)
    x = torch.full((20000,), 0.5)
    frac = (StochasticSign.apply(x) > 0).float().mean().item()
    assert abs(frac - 0.75) < 0.02  # hard sigmoid: (0.5 + 1) / 2
    assert (StochasticSign.apply(torch.full((100,), 3.0)) == 1).all()
    assert (StochasticSign.apply(torch.full((100,), -3.0)) == -1).all()
    assert _grad(StochasticSign.apply).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 0]


def test_bireal_approx_sign_gradient():
    assert ApproxSign.apply(X).tolist() == SignSTE.apply(X).tolist()
    g = _grad(ApproxSign.apply)
    want = [max(0.0, 2 - 2 * abs(v)) for v in X.tolist()]
    assert torch.allclose(g, torch.tensor(want))


def test_abc_clamp_anneals_to_sign():
    assert torch.allclose(abc_clamp(X, 1.0), X.clamp(-1, 1))
    assert torch.allclose(abc_clamp(X, 0.5), (X / 0.5).clamp(-1, 1))
    g = _grad(lambda x: abc_clamp(x, 0.5))
    assert g.tolist() == [0, 0, 2, 2, 2, 2, 2, 0, 0]  # slope 1/r on [-r, r], ends included
    assert abc_clamp(X, 0.0).tolist() == SignSTE.apply(X).tolist()


def test_scaled_tanh_and_its_limit():
    assert torch.allclose(scaled_tanh(X, 2.0), torch.tanh(2 * X))
    assert scaled_tanh(X, math.inf).tolist() == SignSTE.apply(X).tolist()


def test_schedules_end_binary():
    m = torch.nn.Sequential(Binarizer("abc"), Binarizer("tanh"))
    anneal_all(m, 0, 50)
    assert m[0].r == 1.0 and m[1].beta == 1.0
    anneal_all(m, 45, 50)
    assert m[0].r == 0.0 and math.isinf(m[1].beta)
    assert lr_factor("abc", 45, 50) == pytest.approx(0.9**40) and lr_factor("ste", 45, 50) == 1.0


@pytest.mark.parametrize("method", METHODS)
def test_eval_mode_is_the_exported_sign(method):
    b = Binarizer(method).eval()
    with torch.no_grad():
        pre = b.mlp(X) if method == "mlp" else X  # the MLP binarizer: the sign of its learned g
    assert b(X).tolist() == SignSTE.apply(pre).tolist()


def _zigzag(mlp):
    """Make g(x) = relu(x + 1) - 2 relu(x) + 2 relu(x - 1) - 0.5: negative, positive on
    (-0.5, 0.5), negative, positive again from 1.5 on (a decision that switches 3 times)."""
    with torch.no_grad():
        for p in mlp.parameters():
            p.zero_()
        mlp.fc1.weight[:3, 0] = 1.0
        mlp.fc1.bias[:3] = torch.tensor([1.0, 0.0, -1.0])
        mlp.fc2.weight[0, :3] = torch.tensor([1.0, -2.0, 2.0])
        mlp.fc2.bias[0] = -0.5


def test_mlp_binarizer_forward_and_gradient():
    """He et al.: forward the sign of the learned g (a classifier), backward g's own derivative
    (through the straight-through clip); g starts as the identity (plain STE)."""
    b = Binarizer("mlp").train()
    with torch.no_grad():
        assert torch.allclose(b.mlp(X), X, atol=0.3)  # identity plus small learnable units
    _zigzag(b.mlp)
    x = torch.tensor([-2.0, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75, 3.0])
    g = torch.tensor([-0.5, -0.25, 0.25, 0.25, -0.25, -0.25, 0.25, 1.5])  # the zigzag by hand
    with torch.no_grad():
        assert torch.allclose(b.mlp(x), g)
    assert b(x).tolist() == SignSTE.apply(g).tolist() == b.eval()(x).tolist()
    b.train()
    slope = torch.tensor([0.0, 1.0, 1.0, -1.0, -1.0, 1.0, 1.0, 1.0])  # dg/dx on each piece
    want = slope * (g.abs() <= 1).float()
    assert _grad(b, x).tolist() == want.tolist()
    xx = x.clone().requires_grad_(True)
    b(xx).sum().backward()
    assert b.mlp.fc2.weight.grad.abs().sum() > 0  # the classifier itself learns


def test_mlp_binarizer_compiles_to_interval_thresholds(tmp_path):
    """A net whose binarizer switches 3 times: the export carries g as ONNX ops, the compiler
    tabulates it into interval thresholds, and golden == PyTorch on every test input."""
    import numpy as np

    from hwgen.execution import run_golden, run_rtl
    from hwgen.pipeline import CompileOptions, compile_model
    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, predict
    from tests.helpers import need_tool

    torch.manual_seed(0)
    split = load_dataset("digits", flat=True)
    m = build_model("mlp", (64,), 10, [24], binarizer="mlp").eval()
    for mod in m.modules():
        if isinstance(mod, Binarizer):
            _zigzag(mod.mlp)
        if isinstance(mod, torch.nn.BatchNorm1d):  # spread the pre-activations over the zigzag
            mod.running_var.fill_(40.0)
    onnx = export(m, (64,), tmp_path / "zigzag.onnx")
    g, _ = compile_model(CompileOptions(onnx, tmp_path / "build", 8, 8))
    mvu = g.hw_nodes()[0]
    assert mvu.n_thr >= 2, mvu.thresholds
    gold = run_golden(g, split.x_test)
    np.testing.assert_array_equal(gold, predict(m, split.x_test))
    need_tool("icarus")  # and the hardware, on 60 test digits, under back-pressure
    got, _ = run_rtl(
        g, tmp_path / "build", split.x_test[:60], sim="icarus", in_pause=0.3, out_pause=0.3
    )
    np.testing.assert_array_equal(got, gold[:60])


def test_unknown_method_is_a_clear_error():
    with pytest.raises(HwgenError, match="unknown method 'xnor'"):
        Binarizer("xnor")


def test_magnitude_aware_gradient_scales_by_mean_abs_weight():
    """Bi-Real: the latent weights' gradient is scaled per output channel by mean|W_c|."""
    from hwgen.train.binarizers import magnitude_aware
    from hwgen.train.models import binary_linear

    torch.manual_seed(0)
    layer = binary_linear(6, 3)
    with torch.no_grad():
        layer.weight.copy_(
            torch.tensor([[0.5] * 6, [-0.25] * 6, [0.1, -0.1, 0.2, -0.2, 0.3, -0.3]])
        )
    x = torch.randn(5, 6)
    layer(x).sum().backward()
    plain = layer.weight.grad.clone()
    layer.weight.grad = None
    handles = magnitude_aware(layer)
    layer(x).sum().backward()
    for h in handles:
        h.remove()
    alpha = torch.tensor([0.5, 0.25, 0.2]).reshape(3, 1)
    assert torch.allclose(layer.weight.grad, plain * alpha)
    y = layer(x)  # the forward is unchanged: scale-1 signs
    assert torch.equal(y, x @ torch.sign(layer.weight).T)


def test_real_valued_pretraining_context():
    """Inside `real_valued` the net is its real twin (clip activations, float weights, no
    shortcut quantizer); outside it is binary again."""
    from hwgen.train.binarizers import real_valued
    from hwgen.train.models import build_model

    torch.manual_seed(0)
    m = build_model("bireal-mlp", (16,), 4, [8, 8], binarizer="bireal").eval()
    x = torch.randn(3, 16)
    binary = m(x)
    with real_valued(m):
        real = m(x)
        act = m.blocks[0][0]
        assert act(torch.tensor([-3.0, 0.5, 2.0])).tolist() == [-1.0, 0.5, 1.0]
        h = m.q(torch.tensor([0.3]))
        assert h.item() == pytest.approx(0.3)  # not rounded to the 0.5 grid
    assert not torch.allclose(binary, real)
    assert torch.equal(m(x), binary)


def test_shift_batchnorm_scales_are_powers_of_two(tmp_path):
    """BNN's shift-based BatchNorm: every multiplier is +-2^k; with AdaMax it trains, exports as
    Sub/Mul/Add on constants and compiles with golden == PyTorch."""
    import numpy as np

    from hwgen.execution import run_golden
    from hwgen.frontend.onnx_graph import load_clean
    from hwgen.pipeline import CompileOptions, compile_model
    from hwgen.train.binarizers import ShiftBatchNorm1d, ap2
    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, predict, train

    v = ap2(torch.tensor([3.0, -0.3, 0.75, 1.0]))
    assert v.tolist() == [4.0, -0.25, 1.0, 1.0]  # log2(0.75) = -0.415 rounds to 0
    split = load_dataset("digits", flat=True)
    torch.manual_seed(0)
    m = build_model("mlp", (64,), 10, [32], binarizer="ste", shift_bn=True)
    assert any(isinstance(x, ShiftBatchNorm1d) for x in m.modules())
    res = train(m, split, epochs=5, progress=False, binarizer="ste", optimizer="adamax")
    assert res.accuracy > 0.6
    bn = next(x for x in m.modules() if isinstance(x, ShiftBatchNorm1d))
    scale = (ap2(torch.rsqrt(bn.running_var + bn.eps)) * ap2(bn.weight)).detach().abs()
    assert torch.equal(torch.log2(scale), torch.round(torch.log2(scale)))
    onnx = export(m, (64,), tmp_path / "shift.onnx")
    ops = [n.op_type for n in load_clean(onnx).graph.node]
    assert "Sub" in ops and ops.count("BatchNormalization") == 2  # input and output BN stay plain
    g, _ = compile_model(CompileOptions(onnx, tmp_path / "build", 8, 8))
    np.testing.assert_array_equal(
        run_golden(g, split.x_test).argmax(1), predict(m, split.x_test).argmax(1)
    )


def test_unknown_optimizer_is_a_clear_error():
    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import train

    with pytest.raises(HwgenError, match="unknown 'sgd'"):
        train(
            build_model("mlp", (64,), 10, [8]),
            load_dataset("digits", flat=True),
            epochs=1,
            progress=False,
            optimizer="sgd",
        )
