"""The register-to-register logic of an MVU (rtl/hwgen_mvu.v), as its ops report it to the
timing model (`hwgen.estimate.timing`): each path's levels of 6-input logic, carry-chain bits,
and whether it starts at a block RAM's output.

The datapath is a chain: the weight ROM's read, the popcount tree (or the lane dot product;
with popcount groups, their adder tree), the accumulator's add, the threshold compare (or the
output's subtract). A stage of `XnorMVU.stages` puts a register between two links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hwgen.ops.popcount_shape import popcount_tree


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


def _lane_parts(n) -> tuple[Part, Part | None]:
    """A lane's compute as (before PC_REG, after it: the groups' adder tree or None)."""
    if not n.xnor:  # rtl/hwgen_lane_dot.v: products, then a balanced adder tree
        depth = max(1, math.ceil(math.log2(max(n.simd, 2))))
        return Part("dot", depth + n.weight_bits, n.count_bits + depth, fanout=n.pe), None
    groups = n.pc_group_lanes
    tree = popcount_tree(max(groups))
    pc = Part("popcount", 1 + tree["stages"], tree["width"], fanout=n.pe)
    if len(groups) == 1:
        return pc, None
    depth = math.ceil(math.log2(len(groups)))
    return pc, Part("group_sum", depth, n.count_bits)


def mvu_paths(n) -> list[Part]:
    """The register-to-register paths of an MVU with its stages and popcount groups."""
    depth = n.sf * n.nf
    if n.weight_style == "block":
        rom = Part("rom", 0, 0, bram=True)
        paths = []
    else:  # a ROM in logic: an address decode of 2 bits a level, read into w1
        rom = Part("rom")
        paths = [Part("rom_read", 1 + math.ceil(max(1, depth - 1).bit_length() / 2))]
    lane, group_sum = _lane_parts(n)
    acc = Part("acc", 1, n.count_bits)
    paths.append(acc)  # the accumulator's own loop
    chain = [rom, lane] + ([group_sum] if group_sum else []) + [acc]
    cuts = {0: "rom" in n.stages, 1: "popcount" in n.stages}  # register after chain[k]
    if group_sum:
        cuts[2] = "group_sum" in n.stages
    if n.has_thresholds:
        chain.append(Part("compare", 1 + math.ceil(math.log2(n.n_thr)), n.thr_bits + 1))
        cuts[len(chain) - 2] = "threshold" in n.stages  # after acc
    else:  # the output lane: a subtract (XNOR) or the sum itself
        chain.append(Part("out", 1, n.count_bits + 2 if n.xnor else 0))
        cuts[len(chain) - 2] = "threshold" in n.stages
    run = None
    for k, part in enumerate(chain):
        run = part if run is None else run + part
        if cuts.get(k):
            paths.append(run)
            run = None
    if run is not None:
        paths.append(run)
    return paths
