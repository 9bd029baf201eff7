"""Binary model zoo (Brevitas): 1-bit weights and activations (or 2-bit ones, as bnn_pynq's
W1A2 and W2A2 nets), BatchNorm before every quantizer.

Every model keeps to what `hwgen compile` accepts: host affine -> a quantizer on the input,
then (QuantLinear -> BatchNorm -> BipolarQuant or 2-bit Quant)* -> QuantLinear -> final affine.
"""

from __future__ import annotations

import torch
from torch import nn

from hwgen.errors import HwgenError
from hwgen.train.activations import binary_act, quant_act
from hwgen.train.binarizers import METHODS, ShiftBatchNorm1d
from hwgen.train.bireal_cnn import BiRealCNN
from hwgen.train.layers import (
    binary_linear,
    input_quant_8bit,
    quant_conv,
    quant_linear,
    shortcut_quant,
)

MODELS = ("mlp", "cnn", "bireal-mlp", "bireal-cnn")


class BinaryCNN(nn.Module):
    """W1A1 CNN in the shape of Brevitas' bnn_pynq CNV, sized for 8x8 digits: 2x-1 and an
    8-bit input quantizer on the host side of the first layer, 3x3 binary convolutions with
    BatchNorm + sign, a 2x2 binary max-pool, binary FC layers, a final BatchNorm."""

    def __init__(
        self,
        in_ch: int,
        num_classes: int,
        channels=(32, 64),
        fc=(128,),
        dropout: float = 0.1,
        binarizer: str | None = None,
        weight_bits: int = 1,
        act_bits: int = 1,
    ):
        super().__init__()
        self.input_quant = input_quant_8bit()
        conv: list[nn.Module] = []
        c = in_ch
        for co in channels:
            conv += [
                quant_conv(c, co, bits=weight_bits),
                nn.BatchNorm2d(co),
                quant_act(act_bits, binarizer),
            ]
            c = co
        conv.append(nn.MaxPool2d(2))
        self.conv = nn.Sequential(*conv)
        self.flat_features = c * 2 * 2  # 8 -> 6 -> 4 -> pool 2
        fcs: list[nn.Module] = []
        n = self.flat_features
        for h in fc:
            fcs += [
                quant_linear(n, h, weight_bits),
                nn.BatchNorm1d(h),
                quant_act(act_bits, binarizer),
                nn.Dropout(dropout),
            ]
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

    def __init__(
        self,
        in_features: int,
        hidden: list[int],
        num_classes: int,
        dropout: float = 0.1,
        binarizer: str | None = None,
        input_bits: int = 1,
        shift_bn: bool = False,
        weight_bits: int = 1,
        act_bits: int = 1,
    ):
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
            layers += [
                quant_linear(n, h, weight_bits),
                bn(h),
                quant_act(act_bits, binarizer),
                nn.Dropout(dropout),
            ]
            n = h
        layers += [quant_linear(n, num_classes, weight_bits), nn.BatchNorm1d(num_classes)]
        self.features = nn.Sequential(*layers)
        self.in_features = in_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x.reshape(x.shape[0], -1))


class BiRealMLP(nn.Module):
    """Bi-Real Net (Liu, Wu, Luo, Yang, Liu, Cheng 2018) as an MLP: a binary stem layer, then
    `blocks` binary layers each with a real-valued shortcut around it,
        h_l = h_{l-1} + q(BN_l(W_l sign(h_{l-1}))),
    then sign(h_L) into the binary classifier. q is a shared `bits`-bit fixed-point quantizer
    (the hardware adds integers: the paper's real-valued path, in fixed point), and sign(h)
    is `binarizer`'s activation (ApproxSign for the paper's recipe)."""

    def __init__(
        self,
        in_features: int,
        width: int,
        blocks: int,
        num_classes: int,
        binarizer: str | None = "bireal",
        bits: int = 4,
        dropout: float = 0.1,
        input_bits: int = 1,
    ):
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
            nn.Sequential(
                binary_act(binarizer),
                nn.Dropout(dropout),
                binary_linear(width, width),
                nn.BatchNorm1d(width),
            )
            for _ in range(blocks)
        )
        self.head = nn.Sequential(
            binary_act(binarizer), binary_linear(width, num_classes), nn.BatchNorm1d(num_classes)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.input(x.reshape(x.shape[0], -1))
        h = self.q(self.stem(x))
        for block in self.blocks:
            h = h + self.q(block(h))
        return self.head(h)


def build_model(
    name: str,
    in_shape: tuple[int, ...],
    num_classes: int,
    hidden: list[int] | None = None,
    binarizer: str | None = None,
    input_bits: int = 1,
    shift_bn: bool = False,
    weight_bits: int = 1,
    act_bits: int = 1,
):
    """A model of the zoo by name, sized for the data set; `binarizer` picks the training
    method of its binary activations (hwgen.train.binarizers.METHODS; None: Brevitas');
    `weight_bits` and `act_bits` (1 or 2) the precision of the mlp's and cnn's hidden layers."""
    if (weight_bits, act_bits) != (1, 1) and name not in ("mlp", "cnn"):
        raise HwgenError(f"--weight-bits/--act-bits: only for --model mlp or cnn, not {name}")
    if binarizer is not None:
        if binarizer not in METHODS:
            raise HwgenError(
                f"--binarizer: unknown method '{binarizer}' (available: {', '.join(METHODS)})"
            )
    if name == "mlp":
        n_in = 1
        for d in in_shape:
            n_in *= d
        return BinaryMLP(
            n_in,
            hidden or [256, 128],
            num_classes,
            binarizer=binarizer,
            input_bits=input_bits,
            shift_bn=shift_bn,
            weight_bits=weight_bits,
            act_bits=act_bits,
        )
    if shift_bn and name != "mlp":
        raise HwgenError(f"--shift-bn: only for --model mlp, not {name}")
    if name == "bireal-mlp":
        n_in = 1
        for d in in_shape:
            n_in *= d
        widths = hidden or [128, 128, 128]
        if len(set(widths)) != 1:
            raise HwgenError(
                f"--model bireal-mlp: the shortcuts need equal widths, got --hidden {widths}"
            )
        return BiRealMLP(
            n_in,
            widths[0],
            len(widths) - 1,
            num_classes,
            binarizer=binarizer or "bireal",
            input_bits=input_bits,
        )
    if name == "bireal-cnn":
        if len(in_shape) != 3 or in_shape[1] != in_shape[2] or in_shape[1] not in (8, 16):
            raise HwgenError(
                "--model bireal-cnn: expects 8x8 or 16x16 images (C, S, S), the data set gives "
                f"{in_shape}"
            )
        return BiRealCNN(in_shape[0], in_shape[1], num_classes, binarizer=binarizer or "bireal")
    if name == "cnn":
        if len(in_shape) != 3 or tuple(in_shape[1:]) != (8, 8):
            raise HwgenError(
                f"--model cnn: expects 8x8 images (C, 8, 8), the data set gives {in_shape}"
            )
        return BinaryCNN(
            in_shape[0],
            num_classes,
            binarizer=binarizer,
            weight_bits=weight_bits,
            act_bits=act_bits,
        )
    raise HwgenError(f"--model: unknown model '{name}' (available: {', '.join(MODELS)})")
