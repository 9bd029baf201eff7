"""Bi-Real Net (Liu, Wu, Luo, Yang, Liu, Cheng 2018) as a small CNN for 8x8 or 16x16 images.

A binary ResNet whose real-valued path h is fixed point (one shared k-bit quantizer q of a
power-of-two scale, so the hardware adds integers and PyTorch's float32 sums stay exact):
    stem:         h = q(BN(conv3x3_pad1(q8(2x - 1))))          (an 8-bit Q1.7 input)
    block:        h = h + q(BN(conv3x3_pad1(sign(h))))
    downsampling: h = q(BN(conv1x1(AvgPool2d(2)(h)))) + q(BN(conv3x3_stride2_pad1(sign(h))))
    head:         BN(fc(flatten(sign(h))))
Every convolution and the classifier have bipolar weights of scale 1; sign(h) is the
binarizer's activation (ApproxSign for the paper's recipe).
"""

from __future__ import annotations

import torch
from torch import nn

from hwgen.errors import HwgenError
from hwgen.train.activations import binary_act
from hwgen.train.layers import binary_linear, input_quant_8bit, shortcut_quant

#: the default plan for 8x8 digits: a block at 16 channels, a downsampling block to 32, a block
DEFAULT_PLAN = ("block", "down", "block")


def _conv(c_in: int, c_out: int, k: int, stride: int = 1, padding: int = 0):
    """A 2-D convolution with bipolar weights of scale 1, no bias."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    class UnitBinaryWeight(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    return QuantConv2d(
        c_in, c_out, k, stride=stride, bias=False, padding=padding, weight_quant=UnitBinaryWeight
    )


class _Block(nn.Module):
    """h + q(BN(conv3x3(sign(h)))), or (downsampling) q(BN(conv1x1(avgpool2(h)))) +
    q(BN(conv3x3/2(sign(h)))), with the net's shared quantizer q."""

    def __init__(self, c_in: int, c_out: int, down: bool, binarizer: str | None, q: nn.Module):
        super().__init__()
        self.down, self.q = down, [q]  # a list: q is the net's module, registered there once
        self.body = nn.Sequential(
            binary_act(binarizer), _conv(c_in, c_out, 3, 2 if down else 1, 1), nn.BatchNorm2d(c_out)
        )
        if down:
            self.shortcut = nn.Sequential(
                nn.AvgPool2d(2), _conv(c_in, c_out, 1), nn.BatchNorm2d(c_out)
            )

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        q = self.q[0]
        if self.down:
            return q(self.shortcut(h)) + q(self.body(h))
        return h + q(self.body(h))


class BiRealCNN(nn.Module):
    """The Bi-Real CNN above: `channels` at the stem, doubled by every "down" of `plan`."""

    def __init__(
        self,
        in_ch: int,
        size: int,
        num_classes: int,
        channels: int = 16,
        plan=DEFAULT_PLAN,
        binarizer: str | None = "bireal",
        bits: int = 4,
    ):
        super().__init__()
        if size % (1 << sum(p == "down" for p in plan)):
            raise HwgenError(
                f"--model bireal-cnn: {size}x{size} images do not halve {plan.count('down')} times"
            )
        self.input_quant = input_quant_8bit()
        self.q = shortcut_quant(bits)
        self.stem = nn.Sequential(_conv(in_ch, channels, 3, 1, 1), nn.BatchNorm2d(channels))
        blocks, c = [], channels
        for p in plan:
            if p not in ("block", "down"):
                raise HwgenError(f"bireal-cnn plan: '{p}' is neither 'block' nor 'down'")
            c_out = 2 * c if p == "down" else c
            blocks.append(_Block(c, c_out, p == "down", binarizer, self.q))
            size //= 2 if p == "down" else 1
            c = c_out
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Sequential(
            binary_act(binarizer),
            nn.Flatten(),
            binary_linear(c * size * size, num_classes),
            nn.BatchNorm1d(num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.q(self.stem(self.input_quant(2.0 * x - 1.0)))
        for block in self.blocks:
            h = block(h)
        return self.head(h)
