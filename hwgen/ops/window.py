"""SlidingWindow and WindowMax: im2col as a stream, and the max-pool of its windows.

SlidingWindow takes an H x W image of `pixel_bits`-bit pixels (C channels of `elem_bits`),
pixel-major, and emits for each output pixel its K x K window, one input pixel per beat, in
(kh, kw) order: the vector layout (kh, kw, c) that a convolution's MVU consumes. Pad
positions (`pads`, ONNX's [top, left, bottom, right], each at most K-1) carry the all-zero
pixel: an integer 0, or bit 0 (-1) of bipolar data, which the next MVU's border-class
thresholds correct for (`ops.padding`). The hardware keeps K rows of the image (a line
buffer), not whole frames.
WindowMax takes the channelwise maximum of each window's K*K pixels: for bipolar data an OR
(+1 is bit 1; a pad bit 0, -1, never wins it, so a padded max-pool is exact as it is), for
k-bit integers a real max (padded only where unsigned, so the pad 0 is the least value).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.errors import HwgenError
from hwgen.ir.dtypes import Bipolar, Int
from hwgen.ir.graph import OP_TYPES, register_op
from hwgen.ops.logic_paths import window_paths
from hwgen.ops.padding import Window
from hwgen.ops.stream_op import StreamIn, StreamOp, host_width
from hwgen.sim import handshake

#: the stages rtl/hwgen_swg.v can add (its parameter for each): `flow` registers what each side
#: of the line buffer sees of the other (the writer's room, the ring's write, the reader's next
#: pixel and whether it is written), a cycle late, and the ring's read (rtl/hwgen_stream_reg.v)
WINDOW_STAGES = {"flow": "FLOW_REG"}


@register_op
@dataclasses.dataclass
class SlidingWindow(StreamOp):
    """K x K windows at stride S over an H x W x C image (channels-last)."""

    h: int = 1
    w: int = 1
    c: int = 1
    k: int = 1
    stride: int = 1
    elem_bits: int = 1  # bits per channel value (1 for bipolar)
    in_width: int = 1  # bits per input beat (set by the stream-width pass)
    fifo_depth: int = 2
    pads: list = dataclasses.field(default_factory=lambda: [0, 0, 0, 0])  # top, left, bottom, right
    buffer_style: str = (
        "auto"  # the line buffer: "auto" (Yosys' choice) or "block" (passes.memory_placement)
    )
    # added stages, names of WINDOW_STAGES (passes.pipeline_stages picks them for a clock)
    stages: list = dataclasses.field(default_factory=list)

    pipelined = True
    stage_names = tuple(WINDOW_STAGES)
    stage_fields = ("stages",)

    def connect(self, ins: list[StreamIn]) -> int:
        self.in_width = host_width(ins, self.pixel_bits)
        return self.out_width

    # ---- its stages (passes.pipeline_stages asks)
    def stage_candidates(self) -> list:
        """Copies of it with each set of stages it can take."""
        return [dataclasses.replace(self, stages=[]), dataclasses.replace(self, stages=["flow"])]

    def stage_register_bits(self) -> int:
        """Flip-flops its stages hold: (flow) the reader's frame as the writer sees it, the
        limit, the writer's room, its position plus one and two frames and plus QOFF (the
        reader's wq), the reader's next index and its four successors, row and column,
        whether that pixel is inside the image's rows, its columns, and written, its ring
        slot, the next window's two slot sums (K > 1), the delayed write, and the read's
        output register (the pixel, its pad flag and valid; on ECP5 the pixel's bits move
        into a block RAM ring's output register)."""
        if "flow" not in self.stages:
            return 0
        hp, wp = self.h + self.pads[0] + self.pads[2], self.w + self.pads[1] + self.pads[3]
        row_col = (hp + self.k).bit_length() + (wp + self.k).bit_length()
        sums = 2 * self.slot_bits if self.k > 1 else 0
        bits = 3 + 9 * self.index_bits + row_col + 4 + 2 * self.slot_bits + sums + self.pixel_bits
        return bits + self.pixel_bits + 2  # and the read's output register

    def stage_cost(self) -> int:
        """What its stages cost the timing pass (flip-flops)."""
        return self.stage_register_bits()

    def stage_params(self) -> list[tuple[str, int]]:
        """rtl/hwgen_swg.v's stage parameters."""
        return [(param, int(name in self.stages)) for name, param in WINDOW_STAGES.items()]

    @property
    def added_latency(self) -> int:
        """Cycles its stages add: (flow) a pixel reaches the ring, and the reader, a cycle later,
        and the read passes a register."""
        return 2 * int("flow" in self.stages)

    @property
    def index_bits(self) -> int:
        """Bits of rtl/hwgen_swg.v's linear pixel quantities (its NW)."""
        hp, wp = self.h + self.pads[0] + self.pads[2], self.w + self.pads[1] + self.pads[3]
        hw = self.h * self.w
        return (2 * (hp * self.w + wp + 2 * hw + self.buffer_pixels) + 1).bit_length()

    @property
    def slot_bits(self) -> int:
        """Bits of a slot of the ring (its AW)."""
        return max(1, (self.buffer_pixels - 1).bit_length())

    def frame_beats(self) -> int:
        return self.oh * self.ow * self.k * self.k

    def fold_floor(self) -> int:
        # its window reads, and a pixel per beat at best: its input beats follow the
        # producer's folding, which the search chooses
        return max(self.oh * self.ow * self.k * self.k, self.h * self.w)

    def hls_trips(self, frames: int) -> int:
        return frames * self.frame_beats()

    def logic_paths(self) -> list:
        return window_paths(self)

    def handshake(self) -> handshake.Window:
        return handshake.Window(self)

    def input_format(self) -> tuple[int, int, int]:
        return self.h * self.w * self.c, self.elem_bits, self.h * self.w * self.in_beats

    def table_row(self) -> dict:
        row = self.row(f"window {self.k}x{self.k}/{self.stride}", f"{self.h}x{self.w}x{self.c}")
        if self.stages:
            row["latency"] = self.added_latency
            row["stages"] = list(self.stages)
        return row

    @property
    def window(self) -> Window:
        return Window(self.h, self.w, self.c, self.k, self.stride, tuple(self.pads))

    @property
    def oh(self) -> int:
        return self.window.oh

    @property
    def ow(self) -> int:
        return self.window.ow

    @property
    def buffer_pixels(self) -> int:
        """Pixels the line buffer holds (rtl/hwgen_swg.v's D): K + 1 rows of the image, or two
        frames where the output has at most two rows of windows (so the next frame's first
        window is in before the last one of this frame is read)."""
        if self.oh > 2 and self.k + 1 < 2 * self.h:
            return (self.k + 1) * self.w
        return 2 * self.h * self.w

    @property
    def pixel_bits(self) -> int:
        return self.c * self.elem_bits

    @property
    def out_width(self) -> int:
        return self.pixel_bits

    @property
    def in_beats(self) -> int:
        """Input beats per pixel."""
        return -(-self.pixel_bits // self.in_width)

    @property
    def cycles(self) -> int:
        """Cycles per frame: writing the image or reading its windows, whichever is longer
        (they overlap in the line buffer; a few cycles a row more, which simulation measures)."""
        return max(self.h * self.w * self.in_beats, self.oh * self.ow * self.k * self.k)

    def validate(self) -> None:
        if len(self.pads) != 4:
            raise self.fail(f"pads {self.pads} must be 4 values (top, left, bottom, right)")
        if set(self.stages) - set(WINDOW_STAGES) or len(set(self.stages)) != len(self.stages):
            raise self.fail(
                f"stages {self.stages}: each at most once, of {', '.join(WINDOW_STAGES)}"
            )
        bad = self.window.check()
        if bad:
            raise self.fail(bad)

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, H, W, C) -> (B, OH, OW, K*K*C), window elements in (kh, kw, c) order."""
        if x.shape[1:] != (self.h, self.w, self.c):
            raise self.fail(
                f"expects images of shape {(self.h, self.w, self.c)}, got {x.shape[1:]}"
            )
        s, k = self.stride, self.k
        t, left, b, r = self.pads
        if any(self.pads):  # the all-zero pixel: integer 0, or bit 0 of bipolar data
            x = np.pad(x, ((0, 0), (t, b), (left, r), (0, 0)))
        rows = []
        for kh in range(k):
            for kw in range(k):
                rows.append(
                    x[
                        :,
                        kh : kh + s * (self.oh - 1) + 1 : s,
                        kw : kw + s * (self.ow - 1) + 1 : s,
                        :,
                    ]
                )
        return np.concatenate(rows, axis=-1)


@register_op
@dataclasses.dataclass
class WindowMax(StreamOp):
    """Channelwise max of the K*K pixels of each window (C channels of elem_bits each): OR for
    bipolar bits, a signed or unsigned compare for integers."""

    c: int = 1
    k: int = 1
    pixels: int = 1  # output pixels per frame
    in_width: int = 1
    fifo_depth: int = 2
    elem_bits: int = 1  # 1: bipolar bits (OR); > 1: integers
    signed: bool = False  # integer elements are two's complement

    def connect(self, ins: list[StreamIn]) -> int:
        self.in_width = host_width(ins, self.pixel_bits)
        return self.out_width

    def frame_beats(self) -> int:
        return self.pixels

    def hls_trips(self, frames: int) -> int:
        return frames * self.pixels * self.k * self.k

    def handshake(self) -> handshake.Accumulate:
        return handshake.Accumulate(self.k * self.k)

    def table_row(self) -> dict:
        out = Bipolar() if self.elem_bits == 1 else Int(self.elem_bits, self.signed)
        return self.row("max-pool" + (" OR" if self.elem_bits == 1 else ""), f"{self.c}", str(out))

    @property
    def pixel_bits(self) -> int:
        return self.c * self.elem_bits

    @property
    def out_width(self) -> int:
        return self.pixel_bits

    @property
    def cycles(self) -> int:
        return self.pixels * self.k * self.k

    def validate(self) -> None:
        if self.in_width != self.pixel_bits and self.in_width != 1:
            raise self.fail(
                f"input beats must be whole pixels of {self.pixel_bits} bits, got {self.in_width}"
            )
        if self.elem_bits == 1 and self.signed:
            raise self.fail("bipolar elements are not two's complement integers")

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, OH, OW, K*K*C) bits or integers -> (B, OH, OW, C)."""
        win = x.reshape(x.shape[:-1] + (self.k * self.k, self.c))
        out = win.max(axis=-2)
        return out.astype(np.uint8) if self.elem_bits == 1 else out.astype(np.int64)


@register_op
@dataclasses.dataclass
class Flatten(StreamOp):
    """Channels-last image to a vector, (B, H, W, C) -> (B, H*W*C). The stream is already
    pixel-major, so mostly there is no hardware; the next layer's weights are permuted from
    PyTorch's (C, H, W) flatten order by `passes.layout`, which sets `reordered`.
    Where the producer's beats carry pad lanes inside each pixel (a convolution whose PE does
    not divide its C channels: ceil(C/PE) beats of PE lanes per pixel), the flatten packs each
    pixel's beats into one C-lane beat, dropping the pad lanes (`pack`, set by the stream-width
    pass), so the flattened vector holds no gaps."""

    h: int = 1
    w: int = 1
    c: int = 1
    reordered: bool = False
    pack: bool = False  # packs pixels (has hardware: rtl/hwgen_pixel_pack.v)
    lane_bits: int = 1  # bits per channel value of the packed stream
    in_width: int = 1  # bits per input beat when packing (the producer's PE lanes)
    fifo_depth: int = 2

    view_only = True

    @property
    def has_instance(self) -> bool:
        return self.pack

    def connect(self, ins: list[StreamIn]) -> int | None:
        """Packs where its producer's beats carry pad lanes; else passes the stream through."""
        prev = ins[0].node if ins else None
        self.pack = prev is not None and prev.pads_pixel_lanes
        if not self.pack:
            return ins[0].width if ins else None
        self.lane_bits, self.in_width = prev.out_lane_bits, ins[0].width
        return self.out_width

    def frame_beats(self) -> int:
        if not self.pack:
            raise HwgenError(
                f"node '{self.name}': a flatten that does not pack has no stream of its own"
            )
        return self.h * self.w

    def hls_trips(self, frames: int) -> int:
        return frames * self.h * self.w

    def handshake(self) -> handshake.Accumulate:
        return handshake.Accumulate(self.in_beats)

    def table_row(self) -> dict:
        return self.row("pack pixels", f"{self.h}x{self.w}x{self.c}")

    @property
    def out_width(self) -> int:
        """Bits per output beat when packing: one whole pixel."""
        return self.c * self.lane_bits

    @property
    def in_beats(self) -> int:
        """Input beats per pixel when packing."""
        return -(-self.out_width // self.in_width)

    @property
    def cycles(self) -> int:
        """Cycles per frame when packing: one per input beat (no hardware: none)."""
        return self.h * self.w * self.in_beats if self.pack else 0

    def golden(self, x: np.ndarray) -> np.ndarray:
        return x.reshape(x.shape[0], -1)


OP_TYPES["WindowOr"] = WindowMax  # graphs saved before the max-pool took integers
