"""What every binary-weight matrix op shares: its shape and its accumulator's range."""

from __future__ import annotations

import numpy as np

from hwgen.ops.padding import Window


class BinaryMatrixShape:
    """Mixin for ops with `weights` (MH x MW bits) and `in_bits`/`in_signed` inputs."""

    @property
    def mw(self) -> int:
        """Input elements per vector."""
        return int(self.weights.shape[1])

    @property
    def mh(self) -> int:
        """Output channels."""
        return int(self.weights.shape[0])

    def acc_range(self) -> tuple[int, int]:
        """Smallest and largest reachable accumulator (dot product) value."""
        if self.in_bits == 1:
            return -self.mw, self.mw
        lo = -(1 << (self.in_bits - 1)) if self.in_signed else 0
        hi = (1 << (self.in_bits - 1)) - 1 if self.in_signed else (1 << self.in_bits) - 1
        m = self.mw * max(abs(lo), hi)
        return -m, m

    @property
    def pad_window(self) -> Window | None:
        """The geometry of a zero-padded bipolar convolution's windows (`window` field), else None."""
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
