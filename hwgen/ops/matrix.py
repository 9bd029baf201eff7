"""What every matrix op shares: its shape, its weights' values and its accumulator's range.

Weights are bipolar bits (`weight_bits` 1: bit 1 is +1, bit 0 is -1) or small two's
complement integers (`weight_bits` > 1, stored as their values). Inputs are bipolar bits
(`in_bits` 1) or integers. Bipolar times bipolar is an XNOR-popcount (`xnor`); every other
combination is an integer sum of products.
"""

from __future__ import annotations

import numpy as np

from hwgen.ir.dtypes import Int
from hwgen.ops.padding import Window


class BinaryMatrixShape:
    """Mixin for ops with `weights` (MH x MW bits or integers), `weight_bits` and
    `in_bits`/`in_signed` inputs."""

    @property
    def mw(self) -> int:
        """Input elements per vector."""
        return int(self.weights.shape[1])

    @property
    def mh(self) -> int:
        """Output channels."""
        return int(self.weights.shape[0])

    @property
    def xnor(self) -> bool:
        """Bipolar inputs and bipolar weights: an XNOR-popcount, thresholds on the popcount."""
        return self.in_bits == 1 and getattr(self, "weight_bits", 1) == 1

    def weight_values(self) -> np.ndarray:
        """The weights as int64 values (MH, MW): +1/-1 for bits, the integers themselves."""
        w = self.weights.astype(np.int64)
        return 2 * w - 1 if getattr(self, "weight_bits", 1) == 1 else w

    def negated_rows(self, flip: np.ndarray) -> np.ndarray:
        """The weights with the rows where `flip` is True negated (a falling channel's)."""
        w = self.weights.copy()
        if getattr(self, "weight_bits", 1) == 1:
            w[flip] ^= 1
        else:
            w[flip] = -w[flip]
        return w

    def input_range(self) -> tuple[int, int]:
        """Smallest and largest input element value (bipolar: -1 and +1)."""
        if self.in_bits == 1:
            return -1, 1
        elem = Int(self.in_bits, self.in_signed)
        return elem.min, elem.max

    def acc_range(self) -> tuple[int, int]:
        """Smallest and largest accumulator (dot product) value any input can reach, as a
        symmetric range: the largest input magnitude times the largest row of |weights|."""
        if self.xnor:
            return -self.mw, self.mw
        lo, hi = self.input_range()
        rows = np.abs(self.weight_values()).sum(axis=1)
        m = max(abs(lo), hi) * int(rows.max()) if rows.size else 0
        return -m, m

    def int_dot(self, x: np.ndarray) -> np.ndarray:
        """The integer sum of products (..., MH) of inputs x (..., MW; bits or integers) with
        the weight values: float BLAS, exact since every partial sum is an integer below 2^24
        (float32) or 2^53 (float64)."""
        lo, hi = self.acc_range()
        # float32 where every sum is below 2^24 (exact there, and twice BLAS' float64 speed)
        ft = np.float32 if max(-lo, hi) < (1 << 24) else np.float64
        xv = (
            2 * x.astype(ft) - 1 if self.in_bits == 1 else x.astype(ft)
        )  # bits: uint8 must not wrap
        return np.rint(xv @ self.weight_values().astype(ft).T).astype(np.int64)

    @property
    def pad_window(self) -> Window | None:
        """The geometry of a zero-padded bipolar convolution's windows (`window` field), else
        None."""
        w = getattr(self, "window", None)
        return Window.from_dict(w) if w else None

    def true_dot(self, x: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Dot products (..., MH) of bipolar vectors x (..., MW) with `weights`, pad positions
        counting 0 (the true zero-padded convolution, not the hardware's pad bits). x's
        leading axes end in the output pixels of one frame."""
        win = self.pad_window
        lead = x.shape[:-1]
        xb = x.reshape(-1, win.oh * win.ow, self.mw)
        mask = win.mask()  # (pixels, MW)
        xs = np.where(mask[None], 2.0 * xb - 1.0, 0.0)  # +-1 inside, 0 on pads
        ws = 2.0 * weights - 1.0
        d = np.rint(xs @ ws.T).astype(np.int64)  # float64 sums of +-1 are exact (BLAS-fast)
        return d.reshape(lead + (self.mh,))
