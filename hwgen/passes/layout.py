"""Streamed images are channels-last: permute the weights of the layer after a flatten."""

from __future__ import annotations

import numpy as np

from hwgen.ops import BinaryMatMul, Flatten
from hwgen.passes.base import NodePass


def chw_to_hwc_columns(weights: np.ndarray, c: int, h: int, w: int) -> np.ndarray:
    """Reorder weight columns from PyTorch's NCHW flatten (index c*H*W + y*W + x) to the
    stream's pixel-major order (index (y*W + x)*C + c)."""
    mh = weights.shape[0]
    return np.ascontiguousarray(weights.reshape(mh, c, h, w).transpose(0, 2, 3, 1).reshape(mh, -1))


class ReorderFlattenWeights(NodePass):
    """Flatten -> BinaryMatMul: permute the matmul's columns once, mark the flatten done."""

    def match(self, nodes, i):
        ok = (
            isinstance(nodes[i], Flatten)
            and not nodes[i].reordered
            and i + 1 < len(nodes)
            and isinstance(nodes[i + 1], BinaryMatMul)
        )
        return 2 if ok else 0

    def rewrite(self, window):
        fl, mm = window
        if mm.mw != fl.c * fl.h * fl.w:
            raise mm.fail(f"expects {mm.mw} inputs after flattening a {fl.c}x{fl.h}x{fl.w} image")
        new_mm = BinaryMatMul(
            name=mm.name,
            weights=chw_to_hwc_columns(mm.weights, fl.c, fl.h, fl.w),
            scale=mm.scale,
            in_bits=mm.in_bits,
            in_signed=mm.in_signed,
            pixels=mm.pixels,
            weight_bits=mm.weight_bits,
        )
        return [Flatten(name=fl.name, h=fl.h, w=fl.w, c=fl.c, reordered=True), new_mm]
