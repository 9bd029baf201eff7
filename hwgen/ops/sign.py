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
        if x.ndim != 2:
            x = x.reshape(x.shape[0], -1)
        return sign_bits(x)
