"""The nodes that make the IR a graph: `Fork` (one stream to two consumers) and `AddStreams`
(the lane-by-lane sum of two integer streams: a Bi-Real shortcut's add).

Both are small handshakes in hardware (rtl/hwgen_fork.v, rtl/hwgen_add_streams.v): a fork
offers each beat to both consumers and takes it once both have (a flag per consumer), an add
takes one beat of each operand at once. The FIFOs in front of an add's operands hold what
one branch has produced while the other is still computing; their depths are computed from
the ops' schedules (`passes.fifo_depths`), and an add needs both operands' beats to line
up lane for lane.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.errors import HwgenError
from hwgen.ir.dtypes import Int, signed_bits_for
from hwgen.ir.graph import register_op
from hwgen.ops.stream_op import StreamIn, StreamOp, require_int_lanes
from hwgen.sim.handshake import Broadcast, Wires


@register_op
@dataclasses.dataclass
class Fork(StreamOp):
    """Duplicates a stream for two consumers (the nodes that name it in `Graph.edges`)."""

    in_width: int = 1  # bits per beat (set by the stream-width pass)
    beats: int = 1  # beats per frame (set by the stream-width pass)
    fifo_depth: int = 2

    lanes_through = True

    def connect(self, ins: list[StreamIn]) -> int:
        require_int_lanes(self, ins)
        self.in_width, self.beats = ins[0].width, ins[0].beats
        return self.out_width

    def int_stream(self, ins: list[StreamIn]) -> tuple[int, int] | None:
        return ins[0].lanes

    def frame_beats(self) -> int:
        return self.beats

    def hls_trips(self, frames: int) -> int:
        return frames * self.beats

    def handshake(self) -> Broadcast:
        return Broadcast()

    def table_row(self) -> dict:
        return self.row("fork", f"{self.beats} beats")

    @property
    def out_width(self) -> int:
        return self.in_width

    @property
    def cycles(self) -> int:
        """One beat per cycle."""
        return self.beats

    def golden(self, x: np.ndarray) -> np.ndarray:
        return x


@register_op
@dataclasses.dataclass
class AddStreams(StreamOp):
    """a + b, lane by lane: `lanes` signed integers per beat of each operand (`a_bits` and
    `b_bits` wide), sums of `out_bits`; `out_range` is the sum's reachable range."""

    lanes: int = 1
    a_bits: int = 4
    b_bits: int = 4
    beats: int = 1  # beats per frame
    out_range: list = dataclasses.field(default_factory=lambda: [-8, 7])
    in_width: int = 4  # bits per beat of a (set by the stream-width pass)
    fifo_depth: int = 2  # the FIFO in front of a (computed: passes.fifo_depths)
    fifo_depth_b: int = 2  # the FIFO in front of b

    lanes_through = True
    joins_lanes = True
    fifo_fields = ("fifo_depth", "fifo_depth_b")

    def connect(self, ins: list[StreamIn]) -> int:
        (la, ba), (lb, bb) = (require_int_lanes(self, [i]) for i in ins)
        if la != lb or ins[0].beats != ins[1].beats:
            raise HwgenError(
                f"node '{self.name}': its operands' beats do not line up ({la} lanes x "
                f"{ins[0].beats} beats vs {lb} x {ins[1].beats})"
            )
        self.lanes, self.a_bits, self.b_bits, self.beats = la, ba, bb, ins[0].beats
        self.in_width = ins[0].width
        return self.out_width

    def int_stream(self, ins: list[StreamIn]) -> tuple[int, int]:
        return self.lanes, self.out_bits

    def operand_fifos(self) -> list[tuple[int, int]]:
        return [(self.in_width, self.fifo_depth), (self.in_width_b, self.fifo_depth_b)]

    def frame_beats(self) -> int:
        return self.beats

    def hls_trips(self, frames: int) -> int:
        return frames * self.beats

    def handshake(self) -> Wires:
        return Wires()

    def table_row(self) -> dict:  # its operand FIFOs are computed: show them
        return self.row(
            f"add (FIFOs {self.fifo_depth}, {self.fifo_depth_b})",
            f"{self.lanes} lanes",
            str(self.out_dtype),
        )

    @property
    def out_bits(self) -> int:
        """Wide enough for the sum, and wider than either operand (the adder sign-extends)."""
        return max(signed_bits_for(*self.out_range), self.a_bits, self.b_bits)

    @property
    def out_dtype(self):
        return Int(self.out_bits, True)

    @property
    def in_width_b(self) -> int:
        return self.lanes * self.b_bits

    @property
    def out_width(self) -> int:
        return self.lanes * self.out_bits

    @property
    def cycles(self) -> int:
        """One beat per cycle."""
        return self.beats

    def validate(self) -> None:
        lo, hi = self.out_range
        if lo > hi:
            raise self.fail(f"empty output range [{lo}, {hi}]")

    def golden(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Integers of equal shape -> their sum."""
        if a.shape != b.shape:
            raise self.fail(f"operands of shapes {a.shape[1:]} and {b.shape[1:]} cannot be added")
        return a.astype(np.int64) + b.astype(np.int64)
