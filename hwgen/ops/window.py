"""SlidingWindow and WindowOr: im2col as a stream, and the OR that makes binary max-pool.

SlidingWindow takes an H x W image of `pixel_bits`-bit pixels (C channels of `elem_bits`),
pixel-major, and emits for each output pixel its K x K window, one input pixel per beat, in
(kh, kw) order: the vector layout (kh, kw, c) that a convolution's MVU consumes. No padding.
WindowOr ORs each window's K*K pixels bitwise: a max-pool of bipolar data (+1 is bit 1).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.ir.graph import Node, register_op


@register_op
@dataclasses.dataclass
class SlidingWindow(Node):
    """K x K windows at stride S over an H x W x C image (channels-last)."""

    h: int = 1
    w: int = 1
    c: int = 1
    k: int = 1
    stride: int = 1
    elem_bits: int = 1  # bits per channel value (1 for bipolar)
    in_width: int = 1  # bits per input beat (set by the stream-width pass)
    fifo_depth: int = 2

    @property
    def oh(self) -> int:
        return (self.h - self.k) // self.stride + 1

    @property
    def ow(self) -> int:
        return (self.w - self.k) // self.stride + 1

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
        (they overlap on two frame buffers)."""
        return max(self.h * self.w * self.in_beats, self.oh * self.ow * self.k * self.k)

    def validate(self) -> None:
        if self.k > min(self.h, self.w) or self.k < 1 or self.stride < 1:
            raise self.fail(f"kernel {self.k} / stride {self.stride} do not fit a {self.h}x{self.w} image")

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, H, W, C) -> (B, OH, OW, K*K*C), window elements in (kh, kw, c) order."""
        if x.shape[1:] != (self.h, self.w, self.c):
            raise self.fail(f"expects images of shape {(self.h, self.w, self.c)}, got {x.shape[1:]}")
        s, k = self.stride, self.k
        rows = []
        for kh in range(k):
            for kw in range(k):
                rows.append(x[:, kh: kh + s * (self.oh - 1) + 1: s, kw: kw + s * (self.ow - 1) + 1: s, :])
        return np.concatenate(rows, axis=-1)


@register_op
@dataclasses.dataclass
class WindowOr(Node):
    """OR of the K*K pixels of each window (C bits each): binary max-pool."""

    c: int = 1
    k: int = 1
    pixels: int = 1  # output pixels per frame
    in_width: int = 1
    fifo_depth: int = 2

    @property
    def out_width(self) -> int:
        return self.c

    @property
    def cycles(self) -> int:
        return self.pixels * self.k * self.k

    def validate(self) -> None:
        if self.in_width != self.c and self.in_width != 1:
            raise self.fail(f"input beats must be whole pixels of {self.c} bits, got {self.in_width}")

    def golden(self, x: np.ndarray) -> np.ndarray:
        """(B, OH, OW, K*K*C) bits -> (B, OH, OW, C) bits."""
        win = x.reshape(x.shape[:-1] + (self.k * self.k, self.c))
        return win.max(axis=-2).astype(np.uint8)


@register_op
@dataclasses.dataclass
class Flatten(Node):
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
