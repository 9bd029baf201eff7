"""Fold BatchNorm/affine + sign into integer popcount thresholds; lower matmuls to XnorMVU.

Rather than solving the affine formula symbolically, the threshold of each channel is found by
evaluating the model's own steps (in ONNX order, float64) at every reachable dot product
d = 2p - MW, p = 0..MW. This covers gamma < 0 (the decision falls with d: the channel's
weights are negated, so p' = MW - p), gamma = 0 (constant: T = 0 or MW + 1), scales, biases
and exact ties (x >= 0 -> +1) in one rule, and it checks monotonicity instead of assuming it.

A decision that is not monotone (a learned binarizer's, e.g. He et al.'s MLP) becomes
interval thresholds: per channel, the sorted list of counts where the decision switches
(the hardware takes the parity of how many it reaches). The table is checked against the
thresholds for every reachable count before it is accepted.
"""

from __future__ import annotations

import numpy as np

from hwgen.golden import apply_steps
from hwgen.ir.dtypes import signed_bits_for
from hwgen.ops import BinaryMatMul, HostSteps, IntQuant, Sign, XnorMVU
from hwgen.passes.base import NodePass
from hwgen.passes.pad_thresholds import padded_thresholds
from hwgen.passes.threshold_tables import directions, interval_rows, level_rows


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
    rising, falling = directions(dec)
    if not np.all(rising | falling):
        return mm.weights.copy(), interval_thresholds(mm, p, dec, never=n + 1)
    flip = falling & ~rising  # constant channels count as rising
    weights = mm.negated_rows(flip)
    first_true = np.where(dec.any(axis=0), dec.argmax(axis=0), n + 1)
    last_true = n - dec[::-1].argmax(axis=0)  # valid where flip (dec[0] is True there)
    thresholds = np.where(flip, n - last_true, first_true).astype(np.int64)
    return weights, thresholds


#: the most accumulator values x channels a non-affine decision is tabulated over
MAX_TABLE = 1 << 26
#: host steps that are affine (monotone along the accumulator): bisection finds their crossing
_AFFINE = ("Mul", "Add", "Sub", "Div", "BatchNormalization")


def interval_thresholds(
    mm: BinaryMatMul, values: np.ndarray, dec: np.ndarray, never: int
) -> np.ndarray:
    """Interval thresholds (MH, K) reproducing the table `dec` (len(values), MH) of decisions
    over the sorted accumulator `values`: each channel's switch points, the lowest value first
    where the decision starts at 1, padded with `never` (past the top); verified on every value."""
    try:
        return interval_rows(values, dec, never)
    except ValueError as e:
        raise mm.fail(str(e)) from None


def integer_thresholds(mm: BinaryMatMul, steps: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds on the accumulator of an integer-input layer: acc' >= T, acc' = acc or -acc.

    The accumulator spans up to MW * 2^bits values, too many to list, so each channel's
    crossing is found by bisection over the integers. Every float step is monotone, so the
    decision is too; bisection finds the same crossing as listing every value would."""
    lo, hi = mm.acc_range()
    if any(s["op"] not in _AFFINE for s in steps):
        return tabulated_integer_thresholds(mm, steps)

    def decide(acc: np.ndarray) -> np.ndarray:  # acc: (MH,) ints, one per channel
        with np.errstate(all="ignore"):
            z = apply_steps(steps, (acc * mm.scale)[None, :], np.float64)[0]
        if not np.all(np.isfinite(z)):
            bad = int(np.argwhere(~np.isfinite(z))[0][0])
            raise mm.fail(
                f"BatchNorm/affine after it is not finite on channel {bad} (zero variance?)"
            )
        return z >= 0

    mh = mm.mh
    at_lo, at_hi = decide(np.full(mh, lo)), decide(np.full(mh, hi))
    flip = at_lo & ~at_hi  # falling: true at the bottom only
    # bisect for the first acc where the decision equals its value at `hi` (rising) or stops
    # being true (falling): keep decide(a) != target at a, == target at b
    a, b = np.full(mh, lo, dtype=np.int64), np.full(mh, hi, dtype=np.int64)
    target = ~flip
    while np.any(b - a > 1):
        m = (a + b) // 2
        d = decide(m) == target
        b = np.where(d, m, b)
        a = np.where(d, a, m)
    rising_t = np.where(at_lo, lo, np.where(at_hi, b, hi + 1))  # constant channels: lo or hi + 1
    falling_last_true = a  # the last acc with decision True
    thresholds = np.where(flip, -falling_last_true, rising_t).astype(np.int64)
    return mm.negated_rows(flip), thresholds


def tabulated_integer_thresholds(
    mm: BinaryMatMul, steps: list[dict]
) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds of an integer-input layer whose steps are not affine (a learned binarizer):
    the decision is listed at every accumulator value, so it need not be monotone."""
    lo, hi = mm.acc_range()
    if (hi - lo + 1) * mm.mh > MAX_TABLE:
        raise mm.fail(
            f"a non-affine activation over an accumulator range of {hi - lo + 1} values x {mm.mh} "
            f"channels is too large to tabulate (limit {MAX_TABLE}); use fewer input bits"
        )
    acc = np.arange(lo, hi + 1, dtype=np.int64)
    dec = np.empty((acc.size, mm.mh), dtype=bool)
    for i in range(0, acc.size, 4096):  # chunks keep a hidden layer's intermediates small
        with np.errstate(all="ignore"):
            z = apply_steps(steps, acc[i : i + 4096, None] * mm.scale[None, :], np.float64)
        if z.shape != dec[i : i + 4096].shape or not np.all(np.isfinite(z)):
            raise mm.fail(
                "the steps after it are not a finite per-channel function of the accumulator"
            )
        dec[i : i + 4096] = z >= 0
    rising, falling = directions(dec)
    if not np.all(rising | falling):
        return mm.weights.copy(), interval_thresholds(mm, acc, dec, never=hi + 1)
    flip = falling & ~rising
    first_true = np.where(dec.any(axis=0), lo + dec.argmax(axis=0), hi + 1)
    last_true = hi - dec[::-1].argmax(axis=0)
    return mm.negated_rows(flip), np.where(flip, -last_true, first_true).astype(np.int64)


def level_thresholds(
    mm: BinaryMatMul, steps: list[dict], q: IntQuant
) -> tuple[np.ndarray, np.ndarray, int]:
    """(weights, thresholds (MH, K), offset) so that the k-bit quantizer `q` of
    `steps(scale * acc)` equals offset + (how many of the K thresholds acc' reaches), where
    acc' is the popcount (or integer accumulator) with decreasing channels' weights negated.
    K = qmax - qmin levels; listed at every reachable accumulator value and checked there."""
    if mm.xnor:
        values = np.arange(mm.mw + 1)
        pre = (2 * values - mm.mw).astype(np.float64)
    else:
        lo, hi = mm.acc_range()
        if (hi - lo + 1) * mm.mh > MAX_TABLE:
            raise mm.fail(
                f"a quantized activation over {hi - lo + 1} accumulator values is too large to "
                "tabulate"
            )
        values = np.arange(lo, hi + 1)
        pre = values.astype(np.float64)
    with np.errstate(all="ignore"):
        z = apply_steps(steps, pre[:, None] * mm.scale[None, :], np.float64)
    if z.shape != (values.size, mm.mh) or not np.all(np.isfinite(z)):
        raise mm.fail("the steps before its quantizer are not a finite per-channel function")
    lv = q.quantize(z)
    rising, falling = directions(lv)
    if not np.all(rising | falling):
        bad = int(np.argwhere(~(rising | falling))[0][0])
        raise mm.fail(
            f"the quantized activation of channel {bad} is not monotone in the accumulator"
        )
    flip = falling & ~rising
    # the accumulator values are symmetric (p -> MW - p, acc -> -acc): negating a channel's
    # weights reads its table backwards
    lv = np.where(flip[None, :], lv[::-1], lv)
    try:
        t = level_rows(values, lv, q.qmin, q.qmax - q.qmin, never=values[-1] + 1)
    except ValueError as e:
        raise mm.fail(str(e)) from None
    return mm.negated_rows(flip), t, q.qmin


def stored_weight_bits(mm: BinaryMatMul, weights: np.ndarray) -> int:
    """Bits of a stored weight: 1 for bipolar; else the imported width, or one more where a
    negated full-range weight (-2 of 2 bits -> +2) needs it."""
    if mm.weight_bits == 1:
        return 1
    return max(mm.weight_bits, signed_bits_for(int(weights.min()), int(weights.max())))


class FoldThresholds(NodePass):
    """BinaryMatMul [HostSteps] Sign  ->  XnorMVU with thresholds; with a k-bit IntQuant in
    place of the Sign (a Bi-Real net's fixed-point path), an XnorMVU with level thresholds."""

    def match(self, nodes, i):
        if not isinstance(nodes[i], BinaryMatMul):
            return 0
        j = i + 1
        if j < len(nodes) and isinstance(nodes[j], HostSteps) and nodes[j].is_channelwise():
            j += 1
        return j - i + 1 if j < len(nodes) and isinstance(nodes[j], (Sign, IntQuant)) else 0

    def rewrite(self, window):
        mm = window[0]
        steps = window[1].steps if isinstance(window[1], HostSteps) else []
        if mm.window:  # zero-padded bipolar convolution: a threshold set per border class
            q = window[-1] if isinstance(window[-1], IntQuant) else None
            weights, hw, dot_thr, offset = padded_thresholds(mm, steps, q)
            return [
                XnorMVU(
                    name=mm.name,
                    weights=weights,
                    thresholds=hw,
                    dot_thresholds=dot_thr,
                    window=mm.window,
                    in_bits=mm.in_bits,
                    in_signed=mm.in_signed,
                    pixels=mm.pixels,
                    out_bits=q.bits if q else 1,
                    out_offset=offset,
                    out_signed=q.signed if q else True,
                )
            ]
        if isinstance(window[-1], IntQuant):
            weights, thresholds, offset = level_thresholds(mm, steps, window[-1])
            return [
                XnorMVU(
                    name=mm.name,
                    weights=weights,
                    thresholds=thresholds,
                    in_bits=mm.in_bits,
                    in_signed=mm.in_signed,
                    pixels=mm.pixels,
                    out_bits=window[-1].bits,
                    out_offset=offset,
                    out_signed=window[-1].signed,
                    weight_bits=stored_weight_bits(mm, weights),
                )
            ]
        fold = popcount_thresholds if mm.xnor else integer_thresholds
        weights, thresholds = fold(mm, steps)
        return [
            XnorMVU(
                name=mm.name,
                weights=weights,
                thresholds=thresholds,
                in_bits=mm.in_bits,
                in_signed=mm.in_signed,
                pixels=mm.pixels,
                weight_bits=stored_weight_bits(mm, weights),
            )
        ]


class LowerLastMatMul(NodePass):
    """A BinaryMatMul not followed by a quantizer emits integer dot products from hardware; its
    scale moves to the host, in front of the trailing steps."""

    def match(self, nodes, i):
        if not isinstance(nodes[i], BinaryMatMul):
            return 0
        nxt = nodes[i + 1] if i + 1 < len(nodes) else None
        if isinstance(nxt, (Sign, IntQuant)) or (
            isinstance(nxt, HostSteps)
            and i + 2 < len(nodes)
            and isinstance(nodes[i + 2], (Sign, IntQuant))
        ):
            return 0  # a quantized layer: FoldThresholds
        return 2 if isinstance(nxt, HostSteps) else 1

    def rewrite(self, window):
        mm = window[0]
        rest = window[1].steps if len(window) > 1 else []
        scale = {"op": "Mul", "const": mm.scale.tolist(), "const_first": False}
        name = window[1].name if len(window) > 1 else "host_post"
        return [
            XnorMVU(
                name=mm.name,
                weights=mm.weights.copy(),
                thresholds=None,
                in_bits=mm.in_bits,
                in_signed=mm.in_signed,
                pixels=mm.pixels,
                weight_bits=mm.weight_bits,
            ),
            HostSteps(name=name, steps=[scale] + rest),
        ]
