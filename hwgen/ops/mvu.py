"""XnorMVU: the streaming XNOR-popcount matrix-vector unit, with optional thresholds.

With thresholds it computes one bit per output channel, popcount(XNOR(x, w_c)) >= T_c (a
BatchNorm + sign folded by `passes.thresholds`); without, it emits the signed bipolar dot
product 2*popcount - MW (the last layer). Folding: SIMD input lanes and PE output channels
per cycle, so a vector takes ceil(MW/SIMD) * ceil(MH/PE) cycles (sizes need not divide).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hwgen.golden import threshold_bits, xnor_popcount
from hwgen.ir.dtypes import Bipolar, Int, signed_bits_for, unsigned_bits_for
from hwgen.ir.graph import Node, register_op


@register_op
@dataclasses.dataclass
class XnorMVU(Node):
    """Bipolar matrix (MH x MW bits) times a bipolar vector, thresholded or not."""

    weights: np.ndarray = None  # uint8 bits (MH, MW); rows already negated where gamma < 0
    thresholds: np.ndarray | None = None  # int64 (MH,), popcount thresholds in [0, MW + 1]
    pe: int = 1
    simd: int = 1
    in_width: int = 1  # bits per input beat (the previous layer's PE, or the top's input width)
    fifo_depth: int = 2  # depth of the FIFO in front of this layer

    @property
    def mw(self) -> int:
        return int(self.weights.shape[1])

    @property
    def mh(self) -> int:
        return int(self.weights.shape[0])

    @property
    def sf(self) -> int:
        """Synapse fold: cycles to consume one input vector for one PE group."""
        return math.ceil(self.mw / self.simd)

    @property
    def nf(self) -> int:
        """Neuron fold: PE groups, one output beat each."""
        return math.ceil(self.mh / self.pe)

    @property
    def pad_lanes(self) -> int:
        """Lanes past MW in the last synapse fold: both operands are 0 there, so each counts
        as a match; the hardware adds this constant instead of masking the lanes."""
        return self.sf * self.simd - self.mw

    @property
    def cycles(self) -> int:
        """Cycles per input vector at full rate: the folding bound."""
        return self.sf * self.nf

    @property
    def in_beats(self) -> int:
        return math.ceil(self.mw / self.in_width)

    @property
    def count_bits(self) -> int:
        """Width of the popcount accumulator (pad lanes included)."""
        return unsigned_bits_for(self.sf * self.simd)

    @property
    def thr_bits(self) -> int:
        """Width of a stored threshold (T + pad lanes, up to MW + 1 + pad)."""
        return unsigned_bits_for(self.sf * self.simd + 1)

    @property
    def out_dtype(self):
        return Bipolar() if self.has_thresholds else Int(signed_bits_for(-self.mw, self.mw), True)

    @property
    def out_lane_bits(self) -> int:
        return self.out_dtype.bits

    @property
    def has_thresholds(self) -> bool:
        return self.thresholds is not None

    def validate(self) -> None:
        if self.weights is None or self.weights.ndim != 2:
            raise self.fail("weights must be a 2-D bit matrix")
        if not 1 <= self.pe <= self.mh or not 1 <= self.simd <= self.mw:
            raise self.fail(f"PE={self.pe} must be in [1, {self.mh}] and SIMD={self.simd} in [1, {self.mw}]")
        if self.in_width < 1:
            raise self.fail(f"input width {self.in_width} must be >= 1")
        if self.has_thresholds:
            t = self.thresholds
            if t.shape != (self.mh,) or t.min() < 0 or t.max() > self.mw + 1:
                raise self.fail(f"thresholds must be {self.mh} values in [0, {self.mw + 1}]")

    def golden(self, x: np.ndarray) -> np.ndarray:
        if x.shape[1:] != (self.mw,):
            raise self.fail(f"expects {self.mw} input bits per vector, got shape {x.shape[1:]}")
        pc = xnor_popcount(x, self.weights)
        if self.has_thresholds:
            return threshold_bits(pc, self.thresholds)
        return 2 * pc - self.mw

    def weight_words(self) -> list[int]:
        """Weight ROM contents: word nf*SF + sf holds PE x SIMD bits, bit p*SIMD + l being
        w[nf*PE + p][sf*SIMD + l] (0 where past MH or MW)."""
        w = np.zeros((self.nf * self.pe, self.sf * self.simd), dtype=np.uint8)
        w[: self.mh, : self.mw] = self.weights
        w = w.reshape(self.nf, self.pe, self.sf, self.simd).transpose(0, 2, 1, 3)
        flat = w.reshape(self.nf * self.sf, self.pe * self.simd)
        return [_bits_to_int(row) for row in flat]

    def threshold_words(self) -> list[int]:
        """Threshold ROM contents: word nf holds PE thresholds (pad lanes added), lane p at
        bits [p*TW, (p+1)*TW)."""
        t = np.zeros(self.nf * self.pe, dtype=np.int64)
        t[: self.mh] = self.thresholds + self.pad_lanes
        tw = self.thr_bits
        return [sum(int(v) << (p * tw) for p, v in enumerate(t[i * self.pe:(i + 1) * self.pe]))
                for i in range(self.nf)]


def _bits_to_int(bits: np.ndarray) -> int:
    """Little-endian bit vector to a Python int (bit i of the int is element i)."""
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
