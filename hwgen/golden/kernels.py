"""Bit-exact numpy kernels: packing, XNOR-popcount, thresholds, host elementwise steps.

Conventions (DESIGN.md): bit 1 is +1, bit 0 is -1; element i of a packed word is bit i;
sign(0) = +1.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

#: batch rows per block: a block's (rows, MH) counts stay in cache while the words stream by
_CHUNK = 2048


def golden_threads() -> int:
    """Threads the golden model's kernels use: HWGEN_GOLDEN_THREADS, else the cores (numpy's
    bitwise ufuncs release the GIL, so row blocks run in parallel)."""
    return max(1, int(os.environ.get("HWGEN_GOLDEN_THREADS", 0)) or os.cpu_count() or 1)


_POOLS: dict[int, ThreadPoolExecutor] = {}


def over_row_blocks(rows: int, block: Callable[[int, int], None]) -> None:
    """Run `block(lo, hi)` over [0, rows) in blocks of _CHUNK rows, on golden_threads()."""
    bounds = [(lo, min(rows, lo + _CHUNK)) for lo in range(0, rows, _CHUNK)]
    n = min(golden_threads(), len(bounds))
    if n <= 1:
        for lo, hi in bounds:
            block(lo, hi)
        return
    pool = _POOLS.get(n) or _POOLS.setdefault(n, ThreadPoolExecutor(max_workers=n))
    list(pool.map(lambda b: block(*b), bounds))


def sign_bits(x: np.ndarray) -> np.ndarray:
    """Bipolar quantizer as bits: x >= 0 -> 1 (+1), else 0 (-1); NaN is refused upstream."""
    return (x >= 0).astype(np.uint8)


def pack_bits(bits: np.ndarray) -> np.ndarray:
    """Pack (..., N) 0/1 values little-endian into (..., ceil(N/64)) uint64 words, zero-padded."""
    bits = np.asarray(bits, dtype=np.uint8)
    n = bits.shape[-1]
    pad = (-n) % 64
    if pad:
        bits = np.concatenate([bits, np.zeros(bits.shape[:-1] + (pad,), np.uint8)], axis=-1)
    packed = np.packbits(bits, axis=-1, bitorder="little")
    return packed.view("<u8")


def xnor_popcount(x_bits: np.ndarray, w_bits: np.ndarray) -> np.ndarray:
    """popcount(XNOR(x, w)) for every row of x (B, N) against every row of w (M, N) -> (B, M).

    Padding bits are 0 in both operands, so XOR is 0 there and the matches are N minus the
    popcount of the XOR over the packed 64-bit words. Each block of rows keeps its (rows, M)
    counts and streams the words past them one at a time (no (rows, M, words) temporary);
    blocks run on threads.
    """
    n = x_bits.shape[-1]
    if w_bits.shape[-1] != n:
        raise ValueError(f"xnor_popcount: input has {n} elements, weights {w_bits.shape[-1]}")
    xp, wp = pack_bits(x_bits), pack_bits(w_bits)
    out = np.empty((xp.shape[0], wp.shape[0]), dtype=np.int64)
    count = np.uint16 if n < (1 << 16) else np.uint32  # never wraps: at most n mismatches
    wt = np.ascontiguousarray(wp.T)  # (words, M): one word of every row at a time

    def block(lo: int, hi: int) -> None:
        acc = np.zeros((hi - lo, wp.shape[0]), dtype=count)
        for k in range(xp.shape[1]):
            acc += np.bitwise_count(np.bitwise_xor(xp[lo:hi, k, None], wt[None, k]))
        out[lo:hi] = n - acc.astype(np.int64)

    over_row_blocks(xp.shape[0], block)
    return out


def threshold_bits(popcount: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per-channel decision as bits: popcount >= T for thresholds of shape (C,) (a folded
    BN + sign); for interval thresholds of shape (C, K), the parity of how many of the K
    thresholds the popcount reaches (a decision that switches K times, e.g. a learned
    binarizer's; a threshold at the bottom of the range makes it start at 1)."""
    if thresholds.ndim == 1:
        return (popcount >= thresholds[None, :]).astype(np.uint8)
    reached = (popcount[:, :, None] >= thresholds[None, :, :]).sum(axis=-1)
    return (reached & 1).astype(np.uint8)


def _channel_shaped(c: np.ndarray, ndim: int) -> np.ndarray:
    """Shape a per-channel (axis 1) parameter vector to broadcast against an ndim tensor."""
    return c.reshape((-1,) + (1,) * (ndim - 2)) if c.ndim == 1 and ndim > 2 else c


def apply_steps(
    steps: list[dict], x: np.ndarray, dtype=np.float32, channels_last: bool = False
) -> np.ndarray:
    """Run host elementwise/reshape steps (ONNX semantics, axis 0 is the batch) in `dtype`.

    Steps are dicts {"op": ..., ...} as made by the frontend; constants broadcast the ONNX way.
    With `channels_last`, BatchNorm parameters apply to the last axis (streamed images).
    """
    x = np.asarray(x).astype(dtype)
    for s in steps:
        op = s["op"]
        if op == "Reshape":
            shape = list(s["shape"])
            x = x.reshape([x.shape[0]] + shape[1:])
        elif op == "Flatten":
            axis = s.get("axis", 1)
            x = x.reshape(int(np.prod(x.shape[:axis])), -1) if axis else x.reshape(1, -1)
        elif op == "BatchNormalization":
            mean, var, gamma, beta = (
                np.asarray(s[k], dtype=dtype) for k in ("mean", "var", "gamma", "beta")
            )
            eps = dtype(s["eps"])
            sh = (lambda a: a) if channels_last else (lambda a: _channel_shaped(a, x.ndim))  # noqa: E731
            x = (x - sh(mean)) / np.sqrt(sh(var) + eps) * sh(gamma) + sh(beta)
        elif op == "Unsqueeze":  # a trailing axis of one: a per-scalar function follows
            x = x[..., None]
        elif op == "Squeeze":
            if x.shape[-1] != 1:
                raise ValueError(f"Squeeze of a last axis of size {x.shape[-1]}")
            x = x[..., 0]
        elif op == "Relu":
            x = np.maximum(x, dtype(0))
        elif op == "Tanh":
            x = np.tanh(x)
        else:
            c = np.asarray(s["const"], dtype=dtype)  # ONNX broadcasting, shape as exported
            if op == "Mul":
                x = x * c
            elif op == "Add":
                x = x + c
            elif op == "Sub":
                x = c - x if s.get("const_first") else x - c
            elif op == "Div":
                x = c / x if s.get("const_first") else x / c
            elif op == "MatMul":
                x = c @ x if s.get("const_first") else x @ c
            else:
                raise ValueError(f"unknown host step '{op}'")
        x = x.astype(dtype, copy=False)
    return x
