"""Bi-Real shortcuts in integer hardware: a residual block and the sign of an integer stream.

A Bi-Real net keeps a real-valued path h beside its binary layers; here h is fixed point (one
shared quantizer scale), so the hardware carries integers:
    h_out = h_in + q,   q = levels(popcount(XNOR(sign(h_in), w)))
`ResidualBlock` is that whole step as one streaming op: the input stream is duplicated, one
copy is binarized (h >= 0) into an XnorMVU with level thresholds, the other waits in a FIFO
(the shortcut), and the two are added lane by lane. The IR stays a chain; the fork, the
buffer and the add live inside the op (rtl/hwgen_residual.v). `IntSign` turns the last h
into bits for the binary layer that follows.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hwgen.golden import xnor_popcount
from hwgen.ir.dtypes import Int, signed_bits_for
from hwgen.ir.graph import register_op
from hwgen.ops.mvu import XnorMVU
from hwgen.ops.stream_op import StreamIn, StreamOp, host_width, require_int_lanes
from hwgen.sim.handshake import Wires


@register_op
@dataclasses.dataclass
class ResidualBlock(XnorMVU):
    """h_out = h_in + (out_offset + #level thresholds reached by popcount(XNOR(h_in >= 0, w))).

    An XnorMVU (MW = MH, bipolar accumulation, levels out) plus the shortcut. The input
    stream carries h_in as `h_bits`-bit signed lanes, PE per beat: PE must be the producer's,
    so the shortcut's beats line up with the MVU's output beats.
    """

    h_bits: int = 4  # bits of an h_in element
    h_range: list = dataclasses.field(default_factory=lambda: [-8, 7])  # reachable h_in values

    pe_from_producer = True

    def connect(self, ins: list[StreamIn]) -> int:
        self.h_bits = require_int_lanes(self, ins)[1]
        self.in_width = host_width(ins, self.simd * self.in_bits)
        return self.pe * self.out_lane_bits

    def int_stream(self, ins: list[StreamIn]) -> tuple[int, int]:
        return self.pe, self.out_lane_bits

    @property
    def in_beats(self) -> int:
        """Input beats per vector (h_in elements, not bits)."""
        return math.ceil(self.mw * self.h_bits / self.in_width)

    @property
    def out_range(self) -> tuple[int, int]:
        """Reachable h_out values: h_in's range plus the levels'."""
        k = self.thresholds.shape[1]
        return int(self.h_range[0]) + self.out_offset, int(self.h_range[1]) + self.out_offset + k

    @property
    def out_dtype(self):
        """Wide enough for the sum, and wider than either operand (the adder sign-extends)."""
        return Int(max(signed_bits_for(*self.out_range), self.h_bits + 1, self.out_bits + 1), True)

    @property
    def shortcut_depth(self) -> int:
        """Shortcut FIFO entries: two vectors of beats (the MVU takes the next vector while it
        computes one) and the MVU's pipeline, so the shortcut never stalls the block."""
        return 2 * self.nf + 4 + self.added_latency

    def inner_mvu(self) -> XnorMVU:
        """The block's binary layer alone, as the XnorMVU it instantiates (bits of PE lanes in)."""
        return XnorMVU(
            name=self.name,
            weights=self.weights,
            thresholds=self.thresholds,
            pe=self.pe,
            simd=self.simd,
            in_width=self.pe,
            out_bits=self.out_bits,
            out_offset=self.out_offset,
            input_style="registers",
            stages=list(self.stages),
            pc_groups=self.pc_groups,
            rom_bank_depth=self.rom_bank_depth,
        )  # the block's own MVU keeps the rotating register

    def validate(self) -> None:
        if self.weights is not None and self.mw != self.mh:
            raise self.fail(f"a shortcut needs a square layer, this one is {self.mh}x{self.mw}")
        if not self.levels or self.in_bits != 1:
            raise self.fail("the block's layer must have level thresholds and bipolar accumulation")
        lo, hi = self.h_range
        if signed_bits_for(lo, hi) > self.h_bits:
            raise self.fail(f"h range [{lo}, {hi}] does not fit {self.h_bits} signed bits")
        super().validate()

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, MW) integers h_in -> (B, MH) integers h_out."""
        if x.shape[-1] != self.mw:
            raise self.fail(f"expects {self.mw} elements per vector, got shape {x.shape[1:]}")
        h = x.reshape(-1, self.mw).astype(np.int64)
        acc = xnor_popcount((h >= 0).astype(np.uint8), self.weights)
        return (h + self._decide(acc)).reshape(x.shape)


@register_op
@dataclasses.dataclass
class IntSign(StreamOp):
    """Bits of a stream of signed integers: h >= 0 -> 1 (+1), else 0 (-1); lanes stay lanes."""

    elems: int = 1  # elements per vector
    bits: int = 4  # bits of an input element
    in_width: int = 4  # bits per input beat (lanes x bits)
    fifo_depth: int = 2

    def connect(self, ins: list[StreamIn]) -> int:
        self.bits = require_int_lanes(self, ins)[1]
        self.in_width = ins[0].width
        return self.out_width

    def frame_beats(self) -> int:
        return self.cycles

    def hls_trips(self, frames: int) -> int:
        return frames * self.cycles

    def handshake(self) -> Wires:
        return Wires()

    def table_row(self) -> dict:
        return self.row("sign", f"{self.elems} x {self.bits} bits", "bipolar")

    @property
    def lanes(self) -> int:
        """Elements per beat."""
        return self.in_width // self.bits

    @property
    def out_width(self) -> int:
        """Bits per output beat: one per lane."""
        return self.lanes

    @property
    def cycles(self) -> int:
        """One beat per cycle."""
        return math.ceil(self.elems / self.lanes)

    def validate(self) -> None:
        if self.bits < 2 or self.in_width % self.bits:
            raise self.fail(
                f"input beats of {self.in_width} bits are not whole {self.bits}-bit lanes"
            )

    def golden(self, x: np.ndarray) -> np.ndarray:
        """Integers -> bits, h >= 0 -> 1."""
        return (x >= 0).astype(np.uint8)
