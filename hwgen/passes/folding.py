"""Folding (PE/SIMD per MVU) and the stream widths between hardware layers.

`apply_folding` is three steps: check a folding file's entries against the graph
(`read_fold_config`), set PE/SIMD (`fold_layers`), and tie the PE of layers whose lanes meet
(`tie_lane_pe`); then the stream widths and, where branches meet, the FIFO depths follow.
Every step returns a new graph. The op types are not named here: each op says what it is
(`foldable`, `joins_lanes`, ...) and how its widths follow from its producers (`connect`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops.mvu import RAM_STYLES
from hwgen.ops.stream_op import StreamIn, folding_bound  # noqa: F401  (folding_bound: its home before)
from hwgen.passes.fifo_depths import set_fifo_depths

#: what a folding file may set on an MVU layer
LAYER_KEYS = {
    "pe",
    "simd",
    "PE",
    "SIMD",
    "fifo_depth",
    "ram_style",
    "stages",
    "pc_groups",
    "rom_bank_depth",
}


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
        raise HwgenError(f'{path}: expected an object of layer name -> {{"pe": N, "simd": N}}')
    doc.pop("Defaults", None)  # FINN's folding files carry one; it has no meaning here
    return doc


@dataclass
class FoldPlan:
    """A folding file checked against a graph: its MVU entries, and the FIFO depths it pins
    on adds ({(add, operand): depth})."""

    layers: dict[str, dict] = field(default_factory=dict)
    pinned: dict[tuple[str, int], int] = field(default_factory=dict)


def read_fold_config(graph: Graph, config: dict[str, dict] | None) -> FoldPlan:
    """Check a folding file's entries: they name MVU layers (pe, simd, fifo_depth, ram_style)
    or adds (the depths of their operands' FIFOs), with positive integer values."""
    mvus = {n.name for n in graph.nodes if getattr(n, "foldable", False)}
    adds = {n.name: n for n in graph.nodes if getattr(n, "joins_lanes", False)}
    # other ops with stages (a sliding window): a folding file may pin them, nothing else
    staged = {
        n.name: n
        for n in graph.nodes
        if getattr(n, "pipelined", False) and not getattr(n, "foldable", False)
    }
    plan = FoldPlan()
    for key, entry in (config or {}).items():
        name = _layer_named(graph, key, mvus)
        if name in staged:
            unknown = set(entry) - {"stages"}
            if unknown:
                raise HwgenError(
                    f"folding: node '{name}': unknown keys {sorted(unknown)} (stages only)"
                )
            _check_stages(f"node '{name}'", entry, staged[name].stage_names)
            plan.layers[name] = entry
            continue
        if name in adds:
            keys = adds[name].fifo_fields
            unknown = set(entry) - set(keys)
            if unknown:
                raise HwgenError(
                    f"folding: add '{name}': unknown keys {sorted(unknown)} ({', '.join(keys)})"
                )
            for j, key in enumerate(keys):
                if key in entry:
                    plan.pinned[(name, j)] = _count(name, key, entry[key])
            continue
        if name not in mvus:
            known = ", ".join(
                [graph.label(n) for n in mvus_in_order(graph)] + list(adds) + list(staged)
            )
            raise HwgenError(
                f"folding: no MVU layer named '{name}' (layers, adds and windows: {known})"
            )
        if name in plan.layers:
            raise HwgenError(f"folding: layer '{graph.label(name)}' is named twice ('{key}')")
        unknown = set(entry) - LAYER_KEYS
        if unknown:
            raise HwgenError(f"folding: layer '{name}': unknown keys {sorted(unknown)}")
        if entry.get("ram_style", "auto") not in RAM_STYLES:
            raise HwgenError(
                f"folding: layer '{name}': ram_style must be one of {', '.join(RAM_STYLES)}, "
                f"not {entry['ram_style']!r}"
            )
        _check_stages(f"layer '{name}'", entry, graph.node(name).stage_names)
        plan.layers[name] = entry
    return plan


def _check_stages(what: str, entry: dict, names: tuple[str, ...]) -> None:
    """A folding entry's `stages`: a list of distinct names the op knows."""
    stages = entry.get("stages", [])
    if not isinstance(stages, list) or set(stages) - set(names) or len(set(stages)) != len(stages):
        raise HwgenError(
            f"folding: {what}: stages must be a list of distinct names of "
            f"{', '.join(names)}, not {stages!r}"
        )


def _layer_named(graph: Graph, key: str, mvus: set[str]) -> str:
    """A folding file's key as a layer name: the layer's own (`Gemm_0`) or the PyTorch module
    it came from (`fc`), which the user wrote."""
    if key in mvus:
        return key
    named = [n for n in mvus if graph.modules.get(n) == key]
    return named[0] if len(named) == 1 else key


def mvus_in_order(graph: Graph) -> list[str]:
    """The names of the folded layers, in graph order."""
    return [n.name for n in graph.nodes if getattr(n, "foldable", False)]


def fold_layers(graph: Graph, pe: int | None, simd: int | None, plan: FoldPlan) -> Graph:
    """Set PE/SIMD on every MVU: `pe`/`simd` for all (clipped to each layer's size), then the
    plan's per-layer entries, which must fit their layers; the plan's pinned add depths."""
    g = graph.copy()
    for n in g.nodes:
        if not getattr(n, "foldable", False):
            if n.name in plan.layers:  # another op with stages: they are all it may pin
                n.stages = list(plan.layers[n.name].get("stages", n.stages))
            continue
        if pe is not None:
            n.pe = max(1, min(int(pe), n.mh))
        if simd is not None:
            n.simd = max(1, min(int(simd), n.mw))
        entry = plan.layers.get(n.name)
        if entry is None:
            continue
        n.pe = _count(n.name, "pe", entry.get("pe", entry.get("PE", n.pe)))
        n.simd = _count(n.name, "simd", entry.get("simd", entry.get("SIMD", n.simd)))
        n.fifo_depth = _count(n.name, "fifo_depth", entry.get("fifo_depth", n.fifo_depth))
        n.ram_style = entry.get("ram_style", n.ram_style)
        n.stages = list(entry.get("stages", n.stages))
        n.pc_groups = _count(n.name, "pc_groups", entry.get("pc_groups", n.pc_groups))
        if "rom_bank_depth" in entry:
            n.rom_bank_depth = _count(n.name, "rom_bank_depth", entry["rom_bank_depth"])
        if not (1 <= n.pe <= n.mh and 1 <= n.simd <= n.mw):
            raise HwgenError(
                f"folding: layer '{n.name}' ({n.mh}x{n.mw}): PE={n.pe} must be in "
                f"[1, {n.mh}] and SIMD={n.simd} in [1, {n.mw}]"
            )
    for (name, j), depth in plan.pinned.items():
        add = g.node(name)
        setattr(add, add.fifo_fields[j], depth)
    return g


def apply_folding(
    graph: Graph,
    pe: int | None = None,
    simd: int | None = None,
    config: dict[str, dict] | None = None,
    fifo_depths: bool = True,
) -> Graph:
    """A new graph with PE/SIMD set on every MVU: `pe`/`simd` for all (clipped to each layer's
    size), then the per-layer `config` entries, which must name existing MVUs and fit their
    sizes (and may set `fifo_depth` and the weight memory's `ram_style`: auto, block or lut)
    or name adds (and pin `fifo_depth`/`fifo_depth_b`, their operands' FIFOs; the others are
    computed, unless `fifo_depths` is False: a folding search's candidates)."""
    plan = read_fold_config(graph, config)
    g = fold_layers(graph, pe, simd, plan)
    g = tie_lane_pe(g, set(plan.layers))
    g = set_stream_widths(g)
    return set_fifo_depths(g, set(plan.pinned)) if fifo_depths else g


def _count(layer: str, key: str, v) -> int:
    """A folding value: a positive integer (JSON 4 or 4.0), or one clear error."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < 1:
        raise HwgenError(f"folding: layer '{layer}': {key} must be a positive integer, not {v!r}")
    return int(v)


def tie_lane_pe(graph: Graph, explicit: set[str]) -> Graph:
    """A new graph where the layers whose lanes meet in an add (through forks and earlier
    adds) take one PE: the first one's, in graph order; explicit other values are refused. A
    residual block takes the PE of the layer before it."""
    g = graph.copy()
    hw = g.hw_nodes()
    for a, b in zip(hw, hw[1:]):
        if b.pe_from_producer and a.foldable and b.pe != a.pe:
            if b.name in explicit:
                raise HwgenError(
                    f"folding: residual block '{b.name}' must have the PE of '{a.name}' "
                    f"({a.pe}), not {b.pe}: its shortcut beats line up with that layer's"
                )
            b.pe = a.pe
    order = {n.name: k for k, n in enumerate(g.nodes)}
    for add in (n for n in hw if n.joins_lanes):
        first, later = sorted(
            (lane_source(g, p) for p in g.inputs_of(add)), key=lambda m: order[m.name]
        )
        if later.pe != first.pe:
            if later.name in explicit and first.name not in explicit:
                first, later = later, first
            elif later.name in explicit:
                raise HwgenError(
                    f"folding: layer '{later.name}' must have the PE of '{first.name}' "
                    f"({first.pe}), "
                    f"not {later.pe}: their lanes meet in the add '{add.name}'"
                )
            later.pe = first.pe
        for m in (first, later):
            if m.mh % m.pe:
                raise HwgenError(
                    f"folding: layer '{m.name}': PE={m.pe} must divide its {m.mh} channels, since "
                    f"its lanes meet others in the add '{add.name}'"
                )
    return g


def lane_source(graph: Graph, node):
    """The MVU whose PE sets the lanes of `node`'s integer stream (through forks and adds)."""
    while node.lanes_through:
        node = graph.inputs_of(node)[0]
    if not node.foldable:
        raise HwgenError(
            f"node '{node.name}': an add or fork needs the integer lanes of a layer, not "
            f"{type(node).__name__}"
        )
    return node


def set_stream_widths(graph: Graph) -> Graph:
    """A new graph where each hardware node reads beats as wide as its producer writes them;
    the first node takes its natural width from the host (SIMD elements for an MVU, one pixel
    for a sliding window). Each op says how (`connect`): a Flatten passes the stream through,
    or packs a convolution's pixels where its PE does not divide its channels; forks pass
    their input on; an add's operands must have the same lanes and beats."""
    g = graph.copy()
    hw = g.hw_nodes()
    names = {n.name for n in hw}
    streams: dict[str, StreamIn] = {}  # what each node writes, as its consumers see it
    for n in hw:
        if not hasattr(n, "connect"):
            raise HwgenError(f"node '{n.name}': no hardware for {type(n).__name__} yet")
        ins = [streams[p.name] for p in g.inputs_of(n) if p.name in names]
        width = n.connect(ins)
        prev = ins[0].node if ins else None
        if not n.view_only and prev is not None and prev.ends_stream:
            raise HwgenError(
                f"node '{n.name}': its input comes from '{prev.name}', which has "
                "no thresholds (integer outputs cannot feed a binary layer)"
            )
        beats = n.frame_beats() if n.has_instance else (ins[0].beats if ins else None)
        streams[n.name] = StreamIn(n, width, n.int_stream(ins), beats)
    g.validate()
    return g
