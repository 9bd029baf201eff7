"""The LUTs of rtl/hwgen_popcount.v's compressor tree (one 6-input LUT per counter output bit),
from its shape (`hwgen.ops.popcount_shape`)."""

from __future__ import annotations

from hwgen.ops.popcount_shape import popcount_tree


def popcount_luts(lanes: int) -> int:
    """LUT6 count of the tree: one per counter output bit, plus the final adder."""
    t = popcount_tree(lanes)
    first_bits = 2 if t["width"] > 1 else 1
    return first_bits * t["first"] + 3 * (t["c63"] + t["c53"]) + 2 * t["c32"] + t["width"]
