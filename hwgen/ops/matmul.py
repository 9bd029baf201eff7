"""BinaryMatMul: a quantized matrix product as imported (bipolar or k-bit inputs, bipolar or
2-bit weights), before lowering to XnorMVU."""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.golden import xnor_popcount
from hwgen.ir.graph import Node, register_op
from hwgen.ops.matrix import BinaryMatrixShape


@register_op
@dataclasses.dataclass
class BinaryMatMul(BinaryMatrixShape, Node):
    """y[c] = scale[c] * dot(x, w[c]) for bipolar (bits) or integer x and weights w (MH x MW):
    bipolar bits (weight_bits 1) or signed integers (weight_bits > 1, their values).

    `scale` is the product of the activation and weight quantizer scales (positive).
    """

    weights: np.ndarray = None  # uint8 bits, or int8 values where weight_bits > 1, (MH, MW)
    weight_bits: int = 1
    scale: np.ndarray = None  # float64, (MH,)
    in_bits: int = 1  # 1: bipolar input; > 1: integer input (first layer)
    in_signed: bool = False
    pixels: int = 1  # vectors per frame (convolution output pixels)
    window: dict | None = None  # a zero-padded bipolar convolution's geometry (ops.padding)

    has_kernel = False  # lowered into an XnorMVU (passes.thresholds) before code generation

    def validate(self) -> None:
        if self.weights.ndim != 2 or self.scale.shape != (self.mh,):
            raise self.fail(f"weights {self.weights.shape} / scale {self.scale.shape} mismatch")
        if np.any(self.scale <= 0):
            raise self.fail("quantizer scales must be positive")
        if self.window and not self.xnor:
            raise self.fail(
                "zero padding of bipolar inputs needs bipolar weights (pad bits would meet "
                f"{self.weight_bits}-bit weights); quantize the input to 2 or more bits"
            )

    def dot(self, x: np.ndarray) -> np.ndarray:
        """Integer dot products, (..., MH): 2*popcount(XNOR) - MW for bits times bits, the
        sum of products otherwise."""
        if self.window:  # pad positions count 0: the true zero-padded convolution
            return self.true_dot(x, self.weights)
        lead = x.shape[:-1]
        x = x.reshape(-1, self.mw)
        if self.xnor:
            d = 2 * xnor_popcount(x, self.weights) - self.mw
        else:
            d = self.int_dot(x)
        return d.reshape(lead + (self.mh,))

    def golden(self, x: np.ndarray) -> np.ndarray:
        return (self.dot(x).astype(np.float32) * self.scale.astype(np.float32)).astype(np.float32)
