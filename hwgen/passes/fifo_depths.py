"""FIFO depths where branches meet, computed from the kernels' exact schedules.

An add takes one beat of each operand at once, so whichever branch delivers first waits in
the FIFO in front of the add: the shortcut of a residual block holds h while the binary
branch's line buffer fills and its MVU computes. Too shallow and the fork stalls, which
stalls the other branch too (a throttle), or stalls it before it has what it needs to
produce anything (a deadlock); too deep wastes memory. FINN sizes these by long RTL
simulations or by hand; here the handshake model of every kernel (`sim.schedule`) gives them:

1. run the model with unbounded FIFOs in front of every add: the rate it reaches is the
   design's (its folding bound, where the slowest kernel sets it), and each FIFO's peak
   occupancy is enough for it;
2. shrink each FIFO in turn (the ones before it at their minimum) to the least depth whose
   run still reaches that rate, frame after frame: one less throttles or deadlocks.

Deadlock needs too little buffering for the branches' dependencies, which is the same with
the output stalled, so depths that keep the rate are also safe under any back-pressure.
"""

from __future__ import annotations

from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.sim.schedule import simulate_schedule

#: frames the model runs: the first fills the pipeline, the others show the steady rate
FRAMES = 3


def _steady(done: list) -> int:
    """The longest interval between frame completions after the first."""
    return max(b - a for a, b in zip(done, done[1:]))


def set_fifo_depths(graph: Graph, pinned: set = frozenset()) -> Graph:
    """A new graph where the FIFOs in front of every add's operands (its `fifo_fields`:
    `fifo_depth`, `fifo_depth_b`) have the least depth that keeps the model's rate, except the
    (add, operand) pairs `pinned` by a folding file (kept as set); a graph without adds is
    returned as it is."""
    adds = [n for n in graph.hw_nodes() if n.joins_lanes]
    operands = [(a, j) for a in adds for j in range(len(a.fifo_fields))]
    fixed = {
        (a.name, j): getattr(a, a.fifo_fields[j]) for a, j in operands if (a.name, j) in pinned
    }
    keys = [(a.name, j) for a, j in operands if (a.name, j) not in pinned]
    if not keys:
        return graph
    free = simulate_schedule(graph, FRAMES, {**fixed, **{k: 1 << 30 for k in keys}})
    if free.deadlocked and fixed:
        shown = ", ".join(f"{a}.{graph.node(a).fifo_fields[j]}={d}" for (a, j), d in fixed.items())
        raise HwgenError(
            f"folding: the pinned FIFO depths ({shown}) deadlock the dataflow; raise them or "
            "leave them out of the folding file to have them computed"
        )
    if free.deadlocked:
        raise HwgenError(
            f"graph '{graph.name}': the dataflow deadlocks even with unbounded FIFOs in front of "
            "its adds (a kernel's model and its beats disagree)"
        )
    rate = _steady(free.done_cycles)
    depths = {**fixed, **{k: max(2, free.peaks[k]) for k in keys}}

    def keeps(trial: dict) -> bool:
        run = simulate_schedule(graph, FRAMES, trial, max_interval=rate)
        return not run.deadlocked and _steady(run.done_cycles) <= rate

    for k in keys:
        lo, hi = 2, depths[k]  # hi keeps the rate; find the least that does
        while lo < hi:
            mid = (lo + hi) // 2
            if keeps({**depths, k: mid}):
                hi = mid
            else:
                lo = mid + 1
        depths[k] = hi
    g = graph.copy()
    for (name, j), depth in depths.items():
        add = g.node(name)
        setattr(add, add.fifo_fields[j], depth)
    return g
