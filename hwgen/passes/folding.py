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
                  config: dict[str, dict] | None = None) -> Graph:
    """Set PE/SIMD on every MVU: `pe`/`simd` for all (clipped to each layer's size), then the
    per-layer `config` entries, which must name existing MVUs and fit their sizes (and may set
    `fifo_depth` and the weight memory's `ram_style`: auto, block or lut)."""
    g = copy.deepcopy(graph)
    mvus = {n.name: n for n in g.nodes if isinstance(n, XnorMVU)}
    for n in mvus.values():
        if pe is not None:
            n.pe = max(1, min(int(pe), n.mh))
        if simd is not None:
            n.simd = max(1, min(int(simd), n.mw))
    for name, entry in (config or {}).items():
        if name not in mvus:
            raise HwgenError(f"folding: no MVU layer named '{name}' (layers: {', '.join(mvus)})")
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
    return set_stream_widths(g)


def _count(layer: str, key: str, v) -> int:
    """A folding value: a positive integer (JSON 4 or 4.0), or one clear error."""
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v) or v < 1:
        raise HwgenError(f"folding: layer '{layer}': {key} must be a positive integer, not {v!r}")
    return int(v)


def _tie_residual_pe(graph: Graph, explicit: set[str]) -> None:
    """A residual block adds its shortcut beat to its MVU's output beat lane by lane, so it
    must take the PE of the layer that produces its input; explicit other values are refused."""
    from hwgen.ops import ResidualBlock
    hw = graph.hw_nodes()
    for a, b in zip(hw, hw[1:]):
        if isinstance(b, ResidualBlock) and isinstance(a, XnorMVU) and b.pe != a.pe:
            if b.name in explicit:
                raise HwgenError(f"folding: residual block '{b.name}' must have the PE of '{a.name}' "
                                 f"({a.pe}), not {b.pe}: its shortcut beats line up with that layer's")
            b.pe = a.pe


def set_stream_widths(graph: Graph) -> Graph:
    """Each hardware node reads beats as wide as its producer writes them; the first node
    takes its natural width from the host (SIMD elements for an MVU, one pixel for a sliding
    window). A Flatten passes the stream through, or packs a convolution's pixels where its
    PE does not divide its channels (pad lanes inside each pixel)."""
    from hwgen.ops import Flatten, IntSign, ResidualBlock, SlidingWindow, WindowMax
    hw = graph.hw_nodes()
    prev_out = None
    for k, n in enumerate(hw):
        if isinstance(n, Flatten):
            prev = hw[k - 1] if k > 0 else None
            n.pack = isinstance(prev, XnorMVU) and prev.pixels > 1 and prev.mh % prev.pe != 0
            if not n.pack:
                continue
            n.lane_bits, n.in_width = prev.out_lane_bits, prev_out
            prev_out = n.out_width
            continue
        if isinstance(n, (ResidualBlock, IntSign)):
            prev = hw[k - 1] if k > 0 else None
            if not isinstance(prev, XnorMVU) or not prev.levels and not isinstance(prev, ResidualBlock):
                raise HwgenError(f"node '{n.name}': needs an integer stream from a level-output layer before it")
            if isinstance(n, ResidualBlock):
                n.h_bits = prev.out_lane_bits
            else:
                n.bits = prev.out_lane_bits
        if isinstance(n, IntSign):
            n.in_width = prev_out
            out = n.out_width
        elif isinstance(n, XnorMVU):
            n.in_width = n.simd * n.in_bits if prev_out is None else prev_out
            out = n.pe * n.out_lane_bits
        elif isinstance(n, SlidingWindow):
            n.in_width = n.pixel_bits if prev_out is None else prev_out
            out = n.out_width
        elif isinstance(n, WindowMax):
            n.in_width = n.pixel_bits if prev_out is None else prev_out
            out = n.out_width
        else:
            raise HwgenError(f"node '{n.name}': no hardware for {type(n).__name__} yet")
        if k > 0 and isinstance(hw[k - 1], XnorMVU) and not hw[k - 1].has_thresholds:
            raise HwgenError(f"node '{n.name}': its input comes from '{hw[k - 1].name}', which has "
                             "no thresholds (integer outputs cannot feed a binary layer)")
        prev_out = out
    graph.validate()
    return graph


def folding_bound(graph: Graph) -> int:
    """Cycles per frame of the slowest layer (sliding windows included): the rate the whole
    pipeline must reach."""
    return max(n.cycles for n in graph.hw_nodes() if hasattr(n, "cycles"))
