"""A routed-clock model: the register-to-register paths of each MVU, priced per device family.

An MVU's datapath (rtl/hwgen_mvu.v) is a chain of parts between registers: the weight ROM's
read, the popcount tree (or the lane dot product), the accumulator's add, the threshold
compare. Each part is some levels of 6-input logic and some carry-chain bits; a block RAM's
output adds its own delay. The added stages (`XnorMVU.stages`, `ops.mvu_stages.PIPE_STAGES`)
and popcount groups (`pc_groups`) cut the chain into shorter paths. A path's delay is

    clk + level * levels + carry * carry bits + fanout * log2(sinks of its widest input)
        (+ bram, when it starts at a block RAM)

with the five coefficients per family in `timing.json`, fitted to nextpnr's routed fmax of
the timing sweep (`hwgen.bench.timing`; iCE40 and ECP5). The rest of a design (FIFOs, sliding
windows, the shells) is summed up as `other_mhz`, fitted with the rest.
Families no router here serves (Zynq) carry coefficients from the vendor's data sheet
figures, marked `"source": "datasheet"`: a guide for the stages, never a routed figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from hwgen.estimate import family_entry
from hwgen.ir import Graph
from hwgen.ops.logic_paths import Part

TIMING = Path(__file__).with_name("timing.json")
_BORROW = {"zynquplus": "zynq7"}


@dataclass(frozen=True)
class Coefficients:
    """One family's path prices (ns), and the fmax of everything but the MVUs (MHz)."""

    clk: float  # clock-to-out, setup and the first route
    level: float  # one level of 6-input logic with its route
    carry: float  # one carry-chain bit
    bram: float  # what a block RAM's output adds over a register's
    fanout: float  # per doubling of the sinks an input drives (its route spreads)
    other_mhz: float  # FIFOs, windows, shells
    source: str  # "nextpnr" (fitted to routed designs) or "datasheet"


def load_timing(family: str) -> Coefficients:
    """The timing coefficients of `family` (or of the family it borrows from)."""
    _fam, c = family_entry(
        TIMING, family, _BORROW, "the timing model", "timing: no model", "modelled"
    )
    return Coefficients(**{k: c[k] for k in Coefficients.__dataclass_fields__})


def path_ns(p: Part, c: Coefficients) -> float:
    """A path's delay on a family (ns)."""
    spread = c.fanout * math.log2(p.fanout) if p.fanout > 1 else 0.0
    return c.clk + c.level * p.levels + c.carry * p.carry + (c.bram if p.bram else 0.0) + spread


def node_period(n, c: Coefficients) -> tuple[float, str]:
    """A hardware node's longest modelled path (ns) and its name; 0 for a node with none
    (its logic is priced in `other_mhz`)."""
    paths = n.logic_paths()
    if not paths:
        return 0.0, ""
    worst = max(paths, key=lambda p: path_ns(p, c))
    return path_ns(worst, c), worst.name


def predicted_fmax(graph: Graph, family: str) -> dict:
    """The model's fmax of a folded graph on `family`: MHz, the layer and path that set it
    ('other' where the rest of the design does), and the model's source."""
    c = load_timing(family)
    best = {"mhz": c.other_mhz, "layer": "other", "path": "", "source": c.source}
    for n in graph.hw_nodes():
        ns, name = node_period(n, c)
        if ns and 1000.0 / ns < best["mhz"]:
            best.update(mhz=1000.0 / ns, layer=n.name, path=name)
    best["mhz"] = round(best["mhz"], 1)
    return best
