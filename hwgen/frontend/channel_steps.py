"""The host steps after a convolution, with constants shaped for NCHW turned per channel."""

from __future__ import annotations

import numpy as np

from hwgen.errors import HwgenError


def per_channel_steps(steps: list[dict], channels: int) -> list[dict]:
    """`per_channel` on every step outside a per-scalar function (whose constants act on the
    function's own trailing axis, not on channels)."""
    out, inside = [], False
    for s in steps:
        inside = (inside or s["op"] == "Unsqueeze") and s["op"] != "Squeeze"
        out.append(s if inside or s["op"] == "Squeeze" else per_channel(s, channels))
    return out


def per_channel(step: dict, channels: int) -> dict:
    """Constants shaped for NCHW (1, C, 1, 1) as plain per-channel vectors (C,)."""
    if "const" not in step or step["op"] == "MatMul":  # a per-scalar function's weights
        return step
    c = np.asarray(step["const"])
    if c.size == channels and c.ndim > 1:
        return {**step, "const": c.reshape(-1).tolist()}
    if c.size not in (1, channels):
        raise HwgenError(
            f"a {step['op']} constant of shape {c.shape} after a convolution is not per-channel"
        )
    return step
