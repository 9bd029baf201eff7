"""Folding (PE/SIMD per MVU) and the stream widths between hardware layers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops import XnorMVU
from hwgen.ops.mvu import RAM_STYLES


def load_fold_config(path: Path) -> dict[str, dict]:
    """Read a folding file: {"layer name": {"pe": N, "simd": N}, ...} (FINN's folding_config
    layout, where the keys name the MVU layers of `hwgen compile`'s report)."""
    try:
        doc = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise HwgenError(f"{path}: folding file not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise HwgenError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(doc, dict) or not all(isinstance(v, dict) for v in doc.values()):
        raise HwgenError(f"{path}: expected an object of layer name -> {{\"pe\": N, \"simd\": N}}")
    doc.pop("Defaults", None)  # FINN's folding files carry one; it has no meaning here
    return doc


def apply_folding(graph: Graph, pe: int | None = None, simd: int | None = None,
                  config: dict[str, dict] | None = None, fifo_depths: bool = True) -> Graph:
    """Set PE/SIMD on every MVU: `pe`/`simd` for all (clipped to each layer's size), then the
    per-layer `config` entries, which must name existing MVUs and fit their sizes (and may set
    `fifo_depth` and the weight memory's `ram_style`: auto, block or lut) or name adds (and
    pin `fifo_depth`/`fifo_depth_b`, their operands' FIFOs; the others are computed, unless
    `fifo_depths` is False: a folding search's candidates)."""
    from hwgen.ops import AddStreams
    g = copy.deepcopy(graph)
    mvus = {n.name: n for n in g.nodes if isinstance(n, XnorMVU)}
    adds = {n.name: n for n in g.nodes if isinstance(n, AddStreams)}
    config = dict(config or {})
    pinned = set()
    for name in [k for k in config if k in adds]:  # an add's FIFO depths, pinned by hand
        entry = config.pop(name)
        unknown = set(entry) - {"fifo_depth", "fifo_depth_b"}
        if unknown:
            raise HwgenError(f"folding: add '{name}': unknown keys {sorted(unknown)} (fifo_depth, fifo_depth_b)")
        for j, key in enumerate(("fifo_depth", "fifo_depth_b")):
            if key in entry:
                setattr(adds[name], key, _count(name, key, entry[key]))
                pinned.add((name, j))
    for n in mvus.values():
        if pe is not None:
            n.pe = max(1, min(int(pe), n.mh))
        if simd is not None:
            n.simd = max(1, min(int(simd), n.mw))
    for name, entry in (config or {}).items():
        if name not in mvus:
            known = ", ".join(list(mvus) + list(adds))
            raise HwgenError(f"folding: no MVU layer named '{name}' (layers and adds: {known})")
        unknown = set(entry) - {"pe", "simd", "PE", "SIMD", "fifo_depth", "ram_style"}
        if unknown:
            raise HwgenError(f"folding: layer '{name}': unknown keys {sorted(unknown)}")
        n = mvus[name]
        n.pe = _count(name, "pe", entry.get("pe", entry.get("PE", n.pe)))
        n.simd = _count(name, "simd", entry.get("simd", entry.get("SIMD", n.simd)))
        n.fifo_depth = _count(name, "fifo_depth", entry.get("fifo_depth", n.fifo_depth))
        n.ram_style = entry.get("ram_style", n.ram_style)
        if n.ram_style not in RAM_STYLES:
            raise HwgenError(f"folding: layer '{name}': ram_style must be one of {', '.join(RAM_STYLES)}, "
                             f"not {n.ram_style!r}")
        if not (1 <= n.pe <= n.mh and 1 <= n.simd <= n.mw):
            raise HwgenError(f"folding: layer '{name}' ({n.mh}x{n.mw}): PE={n.pe} must be in "
                             f"[1, {n.mh}] and SIMD={n.simd} in [1, {n.mw}]")
    _tie_residual_pe(g, set(config or {}))
    from hwgen.passes.fifo_depths import set_fifo_depths
    g = set_stream_widths(g)
    return set_fifo_depths(g, pinned) if fifo_depths else g


def _count(layer: str, key: str, v) -> int:
    """A folding value: a positive integer (JSON 4 or 4.0), or one clear error."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < 1:
        raise HwgenError(f"folding: layer '{layer}': {key} must be a positive integer, not {v!r}")
    return int(v)


def _tie_residual_pe(graph: Graph, explicit: set[str]) -> None:
    """An add pairs its operands' beats lane by lane, so the layers whose lanes meet in an add
    (through forks and earlier adds) take one PE: the first one's, in graph order; explicit
    other values are refused. A residual block takes the PE of the layer before it."""
    from hwgen.ops import AddStreams, ResidualBlock
    hw = graph.hw_nodes()
    for a, b in zip(hw, hw[1:]):
        if isinstance(b, ResidualBlock) and isinstance(a, XnorMVU) and b.pe != a.pe:
            if b.name in explicit:
                raise HwgenError(f"folding: residual block '{b.name}' must have the PE of '{a.name}' "
                                 f"({a.pe}), not {b.pe}: its shortcut beats line up with that layer's")
            b.pe = a.pe
    order = {n.name: k for k, n in enumerate(graph.nodes)}
    for add in (n for n in hw if isinstance(n, AddStreams)):
        first, later = sorted((lane_source(graph, p) for p in graph.inputs_of(add)), key=lambda m: order[m.name])
        if later.pe != first.pe:
            if later.name in explicit and first.name not in explicit:
                first, later = later, first
            elif later.name in explicit:
                raise HwgenError(f"folding: layer '{later.name}' must have the PE of '{first.name}' ({first.pe}), "
                                 f"not {later.pe}: their lanes meet in the add '{add.name}'")
            later.pe = first.pe
        for m in (first, later):
            if m.mh % m.pe:
                raise HwgenError(f"folding: layer '{m.name}': PE={m.pe} must divide its {m.mh} channels, since "
                                 f"its lanes meet others in the add '{add.name}'")


def lane_source(graph: Graph, node):
    """The MVU whose PE sets the lanes of `node`'s integer stream (through forks and adds)."""
    from hwgen.ops import AddStreams, Fork
    while isinstance(node, (Fork, AddStreams)):
        node = graph.inputs_of(node)[0]
    if not isinstance(node, XnorMVU):
        raise HwgenError(f"node '{node.name}': an add or fork needs the integer lanes of a layer, not "
                         f"{type(node).__name__}")
    return node


def int_lanes(graph: Graph, node) -> tuple[int, int] | None:
    """(lanes, bits) of an integer stream out of `node`, or None (bits, pixels of a window):
    a level-output layer's PE lanes, an add's sums, a fork's input."""
    from hwgen.ops import AddStreams, Fork, ResidualBlock
    if isinstance(node, XnorMVU) and (node.levels or isinstance(node, ResidualBlock)):
        return node.pe, node.out_lane_bits
    if isinstance(node, AddStreams):
        return node.lanes, node.out_bits
    if isinstance(node, Fork):
        return int_lanes(graph, graph.inputs_of(node)[0])
    return None


def frame_beats(node) -> int:
    """Beats per frame out of a hardware node."""
    from hwgen.ops import AddStreams, Fork, IntSign, SlidingWindow, WindowMax, WindowSum
    if isinstance(node, XnorMVU):
        return node.nf * node.pixels
    if isinstance(node, (AddStreams, Fork)):
        return node.beats
    if isinstance(node, SlidingWindow):
        return node.oh * node.ow * node.k * node.k
    if isinstance(node, (WindowMax, WindowSum)):
        return node.pixels
    if isinstance(node, IntSign):
        return node.cycles
    return node.h * node.w  # a packing Flatten


def set_stream_widths(graph: Graph) -> Graph:
    """Each hardware node reads beats as wide as its producer writes them; the first node
    takes its natural width from the host (SIMD elements for an MVU, one pixel for a sliding
    window). A Flatten passes the stream through, or packs a convolution's pixels where its
    PE does not divide its channels (pad lanes inside each pixel). Forks pass their input on;
    an add's operands must have the same lanes and beats."""
    from hwgen.ops import AddStreams, Flatten, Fork, IntSign, ResidualBlock, SlidingWindow, WindowMax, WindowSum
    hw = graph.hw_nodes()
    names = {n.name for n in hw}
    out_w: dict[str, int] = {}
    producers = {n.name: [p for p in graph.inputs_of(n) if p.name in names] for n in hw}
    for n in hw:
        srcs = producers[n.name]
        prev = srcs[0] if srcs else None
        prev_out = out_w.get(prev.name) if prev is not None else None
        if isinstance(n, Flatten):
            n.pack = isinstance(prev, XnorMVU) and prev.pixels > 1 and prev.mh % prev.pe != 0
            if n.pack:
                n.lane_bits, n.in_width = prev.out_lane_bits, prev_out
            out_w[n.name] = n.out_width if n.pack else prev_out
            continue
        if isinstance(n, (ResidualBlock, IntSign, Fork, AddStreams)):
            got = None if prev is None else int_lanes(graph, prev)
            if got is None:
                raise HwgenError(f"node '{n.name}': needs an integer stream from a level-output layer before it")
            if isinstance(n, ResidualBlock):
                n.h_bits = got[1]
            elif isinstance(n, IntSign):
                n.bits = got[1]
        if isinstance(n, Fork):
            n.in_width, n.beats = prev_out, frame_beats(prev)
            out = prev_out
        elif isinstance(n, AddStreams):
            (la, ba), (lb, bb) = (int_lanes(graph, p) for p in srcs)
            if la != lb or frame_beats(srcs[0]) != frame_beats(srcs[1]):
                raise HwgenError(f"node '{n.name}': its operands' beats do not line up ({la} lanes x "
                                 f"{frame_beats(srcs[0])} beats vs {lb} x {frame_beats(srcs[1])})")
            n.lanes, n.a_bits, n.b_bits, n.beats = la, ba, bb, frame_beats(srcs[0])
            n.in_width = prev_out
            out = n.out_width
        elif isinstance(n, IntSign):
            n.in_width = prev_out
            out = n.out_width
        elif isinstance(n, XnorMVU):
            n.in_width = n.simd * n.in_bits if prev_out is None else prev_out
            out = n.pe * n.out_lane_bits
        elif isinstance(n, (SlidingWindow, WindowMax, WindowSum)):
            n.in_width = n.pixel_bits if prev_out is None else prev_out
            out = n.out_width
        else:
            raise HwgenError(f"node '{n.name}': no hardware for {type(n).__name__} yet")
        if isinstance(prev, XnorMVU) and not prev.has_thresholds:
            raise HwgenError(f"node '{n.name}': its input comes from '{prev.name}', which has "
                             "no thresholds (integer outputs cannot feed a binary layer)")
        out_w[n.name] = out
    graph.validate()
    return graph


def folding_bound(graph: Graph) -> int:
    """Cycles per frame of the slowest layer (sliding windows included): the rate the whole
    pipeline must reach."""
    return max(n.cycles for n in graph.hw_nodes() if hasattr(n, "cycles"))
