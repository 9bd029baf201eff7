"""Every hardware op is known everywhere: the RTL and HLS backends' kernels, the estimate's
parts, and its own facts (beats, widths, trips, table row, handshake model). An op added
without one of them is listed by `gaps` (shown with a test-only op), and meets one clear error
naming it wherever it is asked, never a default."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hwgen.backends.hls.codegen import KERNELS as HLS_KERNELS
from hwgen.backends.hls.codegen import generate_hls
from hwgen.backends.rtl.codegen import KERNELS as RTL_KERNELS
from hwgen.backends.rtl.codegen import generate_rtl
from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph
from hwgen.estimate.features import PARTS
from hwgen.ir import Graph
from hwgen.ir.graph import OP_TYPES
from hwgen.ops import XnorMVU
from hwgen.ops.stream_op import StreamOp
from hwgen.passes.folding import set_stream_widths
from hwgen.sim.schedule import simulate_schedule

#: what `StreamOp` leaves to every op to define
FACTS = ("cycles", "frame_beats", "connect", "hls_trips", "table_row", "handshake")
REGISTRIES = {"RTL kernel": RTL_KERNELS, "HLS kernel": HLS_KERNELS, "estimate parts": PARTS}


def hardware_ops(types) -> set[type]:
    """The op types that stay in a lowered graph's accelerator."""
    return {c for c in types if c.placement == "hw" and c.has_kernel}


def gaps(ops) -> list[str]:
    """What each op lacks: a registry entry, or one of the facts it must define."""
    out = []
    for cls in sorted(ops, key=lambda c: c.__name__):
        if not issubclass(cls, StreamOp):
            out.append(f"{cls.__name__}: not a StreamOp")
            continue
        out += [f"{cls.__name__}: no {what}" for what, reg in REGISTRIES.items() if cls not in reg]
        out += [
            f"{cls.__name__}: no {fact}"
            for fact in FACTS
            if getattr(cls, fact) is getattr(StreamOp, fact)
        ]
    return out


@dataclasses.dataclass
class HalfWrittenOp(StreamOp):
    """A test-only op: a hardware op with fields, but none of its facts or kernels."""

    in_width: int = 4
    fifo_depth: int = 2

    def golden(self, x: np.ndarray) -> np.ndarray:
        return x


def test_every_hardware_op_is_in_every_registry():
    ops = hardware_ops(set(OP_TYPES.values()))
    assert {c.__name__ for c in ops} >= {
        "XnorMVU",
        "SlidingWindow",
        "WindowMax",
        "WindowSum",
        "Flatten",
        "Fork",
        "AddStreams",
        "IntSign",
        "ResidualBlock",
    }
    assert gaps(ops) == []


def test_a_half_written_op_is_listed_with_everything_it_lacks():
    assert gaps({HalfWrittenOp}) == [
        "HalfWrittenOp: no RTL kernel",
        "HalfWrittenOp: no HLS kernel",
        "HalfWrittenOp: no estimate parts",
        *[f"HalfWrittenOp: no {f}" for f in FACTS],
    ]


def test_ops_lowered_before_codegen_say_so():
    lowered = {c.__name__ for c in OP_TYPES.values() if c.placement == "hw" and not c.has_kernel}
    assert lowered == {"BinaryMatMul", "LabelSelect"}


def _graph_of(op) -> Graph:
    """The op, then a plain MVU (so the accelerator ends as it must)."""
    mvu = XnorMVU(name="m", weights=np.ones((2, 4), np.uint8))
    return Graph("half", [1, 4], [1, 2], [op, mvu])


@pytest.mark.parametrize(
    "ask, match",
    [
        (lambda g: set_stream_widths(g), "does not define how its stream widths"),
        (lambda g: simulate_schedule(g), "does not define a handshake model"),
        (lambda g: generate_rtl(g), "RTL backend has no kernel for HalfWrittenOp"),
        (lambda g: generate_hls(g), "HLS backend has no kernel for HalfWrittenOp"),
        (lambda g: estimate_graph(g, "zynq7"), "no estimate for HalfWrittenOp"),
        (lambda g: g.hw_nodes()[0].frame_beats(), "does not define its output beats per frame"),
        (lambda g: g.hw_nodes()[0].handshake(), "does not define a handshake model"),
        (lambda g: g.hw_nodes()[0].table_row(), "does not define its compile-table row"),
    ],
)
def test_an_unknown_op_is_one_clear_error_everywhere(ask, match):
    with pytest.raises(HwgenError, match=match) as e:
        ask(_graph_of(HalfWrittenOp(name="half")))
    assert "half" in str(e.value) or "HalfWrittenOp" in str(e.value)
