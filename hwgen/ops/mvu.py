"""XnorMVU: the streaming matrix-vector unit (binary or 2-bit weights), with optional thresholds.

Bipolar input (in_bits = 1): with thresholds it computes one bit per output channel,
popcount(XNOR(x, w_c)) >= T_c (a BatchNorm + sign folded by `passes.thresholds`); without,
it emits the signed bipolar dot product 2*popcount - MW (the last layer).
Integer input (in_bits > 1: 8-bit pixels of a first layer, k-bit activations) or integer
weights (weight_bits > 1: two's complement values, e.g. {-1, 0, +1}): acc_c = sum of x_i * w_ci
(a bipolar x_i counts +1/-1; a bipolar weight adds or subtracts), then acc_c >= T_c, or acc_c.
Interval thresholds (shape (MH, K), each row sorted): the bit is the parity of how many of
the K thresholds the count reaches, for a decision that switches more than once along the
accumulator (a learned binarizer); a threshold at the bottom of the range starts it at 1 and
one past the top pads a row. Shape (MH,) is the usual single threshold (K = 1).
Levels (out_bits > 1, thresholds (MH, K) sorted): the output is an integer (signed, or
unsigned where out_signed is False), out_offset plus how many of the K thresholds the count
reaches (a folded BN + k-bit quantizer: a multi-bit activation, or a Bi-Real net's
fixed-point shortcut path).
Zero-padded bipolar convolution (`window`, ops.padding): `thresholds` has a set per border
class, shape (classes, MH, K), on the popcount with pad bits 0; the output pixel's class picks
the set. `dot_thresholds` (MH, K) decide on the true zero-padded dot product instead, which is
what the golden model computes.
Folding: SIMD input lanes and PE output channels per cycle, so a vector takes
ceil(MW/SIMD) * ceil(MH/PE) cycles (sizes need not divide). Vectors may come `pixels` to a
frame (a convolution: one vector per output pixel).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hwgen.golden import threshold_bits, xnor_popcount
from hwgen.ir.dtypes import Bipolar, Int, signed_bits_for, unsigned_bits_for
from hwgen.ir.graph import register_op
from hwgen.ops.matrix import BinaryMatrixShape
from hwgen.ops.mvu_roms import MvuRoms
from hwgen.ops.mvu_stages import PIPE_STAGES, MvuStages
from hwgen.ops.stream_op import StreamIn, StreamOp, host_width
from hwgen.sim.handshake import Mvu

#: where a weight memory may be asked to go (FINN's ram_style, in hwgen's words)
RAM_STYLES = ("auto", "block", "lut")


@register_op
@dataclasses.dataclass
class XnorMVU(MvuStages, MvuRoms, BinaryMatrixShape, StreamOp):
    """Weight matrix (MH x MW: bits, or integers) times a bipolar or integer vector,
    thresholded or not."""

    weights: np.ndarray = (
        None  # uint8 bits or int8 values (MH, MW); rows already negated where gamma < 0
    )
    weight_bits: int = 1  # 1: bipolar bits; > 1: bits of a stored two's complement weight
    thresholds: np.ndarray | None = (
        None  # int64 (MH,) or (MH, K): popcount thresholds in [0, MW + 1]
    )
    pe: int = 1
    simd: int = 1
    in_width: int = 1  # bits per input beat (the previous layer's PE, or the top's input width)
    fifo_depth: int = 2  # depth of the FIFO in front of this layer
    in_bits: int = 1  # 1: bipolar input elements; > 1: integers of that many bits
    in_signed: bool = False  # integer input elements are two's complement
    pixels: int = 1  # vectors per frame (output pixels of a convolution)
    out_bits: int = 1  # > 1: thresholds count levels, output out_offset + count (signed)
    out_offset: int = 0
    out_signed: bool = True  # levels are two's complement (False: unsigned, out_offset >= 0)
    window: dict | None = None  # a zero-padded bipolar convolution's geometry (ops.padding)
    dot_thresholds: np.ndarray | None = None  # (MH, K) on the true dot product, with `window`
    ram_style: str = "auto"  # weight memory: "auto", "block" (block RAM) or "lut" (logic), as asked
    weight_style: str = (
        "auto"  # as placed (passes.memory_placement): "block", "lut", or "auto" (Yosys')
    )
    input_style: str = (
        "auto"  # input vector: "memory", "registers", or "auto" (the rule in input_memory)
    )
    stages: list = dataclasses.field(
        default_factory=list
    )  # added pipeline stages, names of PIPE_STAGES (passes.timing picks them for a clock)
    pc_groups: int = 1  # XNOR: popcounts of ceil(SIMD / pc_groups) lanes each, then summed
    # rom_bank stage: weight ROM words a bank (passes.pipeline_stages: a block RAM's depth at
    # the word's width on the family; a folding file may pin it)
    rom_bank_depth: int = 0

    foldable = True
    pipelined = True

    # ---- what passes, backends and the schedule ask of it (ops.stream_op)
    @property
    def ends_stream(self) -> bool:
        """Without thresholds its outputs are the final accumulators, for the host."""
        return not self.has_thresholds

    @property
    def pads_pixel_lanes(self) -> bool:
        """A convolution whose PE does not divide its channels: ceil(MH/PE) beats a pixel."""
        return self.pixels > 1 and self.mh % self.pe != 0

    def frame_beats(self) -> int:
        return self.nf * self.pixels

    def fold_floor(self) -> int:
        return self.pixels  # fully parallel: one cycle a vector

    def connect(self, ins: list[StreamIn]) -> int:
        self.in_width = host_width(ins, self.simd * self.in_bits)
        return self.pe * self.out_lane_bits

    def int_stream(self, ins: list[StreamIn]) -> tuple[int, int] | None:
        return (self.pe, self.out_lane_bits) if self.levels else None

    def hls_trips(self, frames: int) -> int:
        return frames * self.pixels * self.sf * self.nf

    def handshake(self) -> Mvu:
        return Mvu(
            self.in_beats,
            self.sf,
            self.nf,
            self.input_memory,
            self.added_latency,
            "credit" in self.stages,
            "skid" in self.stages,
            "handover" in self.stages,
        )

    def input_format(self) -> tuple[int, int, int]:
        return self.mw, self.in_bits, math.ceil(self.mw * self.in_bits / self.in_width)

    def output_format(self) -> tuple[int, int, int, int]:
        return self.pe, self.out_lane_bits, self.nf * self.pixels, self.mh * self.pixels

    def table_row(self) -> dict:
        kind = "MVU" if self.pixels == 1 else f"conv MVU x{self.pixels}"
        if not self.xnor:  # the precision of a sum-of-products layer: input elements x weights
            elem = Bipolar() if self.in_bits == 1 else Int(self.in_bits, self.in_signed)
            weight = Bipolar() if self.weight_bits == 1 else Int(self.weight_bits, True)
            kind += f" ({elem} x {weight})"
        row = self.row(kind, f"{self.mh} x {self.mw}", str(self.out_dtype), self.pe, self.simd)
        if self.stages or self.pc_groups > 1:
            row["latency"] = self.added_latency
            row["stages"] = list(self.stages) + (
                [f"{self.pc_groups} popcount groups"] if self.pc_groups > 1 else []
            )
        return row

    @property
    def levels(self) -> bool:
        """Multi-level (integer) output from thresholds, rather than one bit."""
        return self.has_thresholds and self.out_bits > 1

    @property
    def sf(self) -> int:
        """Synapse fold: cycles to consume one input vector for one PE group."""
        return math.ceil(self.mw / self.simd)

    @property
    def nf(self) -> int:
        """Neuron fold: PE groups, one output beat each."""
        return math.ceil(self.mh / self.pe)

    @property
    def pad_lanes(self) -> int:
        """Lanes past MW in the last synapse fold: both operands are 0 there, so each counts
        as a match; the hardware adds this constant instead of masking the lanes."""
        return self.sf * self.simd - self.mw

    @property
    def cycles(self) -> int:
        """Cycles per frame at full rate: the folding bound times the vectors per frame."""
        return self.sf * self.nf * self.pixels

    @property
    def in_beats(self) -> int:
        """Input beats per vector."""
        return math.ceil(self.mw * self.in_bits / self.in_width)

    @property
    def input_memory(self) -> bool:
        """The input vector waits in a two-bank memory (rtl/hwgen_mvu.v's INBUF_MEM) rather than
        a rotating register: where beats are SIMD elements and a vector takes several of them
        (a register costs a LUT and two flip-flops per input bit, the memory LUT RAM or block
        RAM)."""
        fits = self.in_width == self.simd * self.in_bits and self.sf >= 2
        return fits and self.input_style != "registers"

    @property
    def bipolar_input(self) -> bool:
        return self.in_bits == 1

    @property
    def count_bits(self) -> int:
        """Accumulator width: the popcount (pad lanes included), or the signed integer sum
        with room for thresholds one past either end."""
        if self.xnor:
            return unsigned_bits_for(self.sf * self.simd)
        lo, hi = self.acc_range()
        return signed_bits_for(lo - 1, hi + 1)

    @property
    def thr_bits(self) -> int:
        """Width of a stored threshold (popcount: T + pad lanes, up to MW + 1 + pad)."""
        return unsigned_bits_for(self.sf * self.simd + 1) if self.xnor else self.count_bits

    @property
    def out_dtype(self):
        if self.levels:
            return Int(self.out_bits, self.out_signed)
        if self.has_thresholds:
            return Bipolar()
        if self.xnor:
            return Int(signed_bits_for(-self.mw, self.mw), True)
        return Int(self.count_bits, True)

    @property
    def out_lanes_signed(self) -> bool:
        """Output lanes are two's complement (accumulators, signed levels), not bits."""
        dt = self.out_dtype
        return isinstance(dt, Int) and dt.signed

    @property
    def out_lane_bits(self) -> int:
        return self.out_dtype.bits

    @property
    def has_thresholds(self) -> bool:
        return self.thresholds is not None

    @property
    def n_thr(self) -> int:
        """Thresholds per output channel: 1, or K of interval thresholds."""
        return self.thresholds.shape[-1] if self.has_thresholds and self.thresholds.ndim >= 2 else 1

    @property
    def n_classes(self) -> int:
        """Threshold sets: one per border class of a padded convolution, else 1."""
        return self.thresholds.shape[0] if self.has_thresholds and self.thresholds.ndim == 3 else 1

    @property
    def class_base_bits(self) -> int:
        """Width of a threshold ROM word address (rtl/hwgen_mvu.v's TAW, $clog2 of NF x classes)."""
        return max(1, (self.nf * self.n_classes - 1).bit_length())

    def class_bases(self) -> tuple[list[int], list[int]]:
        """Threshold ROM word offsets of a padded layer's output rows and columns: the word of
        output pixel (oy, ox) and PE group nf is rows[oy] + cols[ox] + nf."""
        win = self.pad_window
        (rc, _), (cc, ckinds) = win.row_classes, win.col_classes
        return [r * len(ckinds) * self.nf for r in rc], [c * self.nf for c in cc]

    def validate(self) -> None:
        if self.weights is None or self.weights.ndim != 2:
            raise self.fail("weights must be a 2-D bit matrix")
        if not 1 <= self.pe <= self.mh or not 1 <= self.simd <= self.mw:
            raise self.fail(
                f"PE={self.pe} must be in [1, {self.mh}] and SIMD={self.simd} in [1, {self.mw}]"
            )
        if self.in_width < 1:
            raise self.fail(f"input width {self.in_width} must be >= 1")
        if self.weight_bits > 1:
            stored = Int(self.weight_bits, True)
            if (
                self.weights.size
                and not stored.min
                <= int(self.weights.min())
                <= int(self.weights.max())
                <= stored.max
            ):
                raise self.fail(
                    f"weights in [{int(self.weights.min())}, {int(self.weights.max())}] do not fit "
                    f"{self.weight_bits}-bit two's complement"
                )
        elif self.weights.size and int(self.weights.max()) > 1:
            raise self.fail("bipolar weights must be bits (0 for -1, 1 for +1)")
        if (
            self.pc_groups < 1
            or len(self.pc_group_lanes) != self.pc_groups
            or (self.pc_groups > 1 and not self.xnor)
        ):
            raise self.fail(
                f"pc_groups={self.pc_groups}: an XNOR layer's SIMD={self.simd} lanes must cut "
                "into that many non-empty groups"
            )
        unknown = sorted(set(self.stages) - set(PIPE_STAGES))
        if "group_sum" in self.stages and self.pc_groups == 1:
            raise self.fail("the group_sum stage needs the popcount in groups (pc_groups > 1)")
        depth, bank = self.sf * self.nf, self.rom_bank_depth
        if "rom_bank" in self.stages and not (2 <= bank < depth and bank & (bank - 1) == 0):
            raise self.fail(
                f"the rom_bank stage needs rom_bank_depth a power of two in [2, {depth}) (the "
                f"weight ROM's {depth} words), not {bank}"
            )
        if "popcount_mid" in self.stages and not self.xnor:
            raise self.fail("the popcount_mid stage needs an XNOR layer (a popcount tree)")
        if unknown or len(set(self.stages)) != len(self.stages):
            raise self.fail(
                f"pipeline stages {self.stages}: each at most once, of {', '.join(PIPE_STAGES)}"
            )
        if self.ram_style not in RAM_STYLES or self.weight_style not in RAM_STYLES:
            raise self.fail(
                f"ram_style {self.ram_style!r} / {self.weight_style!r}: one of "
                f"{', '.join(RAM_STYLES)}"
            )
        if self.window:
            win = self.pad_window
            if not self.xnor or self.thresholds is None or self.dot_thresholds is None:
                raise self.fail(
                    "a padded layer needs bipolar input and weights, class thresholds and dot "
                    "thresholds"
                )
            if (
                self.thresholds.ndim != 3
                or self.thresholds.shape[0] != win.n_classes
                or self.pixels != win.oh * win.ow
                or self.mw != win.k * win.k * win.c
            ):
                raise self.fail(
                    f"class thresholds {self.thresholds.shape} / {self.pixels} pixels do not match "
                    f"the window's {win.n_classes} border classes and {win.oh}x{win.ow} outputs"
                )
        elif self.has_thresholds and self.thresholds.ndim == 3:
            raise self.fail("class thresholds (3-D) need a padded window")
        if self.has_thresholds:
            t = self.thresholds
            lo, hi = (
                (0, self.mw + 1) if self.xnor else (self.acc_range()[0], self.acc_range()[1] + 1)
            )
            if (
                t.shape[t.ndim - 2 if t.ndim == 3 else 0] != self.mh
                or t.size == 0
                or t.min() < lo
                or t.max() > hi
            ):
                raise self.fail(
                    f"thresholds must be {self.mh} values (or {self.mh} rows of interval "
                    f"thresholds) in [{lo}, {hi}], got shape {t.shape}"
                )
            out = Int(self.out_bits, self.out_signed)
            if self.levels and (
                t.ndim < 2
                or not out.min <= self.out_offset <= self.out_offset + t.shape[-1] <= out.max
            ):
                raise self.fail(
                    f"levels {self.out_offset}..{self.out_offset + t.shape[-1]} do not fit "
                    f"{out} (or the thresholds are not (MH, K))"
                )
            rows = t.reshape(-1, t.shape[-1]) if t.ndim >= 2 else None
            if rows is not None and np.any(np.diff(rows, axis=1) < 0):
                bad = int(np.argwhere(np.any(np.diff(rows, axis=1) < 0, axis=1))[0][0]) % self.mh
                raise self.fail(
                    f"interval thresholds of channel {bad} are not sorted: {t[bad].tolist()}"
                )

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(..., MW) -> (..., MH): bits in, bits (thresholds) or integers out."""
        if x.shape[-1] != self.mw:
            raise self.fail(f"expects {self.mw} input elements per vector, got shape {x.shape[1:]}")
        lead = x.shape[:-1]
        if self.window:  # the true zero-padded dot product, pad positions counting 0
            d = self.true_dot(x, self.weights).reshape(-1, self.mh)
            if self.levels:
                out = self.out_offset + (d[:, :, None] >= self.dot_thresholds[None, :, :]).sum(
                    axis=-1
                )
            else:
                out = threshold_bits(d, self.dot_thresholds)
            return out.reshape(lead + (self.mh,))
        x = x.reshape(-1, self.mw)
        if self.xnor:
            acc = xnor_popcount(x, self.weights)  # thresholds count matches, not the dot
            out = self._decide(acc) if self.has_thresholds else 2 * acc - self.mw
        else:
            acc = self.int_dot(x)
            out = self._decide(acc) if self.has_thresholds else acc
        return out.reshape(lead + (self.mh,))

    def _decide(self, acc: np.ndarray) -> np.ndarray:
        """Thresholded output: bits (parity of thresholds reached), or levels."""
        if self.levels:
            return self.out_offset + (acc[:, :, None] >= self.thresholds[None, :, :]).sum(axis=-1)
        return threshold_bits(acc, self.thresholds)
