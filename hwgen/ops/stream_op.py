"""`StreamOp`: the base of every op that becomes a kernel of the accelerator, and the facts
passes, backends and the schedule model ask of it.

A pass never switches on an op's type: it asks. Each hardware op answers, in its own module,
how many beats it writes per frame, how its input width follows from its producers, what
integer lanes it emits, its HLS loop's trip count, its compile-table row and its handshake
model (`hwgen.sim.handshake`). The base answers none of these: an op that forgets one fails
with one error naming the op and the fact, never with a default. Backends and the estimate
keep one registry each (op type -> kernel); `tests/unit/test_registries.py` checks that
every hardware op is in all of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from hwgen.errors import HwgenError
from hwgen.ir.graph import Node


@dataclass(frozen=True)
class StreamIn:
    """What one producer delivers to a node: the producer (None: the accelerator's input
    port), its bits per beat (None: the host, so the node takes its natural width), its
    integer lanes `(lanes, bits)` (None: bits or pixels, not integer lanes), and its beats per
    frame (None for the host)."""

    node: "StreamOp | None"
    width: int | None
    lanes: tuple[int, int] | None
    beats: int | None


class StreamOp(Node):
    """A hardware op with a kernel in rtl/ and hls/. Subclasses are dataclasses."""

    #: folded by PE/SIMD (an MVU): the folding sets it, and its PE sets its output lanes
    foldable: ClassVar[bool] = False
    #: passes its first producer's integer lanes on (a fork, an add): lanes meet through it
    lanes_through: ClassVar[bool] = False
    #: adds its operands lane by lane: the layers whose lanes meet here share one PE
    joins_lanes: ClassVar[bool] = False
    #: takes the PE of the MVU before it (a residual block's shortcut lines up with it)
    pe_from_producer: ClassVar[bool] = False
    #: a change of view that may have no hardware (a flatten): any producer may feed it
    view_only: ClassVar[bool] = False
    #: the fields holding the depths of the FIFOs in front of its operands, in operand order
    fifo_fields: ClassVar[tuple[str, ...]] = ("fifo_depth",)
    #: has pipeline stages that the timing pass picks for a clock (`stage_candidates`)
    pipelined: ClassVar[bool] = False
    #: the names of the stages it can take (a folding file's `stages` may pin them)
    stage_names: ClassVar[tuple[str, ...]] = ()
    #: the fields its stages are set by (the timing pass copies them from the chosen candidate)
    stage_fields: ClassVar[tuple[str, ...]] = ()
    #: stages the timing pass adds, out of the model's reach, only where they make it faster
    stages_if_faster: ClassVar[frozenset] = frozenset()
    #: what the timing pass tells a user whose layer the model cannot bring to the clock
    stage_advice: ClassVar[str] = "ask for a slower clock"

    def lacks(self, fact: str) -> HwgenError:
        """The error for a fact this op does not define (a new op half-written)."""
        return self.fail(
            f"the op does not define {fact}; every hardware op must (see DESIGN.md, 'Adding an op')"
        )

    @property
    def has_instance(self) -> bool:
        """It becomes a kernel instance (a flatten only where it packs pixels)."""
        return True

    @property
    def cycles(self) -> int:
        """Cycles per frame at full rate."""
        raise self.lacks("its cycles per frame")

    @property
    def ends_stream(self) -> bool:
        """Its output is the accelerator's final integers: nothing in hardware may read it."""
        return False

    @property
    def pads_pixel_lanes(self) -> bool:
        """Its beats carry pad lanes inside each pixel (a flatten after it packs them)."""
        return False

    def fold_floor(self) -> int:
        """Cycles per frame no folding of the MVUs takes it below (the folding search's floor)."""
        return self.cycles

    def frame_beats(self) -> int:
        """Beats per frame out of this node."""
        raise self.lacks("its output beats per frame")

    def connect(self, ins: list[StreamIn]) -> int:
        """Set the fields that follow from its producers (input width, lanes, beats) and
        return the bits per beat it writes (the stream-width pass calls it in graph order)."""
        raise self.lacks("how its stream widths follow from its producers")

    def int_stream(self, ins: list[StreamIn]) -> tuple[int, int] | None:
        """(lanes, bits) of the integer stream it writes, or None (bits, pixels of a window);
        called after `connect`."""
        return None

    def operand_fifos(self) -> list[tuple[int, int]]:
        """(bits per beat, depth) of the FIFO in front of each operand."""
        return [(self.in_width, self.fifo_depth)]

    def hls_trips(self, frames: int) -> int:
        """The trip count its HLS kernel's counted loop reaches for `frames` frames."""
        raise self.lacks("its HLS trip count")

    def table_row(self) -> dict:
        """Its row of the compile table: kind, shape, pe, simd, out (type), cycles."""
        raise self.lacks("its compile-table row")

    def handshake(self):
        """Its cycle-by-cycle handshake model (a `hwgen.sim.handshake.Kernel`)."""
        raise self.lacks("a handshake model for the schedule")

    def logic_paths(self) -> list:
        """Its register-to-register paths for the timing model (`hwgen.ops.logic_paths.Part`);
        none for a kernel whose logic is shallow (priced with the rest of the design)."""
        return []

    @property
    def added_latency(self) -> int:
        """Cycles its pipeline stages add (a kernel without any: 0)."""
        return 0

    def prepare_stages(self, bank_depth) -> None:
        """Set what its stages need on the family before the timing pass picks them (a banked
        ROM's depth: `bank_depth(words, width)` gives the family's); most ops need nothing."""

    def stage_candidates(self) -> list:
        """Copies of it with each set of stages it can take (the timing pass picks one)."""
        return [self]

    def stage_cost(self) -> int:
        """What its stages cost, as the timing pass weighs candidates (flip-flops, LUTs
        weighed more)."""
        return 0

    def input_format(self) -> tuple[int, int, int] | None:
        """As the accelerator's first node: (elements, bits per element, beats) of a frame
        from the host, or None where it cannot start an accelerator."""
        return None

    def output_format(self) -> tuple[int, int, int, int] | None:
        """As the accelerator's last node: (lanes per beat, bits per lane, beats, elements) of
        a frame to the host, or None where it cannot end an accelerator."""
        return None

    def row(self, kind: str, shape: str, out: str = "", pe="", simd="") -> dict:
        """A compile-table row of this node."""
        return {
            "layer": self.name,
            "kind": kind,
            "shape": shape,
            "pe": pe,
            "simd": simd,
            "out": out,
            "cycles": self.cycles,
        }


def require_int_lanes(node: StreamOp, ins: list[StreamIn]) -> tuple[int, int]:
    """The integer lanes a node that reads integers (a fork, an add, a sign, a residual block)
    gets from its first producer, or one error naming it."""
    got = ins[0].lanes if ins else None
    if got is None:
        raise HwgenError(
            f"node '{node.name}': needs an integer stream from a level-output layer before it"
        )
    return got


def host_width(ins: list[StreamIn], natural: int) -> int:
    """Bits per input beat: the producer's, or `natural` where the host feeds the node."""
    width = ins[0].width if ins else None
    return natural if width is None else width


def folding_bound(graph) -> int:
    """Cycles per frame of the slowest hardware node (sliding windows included): the rate the
    whole pipeline must reach."""
    return max(n.cycles for n in graph.hw_nodes())
