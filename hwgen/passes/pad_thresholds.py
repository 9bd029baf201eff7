"""Thresholds of a zero-padded bipolar convolution: one set per border class.

The sliding window streams bit 0 (-1) in pad positions, so the MVU's popcount p counts, on
top of the matches p_in among the N_in positions inside the image, the m pad positions whose
(final) weight bit is 0. Both N_in and m are fixed per border class and channel
(`ops.padding`), so p -> the true dot product d = 2 (p - m) - N_in is known there, and each
class gets the thresholds that reproduce the model's decision at d. Unreachable counts
(p < m or p > m + N_in) take the nearest reachable decision, which keeps every class's
table as simple as the decision itself (one threshold for a BN + sign).

The model's steps are evaluated (float64, ONNX order) at every integer d in [-MW, MW]; the
direction of each channel (rising, or falling: its weights negated) is decided once over that
whole range, since the weights are shared by every class. The same table, on d itself, is
what the golden model decides by (`dot_thresholds`), so golden and hardware check each other.
Covers single thresholds, interval thresholds (a non-monotone decision) and level
thresholds (a k-bit quantizer).
"""

from __future__ import annotations

import numpy as np

from hwgen.golden import apply_steps
from hwgen.ops import BinaryMatMul, IntQuant
from hwgen.passes.threshold_tables import directions, interval_rows, level_rows


def decision_table(mm: BinaryMatMul, steps: list[dict], q: IntQuant | None) -> np.ndarray:
    """(2*MW + 1, MH) the output (bit, or level) at every integer dot product d in [-MW, MW]."""
    n = mm.mw
    y = np.arange(-n, n + 1, dtype=np.float64)[:, None] * mm.scale[None, :]
    with np.errstate(all="ignore"):
        z = apply_steps(steps, y, np.float64)
    if z.shape != y.shape or not np.all(np.isfinite(z)):
        raise mm.fail("the steps after it are not a finite per-channel function (zero variance?)")
    return (z >= 0).astype(np.int64) if q is None else q.quantize(z)


def table_thresholds(
    values: np.ndarray, table: np.ndarray, q: IntQuant | None, never: int
) -> np.ndarray:
    """(MH, K) thresholds over `values` reproducing `table`: interval thresholds of a bit, or
    (with the quantizer `q`) level thresholds of a rising level table."""
    if q is None:
        return interval_rows(values, table, never)
    return level_rows(values, table, q.qmin, q.qmax - q.qmin, never)


def padded_thresholds(mm: BinaryMatMul, steps: list[dict], q: IntQuant | None):
    """(weights with falling channels negated, hardware thresholds (classes, MH, K) on the
    popcount with pad bits 0, golden thresholds (MH, K) on the true dot product, level offset)."""
    win = mm.pad_window
    n = mm.mw
    table = decision_table(mm, steps, q)
    rising, falling = directions(table)
    if q is not None and not np.all(rising | falling):
        bad = int(np.argwhere(~(rising | falling))[0][0])
        raise mm.fail(
            f"the quantized activation of channel {bad} is not monotone in the accumulator"
        )
    flip = falling & ~rising  # non-monotone bits stay as they are: interval thresholds
    weights = mm.weights.copy()
    weights[flip] ^= 1
    g = np.where(flip[None, :], table[::-1], table)  # the decision at d' = -d for negated channels
    d = np.arange(-n, n + 1)
    try:
        dot_thr = table_thresholds(d, g, q, never=n + 1)
        masks = win.class_masks()  # (classes, MW): inside the image
        n_in = masks.sum(axis=1)
        pad_match = ((~masks)[:, None, :] & (weights[None, :, :] == 0)).sum(
            axis=-1
        )  # (classes, MH)
        p = np.arange(n + 1)
        cols = np.arange(mm.mh)[None, :]
        sets = []
        for j in range(len(masks)):
            p_in = np.clip(p[:, None] - pad_match[j][None, :], 0, n_in[j])  # nearest reachable
            sets.append(table_thresholds(p, g[2 * p_in - n_in[j] + n, cols], q, never=n + 1))
    except ValueError as e:
        raise mm.fail(str(e)) from None
    k = max(t.shape[1] for t in sets)
    hw = np.full((len(sets), mm.mh, k), n + 1, dtype=np.int64)  # past the top: never reached
    for j, t in enumerate(sets):
        hw[j, :, : t.shape[1]] = t
    if dot_thr.shape[1] < k:
        dot_thr = np.concatenate(
            [dot_thr, np.full((mm.mh, k - dot_thr.shape[1]), n + 1, np.int64)], axis=1
        )
    return weights, hw, dot_thr, (q.qmin if q is not None else 0)
