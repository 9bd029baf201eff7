"""LabelSelect: index of the largest integer score, ties to the lowest index (torch.argmax)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from hwgen.ir.dtypes import unsigned_bits_for
from hwgen.ir.graph import Node, register_op


@register_op
@dataclasses.dataclass
class LabelSelect(Node):
    """Top-1 over `num_labels` signed scores of `in_bits` bits arriving `pe` per beat."""

    num_labels: int = 10
    in_bits: int = 8
    pe: int = 1

    has_kernel = False  # the board shells' top-1 (rtl/hwgen_label_select.v), not a graph node

    @property
    def in_beats(self) -> int:
        return math.ceil(self.num_labels / self.pe)

    @property
    def out_bits(self) -> int:
        return unsigned_bits_for(self.num_labels - 1)

    def golden(self, x: np.ndarray) -> np.ndarray:
        return np.argmax(x, axis=1)[:, None].astype(np.int64)  # first maximum, as torch does
