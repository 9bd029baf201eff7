"""Zero padding of a convolution's windows: where the image lies in each window, and the
border classes that exact bipolar padding corrects thresholds by.

0 is not a bipolar value, so a padded bipolar convolution cannot stream zeros. The sliding
window streams bit 0 (-1) in pad positions instead, and the thresholds of every output pixel
are those of its border class: the output pixels whose windows have the same pad positions
(corners, edges, the interior) share one threshold set, corrected by how many pad positions
match each channel's weights (`passes.thresholds`). The golden model never uses the trick:
it masks the pad positions out of the dot product (`Window.mask`).

A geometry is stored in the IR as a plain dict (`Window.to_dict`): h, w, c, k, stride and
pads [top, left, bottom, right], ONNX's order being [top, left, bottom, right] too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Window:
    """K x K windows at stride S over an H x W x C image with zero padding `pads`."""

    h: int
    w: int
    c: int
    k: int
    stride: int
    pads: tuple[int, int, int, int] = (0, 0, 0, 0)  # top, left, bottom, right

    @staticmethod
    def from_dict(d: dict) -> "Window":
        """The geometry an IR node stores."""
        return Window(
            int(d["h"]),
            int(d["w"]),
            int(d["c"]),
            int(d["k"]),
            int(d["stride"]),
            tuple(int(p) for p in d["pads"]),
        )

    def to_dict(self) -> dict:
        """Plain JSON data for an IR field."""
        return {
            "h": self.h,
            "w": self.w,
            "c": self.c,
            "k": self.k,
            "stride": self.stride,
            "pads": list(self.pads),
        }

    @property
    def oh(self) -> int:
        return (self.h + self.pads[0] + self.pads[2] - self.k) // self.stride + 1

    @property
    def ow(self) -> int:
        return (self.w + self.pads[1] + self.pads[3] - self.k) // self.stride + 1

    def _spans(self, n_out: int, size: int, before: int) -> list[tuple[int, int]]:
        """For each output row (or column), the kernel offsets [lo, hi) inside the image."""
        out = []
        for o in range(n_out):
            start = o * self.stride - before
            out.append((max(0, -start), min(self.k, size - start)))
        return out

    @cached_property
    def row_spans(self) -> list[tuple[int, int]]:
        return self._spans(self.oh, self.h, self.pads[0])

    @cached_property
    def col_spans(self) -> list[tuple[int, int]]:
        return self._spans(self.ow, self.w, self.pads[1])

    @staticmethod
    def _classes(spans: list[tuple[int, int]]) -> tuple[list[int], list[tuple[int, int]]]:
        """(class index per position, the distinct spans in order of first appearance)."""
        kinds: list[tuple[int, int]] = []
        idx = []
        for s in spans:
            if s not in kinds:
                kinds.append(s)
            idx.append(kinds.index(s))
        return idx, kinds

    @cached_property
    def row_classes(self) -> tuple[list[int], list[tuple[int, int]]]:
        return self._classes(self.row_spans)

    @cached_property
    def col_classes(self) -> tuple[list[int], list[tuple[int, int]]]:
        return self._classes(self.col_spans)

    @property
    def n_classes(self) -> int:
        """Border classes: distinct row spans times distinct column spans."""
        return len(self.row_classes[1]) * len(self.col_classes[1])

    def class_masks(self) -> np.ndarray:
        """(classes, K*K*C) bool: the window positions inside the image, (kh, kw, c) order;
        class rc * (column classes) + cc."""
        rows, cols = self.row_classes[1], self.col_classes[1]
        out = np.zeros((len(rows), len(cols), self.k, self.k, self.c), dtype=bool)
        for i, (r0, r1) in enumerate(rows):
            for j, (c0, c1) in enumerate(cols):
                out[i, j, r0:r1, c0:c1, :] = True
        return out.reshape(len(rows) * len(cols), -1)

    def pixel_classes(self) -> np.ndarray:
        """(OH*OW,) the border class of every output pixel, row-major."""
        rc = np.asarray(self.row_classes[0])
        cc = np.asarray(self.col_classes[0])
        return (rc[:, None] * len(self.col_classes[1]) + cc[None, :]).reshape(-1)

    def mask(self) -> np.ndarray:
        """(OH*OW, K*K*C) bool: for every output pixel, its window positions inside the image."""
        return self.class_masks()[self.pixel_classes()]

    def check(self) -> str | None:
        """What is wrong with the geometry, or None."""
        if self.k < 1 or self.stride < 1:
            return f"kernel {self.k} / stride {self.stride} must be >= 1"
        if self.k > min(self.h, self.w):
            return f"kernel {self.k} is larger than the {self.h}x{self.w} image"
        if any(p < 0 or p > self.k - 1 for p in self.pads):
            return f"pads {list(self.pads)} must each be in [0, K-1 = {self.k - 1}]"
        if self.oh < 1 or self.ow < 1:
            return (
                f"kernel {self.k} with pads {list(self.pads)} does not fit a "
                f"{self.h}x{self.w} image"
            )
        return None
