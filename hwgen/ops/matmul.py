"""BinaryMatMul: a bipolar x bipolar matrix product as imported, before lowering to XnorMVU."""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.golden import xnor_popcount
from hwgen.ir.graph import Node, register_op


@register_op
@dataclasses.dataclass
class BinaryMatMul(Node):
    """y[c] = scale[c] * dot(x, w[c]) for bipolar x (bits) and bipolar weights w (bits, MH x MW).

    `scale` is the product of the activation and weight quantizer scales (positive).
    """

    weights: np.ndarray = None  # uint8 bits, (MH, MW)
    scale: np.ndarray = None  # float64, (MH,)

    @property
    def mw(self) -> int:
        return int(self.weights.shape[1])

    @property
    def mh(self) -> int:
        return int(self.weights.shape[0])

    def validate(self) -> None:
        if self.weights.ndim != 2 or self.scale.shape != (self.mh,):
            raise self.fail(f"weights {self.weights.shape} / scale {self.scale.shape} mismatch")
        if np.any(self.scale <= 0):
            raise self.fail("quantizer scales must be positive")

    def dot(self, x_bits: np.ndarray) -> np.ndarray:
        """Integer bipolar dot products 2*popcount(XNOR) - MW, (B, MH)."""
        return 2 * xnor_popcount(x_bits, self.weights) - self.mw

    def golden(self, x: np.ndarray) -> np.ndarray:
        return (self.dot(x).astype(np.float32) * self.scale.astype(np.float32)).astype(np.float32)
