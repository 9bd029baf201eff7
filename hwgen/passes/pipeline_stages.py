"""Pipeline stages for a target clock: each pipelined op (an MVU) gets the cheapest stages
whose modelled paths (`hwgen.estimate.timing`) all meet the clock.

The candidates of a layer are every set of its stages (`ops.mvu.PIPE_STAGES`) with the
popcount in 1..G groups; among those the model says meet `clock_mhz`, the cheapest wins
(`stage_cost`, then the fewest stages). A layer no candidate serves below the clock asked gets
a warning naming it, its modelled fmax and the path that limits it. Layers a folding file gave
`stages` keep them. A layer the model puts out of the clock's reach gets every stage it can
take (the model does not see what a stage buys in placement: a register near its consumers).
A deep block ROM may take `rom_bank` (banks of a block's depth, each word registered beside its
block; always with `rom` after the banks' multiplexer). A kernel with modelled paths but no
stages (a sliding window's address arithmetic) that misses the clock gets a warning too.
Stages add latency, never cycles per frame; the FIFO depths that depend on latency are
computed after this pass.
"""

from __future__ import annotations

import dataclasses
from itertools import combinations

from hwgen.estimate.memory import bank_depth
from hwgen.estimate.timing import Coefficients, load_timing, node_period
from hwgen.ir import Graph
from hwgen.ops.mvu import PIPE_STAGES

#: the stages are chosen for a clock this much faster than asked: the model's worst error
#: against nextpnr over its calibration points (`hwgen calibrate-timing`)
MARGIN = 0.15
#: popcount groups are tried down to this many lanes each
MIN_GROUP_LANES = 6
#: what a LUT weighs against a flip-flop when candidates are compared (flip-flops are the
#: plentiful part: a stage's registers sit beside logic whose own flip-flops go unused)
LUT_WEIGHT = 4


def stage_cost(m) -> int:
    """What a candidate's stages cost: their flip-flops, and the LUTs of the groups' adders."""
    return m.stage_register_bits() + LUT_WEIGHT * m.pe * m.count_bits * (m.pc_groups - 1)


def _candidates(n) -> list:
    """Copies of `n` with each stage set and popcount grouping it can take."""
    names = list(PIPE_STAGES)
    sets = [list(c) for k in range(len(names) + 1) for c in combinations(names, k)]
    groups = [1]
    if n.xnor:
        groups += [g for g in range(2, n.simd // MIN_GROUP_LANES + 1)]
    out = []
    for stages in sets:
        for g in groups:
            if (
                ("group_sum" in stages and g == 1)
                or ("popcount_mid" in stages and not n.xnor)
                or ("rom_bank" in stages and not n.rom_bank_depth)
                or ("skid" in stages and n.input_memory)
                # the banks' multiplexer gathers words from blocks across the die (a route the
                # model cannot see): its output is registered too
                or ("rom_bank" in stages and "rom" not in stages)
            ):
                continue
            m = dataclasses.replace(n, stages=stages, pc_groups=g)
            if len(m.pc_group_lanes) == g:
                out.append(m)
    return out


def choose_stages(n, c: Coefficients, clock_mhz: float, reach: bool = True):
    """The layer `n` with the cheapest stages that meet `clock_mhz` on the model, and whether
    any did; with `reach` False (the rest of the design is out of the clock's reach), every
    stage it can take."""
    period = 1000.0 / (clock_mhz * (1.0 + MARGIN))
    cands = _candidates(n)
    timed = [(node_period(m, c)[0], m) for m in cands]
    meeting = [(stage_cost(m), len(m.stages), m.pc_groups, m) for ns, m in timed if ns <= period]
    if meeting and reach:
        return min(meeting, key=lambda t: t[:3])[3], True

    # out of the model's reach: every stage the layer can take (the model does not see what a
    # stage buys in placement, and flip-flops are cheap), the grouping that is fastest; the
    # ROM's banks (a register per block's word) only where they make it faster
    def taken(m) -> int:
        return len(set(m.stages) - {"rom_bank"})

    most = max(taken(m) for _ns, m in timed)
    return min(
        ((ns, m) for ns, m in timed if taken(m) == most),
        key=lambda t: (t[0], stage_cost(t[1])),
    )[1], False


def add_pipeline_stages(
    graph: Graph, family: str, clock_mhz: float, pinned: set = frozenset()
) -> tuple[Graph, list[str]]:
    """A new graph whose pipelined layers (but the `pinned` ones) have the stages for
    `clock_mhz` on `family`, and the warnings for layers the model says cannot meet it."""
    c = load_timing(family)
    g = graph.copy()
    warnings = []
    # the rest of the design (FIFOs, windows, shells) modelled below the clock: the MVUs are
    # pushed as far as they go, each with every stage it can take
    reach = c.other_mhz >= clock_mhz * (1.0 + MARGIN)
    for n in g.nodes:
        if not getattr(n, "pipelined", False):
            ns, path = node_period(n, c) if hasattr(n, "logic_paths") else (0.0, "")
            if ns and 1000.0 / ns < clock_mhz:  # a kernel with paths but no stages
                warnings.append(
                    f"node '{n.name}': modelled at {1000.0 / ns:.0f} MHz on {family} (its {path} "
                    f"path), under the {clock_mhz:g} MHz asked; it has no stages to add"
                )
            continue
        # a block ROM deeper than a block: banks of the blocks' depth can take the rom_bank
        # stage (a depth pinned in the folding file stays)
        if n.weight_style == "block" and not n.rom_bank_depth:
            n.rom_bank_depth = bank_depth(n.sf * n.nf, n.weight_word_bits, family)
        if n.name in pinned:
            continue
        best, met = choose_stages(n, c, clock_mhz, reach)
        n.stages, n.pc_groups = list(best.stages), best.pc_groups
        ns, path = node_period(best, c)
        if not met and 1000.0 / ns < clock_mhz:  # within the margin only: no warning
            warnings.append(
                f"layer '{n.name}': modelled at {1000.0 / ns:.0f} MHz on {family} at best (its "
                f"{path} path), under the {clock_mhz:g} MHz asked; fold it further (a smaller "
                "SIMD or PE) or ask for a slower clock"
            )
    if c.other_mhz < clock_mhz:
        warnings.append(
            f"clock {clock_mhz:g} MHz: the rest of the design (FIFOs, windows, the shell) is "
            f"modelled at {c.other_mhz:.0f} MHz on {family}; every layer has every stage it can "
            "take"
        )
    return g, warnings
