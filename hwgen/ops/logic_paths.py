"""The register-to-register logic of an MVU (rtl/hwgen_mvu.v) and a sliding window
(rtl/hwgen_swg.v), as their ops report it to the timing model (`hwgen.estimate.timing`): each
path's levels of 6-input logic, carry-chain bits, and whether it starts at a block RAM's output.

The datapath is a chain: the weight ROM's read, the popcount tree (or the lane dot product;
with popcount groups, their adder tree), the accumulator's add, the threshold compare (or the
output's subtract). A stage of `XnorMVU.stages` puts a register between two links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwgen.ops.popcount_shape import popcount_tree

#: the data bits of a block RAM the model counts a deep ROM's blocks in (ECP5 DP16KD, iCE40 4k
#: EBR hold 16 and 4 kbit: the 16 kbit of the larger ones, since only ECP5 ROMs run that deep)
BRAM_BITS = 16384


@dataclass(frozen=True)
class Part:
    """Logic between two registers, or a piece of it."""

    name: str
    levels: float = 0.0
    carry: int = 0
    bram: bool = False
    fanout: int = 1  # the most sinks one of its inputs drives (the elements: every PE lane)

    def __add__(self, other: Part) -> Part:
        return Part(
            f"{self.name}+{other.name}",
            self.levels + other.levels,
            self.carry + other.carry,
            self.bram or other.bram,
            max(self.fanout, other.fanout),
        )


def _lane_parts(n) -> list[tuple[Part, bool]]:
    """A lane's compute as links, each with whether a register follows it: the popcount
    (cut in its middle with `popcount_mid`) or the lane dot product, then the groups' sum."""
    if not n.xnor:  # rtl/hwgen_lane_dot.v: products, then a balanced adder tree
        depth = max(1, math.ceil(math.log2(max(n.simd, 2))))
        dot = Part("dot", depth + n.weight_bits, n.count_bits + depth, fanout=n.pe)
        return [(dot, "popcount" in n.stages or "popcount_mid" in n.stages)]
    groups = n.pc_group_lanes
    tree = popcount_tree(max(groups))
    stages, width = tree["stages"], tree["width"]
    if "popcount_mid" in n.stages:
        mid = (stages + 1) // 2
        links = [
            (Part("popcount_front", 1 + mid, 0, fanout=n.pe), True),
            (Part("popcount", stages - mid, width), "popcount" in n.stages),
        ]
    else:
        links = [(Part("popcount", 1 + stages, width, fanout=n.pe), "popcount" in n.stages)]
    if len(groups) > 1:
        depth = math.ceil(math.log2(len(groups)))
        links.append((Part("group_sum", depth, n.count_bits), "group_sum" in n.stages))
    return links


def _mux_levels(inputs: int) -> int:
    """Levels of 6-input logic in a multiplexer of `inputs` words (four data inputs a level,
    two select bits)."""
    return math.ceil(math.log2(inputs) / 2) if inputs > 1 else 0


def mvu_paths(n) -> list[Part]:
    """The register-to-register paths of an MVU with its stages and popcount groups."""
    depth = n.sf * n.nf
    paths = []
    if "rom_bank" in n.stages:  # rtl/hwgen_mvu_rom.v: block -> its register, then the banks' mux
        paths.append(Part("rom_bank", 0, 0, bram=True))
        # the bank registers sit beside their blocks, spread as wide as the blocks are many:
        # the multiplexer's inputs come from that far
        blocks = n.rom_banks * math.ceil(n.weight_word_bits / 36)
        rom = Part("rom_mux", _mux_levels(n.rom_banks), 0, fanout=blocks)
    elif n.weight_style == "block":  # deep ROMs span several blocks, a multiplexer after them
        blocks = math.ceil(depth * min(n.weight_word_bits, 36) / BRAM_BITS)
        rom = Part("rom", _mux_levels(blocks), 0, bram=True)
    else:  # a ROM in logic: an address decode of 2 bits a level, read into w1
        rom = Part("rom")
        paths.append(Part("rom_read", 1 + math.ceil(max(1, depth - 1).bit_length() / 2)))
    acc = Part("acc", 1, n.count_bits, fanout=n.pe * n.count_bits)  # `first` reaches every lane
    paths.append(acc)  # the accumulator's own loop
    # the enable every stage advances on, into the clock enables of the widest registers (the
    # read buffer, the ROM word): from the consumer's ready through a LUT, or (credit) from a
    # flip-flop
    regs = n.sf * n.simd * n.in_bits + n.weight_word_bits
    enable = 1 if "credit" in n.stages else 2
    paths.append(Part("enable", enable, 0, fanout=regs))
    if not n.input_memory:
        # the write buffer's clock enable (every bit of it): whether it takes a beat, from the
        # enable and the vector's last issue (take = !wfull || !rvalid || en && at_last: a
        # level more than the enable), or (handover) from flip-flops alone
        take = 1 if "handover" in n.stages else enable + 1
        paths.append(Part("intake", take, 0, fanout=n.in_beats * n.in_width))
    if n.has_thresholds:
        last = Part("compare", 1 + math.ceil(math.log2(n.n_thr)), n.thr_bits + 1)
    else:  # the output lane: a subtract (XNOR) or the sum itself
        last = Part("out", 1, n.count_bits + 2 if n.xnor else 0)
    chain = [
        (rom, "rom" in n.stages),  # from the block's output, or (rom_bank) its register
        *_lane_parts(n),
        (acc, "threshold" in n.stages),
        (last, True),
    ]
    run = None
    for part, cut in chain:
        run = part if run is None else run + part
        if cut:
            paths.append(run)
            run = None
    return paths


def _clog2(n: int) -> int:
    """The Verilog's $clog2."""
    return max(0, (n - 1).bit_length())


def _ring_read(n) -> Part:
    """The ring's read: its address into every slice of the memory (LUT RAM 16 words by 4
    bits; block RAM 36 bits wide), then (LUT RAM deeper than 16) the slices' multiplexer into
    the read register. A wide pixel makes the address's fanout, and its route, large."""
    d = n.buffer_pixels
    if n.buffer_style == "block":
        blocks = math.ceil(n.pixel_bits / 36) * math.ceil(d * min(n.pixel_bits, 36) / BRAM_BITS)
        return Part("read", 0, 0, fanout=blocks)
    deep = math.ceil(d / 16)
    return Part("read", 1 + _mux_levels(deep), 0, fanout=math.ceil(n.pixel_bits / 4) * deep)


def window_paths(n) -> list[Part]:
    """rtl/hwgen_swg.v's address arithmetic, each chained add or compare a level and its
    carry bits: the writer's room (the lowest pixel still needed, from the window's row and
    column, against the writer's position) into the producer's ready and the ring's write
    enable (on every bit of the ring); whether the window's next pixel is written, into every
    read register's enable; the ring's read address (a modular add) through its memory into
    the read register; the next row's or frame's slot (a modular add). With the `flow` stage
    the room is a register: compares of registers into it (the limit is its own path),
    the write enable leaves a flip-flop, and the issue decision and the ring's read start at
    registers (rtl/hwgen_swg_next.v): whether the next pixel is written (each of its possible
    indices, registers, compared with the writer's, then the walk's choice), its index's
    successors (the choice, then a step), whether it is inside the image (compares of
    registers against constants, then the walk's choice) and its slot are paths of their own,
    each into one register, and what fans out to every read register's enable is the issue
    decision from those flags."""
    hp, wp = n.h + n.pads[0] + n.pads[2], n.w + n.pads[1] + n.pads[3]
    d, hw = n.buffer_pixels, n.h * n.w
    nw = _clog2(2 * (hp * n.w + wp + 2 * hw + d) + 2)
    aw = max(1, _clog2(d))
    read = _ring_read(n)
    if "flow" in n.stages:
        return [
            Part("room", 1 + 1, nw),
            Part("limit", 3, 3 * nw),
            Part("issue", 1, 0, fanout=n.pixel_bits),
            Part("next_written", 1 + 2, nw),
            Part("next_index", 2 + 1, nw),
            Part("next_pixel", 2 + 2, 0),  # inside the image's rows and columns
            Part("next_read_slot", 3 + 1, 2 * aw),
            read,
            Part("next_slot", 3, 2 * aw),
        ]
    return [
        Part("room", 4 + 2, 4 * nw, fanout=n.pixel_bits),
        Part("written", 3 + 1, 2 * nw, fanout=n.pixel_bits),
        Part("read_address", 3 + 1, 3 * aw) + read,
        Part("next_slot", 3, 2 * aw),
    ]
