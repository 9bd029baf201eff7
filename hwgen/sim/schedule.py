"""A beat-level, cycle-by-cycle model of the accelerator's handshakes: what every kernel of
rtl/ takes and gives in each cycle (counts, not data), the FIFOs between them, a source that
offers input as fast as it is taken and a sink that takes output as it comes (or as a
back-pressure pattern allows).

Each kernel's model (`hwgen.sim.handshake`, asked of each op by `handshake()`) follows its
Verilog's ready/valid logic; this module wires them with the FIFOs in front of every operand
and runs them. `passes.fifo_depths` uses it to compute the FIFO depths where branches meet.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from hwgen.backends.common import input_fifos, instance_inputs, instance_nodes, stream_format
from hwgen.ops.stream_op import folding_bound
from hwgen.sim.handshake import Fifo


@dataclass
class Schedule:
    """What a modelled run measured: per frame the cycle its last output beat was taken (None
    entries: a deadlock before it), and every FIFO's peak occupancy by (consumer, operand)."""

    done_cycles: list
    peaks: dict

    @property
    def deadlocked(self) -> bool:
        return any(c is None for c in self.done_cycles)


def simulate_schedule(
    graph,
    frames: int = 3,
    depths: dict | None = None,
    out_pause: float = 0.0,
    seed: int = 1,
    max_cycles: int | None = None,
    max_interval: int | None = None,
) -> Schedule:
    """Run the handshake model of a folded graph's accelerator for `frames` frames. `depths`
    overrides FIFO depths by (node name, operand); `out_pause` is the chance the sink refuses a
    cycle (random back-pressure). Stops at a deadlock (nothing moves for a long while), or
    once a frame after the first takes longer than `max_interval` (the frames left: None)."""
    nodes = instance_nodes(graph)
    srcs = instance_inputs(graph)
    depths = depths or {}
    fifos, kernels = {}, {}
    for n in nodes:
        k = n.handshake()
        for j, (_w, d) in enumerate(input_fifos(n)):
            f = Fifo(depths.get((n.name, j), d))
            fifos[(n.name, j)] = f
            k.ins.append(f)
        kernels[n.name] = k
    for n in nodes:
        for j, p in enumerate(srcs[n.name]):
            if p is not None:
                kernels[p].outs.append(fifos[(n.name, j)])
    out_fifo = Fifo(2)
    kernels[nodes[-1].name].outs.append(out_fifo)
    first = fifos[(nodes[0].name, 0)]
    fmt = stream_format(graph)
    in_total, out_per = frames * fmt.in_beats, nodes[-1].frame_beats()
    bound = folding_bound(graph)
    limit = max_cycles or (frames + 4) * bound * (4 if out_pause else 2) + 10_000
    stall = 64 + max((n.sf * n.nf for n in nodes if n.foldable), default=0)
    rng = random.Random(seed)
    sent = taken = idle = 0
    done: list = []
    everything = list(fifos.values()) + [out_fifo]
    for cycle in range(limit):
        if sent < in_total and first.ready:
            first.push = True
            sent += 1
        take = out_fifo.valid and not (out_pause and rng.random() < out_pause)
        if take:
            out_fifo.pop = True
            taken += 1
            if taken % out_per == 0:
                done.append(cycle)
                if len(done) == frames:
                    break
        updates = [(k, k.step()) for k in kernels.values()]
        moved = take
        for f in everything:
            if f.push or f.pop:
                moved = True
                f.commit()
        for k, upd in updates:
            if upd:
                k.__dict__.update(upd)
        idle = 0 if moved else idle + 1
        if max_interval is not None and done and cycle - done[-1] > max_interval:
            break
        if idle > stall:  # longer than any kernel computes without a beat in or out
            break
    peaks = {key: f.peak for key, f in fifos.items()}
    return Schedule(done + [None] * (frames - len(done)), peaks)
