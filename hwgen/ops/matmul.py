"""BinaryMatMul: a bipolar x bipolar matrix product as imported, before lowering to XnorMVU."""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.golden import xnor_popcount
from hwgen.ir.graph import Node, register_op
from hwgen.ops.matrix import BinaryMatrixShape


@register_op
@dataclasses.dataclass
class BinaryMatMul(BinaryMatrixShape, Node):
    """y[c] = scale[c] * dot(x, w[c]) for bipolar x (bits) and bipolar weights w (bits, MH x MW).

    `scale` is the product of the activation and weight quantizer scales (positive).
    """

    weights: np.ndarray = None  # uint8 bits, (MH, MW)
    scale: np.ndarray = None  # float64, (MH,)
    in_bits: int = 1  # 1: bipolar input; > 1: integer input (first layer)
    in_signed: bool = False
    pixels: int = 1  # vectors per frame (convolution output pixels)
    window: dict | None = None  # a zero-padded bipolar convolution's geometry (ops.padding)

    def validate(self) -> None:
        if self.weights.ndim != 2 or self.scale.shape != (self.mh,):
            raise self.fail(f"weights {self.weights.shape} / scale {self.scale.shape} mismatch")
        if np.any(self.scale <= 0):
            raise self.fail("quantizer scales must be positive")

    def dot(self, x: np.ndarray) -> np.ndarray:
        """Integer dot products with the +-1 weights, (..., MH): 2*popcount(XNOR) - MW for
        bits, an add/subtract sum for integers."""
        if self.window:  # pad positions count 0: the true zero-padded convolution
            return self.true_dot(x, self.weights)
        lead = x.shape[:-1]
        x = x.reshape(-1, self.mw)
        if self.in_bits == 1:
            d = 2 * xnor_popcount(x, self.weights) - self.mw
        else:
            d = x.astype(np.int64) @ (2 * self.weights.astype(np.int64) - 1).T
        return d.reshape(lead + (self.mh,))

    def golden(self, x: np.ndarray) -> np.ndarray:
        return (self.dot(x).astype(np.float32) * self.scale.astype(np.float32)).astype(np.float32)
