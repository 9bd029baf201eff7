"""Thresholds read off a decision table: what every threshold fold shares (plain, integer,
level and padded layers, `passes.thresholds` and `passes.pad_thresholds`).

A table lists a layer's output (a bit, or a level) per channel at every value of a sorted
accumulator axis; the thresholds found are checked against the whole table before they are
returned (a ValueError names what does not reproduce, which the callers turn into an error
naming their layer)."""

from __future__ import annotations

import numpy as np

from hwgen.golden import threshold_bits


def directions(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rising, falling) per channel of a (values, MH) table; a constant channel is both."""
    return np.all(table[1:] >= table[:-1], axis=0), np.all(table[1:] <= table[:-1], axis=0)


def interval_rows(values: np.ndarray, dec: np.ndarray, never: int) -> np.ndarray:
    """Interval thresholds (MH, K) reproducing the bits `dec` (len(values), MH): each channel's
    switch points, the lowest value first where the decision starts at 1, padded with `never`."""
    dec = dec.astype(bool)
    mh = dec.shape[1]
    rows = [
        ([int(values[0])] if dec[0, c] else []) + values[1:][dec[1:, c] != dec[:-1, c]].tolist()
        for c in range(mh)
    ]
    t = np.full((mh, max(1, max(len(r) for r in rows))), never, dtype=np.int64)
    for c, r in enumerate(rows):
        t[c, : len(r)] = r
    if not np.array_equal(threshold_bits(values[:, None], t).astype(bool), dec):
        raise ValueError("interval thresholds do not reproduce the decision table (internal error)")
    return t


def level_rows(values: np.ndarray, lv: np.ndarray, qmin: int, k: int, never: int) -> np.ndarray:
    """Level thresholds (MH, k) of a rising level table `lv` (len(values), MH): the j-th is the
    first value whose level reaches qmin + j, or `never`."""
    t = np.full((lv.shape[1], k), never, dtype=np.int64)
    for j in range(1, k + 1):
        reached = lv >= qmin + j
        t[:, j - 1] = np.where(reached.any(axis=0), values[reached.argmax(axis=0)], never)
    if not np.array_equal(qmin + (values[:, None, None] >= t[None, :, :]).sum(axis=-1), lv):
        raise ValueError(
            "level thresholds do not reproduce the quantized activation (internal error)"
        )
    return t
