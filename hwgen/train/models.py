"""Binary model zoo (Brevitas): 1-bit weights and activations (or 2-bit ones, as bnn_pynq's
W1A2 and W2A2 nets), BatchNorm before every quantizer.

Every model keeps to what `hwgen compile` accepts: host affine -> a quantizer on the input,
then (QuantLinear -> BatchNorm -> BipolarQuant or 2-bit Quant)* -> QuantLinear -> final affine.
"""

from __future__ import annotations

import torch
from torch import nn

from hwgen.errors import HwgenError

MODELS = ("mlp", "cnn", "bireal-mlp", "bireal-cnn")


def binary_act(method: str | None = None):
    """A binary activation that exports as QONNX BipolarQuant (scale 1): Brevitas' own, or
    a `hwgen.train.binarizers.Binarizer` that trains with `method`'s forward and gradient."""
    if method is not None:
        from hwgen.train.binarizers import Binarizer
        return Binarizer(method)
    from brevitas.nn import QuantIdentity
    from brevitas.quant import SignedBinaryActPerTensorConst
    return QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=False)


def quant_act(bits: int = 1, method: str | None = None):
    """The activation quantizer of a hidden layer: binary (`binary_act`), or bnn_pynq's 2-bit
    one (signed, narrow range: {-1, 0, +1} at scale 1, so PyTorch's sums stay exact)."""
    if bits == 1:
        return binary_act(method)
    if method is not None:
        raise HwgenError(f"--binarizer {method}: the binarizers train 1-bit activations, not {bits}-bit ones")
    if bits != 2:
        raise HwgenError(f"--act-bits: 1 or 2, not {bits}")
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant
    return QuantIdentity(act_quant=CommonActQuant, bit_width=2, return_quant_tensor=False)


def _two_bit_weight():
    """bnn_pynq's 2-bit weight quantizer: signed, narrow range, scale 1 ({-1, 0, +1})."""
    from brevitas_examples.bnn_pynq.models.common import CommonWeightQuant
    return CommonWeightQuant


def quant_linear(n_in: int, n_out: int, bits: int = 1):
    """A linear layer with 1-bit (`binary_linear`) or 2-bit weights of scale 1, no bias."""
    if bits == 1:
        return binary_linear(n_in, n_out)
    if bits != 2:
        raise HwgenError(f"--weight-bits: 1 or 2, not {bits}")
    from brevitas.nn import QuantLinear
    layer = QuantLinear(n_in, n_out, bias=False, weight_bit_width=2, weight_quant=_two_bit_weight())
    nn.init.uniform_(layer.weight.data, -1, 1)  # as bnn_pynq: PyTorch's small init would round to 0
    return layer


def quant_conv(c_in: int, c_out: int, k: int = 3, padding=0, bits: int = 1):
    """A 2-D convolution with 1-bit (`binary_conv`) or 2-bit weights of scale 1, no bias."""
    if bits == 1:
        return binary_conv(c_in, c_out, k, padding)
    if bits != 2:
        raise HwgenError(f"--weight-bits: 1 or 2, not {bits}")
    from brevitas.nn import QuantConv2d
    layer = QuantConv2d(c_in, c_out, k, bias=False, padding=padding, weight_bit_width=2,
                        weight_quant=_two_bit_weight())
    nn.init.uniform_(layer.weight.data, -1, 1)  # as bnn_pynq: PyTorch's small init would round to 0
    return layer


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


def input_quant_8bit():
    """Brevitas' bnn_pynq input quantizer: signed 8-bit on [-1, 1 - 2^-7] (Q1.7)."""
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant
    return QuantIdentity(act_quant=CommonActQuant, bit_width=8, min_val=-1.0, max_val=1.0 - 2.0 ** -7)


def binary_conv(c_in: int, c_out: int, k: int = 3, padding=0):
    """A Brevitas 2-D convolution with 1-bit weights of scale 1, no bias, zero `padding`
    (an int, or (rows, columns))."""
    from brevitas.nn import QuantConv2d
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    class UnitBinaryWeight(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    return QuantConv2d(c_in, c_out, k, bias=False, padding=padding, weight_quant=UnitBinaryWeight)


class BinaryCNN(nn.Module):
    """W1A1 CNN in the shape of Brevitas' bnn_pynq CNV, sized for 8x8 digits: 2x-1 and an
    8-bit input quantizer on the host side of the first layer, 3x3 binary convolutions with
    BatchNorm + sign, a 2x2 binary max-pool, binary FC layers, a final BatchNorm."""

    def __init__(self, in_ch: int, num_classes: int, channels=(32, 64), fc=(128,), dropout: float = 0.1,
                 binarizer: str | None = None, weight_bits: int = 1, act_bits: int = 1):
        super().__init__()
        self.input_quant = input_quant_8bit()
        conv: list[nn.Module] = []
        c = in_ch
        for co in channels:
            conv += [quant_conv(c, co, bits=weight_bits), nn.BatchNorm2d(co), quant_act(act_bits, binarizer)]
            c = co
        conv.append(nn.MaxPool2d(2))
        self.conv = nn.Sequential(*conv)
        self.flat_features = c * 2 * 2  # 8 -> 6 -> 4 -> pool 2
        fcs: list[nn.Module] = []
        n = self.flat_features
        for h in fc:
            fcs += [quant_linear(n, h, weight_bits), nn.BatchNorm1d(h), quant_act(act_bits, binarizer),
                    nn.Dropout(dropout)]
            n = h
        fcs += [quant_linear(n, num_classes, weight_bits), nn.BatchNorm1d(num_classes)]
        self.fc = nn.Sequential(*fcs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input_quant(2.0 * x - 1.0)
        x = self.conv(x)
        return self.fc(x.reshape(x.shape[0], -1))


def _batch_norm(shift: bool):
    """BatchNorm1d, or BNN's shift-based BatchNorm (binarizers.ShiftBatchNorm1d)."""
    if shift:
        from hwgen.train.binarizers import ShiftBatchNorm1d
        return ShiftBatchNorm1d
    return nn.BatchNorm1d


class _TwoXMinusOne(nn.Module):
    """[0, 1] pixels to [-1, 1] (runs on the host, like the CNN's)."""

    def forward(self, x):
        return 2.0 * x - 1.0


class BinaryMLP(nn.Module):
    """W1A1 MLP: input BatchNorm (a learned per-pixel threshold, run on the host) and sign,
    hidden binary layers with BatchNorm + sign, a binary output layer and a final BatchNorm
    as the per-class affine (like Brevitas' TensorNorm, per channel)."""

    def __init__(self, in_features: int, hidden: list[int], num_classes: int, dropout: float = 0.1,
                 binarizer: str | None = None, input_bits: int = 1, shift_bn: bool = False,
                 weight_bits: int = 1, act_bits: int = 1):
        super().__init__()
        bn = _batch_norm(shift_bn)
        if input_bits == 8:  # 2x-1 then bnn_pynq's 8-bit input quantizer: an integer first layer
            layers: list[nn.Module] = [_TwoXMinusOne(), input_quant_8bit()]
        elif input_bits == 1:
            layers = [nn.BatchNorm1d(in_features), binary_act(binarizer)]
        else:
            raise HwgenError(f"--input-bits: 1 or 8, not {input_bits}")
        n = in_features
        for h in hidden:
            layers += [quant_linear(n, h, weight_bits), bn(h), quant_act(act_bits, binarizer), nn.Dropout(dropout)]
            n = h
        layers += [quant_linear(n, num_classes, weight_bits), nn.BatchNorm1d(num_classes)]
        self.features = nn.Sequential(*layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x.reshape(x.shape[0], -1))


def shortcut_quant(bits: int = 4, scale: float = 0.5):
    """The fixed-point quantizer of a Bi-Real net's real-valued path: signed `bits`-bit, narrow
    range (+-(2^(bits-1) - 1) steps), a constant power-of-two `scale`. One instance is shared by
    every block, so both operands of each shortcut Add carry the same scale; a power of two
    keeps PyTorch's float32 sums exact, so sign(h) at h = 0 is the integer hardware's."""
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant
    top = scale * ((1 << (bits - 1)) - 1)
    q = QuantIdentity(act_quant=CommonActQuant, bit_width=bits, min_val=-top, max_val=top)
    q.hwgen_shortcut = True  # real-valued pretraining turns it off (binarizers.real_valued)
    return q


class BiRealMLP(nn.Module):
    """Bi-Real Net (Liu, Wu, Luo, Yang, Liu, Cheng 2018) as an MLP: a binary stem layer, then
    `blocks` binary layers each with a real-valued shortcut around it,
        h_l = h_{l-1} + q(BN_l(W_l sign(h_{l-1}))),
    then sign(h_L) into the binary classifier. q is a shared `bits`-bit fixed-point quantizer
    (the hardware adds integers: the paper's real-valued path, in fixed point), and sign(h)
    is `binarizer`'s activation (ApproxSign for the paper's recipe)."""

    def __init__(self, in_features: int, width: int, blocks: int, num_classes: int, binarizer: str | None = "bireal",
                 bits: int = 4, dropout: float = 0.1, input_bits: int = 1):
        super().__init__()
        if input_bits == 8:  # as BinaryMLP: 8-bit pixels into an integer first layer
            self.input = nn.Sequential(_TwoXMinusOne(), input_quant_8bit())
        elif input_bits == 1:
            self.input = nn.Sequential(nn.BatchNorm1d(in_features), binary_act(binarizer))
        else:
            raise HwgenError(f"--input-bits: 1 or 8, not {input_bits}")
        self.q = shortcut_quant(bits)
        self.stem = nn.Sequential(binary_linear(in_features, width), nn.BatchNorm1d(width))
        self.blocks = nn.ModuleList(
            nn.Sequential(binary_act(binarizer), nn.Dropout(dropout), binary_linear(width, width),
                          nn.BatchNorm1d(width)) for _ in range(blocks))
        self.head = nn.Sequential(binary_act(binarizer), binary_linear(width, num_classes), nn.BatchNorm1d(num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input(x.reshape(x.shape[0], -1))
        h = self.q(self.stem(x))
        for block in self.blocks:
            h = h + self.q(block(h))
        return self.head(h)


def build_model(name: str, in_shape: tuple[int, ...], num_classes: int, hidden: list[int] | None = None,
                binarizer: str | None = None, input_bits: int = 1, shift_bn: bool = False,
                weight_bits: int = 1, act_bits: int = 1):
    """A model of the zoo by name, sized for the data set; `binarizer` picks the training
    method of its binary activations (hwgen.train.binarizers.METHODS; None: Brevitas');
    `weight_bits` and `act_bits` (1 or 2) the precision of the mlp's and cnn's hidden layers."""
    if (weight_bits, act_bits) != (1, 1) and name not in ("mlp", "cnn"):
        raise HwgenError(f"--weight-bits/--act-bits: only for --model mlp or cnn, not {name}")
    if binarizer is not None:
        from hwgen.train.binarizers import METHODS
        if binarizer not in METHODS:
            raise HwgenError(f"--binarizer: unknown method '{binarizer}' (available: {', '.join(METHODS)})")
    if name == "mlp":
        n_in = 1
        for d in in_shape:
            n_in *= d
        return BinaryMLP(n_in, hidden or [256, 128], num_classes, binarizer=binarizer, input_bits=input_bits,
                         shift_bn=shift_bn, weight_bits=weight_bits, act_bits=act_bits)
    if shift_bn and name != "mlp":
        raise HwgenError(f"--shift-bn: only for --model mlp, not {name}")
    if name == "bireal-mlp":
        n_in = 1
        for d in in_shape:
            n_in *= d
        widths = hidden or [128, 128, 128]
        if len(set(widths)) != 1:
            raise HwgenError(f"--model bireal-mlp: the shortcuts need equal widths, got --hidden {widths}")
        return BiRealMLP(n_in, widths[0], len(widths) - 1, num_classes, binarizer=binarizer or "bireal",
                         input_bits=input_bits)
    if name == "bireal-cnn":
        if len(in_shape) != 3 or in_shape[1] != in_shape[2] or in_shape[1] not in (8, 16):
            raise HwgenError(f"--model bireal-cnn: expects 8x8 or 16x16 images (C, S, S), the data set gives {in_shape}")
        from hwgen.train.bireal_cnn import BiRealCNN
        return BiRealCNN(in_shape[0], in_shape[1], num_classes, binarizer=binarizer or "bireal")
    if name == "cnn":
        if len(in_shape) != 3 or tuple(in_shape[1:]) != (8, 8):
            raise HwgenError(f"--model cnn: expects 8x8 images (C, 8, 8), the data set gives {in_shape}")
        return BinaryCNN(in_shape[0], num_classes, binarizer=binarizer, weight_bits=weight_bits, act_bits=act_bits)
    raise HwgenError(f"--model: unknown model '{name}' (available: {', '.join(MODELS)})")
