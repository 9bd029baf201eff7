"""Sign: the bipolar quantizer (Brevitas/QONNX BipolarQuant) turning reals into bits."""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.golden import sign_bits
from hwgen.ir.graph import Node, register_op


@register_op
@dataclasses.dataclass
class Sign(Node):
    """x >= 0 -> bit 1 (+1), else bit 0 (-1). The quantizer's scale is carried by the next MatMul.

    On the host it quantizes the network input; after lowering, every other Sign has been
    folded into the thresholds of the MVU before it.
    """

    placement = "host"

    def golden(self, x: np.ndarray) -> np.ndarray:
        """Bits; images (B, C, H, W) come out channels-last (B, H, W, C), as they stream."""
        return sign_bits(to_stream_layout(x))


def to_stream_layout(x: np.ndarray) -> np.ndarray:
    """NCHW images to NHWC (the hardware streams pixels, channels within a pixel); other
    tensors flattened to (B, N)."""
    if x.ndim == 4:
        return np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    return x.reshape(x.shape[0], -1)


@register_op
@dataclasses.dataclass
class IntQuant(Node):
    """A QONNX Quant of the network input to `bits`-bit integers (zero point 0): the host
    sends q = clip(round(x / scale), qmin, qmax); the next layer's scale carries `scale`."""

    scale: float = 1.0
    bits: int = 8
    signed: bool = True
    narrow: bool = False
    rounding: str = "ROUND"
    placement = "host"

    @property
    def qmin(self) -> int:
        if not self.signed:
            return 0
        return -(1 << (self.bits - 1)) + (1 if self.narrow else 0)

    @property
    def qmax(self) -> int:
        return (
            (1 << (self.bits - 1)) - 1
            if self.signed
            else (1 << self.bits) - 1 - (1 if self.narrow else 0)
        )

    def validate(self) -> None:
        if self.rounding not in _ROUNDING:
            raise self.fail(
                f"rounding mode {self.rounding!r} is not supported ({', '.join(_ROUNDING)})"
            )
        if not 2 <= self.bits <= 16 or not self.scale > 0:
            raise self.fail(
                f"needs 2..16 bits and a positive scale, has {self.bits} bits, scale {self.scale}"
            )

    def quantize(self, z: np.ndarray) -> np.ndarray:
        """clip(round(z / scale), qmin, qmax) as int64, in z's own precision (the threshold
        folds evaluate a layer's steps in float64)."""
        return np.clip(_ROUNDING[self.rounding](z / self.scale), self.qmin, self.qmax).astype(
            np.int64
        )

    def golden(self, x: np.ndarray) -> np.ndarray:
        """Integers (int64), images channels-last. QONNX computes x / scale in float32."""
        q = _ROUNDING[self.rounding](x.astype(np.float32) / np.float32(self.scale))
        return to_stream_layout(np.clip(q, self.qmin, self.qmax).astype(np.int64))


_ROUNDING = {"ROUND": np.round, "FLOOR": np.floor, "CEIL": np.ceil, "ROUND_TO_ZERO": np.trunc}
