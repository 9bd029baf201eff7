"""What each hardware instance is made of, counted from the IR and the folding: exact
register bits, the memories it holds (depth x width), and the LUT-level building blocks
(popcount trees, adders, comparators, multiplexers) that `hwgen.estimate` prices per device
family. The counts follow the Verilog in rtl/ line by line; the prices are calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hwgen.estimate.popcount import popcount_luts
from hwgen.ops import (
    AddStreams,
    Flatten,
    Fork,
    IntSign,
    ResidualBlock,
    SlidingWindow,
    WindowMax,
    WindowSum,
    XnorMVU,
)


def clog2(n: int) -> int:
    """Bits to count 0..n-1 (at least 1), as the Verilog's `(N > 1) ? $clog2(N) : 1`."""
    return max(1, (n - 1).bit_length())


@dataclass
class Memory:
    """One Verilog memory: `rom` (weights or thresholds, initialized) or `ram` (buffers)."""

    role: str
    depth: int
    width: int
    rom: bool
    style: str | None = None  # "block" / "lut": placed by hand or by passes.memory_placement
    varying: int | None = None  # a ROM's output bits that differ between words (None: all)

    @property
    def bits(self) -> int:
        return self.depth * self.width

    @property
    def logic_width(self) -> int:
        """Output bits a ROM in logic costs LUTs for: a bit equal in every word is a constant."""
        return self.width if self.varying is None else self.varying


def varying_bits(words: list[int]) -> int:
    """How many bit positions differ somewhere between the words of a ROM."""
    diff = 0
    for w in words[1:]:
        diff |= w ^ words[0]
    return bin(diff).count("1")


@dataclass
class Parts:
    """A block's parts: LUT features (name -> count), register bits, memories, and the cycles
    it takes per frame."""

    kind: str
    lut: dict[str, float] = field(default_factory=dict)
    ff: dict[str, float] = field(default_factory=dict)
    memories: list[Memory] = field(default_factory=list)
    cycles: int = 0

    def add(self, **feats: float) -> None:
        """Add LUT features."""
        for k, v in feats.items():
            self.lut[k] = self.lut.get(k, 0) + v

    def regs(self, **bits: float) -> None:
        """Add register bits, by role."""
        for k, v in bits.items():
            self.ff[k] = self.ff.get(k, 0) + v

    def merge(self, other: "Parts") -> "Parts":
        """These parts and `other`'s together (e.g. the FIFOs in front of an add's operands)."""
        self.add(**other.lut)
        self.regs(**other.ff)
        self.memories += other.memories
        return self


def adder_tree_bits(leaves: int, leaf_bits: int, max_bits: int) -> int:
    """Adder bits of rtl/hwgen_lane_dot.v's balanced tree (heap order: node i adds 2i+1 and
    2i+2) over `leaves` sums of `leaf_bits`: each node one bit wider than its wider child, at
    most `max_bits` (the accumulator; Yosys trims the sign copies above that)."""
    width = [0] * (leaves - 1) + [leaf_bits] * leaves
    for i in range(leaves - 2, -1, -1):
        width[i] = min(max_bits, max(width[2 * i + 1], width[2 * i + 2]) + 1)
    return sum(width[: leaves - 1])


def mvu_parts(n: XnorMVU) -> Parts:
    """rtl/hwgen_mvu.v: input shift buffer, rotating read buffer, counters, weight and
    threshold ROMs, PE accumulators with a popcount tree (or a sum of products,
    rtl/hwgen_lane_dot.v) each."""
    sf, nf, pe, simd, ew, wb = n.sf, n.nf, n.pe, n.simd, n.in_bits, n.weight_bits
    wb_w = n.in_beats * n.in_width
    rb_w = sf * simd * ew
    cnt_w, thr_w, out_w = n.count_bits, n.thr_bits, n.out_lane_bits
    counters = clog2(n.in_beats) + clog2(sf) + clog2(nf) + clog2(sf * nf)
    p = Parts("mvu", cycles=n.cycles)
    # the ROM output registers (w1, t1) may be absorbed by a block RAM's own register
    p.regs(
        lanes=simd * ew + pe * cnt_w + pe * out_w,
        rom_out=pe * simd * wb + (pe * n.n_thr * thr_w if n.has_thresholds else 0),
    )
    p.regs(lanes=n.stage_register_bits())  # the added pipeline stages (rtl/hwgen_mvu.v)
    if "credit" in n.stages:  # the output FIFO's read multiplexer
        p.add(fifo_mux=pe * out_w)
    if n.input_memory:  # two banks of SF words, their counters and flags
        sw = clog2(sf)
        p.regs(state=counters - clog2(n.in_beats) + sw + 2 + 2 + 6)
        p.add(counters=sw, control=1, inbuf_mask=n.pad_lanes * ew)
        p.memories.append(Memory("input", 2 ** (sw + 1), simd * ew, rom=False))
    else:
        p.regs(buffers=wb_w + rb_w, state=counters + 6)
        p.add(control=1, rotate=rb_w if sf > 1 else 0, load=rb_w if sf == 1 else 0)
    # Yosys' ABC maps for depth, duplicating logic along deep cones: a datapath with no
    # register in it (the ROM's read, the tree, the accumulator and the compare in one cycle)
    # is one deep cone, and its tree has its own price (`_fused`); so has a tree registered in
    # its middle (two shallow cones)
    fused = "_fused" if n.added_latency == 0 else ""
    if n.xnor:  # a popcount per group, and the groups' adder tree
        tree = "popcount_cut" if "popcount_mid" in n.stages else "popcount" + fused
        p.add(**{tree: pe * sum(popcount_luts(g) for g in n.pc_group_lanes)})
        p.add(addsub=pe * cnt_w * (n.pc_groups - 1))
    else:
        ev = 2 if ew == 1 else ew + (0 if n.in_signed else 1)  # an element as a signed value
        pw = ev + wb if wb > 1 else ev + 1  # a lane's product
        p.add(
            **{
                "addsub" + fused: pe * adder_tree_bits(simd, pw, cnt_w),
                "addsub_lanes" + fused: pe * simd * ew,
            }
        )
        if wb > 1:  # shift-and-add products, WB - 1 adders of the product's width each
            p.add(product=pe * simd * pw * (wb - 1))
    p.add(acc=pe * cnt_w, counters=counters)
    if n.levels:
        # k-bit levels: N_THR signed compares per lane and the count of those reached
        p.add(level_compare=pe * n.n_thr * thr_w + pe * n.n_thr * out_w)
    elif n.has_thresholds:
        # interval thresholds: N_THR compares and an N_THR-input XOR per lane
        p.add(compare=pe * n.n_thr * thr_w + (pe * (n.n_thr - 1) if n.n_thr > 1 else 0))
    if "rom_bank" in n.stages:  # rtl/hwgen_mvu_rom.v: a block memory a bank
        p.memories += [
            Memory("weights", len(words), pe * simd * wb, rom=True, style="block")
            for words in n.rom_bank_words()
        ]
    else:
        p.memories.append(
            Memory(
                "weights",
                sf * nf,
                pe * simd * wb,
                rom=True,
                style=n.weight_style,
                varying=n.weight_varying_bits(),
            )
        )
    if n.has_thresholds:
        p.memories.append(
            Memory(
                "thresholds",
                nf * n.n_classes,
                pe * n.n_thr * thr_w,
                rom=True,
                varying=varying_bits(n.threshold_words()),
            )
        )
    if n.n_classes > 1:  # a padded convolution: output pixel counters, the set's offset tables
        win = n.pad_window
        taw = n.class_base_bits
        p.regs(state=clog2(win.oh) + clog2(win.ow))
        p.add(counters=clog2(win.oh) + clog2(win.ow), class_address=2 * taw)
        p.memories += [
            Memory("row_base", win.oh, taw, rom=True),
            Memory("col_base", win.ow, taw, rom=True),
        ]
    return p


def swg_parts(n: SlidingWindow) -> Parts:
    """rtl/hwgen_swg.v: a line buffer (a ring of K+1 rows, or two frames for short outputs),
    the writer's and reader's positions, the per-pixel flow-control compares, the pad mux."""
    hp, wp = n.h + n.pads[0] + n.pads[2], n.w + n.pads[1] + n.pads[3]
    d = n.buffer_pixels
    aw = clog2(d)
    nw = clog2(2 * (hp * n.w + wp + 2 * n.h * n.w + d) + 2)
    ryw, cxw = clog2(hp + n.k + 1), clog2(wp + n.k + 1)
    kw, ow, oh = clog2(n.k), clog2(n.ow), clog2(n.oh)
    beats = n.in_beats
    p = Parts("swg", cycles=n.cycles)
    p.regs(
        buffers=(beats - 1) * n.in_width + n.pixel_bits,
        state=clog2(beats) + 2 * nw + 5 * aw + 4 + 2 * kw + ow + oh + ryw + cxw + nw + 2,
    )
    p.regs(lanes=n.stage_register_bits())  # the flow stage's registers
    # room: three compares and their sums; written: the pixel's index and its compare; L: a
    # subtract and a sum; the read address and the three ring steps (mod-D adds); the window's
    # row/column adders and their image-edge compares; counters
    # the flow stage's next index: its successors' four adds, the compares of each with the
    # writer's position, the choices among them and their updates, for the one add and compare
    # it had without them
    flow = 9 * nw if "flow" in n.stages else 0
    p.add(swg_address=11 * nw + 9 * aw + 2 * (ryw + cxw) + 2 * kw + ow + oh + flow, control=1)
    if any(n.pads):
        p.add(pad_mux=n.pixel_bits)
    p.memories.append(
        Memory(
            "lines",
            d,
            n.pixel_bits,
            rom=False,
            style="block" if n.buffer_style == "block" else None,
        )
    )
    return p


def window_max_parts(n: WindowMax) -> Parts:
    """rtl/hwgen_window_max.v: an OR accumulator over a window's pixels (bipolar), or a
    compare-and-keep per channel (integers)."""
    cw = clog2(n.k * n.k)
    p = Parts("window_or" if n.elem_bits == 1 else "window_max", cycles=n.cycles)
    p.regs(lanes=2 * n.pixel_bits, state=cw + 1)
    if n.elem_bits == 1:
        p.add(or_acc=n.c)
    else:
        p.add(max_acc=n.pixel_bits)
    p.add(counters=cw, control=1)
    return p


def fifo_parts(width: int, depth: int) -> Parts:
    """rtl/hwgen_axis_fifo.v in front of each layer (and at the output)."""
    aw = clog2(depth)
    p = Parts("fifo")
    p.regs(state=3 * aw + 1)
    p.add(fifo_mux=width * (depth - 1), counters=3 * aw, control=1)
    if depth <= 2:
        p.regs(fifo=width * depth)  # Yosys keeps two-entry memories in registers
    else:
        p.memories.append(Memory("fifo", depth, width, rom=False))
    return p


def residual_parts(n: ResidualBlock) -> Parts:
    """rtl/hwgen_residual.v: its MVU (bits in, levels out), the shortcut FIFO, the lane adders
    and the fork (the sign is wiring)."""
    p = mvu_parts(n.inner_mvu())
    # the shortcut FIFO is a RAM (block RAM where Yosys maps it) with its pointers, no
    # per-entry multiplexers as in the two-entry FIFOs between layers
    aw = clog2(n.shortcut_depth)
    p.regs(state=3 * aw + 1)
    p.add(counters=3 * aw, control=2)
    p.memories.append(Memory("shortcut", n.shortcut_depth, n.pe * n.h_bits, rom=False))
    p.add(acc=n.pe * n.out_lane_bits)  # the lane adders cost what an accumulator adder does
    return p


def int_sign_parts(n: IntSign) -> Parts:
    """rtl/hwgen_int_sign.v: wires only."""
    return Parts("int_sign", cycles=n.cycles)


def pixel_pack_parts(n: Flatten) -> Parts:
    """rtl/hwgen_pixel_pack.v (a width converter): a pixel's gather register and a beat counter."""
    cw = clog2(n.in_beats)
    p = Parts("pixel_pack", cycles=n.cycles)
    p.regs(buffers=n.in_beats * n.in_width, state=cw + 1)
    p.add(counters=cw, control=1)
    return p


def fork_parts(n: Fork) -> Parts:
    """rtl/hwgen_fork.v: a done flag per output and the handshake around them."""
    p = Parts("fork", cycles=n.cycles)
    p.regs(state=2)
    p.add(control=2)
    return p


def add_parts(n: AddStreams) -> Parts:
    """rtl/hwgen_add_streams.v: one adder per lane (priced as an accumulator's adder) and the
    joined handshake."""
    p = Parts("add", cycles=n.cycles)
    p.add(acc=n.lanes * n.out_bits, control=1)
    return p


def window_sum_parts(n: WindowSum) -> Parts:
    """rtl/hwgen_window_sum.v: an accumulator per channel over a window's pixels and the output
    register (as the integer max-pool, an adder in place of the compare)."""
    cw = clog2(n.k * n.k)
    p = Parts("window_sum", cycles=n.cycles)
    p.regs(lanes=2 * n.c * n.out_bits, state=cw + 1)
    p.add(acc=n.c * n.out_bits, counters=cw, control=1)
    return p


PARTS = {
    XnorMVU: mvu_parts,
    SlidingWindow: swg_parts,
    WindowMax: window_max_parts,
    ResidualBlock: residual_parts,
    IntSign: int_sign_parts,
    Flatten: pixel_pack_parts,
    Fork: fork_parts,
    AddStreams: add_parts,
    WindowSum: window_sum_parts,
}
