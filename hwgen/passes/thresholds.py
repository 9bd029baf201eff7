"""Fold BatchNorm/affine + sign into integer popcount thresholds; lower matmuls to XnorMVU.

Rather than solving the affine formula symbolically, the threshold of each channel is found by
evaluating the model's own steps (in ONNX order, float64) at every reachable dot product
d = 2p - MW, p = 0..MW. This covers gamma < 0 (the decision falls with d: the channel's
weights are negated, so p' = MW - p), gamma = 0 (constant: T = 0 or MW + 1), scales, biases
and exact ties (x >= 0 -> +1) in one rule, and it checks monotonicity instead of assuming it.
"""

from __future__ import annotations

import numpy as np

from hwgen.golden import apply_steps
from hwgen.ops import BinaryMatMul, HostSteps, Sign, XnorMVU
from hwgen.passes.base import NodePass


def popcount_thresholds(mm: BinaryMatMul, steps: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """(weights with decreasing channels negated, thresholds T) so that the quantized output
    of `steps(scale * dot)` equals popcount(XNOR(x, w')) >= T for every input."""
    n = mm.mw
    p = np.arange(n + 1)
    y = (2 * p - n)[:, None] * mm.scale[None, :]  # (n+1, MH): every reachable pre-activation
    with np.errstate(all="ignore"):
        z = apply_steps(steps, y, np.float64)
    if z.shape != y.shape:
        raise mm.fail(f"the steps after it change the shape {y.shape[1:]} -> {z.shape[1:]}")
    if not np.all(np.isfinite(z)):
        bad = int(np.argwhere(~np.isfinite(z).all(axis=0))[0][0])
        raise mm.fail(f"BatchNorm/affine after it is not finite on channel {bad} (zero variance?)")
    dec = z >= 0
    rising = np.all(dec[1:] >= dec[:-1], axis=0)
    falling = np.all(dec[1:] <= dec[:-1], axis=0)
    if not np.all(rising | falling):
        bad = int(np.argwhere(~(rising | falling))[0][0])
        raise mm.fail(f"the decision of channel {bad} is not monotone in the dot product")
    flip = falling & ~rising  # constant channels count as rising
    weights = mm.weights.copy()
    weights[flip] ^= 1
    first_true = np.where(dec.any(axis=0), dec.argmax(axis=0), n + 1)
    last_true = n - dec[::-1].argmax(axis=0)  # valid where flip (dec[0] is True there)
    thresholds = np.where(flip, n - last_true, first_true).astype(np.int64)
    return weights, thresholds


class FoldThresholds(NodePass):
    """BinaryMatMul [HostSteps] Sign  ->  XnorMVU with thresholds."""

    def match(self, nodes, i):
        if not isinstance(nodes[i], BinaryMatMul):
            return 0
        j = i + 1
        if j < len(nodes) and isinstance(nodes[j], HostSteps) and nodes[j].is_channelwise():
            j += 1
        return j - i + 1 if j < len(nodes) and isinstance(nodes[j], Sign) else 0

    def rewrite(self, window):
        mm = window[0]
        steps = window[1].steps if isinstance(window[1], HostSteps) else []
        weights, thresholds = popcount_thresholds(mm, steps)
        return [XnorMVU(name=mm.name, weights=weights, thresholds=thresholds)]


class LowerLastMatMul(NodePass):
    """A BinaryMatMul not followed by a Sign emits integer dot products from hardware; its
    scale moves to the host, in front of the trailing steps."""

    def match(self, nodes, i):
        if not isinstance(nodes[i], BinaryMatMul):
            return 0
        nxt = nodes[i + 1] if i + 1 < len(nodes) else None
        if isinstance(nxt, Sign) or (isinstance(nxt, HostSteps) and i + 2 < len(nodes)
                                     and isinstance(nodes[i + 2], Sign)):
            return 0
        return 2 if isinstance(nxt, HostSteps) else 1

    def rewrite(self, window):
        mm = window[0]
        rest = window[1].steps if len(window) > 1 else []
        scale = {"op": "Mul", "const": mm.scale.tolist(), "const_first": False}
        name = window[1].name if len(window) > 1 else "host_post"
        return [XnorMVU(name=mm.name, weights=mm.weights.copy(), thresholds=None),
                HostSteps(name=name, steps=[scale] + rest)]
