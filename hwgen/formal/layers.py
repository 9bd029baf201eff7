"""Layer proofs: each matrix layer of a build, as the build instantiates it (its parameters,
its ROM images), equals golden's function of an arbitrary input vector under arbitrary
stalls, by bounded model checking over the vector's input beats, SF*NF cycles and the
pipeline's latency (`templates/formal/layer_check.v.j2`, the reference from
`hwgen.formal.layer_reference`).

Ops answer through a registry (op type -> how to check it), the way the backends keep theirs:
an op without an entry gets a row saying it has no layer proof, never a silent pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

from hwgen.backends.rtl.codegen import MVU_RTL, rtl_instances
from hwgen.backends.templates import render
from hwgen.formal import layer_bdd
from hwgen.formal.layer_reference import reference_module
from hwgen.formal.sby import CHECKER, ENGINE, SbyResult, SbyTask, run_sby
from hwgen.ir import Graph
from hwgen.ops import XnorMVU
from hwgen.paths import SHARE, VERSION

#: cycles past the input beats and SF*NF: the reset and the idle cycle after it, the read
#: buffer's load, the ROM stage, the output register and the count of the last beat taken
#: (the cover of the whole output shows the depth is enough)
MVU_LATENCY = 6
#: seconds a layer's BMC task may run before SymbiYosys stops it (`hwgen prove --layer-timeout`)
LAYER_TIMEOUT_S = 600
#: a layer the BMC is asked to unroll beyond this many steps is skipped with its reason
MAX_DEPTH = 400
#: an XNOR layer with more weight bits than this (or past MAX_DEPTH) is proven by symbolic
#: simulation with its accumulator abstracted (`hwgen.formal.layer_bdd`), which scales with
#: MW; smaller ones by SymbiYosys' BMC, whose failures come with a VCD
BMC_MAX_WEIGHT_BITS = 1024
MVU_SOURCES = [
    "rtl/formal/hwgen_popcount_model.v" if s == "rtl/hwgen_popcount.v" else s for s in MVU_RTL
]


@dataclass
class LayerCheck:
    """One layer's proof, written out: its BMC task and its cover task, or why there is none."""

    layer: str
    weight_bits: int
    depth: int
    tasks: list[SbyTask]
    skipped: str = ""
    symbolic: Callable[[], layer_bdd.SymbolicResult] | None = None  # the symbolic proof


def _mvu_check(
    n: XnorMVU, inst: dict, files: dict, folder: Path, timeout_s: int | None
) -> LayerCheck:
    weight_bits = n.mw * n.mh * n.weight_bits
    depth = n.in_beats + n.sf * n.nf + MVU_LATENCY + n.added_latency
    if n.window:
        return LayerCheck(
            n.name, weight_bits, depth, [], "zero-padded convolution (border classes)"
        )
    big = depth > MAX_DEPTH or weight_bits > BMC_MAX_WEIGHT_BITS
    if big and not layer_bdd.applies(n):
        if depth <= MAX_DEPTH:
            big = False  # integer lanes: the BMC, however long it takes
        else:
            why = f"needs {depth} BMC steps (> {MAX_DEPTH}); proven in simulation only"
            if n.stages or n.pc_groups > 1:
                why += " (its pipeline stages are beyond the symbolic engine)"
            return LayerCheck(n.name, weight_bits, depth, [], why)
    folder.mkdir(parents=True, exist_ok=True)
    roms = []
    for _name, value in inst["params"]:
        if isinstance(value, str) and value.startswith('"') and value.strip('"'):
            rom = folder / value.strip('"')
            rom.write_text(files[value.strip('"')])
            roms.append(rom)
    if big:
        run = partial(layer_bdd.prove_layer, n, inst, folder)
        return LayerCheck(n.name, weight_bits, depth, [], symbolic=run)
    ref = f"hwgen_fv_ref_{inst['id']}"
    (folder / f"{ref}.v").write_text(reference_module(n, ref))
    out_w = n.pe * n.out_lane_bits
    last_lanes = n.mh - (n.nf - 1) * n.pe
    last_mask = (1 << (last_lanes * n.out_lane_bits)) - 1
    (folder / "hwgen_fv_layer.v").write_text(
        render(
            "formal/layer_check.v.j2",
            layer=n.name,
            module=inst["module"],
            ref=ref,
            version=VERSION,
            params=inst["params"],
            in_w=n.in_width,
            in_beats=n.in_beats,
            nf=n.nf,
            pe=n.pe,
            mh=n.mh,
            mw=n.mw,
            elem_w=n.in_bits,
            lane_w=n.out_lane_bits,
            out_w=out_w,
            beat_bits=max(n.in_beats, n.nf).bit_length() + 1,
            last_mask=f"{last_mask:x}",
        )
    )
    sources = [SHARE / p for p in MVU_SOURCES + [CHECKER]] + [
        folder / f"{ref}.v",
        folder / "hwgen_fv_layer.v",
    ]
    script = [
        "read_verilog -defer -formal " + " ".join(p.name for p in sources),
        # gates before the hierarchy is flattened: the popcounts of the MVU and of the
        # reference are then one gate netlist, and the reference's constant weights fold
        # into it only after flattening, gate by gate, so the solver sees equal structures
        "hierarchy -top hwgen_fv_layer",
        "proc",
        "memory -nomap",
        "memory_map",
        "techmap",
        "opt_clean",
        "setundef -anyseq",  # an x (a ROM read past its words) is any value: no proof leans on it
    ]
    files_all = sources + roms
    return LayerCheck(
        n.name,
        weight_bits,
        depth,
        [
            SbyTask(f"{inst['id']}_bmc", "bmc", depth, script, files_all, timeout_s),
            SbyTask(f"{inst['id']}_cover", "cover", depth, script, files_all, timeout_s),
        ],
    )


#: the BMC engine: ABC's bmc3 over the AIG folds the stall-free schedule's constants frame by
#: frame (yices took minutes where it takes seconds)
LAYER_ENGINE = "abc bmc3"


def run_layer_bmc(task: SbyTask, folder: Path) -> SbyResult:
    """Run a layer's BMC with ABC; when ABC finds a failure, run it again with smtbmc for
    the counterexample's VCD (Debian's ABC writes a witness today's SymbiYosys cannot read)."""
    task.engine = LAYER_ENGINE
    res = run_sby(task, folder)
    if res.status == "PASS" or "was asserted in frame" not in res.log:
        return res
    task.engine = ENGINE
    again = run_sby(task, folder)
    again.seconds += res.seconds
    return again


#: op type -> its layer proof; ops not here have none (their kernels' stream proofs still run)
LAYER_CHECKS = {XnorMVU: _mvu_check}


def layer_checks(graph: Graph, folder: Path, timeout_s: int | None = None) -> list[LayerCheck]:
    """The layer proofs of `graph`'s hardware nodes, written under `folder/<layer id>`, each
    task stopped after `timeout_s` seconds (None: no limit)."""
    files: dict = {}
    checks = []
    for inst in rtl_instances(graph, files):
        node = graph.node(inst["name"])
        make = LAYER_CHECKS.get(type(node))
        if make is None:
            checks.append(LayerCheck(node.name, 0, 0, [], f"no layer proof for {inst['kind']}"))
            continue
        checks.append(make(node, inst, files, folder / inst["id"], timeout_s))
    return checks
