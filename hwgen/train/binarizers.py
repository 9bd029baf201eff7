"""Binarizers of the literature, as activations that train with the method's own forward and
surrogate gradient and export as the same BipolarQuant (sign, sign(0) = +1) the hardware
computes.

`Binarizer(method)` is a module: in training mode it applies the method; in eval mode (and
when exported) it is Brevitas' binary activation, so the compiled net is always the exact
sign net. Methods whose training forward is not yet binary (ABC, scaled tanh) anneal to the
sign by the end of training (`anneal`), so what is trained is what is compiled.

The MLP binarizer (`mlp`) is the exception: its learned scalar function g is part of the
inference net (sign(g(x))), so it exports as g's own ONNX ops (Unsqueeze, MatMul, Add, Relu,
MatMul, Add, Squeeze) in front of the BipolarQuant; `hwgen compile` tabulates the whole
decision at every integer accumulator value into (interval) thresholds.
"""

from __future__ import annotations

import contextlib
import math

import torch
from torch import nn

from hwgen.errors import HwgenError
from hwgen.train.layers import brevitas_sign

METHODS = ("ste", "stochastic", "abc", "tanh", "bireal", "mlp")


def _sign(x: torch.Tensor) -> torch.Tensor:
    """+1 where x >= 0, else -1 (BipolarQuant's convention)."""
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


def _ste_grad(x: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """The straight-through estimator of BNN: the gradient passes where |x| <= 1."""
    return g * (x.abs() <= 1).to(g.dtype)


class SignSTE(torch.autograd.Function):
    """BNN (Courbariaux, Hubara, Soudry, El-Yaniv, Bengio 2016, "Binarized Neural Networks"):
    forward sign(x); backward the straight-through estimator g * 1{|x| <= 1}."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _sign(x)

    @staticmethod
    def backward(ctx, g):
        return _ste_grad(ctx.saved_tensors[0], g)


class StochasticSign(torch.autograd.Function):
    """BNN's stochastic binarization: +1 with probability hard_sigmoid(x) = clip((x+1)/2, 0, 1),
    else -1; backward the same straight-through estimator as SignSTE."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        p = ((x + 1) / 2).clamp(0, 1)
        return torch.where(torch.rand_like(x) < p, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, g):
        return _ste_grad(ctx.saved_tensors[0], g)


class ApproxSign(SignSTE):
    """Bi-Real Net (Liu, Wu, Luo, Yang, Liu, Cheng 2018): forward sign(x) (SignSTE's); backward
    the derivative of the piecewise quadratic ApproxSign, 2 + 2x on [-1, 0), 2 - 2x on [0, 1),
    0 elsewhere."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (2 - 2 * x.abs()).clamp(min=0)


def abc_clamp(x: torch.Tensor, r: float) -> torch.Tensor:
    """ABC, approximately binary clamping (after Wu & Luo): clamp(x / r, -1, 1), linear with
    slope 1/r on [-r, r]; as r -> 0 it becomes sign(x). At r = 0 it is the sign with the
    straight-through gradient, so training ends on the exact binary function."""
    if r <= 0:
        return SignSTE.apply(x)
    return (x / r).clamp(-1, 1)


def scaled_tanh(x: torch.Tensor, beta: float) -> torch.Tensor:
    """The adaptive scaled-tanh baseline ABC is compared against: tanh(beta * x) with beta
    grown during training; beta = inf is the sign (straight-through gradient)."""
    if math.isinf(beta):
        return SignSTE.apply(x)
    return torch.tanh(beta * x)


class ScalarMLP(nn.Module):
    """Binarizing by Classification (He, Zhang, Wu, Zhou 2022, arXiv:2205.07433): a small MLP
    g: R -> R (1 -> hidden -> 1, ReLU) applied to every scalar, whose sign is the binary
    decision (a classifier) in the forward pass and whose own derivative is the gradient
    estimator in the backward pass (through the straight-through clip 1{|g| <= 1}).

    It starts as the identity, g(x) = relu(x) - relu(-x), so training starts from plain STE;
    the other hidden units start with small output weights and are learned. g need not stay
    monotone: the compiled decision may switch more than once (interval thresholds)."""

    def __init__(self, hidden: int = 8):
        super().__init__()
        if hidden < 2:
            raise HwgenError(f"the MLP binarizer needs at least 2 hidden units, not {hidden}")
        self.fc1, self.fc2 = nn.Linear(1, hidden), nn.Linear(hidden, 1)
        with torch.no_grad():
            self.fc1.weight[:2, 0] = torch.tensor([1.0, -1.0])
            self.fc1.bias[:2] = 0.0
            self.fc2.weight.mul_(0.05)
            self.fc2.weight[0, :2] = torch.tensor([1.0, -1.0])
            self.fc2.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """g applied to every scalar of x (any shape)."""
        return self.fc2(torch.relu(self.fc1(x.unsqueeze(-1)))).squeeze(-1)


class Binarizer(nn.Module):
    """A binary activation trained by `method` (one of METHODS), exported as BipolarQuant."""

    def __init__(self, method: str = "ste"):
        super().__init__()
        if method not in METHODS:
            raise HwgenError(
                f"--binarizer: unknown method '{method}' (available: {', '.join(METHODS)})"
            )
        self.method = method
        self.quant = brevitas_sign()  # eval and export: Brevitas' sign, scale 1
        self.r = 1.0  # ABC: half-width of the linear part
        self.beta = 1.0  # scaled tanh: slope
        self.mlp = ScalarMLP() if method == "mlp" else None
        self.real_valued = False  # Bi-Real's pretraining: clip(x, -1, 1) instead of a sign

    def anneal(self, epoch: int, epochs: int) -> None:
        """Per-epoch schedule. ABC: r = 0.9^epoch, and exactly 0 for the last fifth of
        training; tanh: beta = 1.15^epoch, and infinite (the sign) for the last fifth."""
        binary_from = int(0.8 * epochs)
        self.r = 0.0 if epoch >= binary_from else 0.9**epoch
        self.beta = math.inf if epoch >= binary_from else 1.15**epoch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.real_valued:
            return x.clamp(-1, 1)
        if self.mlp is not None:  # the learned function is part of the inference net
            g = self.mlp(x)
            return self.quant(g) if not self.training else SignSTE.apply(g)
        if not self.training:
            return self.quant(x)
        if self.method == "ste":
            return SignSTE.apply(x)
        if self.method == "stochastic":
            return StochasticSign.apply(x)
        if self.method == "bireal":
            return ApproxSign.apply(x)
        if self.method == "abc":
            return abc_clamp(x, self.r)
        return scaled_tanh(x, self.beta)


def anneal_all(model: nn.Module, epoch: int, epochs: int) -> None:
    """Advance every Binarizer's schedule (the trainer calls it at each epoch's start)."""
    for m in model.modules():
        if isinstance(m, Binarizer):
            m.anneal(epoch, epochs)


def lr_factor(method: str, epoch: int, epochs: int) -> float:
    """ABC decays the learning rate with the clamp's width (r and the step shrink together);
    the others keep the trainer's cosine schedule alone."""
    return 0.9 ** min(epoch, int(0.8 * epochs)) if method == "abc" else 1.0


def clip_latent_weights(model: nn.Module) -> None:
    """BNN: keep the real-valued latent weights of binary layers in [-1, 1] after each step
    (beyond it the sign cannot change and the straight-through gradient is cut anyway)."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d, QuantLinear

    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (QuantLinear, QuantConv2d)):
                m.weight.clamp_(-1, 1)


@contextlib.contextmanager
def real_valued(model: nn.Module):
    """Bi-Real's clip-based pretraining: inside, the net is its real-valued twin (binarizers
    are clip(x, -1, 1), binary weights and fixed-point activations unquantized), so training
    it initializes the binary net from a real-valued one trained with the same clip."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d, QuantLinear

    # (module, attribute) switches: binarizers to clip, weight and shortcut quantizers off
    switches = [(m, "real_valued") for m in model.modules() if isinstance(m, Binarizer)]
    switches += [
        (m.weight_quant, "disable_quant")
        for m in model.modules()
        if isinstance(m, (QuantLinear, QuantConv2d))
    ]
    switches += [
        (m.act_quant, "disable_quant")
        for m in model.modules()
        if getattr(m, "hwgen_shortcut", False)
    ]
    for obj, name in switches:
        setattr(obj, name, True)
    try:
        yield model
    finally:
        for obj, name in switches:
            setattr(obj, name, False)


def magnitude_aware(model: nn.Module) -> list:
    """Bi-Real's magnitude-aware weight gradient: the binary weight is mean|W_c| * sign(W_c)
    per output channel c, so the latent weights' gradient is scaled by mean|W_c|. The forward
    keeps scale 1 (the BatchNorm after every layer absorbs a per-channel scale, and the
    compiled net is the same); hooks on the latent weights apply the scale. Returns the hook
    handles (call .remove() on each when training ends)."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d, QuantLinear

    handles = []
    for m in model.modules():
        if isinstance(m, (QuantLinear, QuantConv2d)):
            w = m.weight

            def scale(g, w=w):
                alpha = w.detach().abs().reshape(w.shape[0], -1).mean(dim=1)
                return g * alpha.reshape((-1,) + (1,) * (g.dim() - 1))

            handles.append(w.register_hook(scale))
    return handles


def ap2(x: torch.Tensor) -> torch.Tensor:
    """BNN's power-of-two approximation: sign(x) * 2^round(log2|x|) (AP2 in Hubara et al.)."""
    return torch.sign(x) * torch.pow(2.0, torch.round(torch.log2(x.abs().clamp_min(1e-30))))


class _AP2(torch.autograd.Function):
    """AP2 forward, identity gradient (the rounding is straight-through)."""

    @staticmethod
    def forward(ctx, x):
        return ap2(x)

    @staticmethod
    def backward(ctx, g):
        return g


class ShiftBatchNorm1d(nn.BatchNorm1d):
    """Shift-based BatchNorm (Hubara, Courbariaux et al. 2016, "Binarized Neural Networks",
    Algorithm 3): the normalization's multiplications are shifts, y = (x - mean) *
    AP2(1/sqrt(var + eps)) * AP2(gamma) + beta, with batch statistics in training and running
    ones in eval, as BatchNorm1d. Before a sign it folds into thresholds like any BatchNorm;
    it exports as Sub/Mul/Add on constants."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Normalize (N, C) with power-of-two multipliers."""
        if self.training:
            mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)
            with torch.no_grad():
                m = self.momentum
                self.running_mean.mul_(1 - m).add_(m * mean)
                self.running_var.mul_(1 - m).add_(m * x.var(dim=0, unbiased=True))
            inv = _AP2.apply(torch.rsqrt(var + self.eps))
            return (x - mean) * inv * _AP2.apply(self.weight) + self.bias
        # the scale is a function of constants only: the export folds it into one Mul constant
        inv = ap2(torch.rsqrt(self.running_var + self.eps))
        return (x - self.running_mean) * (inv * ap2(self.weight)) + self.bias
