"""Pipeline stages for a target clock: each pipelined op (an MVU, a sliding window) gets the
cheapest stages whose modelled paths (`hwgen.estimate.timing`) all meet the clock.

Each op offers its candidates (`stage_candidates`: for an MVU every set of its stages,
`ops.mvu_stages.PIPE_STAGES`, with the popcount in 1..G groups; for a window with and without
`flow`, `ops.window.WINDOW_STAGES`); among those the model says meet `clock_mhz`, the cheapest
wins (`stage_cost`, then the fewest stages). An op no candidate serves below the clock asked
gets a warning naming it, its modelled fmax and the path that limits it. Layers a folding file
gave `stages` keep them. An op the model puts out of the clock's reach gets every stage it can
take (the model does not see what a stage buys in placement: a register near its consumers).
A deep block ROM may take `rom_bank` (banks of a block's depth, each word registered beside its
block; always with `rom` after the banks' multiplexer). A kernel with modelled paths but no
stages that misses the clock gets a warning too. Stages add latency, never cycles per frame;
the FIFO depths that depend on latency are computed after this pass."""

from __future__ import annotations

from functools import partial

from hwgen.estimate.memory import bank_depth
from hwgen.estimate.timing import Coefficients, load_timing, node_period
from hwgen.ir import Graph

#: the stages are chosen for a clock this much faster than asked: the model's worst error
#: against nextpnr over its calibration points (`hwgen calibrate-timing`)
MARGIN = 0.15


def choose_stages(n, c: Coefficients, clock_mhz: float, reach: bool = True):
    """The op `n`'s candidate (`stage_candidates`) with the cheapest stages that meet
    `clock_mhz` on the model, and whether any did; with `reach` False (the rest of the design
    is out of the clock's reach), the fastest with every stage it can take."""
    period = 1000.0 / (clock_mhz * (1.0 + MARGIN))
    timed = [(node_period(m, c)[0], m) for m in n.stage_candidates()]
    meeting = [(m.stage_cost(), len(m.stages), m) for ns, m in timed if ns <= period]
    if meeting and reach:
        return min(meeting, key=lambda t: t[:2])[2], True

    # out of the model's reach: every stage the op can take (the model does not see what a
    # stage buys in placement, and flip-flops are cheap), the fastest of those; the stages
    # `stages_if_faster` (an MVU's ROM banks) only where they make it faster
    def taken(m) -> int:
        return len(set(m.stages) - m.stages_if_faster)

    most = max(taken(m) for _ns, m in timed)
    return min(
        ((ns, m) for ns, m in timed if taken(m) == most),
        key=lambda t: (t[0], t[1].stage_cost()),
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
        n.prepare_stages(partial(bank_depth, family=family))
        if n.name in pinned:
            continue
        best, met = choose_stages(n, c, clock_mhz, reach)
        for f in n.stage_fields:
            setattr(n, f, getattr(best, f))
        ns, path = node_period(best, c)
        if not met and 1000.0 / ns < clock_mhz:  # within the margin only: no warning
            warnings.append(
                f"layer '{n.name}': modelled at {1000.0 / ns:.0f} MHz on {family} at best (its "
                f"{path} path), under the {clock_mhz:g} MHz asked; {n.stage_advice}"
            )
    if c.other_mhz < clock_mhz:
        warnings.append(
            f"clock {clock_mhz:g} MHz: the rest of the design (FIFOs, windows, the shell) is "
            f"modelled at {c.other_mhz:.0f} MHz on {family}; every layer has every stage it can "
            "take"
        )
    return g, warnings
