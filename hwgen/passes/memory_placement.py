"""Where each MVU's weight memory goes: block RAM or logic (LUTs), per layer.

A layer's `ram_style` is what was asked (the folding file's `ram_style`, as FINN's): "block"
or "lut" are kept as they are. "auto" (the default) starts from Yosys' own choice (block RAM
from 512 words and 4 kbit on AMD parts) and then, where the design takes at least
`LUT_PRESSURE` of the board's LUTs (where LUTs matter), uses the block RAM the board has left: the
remaining ROMs (of more than one word: a single word is constants that fold into the logic)
go to block RAM, the one saving the most LUTs per block first, as long as each saves at
least `MIN_LUTS_PER_BLOCK` LUTs per 18-kbit block and the whole design still fits the
board's block RAM. The choice is `weight_style`, which the RTL (a `rom_style`
attribute) and the estimate both follow. On AMD parts the sliding windows' line buffers that
Yosys would put in LUT RAM compete for the same free block RAM by the same measure
(`buffer_style`). The MVU's input vector goes to a memory (LUT RAM) only on families that
have LUT RAM.
"""

from __future__ import annotations

from hwgen.estimate import estimate_graph
from hwgen.estimate.features import mvu_parts, swg_parts
from hwgen.estimate.memory import in_block_ram, place
from hwgen.ir import Graph
from hwgen.ops import SlidingWindow, XnorMVU

#: a block RAM is worth moving a ROM into only if it saves this many LUTs
MIN_LUTS_PER_BLOCK = 20
#: free block RAM is spent only on a design that takes this share of the board's LUTs
LUT_PRESSURE = 0.25


def place_weight_memories(graph: Graph, board: dict) -> Graph:
    """A new graph with `weight_style` set on every MVU and `buffer_style` on every sliding
    window of a folded graph for `board` (boards/*.yaml)."""
    graph = graph.copy()
    family = board["family"]
    amd = family in ("zynq7", "zynquplus")
    logic = []  # (node, memory) that Yosys alone would keep in logic: candidates for block RAM
    for n in graph.hw_nodes():
        if isinstance(n, XnorMVU):
            # without LUT RAM (iCE40, ECP5) a memory input buffer is registers and multiplexers
            # or a scarce EBR: keep the rotating register there
            n.input_style = "auto" if amd else "registers"
            n.weight_style = n.ram_style
            if n.ram_style == "auto":  # Yosys' own choice first
                mem = _memory(mvu_parts(n), "weights")
                n.weight_style = "block" if in_block_ram(mem, family) else "lut"
                if n.weight_style == "lut" and mem.depth > 1:  # one word is constants in the logic
                    logic.append((n, mem))
        elif isinstance(n, SlidingWindow):
            n.buffer_style = "auto"
            mem = _memory(swg_parts(n), "lines")
            if amd and not in_block_ram(mem, family):  # line buffers Yosys would put in LUT RAM
                logic.append((n, mem))
    budget = board.get("bram18", board.get("ebr"))
    if budget is None:
        return graph
    est = estimate_graph(graph, family).total
    if board.get("luts") and est["lut"] < LUT_PRESSURE * board["luts"]:
        return graph  # LUTs are plenty: block RAM is not spent to save them
    options = []
    for n, mem in logic:
        blocks = place(mem, family, style="block")["bram"]
        # a ROM's LUTs as counted (one per output bit per 2^k words), not as calibrated: the
        # fit prices ROMs low because constant ones fold into the popcount logic; a RAM's as
        # Yosys maps it into LUT RAM
        in_logic = place(mem, family, style="lut")
        luts = in_logic["lut"] if mem.rom else in_logic["ram_lut"]
        if blocks and luts / blocks >= MIN_LUTS_PER_BLOCK:
            options.append((luts / blocks, blocks, n))
    used = est["bram"]
    for _gain, blocks, n in sorted(options, key=lambda o: -o[0]):
        if used + blocks <= budget:
            if isinstance(n, SlidingWindow):
                n.buffer_style = "block"
            else:
                n.weight_style = "block"
            used += blocks
    return graph


def _memory(parts, role: str):
    return next(m for m in parts.memories if m.role == role)
