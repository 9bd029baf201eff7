"""What both backends share: the hardware nodes that get an instance, identifiers, and the
accelerator's stream format at its ports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hwgen.errors import HwgenError
from hwgen.ir import Graph


@dataclass(frozen=True)
class StreamFormat:
    """How a frame crosses the accelerator's AXI-Stream ports."""

    in_width: int  # bits per input beat
    in_beats: int  # beats per input frame
    in_elems: int  # elements per input frame
    in_elem_bits: int  # bits per input element (1: bipolar)
    out_lanes: int  # lanes per output beat
    out_lane_bits: int  # bits per output lane (signed unless 1)
    out_beats: int  # beats per output frame
    out_elems: int  # elements per output frame

    @property
    def out_width(self) -> int:
        return self.out_lanes * self.out_lane_bits


def instance_nodes(graph: Graph) -> list:
    """Hardware nodes that have an instance (a Flatten is only a change of view, unless it
    packs pixels)."""
    return [n for n in graph.hw_nodes() if n.has_instance]


def instance_inputs(graph: Graph) -> dict[str, list[str | None]]:
    """Each instance node's producers among the instance nodes, in operand order (None: the
    accelerator's input stream); nodes without an instance are looked through."""
    inst = {n.name for n in instance_nodes(graph)}
    hw = {n.name for n in graph.hw_nodes()}

    def source(name: str) -> str | None:
        while name in hw and name not in inst:
            ins = graph.input_names(name)
            name = ins[0] if ins else None
            if name is None:
                return None
        return name if name in inst else None

    return {n: [source(p) for p in graph.input_names(n)] or [None] for n in inst}


def instance_outputs(graph: Graph) -> dict[str, list[str]]:
    """Each instance node's consumers among the instance nodes (a fork's two, in graph
    order); the last node's output is the accelerator's (an empty list)."""
    ins = instance_inputs(graph)
    outs: dict[str, list[str]] = {n.name: [] for n in instance_nodes(graph)}
    for n in instance_nodes(graph):
        for p in ins[n.name]:
            if p is not None:
                outs[p].append(n.name)
    return outs


def input_fifos(n) -> list[tuple[int, int]]:
    """(bits per beat, depth) of the FIFO in front of each of a node's operands: one, or an
    add's two; hwgen_axis_fifo needs a depth of 2 or more."""
    return [(w, max(2, d)) for w, d in n.operand_fifos()]


def instance_ids(graph: Graph) -> dict[str, str]:
    """An identifier per instance node, in graph order (`l<k>_<name>`)."""
    return {n.name: f"l{k}_{identifier(n.name)}" for k, n in enumerate(instance_nodes(graph))}


def edge_streams(graph: Graph) -> dict[tuple[str, str], str]:
    """The stream from each instance node to each of its consumers, by (producer, consumer):
    `<id>_out`, or `<id>_out<j>` for each consumer of a fork."""
    ids, names = instance_ids(graph), {}
    for p, consumers in instance_outputs(graph).items():
        for j, c in enumerate(consumers):
            names[(p, c)] = f"{ids[p]}_out{j}" if len(consumers) > 1 else f"{ids[p]}_out"
    return names


def stream_format(graph: Graph) -> StreamFormat:
    """The accelerator's port format, derived from its first and last nodes."""
    hw = instance_nodes(graph)
    if not hw:
        raise HwgenError(f"graph '{graph.name}': nothing to put in hardware")
    first, last = hw[0], hw[-1]
    out = last.output_format()
    if out is None:
        raise HwgenError(f"graph '{graph.name}': the accelerator must end with a matrix layer")
    into = first.input_format()
    if into is None:
        raise HwgenError(f"graph '{graph.name}': cannot start with {type(first).__name__}")
    elems, ebits, beats = into
    return StreamFormat(first.in_width, beats, elems, ebits, *out)


def identifier(name: str) -> str:
    """A Verilog identifier from a layer name."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return s if re.match(r"[A-Za-z_]", s) else f"l_{s}"
