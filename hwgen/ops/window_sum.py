"""WindowSum: the channelwise sum of each window's K*K integer pixels (an average pool, whose
1/(K*K) the next layer's thresholds absorb exactly: the sum is an integer, the mean is not)."""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.ir.dtypes import Int, signed_bits_for
from hwgen.ir.graph import register_op
from hwgen.ops.stream_op import StreamIn, StreamOp, host_width
from hwgen.sim.handshake import Accumulate


@register_op
@dataclasses.dataclass
class WindowSum(StreamOp):
    """Sum of the K*K pixels of each window from a SlidingWindow, C signed channels of
    `elem_bits` each, in `in_range`; sums of `out_bits`. One beat (a whole pixel) in per cycle,
    one out per window (rtl/hwgen_window_sum.v)."""

    c: int = 1
    k: int = 2
    pixels: int = 1  # output pixels per frame
    elem_bits: int = 4
    in_range: list = dataclasses.field(default_factory=lambda: [-8, 7])
    in_width: int = 0  # bits per input beat (set by the stream-width pass; 0 until then)
    fifo_depth: int = 2

    def connect(self, ins: list[StreamIn]) -> int:
        self.in_width = host_width(ins, self.pixel_bits)
        return self.out_width

    def frame_beats(self) -> int:
        return self.pixels

    def hls_trips(self, frames: int) -> int:
        return frames * self.pixels * self.k * self.k

    def handshake(self) -> Accumulate:
        return Accumulate(self.k * self.k)

    def table_row(self) -> dict:
        return self.row("avg-pool sum", f"{self.c}", str(Int(self.out_bits, True)))

    @property
    def out_range(self) -> tuple[int, int]:
        kk = self.k * self.k
        return kk * int(self.in_range[0]), kk * int(self.in_range[1])

    @property
    def out_bits(self) -> int:
        return max(signed_bits_for(*self.out_range), self.elem_bits)

    @property
    def pixel_bits(self) -> int:
        return self.c * self.elem_bits

    @property
    def out_width(self) -> int:
        return self.c * self.out_bits

    @property
    def cycles(self) -> int:
        return self.pixels * self.k * self.k

    def validate(self) -> None:
        if self.in_width and self.in_width != self.pixel_bits:
            raise self.fail(
                f"input beats must be whole pixels of {self.pixel_bits} bits, got {self.in_width}"
            )
        if signed_bits_for(*self.in_range) > self.elem_bits:
            raise self.fail(
                f"input range {self.in_range} does not fit {self.elem_bits} signed bits"
            )

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, OH, OW, K*K*C) integers -> (B, OH, OW, C) sums."""
        win = x.reshape(x.shape[:-1] + (self.k * self.k, self.c)).astype(np.int64)
        return win.sum(axis=-2)
