"""Binary model zoo (Brevitas): 1-bit weights and activations, BatchNorm before every sign.

Every model keeps to what `hwgen compile` accepts: host affine -> BipolarQuant on the input,
then (QuantLinear -> BatchNorm -> BipolarQuant)* -> QuantLinear -> final affine.
"""

from __future__ import annotations

import torch
from torch import nn

from hwgen.errors import HwgenError

MODELS = ("mlp",)


def binary_act():
    """A Brevitas binary activation (exports as QONNX BipolarQuant, scale 1)."""
    from brevitas.nn import QuantIdentity
    from brevitas.quant import SignedBinaryActPerTensorConst
    return QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=False)


def binary_linear(n_in: int, n_out: int):
    """A Brevitas linear layer with 1-bit weights of scale 1 and no bias.

    Brevitas' stock SignedBinaryWeightPerTensorConst has scale 0.1, which makes PyTorch's own
    float32 sums of +-0.1 inexact: a dot product of 0 can come out as -1.5e-8 and flip a sign
    that the exact integer hardware (correctly) keeps. Scale 1, as in Brevitas' bnn_pynq
    models, keeps PyTorch's arithmetic exact; BatchNorm absorbs any scale anyway.
    """
    from brevitas.nn import QuantLinear
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    class UnitBinaryWeight(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    return QuantLinear(n_in, n_out, bias=False, weight_quant=UnitBinaryWeight)


class BinaryMLP(nn.Module):
    """W1A1 MLP: input BatchNorm (a learned per-pixel threshold, run on the host) and sign,
    hidden binary layers with BatchNorm + sign, a binary output layer and a final BatchNorm
    as the per-class affine (like Brevitas' TensorNorm, per channel)."""

    def __init__(self, in_features: int, hidden: list[int], num_classes: int, dropout: float = 0.1):
        super().__init__()
        layers: list[nn.Module] = [nn.BatchNorm1d(in_features), binary_act()]
        n = in_features
        for h in hidden:
            layers += [binary_linear(n, h), nn.BatchNorm1d(h), binary_act(), nn.Dropout(dropout)]
            n = h
        layers += [binary_linear(n, num_classes), nn.BatchNorm1d(num_classes)]
        self.features = nn.Sequential(*layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x.reshape(x.shape[0], -1))


def build_model(name: str, in_shape: tuple[int, ...], num_classes: int, hidden: list[int] | None = None):
    """A model of the zoo by name, sized for the data set."""
    if name == "mlp":
        n_in = 1
        for d in in_shape:
            n_in *= d
        return BinaryMLP(n_in, hidden or [256, 128], num_classes)
    raise HwgenError(f"--model: unknown model '{name}' (available: {', '.join(MODELS)})")
