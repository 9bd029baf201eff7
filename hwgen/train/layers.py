"""Brevitas building blocks of hwgen's models, at scales that keep PyTorch's float32 sums
exact: 1-bit and 2-bit weights of scale 1, the 8-bit input quantizer, the sign, a Bi-Real
net's fixed-point shortcut quantizer. Brevitas is imported when a block is made (it pulls in
torch)."""

from __future__ import annotations

from torch import nn

from hwgen.errors import HwgenError


def brevitas_sign():
    """Brevitas' binary activation (QONNX BipolarQuant, scale 1)."""
    from brevitas.nn import QuantIdentity  # deferred: Brevitas is heavy
    from brevitas.quant import SignedBinaryActPerTensorConst

    return QuantIdentity(act_quant=SignedBinaryActPerTensorConst, return_quant_tensor=False)


def _two_bit_weight():
    """bnn_pynq's 2-bit weight quantizer: signed, narrow range, scale 1 ({-1, 0, +1})."""
    # deferred: Brevitas pulls in torch
    from brevitas_examples.bnn_pynq.models.common import (
        CommonWeightQuant,
    )

    return CommonWeightQuant


def quant_linear(n_in: int, n_out: int, bits: int = 1):
    """A linear layer with 1-bit (`binary_linear`) or 2-bit weights of scale 1, no bias."""
    if bits == 1:
        return binary_linear(n_in, n_out)
    if bits != 2:
        raise HwgenError(f"--weight-bits: 1 or 2, not {bits}")
    # deferred: Brevitas pulls in torch
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
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d

    layer = QuantConv2d(
        c_in,
        c_out,
        k,
        bias=False,
        padding=padding,
        weight_bit_width=2,
        weight_quant=_two_bit_weight(),
    )
    nn.init.uniform_(layer.weight.data, -1, 1)  # as bnn_pynq: PyTorch's small init would round to 0
    return layer


def binary_linear(n_in: int, n_out: int):
    """A Brevitas linear layer with 1-bit weights of scale 1 and no bias.

    Brevitas' stock SignedBinaryWeightPerTensorConst has scale 0.1, which makes PyTorch's own
    float32 sums of +-0.1 inexact: a dot product of 0 can come out as -1.5e-8 and flip a sign
    that the exact integer hardware (correctly) keeps. Scale 1, as in Brevitas' bnn_pynq
    models, keeps PyTorch's arithmetic exact; BatchNorm absorbs any scale anyway.
    """
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantLinear
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    class UnitBinaryWeight(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    return QuantLinear(n_in, n_out, bias=False, weight_quant=UnitBinaryWeight)


def input_quant_8bit():
    """Brevitas' bnn_pynq input quantizer: signed 8-bit on [-1, 1 - 2^-7] (Q1.7)."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant

    return QuantIdentity(act_quant=CommonActQuant, bit_width=8, min_val=-1.0, max_val=1.0 - 2.0**-7)


def binary_conv(c_in: int, c_out: int, k: int = 3, padding=0):
    """A Brevitas 2-D convolution with 1-bit weights of scale 1, no bias, zero `padding`
    (an int, or (rows, columns))."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantConv2d
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    class UnitBinaryWeight(SignedBinaryWeightPerTensorConst):
        scaling_const = 1.0

    return QuantConv2d(c_in, c_out, k, bias=False, padding=padding, weight_quant=UnitBinaryWeight)


def shortcut_quant(bits: int = 4, scale: float = 0.5):
    """The fixed-point quantizer of a Bi-Real net's real-valued path: signed `bits`-bit, narrow
    range (+-(2^(bits-1) - 1) steps), a constant power-of-two `scale`. One instance is shared by
    every block, so both operands of each shortcut Add carry the same scale; a power of two
    keeps PyTorch's float32 sums exact, so sign(h) at h = 0 is the integer hardware's."""
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant

    top = scale * ((1 << (bits - 1)) - 1)
    q = QuantIdentity(act_quant=CommonActQuant, bit_width=bits, min_val=-top, max_val=top)
    q.hwgen_shortcut = True  # real-valued pretraining turns it off (binarizers.real_valued)
    return q
