"""Each binarizer's forward (what the hardware computes once trained) and backward (the
method's surrogate gradient), and that every one exports as the same BipolarQuant."""

import math

import pytest
import torch

from hwgen.errors import HwgenError
from hwgen.train.binarizers import (METHODS, ApproxSign, Binarizer, SignSTE, StochasticSign, abc_clamp,
                                    anneal_all, lr_factor, scaled_tanh)

X = torch.tensor([-2.0, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 1.5])


def _grad(fn, x=X):
    x = x.clone().requires_grad_(True)
    fn(x).sum().backward()
    return x.grad


def test_sign_ste():
    assert SignSTE.apply(X).tolist() == [-1, -1, -1, 1, 1, 1, 1, 1, 1]  # sign(0) = +1, as BipolarQuant
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
    assert lr_factor("abc", 45, 50) == pytest.approx(0.9 ** 40) and lr_factor("ste", 45, 50) == 1.0


@pytest.mark.parametrize("method", METHODS)
def test_eval_mode_is_the_exported_sign(method):
    b = Binarizer(method).eval()
    assert b(X).tolist() == SignSTE.apply(X).tolist()


def test_unknown_method_is_a_clear_error():
    with pytest.raises(HwgenError, match="unknown method 'xnor'"):
        Binarizer("xnor")
