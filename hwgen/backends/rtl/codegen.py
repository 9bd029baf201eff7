"""Verilog backend: ROM images per layer, and a top that stitches rtl/ kernels.

`generate_rtl(graph)` returns {relative path: content}; nothing here runs a tool.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from hwgen import ROOT, __version__
from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops import XnorMVU

TOP_NAME = "hwgen_top"
#: hand-written kernels the generated top instantiates (paths relative to the repository)
RTL_LIBRARY = ["rtl/hwgen_axis_fifo.v", "rtl/hwgen_mvu.v"]


@dataclass(frozen=True)
class StreamFormat:
    """How a frame crosses the accelerator's AXI-Stream ports."""

    in_width: int  # bits per input beat
    in_beats: int  # beats per input frame
    in_elems: int  # bipolar elements per input frame
    out_lanes: int  # lanes per output beat
    out_lane_bits: int  # bits per output lane (signed unless 1)
    out_beats: int  # beats per output frame
    out_elems: int  # elements per output frame

    @property
    def out_width(self) -> int:
        return self.out_lanes * self.out_lane_bits


def stream_format(graph: Graph) -> StreamFormat:
    """The accelerator's port format, derived from its first and last layers."""
    hw = graph.hw_nodes()
    if not hw:
        raise HwgenError(f"graph '{graph.name}': nothing to put in hardware")
    first, last = hw[0], hw[-1]
    return StreamFormat(first.in_width, first.in_beats, first.mw,
                        last.pe, last.out_lane_bits, last.nf, last.mh)


def _ident(name: str) -> str:
    """A Verilog identifier from a layer name."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name)
    return s if re.match(r"[A-Za-z_]", s) else f"l_{s}"


def _hex_lines(words: list[int], bits: int) -> str:
    digits = max(1, math.ceil(bits / 4))
    return "".join(f"{w:0{digits}x}\n" for w in words)


def generate_rtl(graph: Graph, mem_dir: str) -> dict[str, str]:
    """Render the accelerator: `hwgen_top.v` and one .mem ROM image per weight/threshold set.

    `mem_dir` is the absolute folder the .mem files will be written to; $readmemh paths in the
    top point there, so simulators and synthesis find them whatever their working folder.
    """
    hw = graph.hw_nodes()
    files: dict[str, str] = {}
    layers = []
    for k, n in enumerate(hw):
        if not isinstance(n, XnorMVU):
            raise HwgenError(f"node '{n.name}': the RTL backend has no kernel for {type(n).__name__}")
        lid = f"l{k}_{_ident(n.name)}"
        wfile, tfile = f"{lid}_weights.mem", f"{lid}_thresholds.mem"
        files[wfile] = _hex_lines(n.weight_words(), n.pe * n.simd)
        if n.has_thresholds:
            files[tfile] = _hex_lines(n.threshold_words(), n.pe * n.thr_bits)
        layers.append(dict(
            name=n.name, id=lid, mw=n.mw, mh=n.mh, pe=n.pe, simd=n.simd, cycles=n.cycles,
            in_width=n.in_width, out_width=n.pe * n.out_lane_bits, fifo_depth=max(2, n.fifo_depth),
            use_thr=int(n.has_thresholds), count_bits=n.count_bits, thr_bits=n.thr_bits,
            out_lane_bits=n.out_lane_bits, src="s_axis" if k == 0 else f"{layers[-1]['id']}_out",
            weight_file=f"{mem_dir}/{wfile}",
            thr_file=f"{mem_dir}/{tfile}" if n.has_thresholds else "",
        ))
    fmt = stream_format(graph)
    files[f"{TOP_NAME}.v"] = render(
        "rtl/top.v.j2", top=TOP_NAME, version=__version__, graph_name=graph.name, layers=layers,
        last_id=layers[-1]["id"], in_width=fmt.in_width, in_beats=fmt.in_beats,
        out_width=fmt.out_width, out_beats=fmt.out_beats,
        out_beat_bits=max(1, (fmt.out_beats - 1).bit_length()),
    )
    return files


def rtl_sources(build_rtl_dir) -> list[str]:
    """Every Verilog file of a generated accelerator: the library kernels and its top."""
    return [str(ROOT / p) for p in RTL_LIBRARY] + [str(build_rtl_dir / f"{TOP_NAME}.v")]
