"""What every binary-weight matrix op shares: its shape and its accumulator's range."""

from __future__ import annotations


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
