"""Per-layer synthesized figures: every kernel instance of a build synthesized alone by Yosys.

Yosys 0.23's hierarchical `stat -json` of the whole design is broken, so each instance gets a
small wrapper (`layer_top`: the kernel with the top's parameters, its ports as the module's)
and a run of its own in build/synth/<board>/layers/<id>/. The kernels are the build's copies
(rtl/), which name their ROM images relative to themselves, so Yosys finds them. The FIFOs in
front of the layers and the top's framing are not in these figures (the whole-design run has
them). Runs go two at a time.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.rtl.codegen import RTL_LIBRARY, rtl_instances
from hwgen.backends.templates import render
from hwgen.flows.boards import load_board
from hwgen.flows.yosys import script_for, summarize, synthesize, yosys_exe
from hwgen.ir import Graph


def layer_wrapper(inst: dict) -> str:
    """Verilog of `layer_top`: one kernel instance with its ports."""
    return render("rtl/layer.v.j2", l=inst)


def synth_layers(build: Path, board: str, progress=lambda s: None, workers: int = 2) -> list[dict]:
    """Synthesize every layer of a compiled build alone for `board`'s family; returns one
    row per layer (name, kind, Yosys summary) and writes layers.json beside them."""
    exe = yosys_exe()
    family = load_board(board)["family"]
    build = Path(build).resolve()
    g = Graph.load_build(build, ("rtl",))
    root = build / "synth" / board / "layers"
    kernels = [str(build / "rtl" / Path(p).name) for p in RTL_LIBRARY]

    def one(inst: dict) -> dict:
        work = root / inst["id"]
        work.mkdir(parents=True, exist_ok=True)
        (work / "layer_top.v").write_text(layer_wrapper(inst))
        cells = synthesize(
            exe, script_for(kernels + [str(work / "layer_top.v")], "layer_top", family, work), work
        )
        progress(f"Yosys: layer {inst['name']}")
        return {"name": inst["name"], "kind": inst["kind"], "summary": summarize(cells)}

    with ThreadPoolExecutor(max(1, workers)) as pool:
        rows = list(pool.map(one, rtl_instances(g)))
    (root / "layers.json").write_text(json.dumps(rows, indent=1))
    return rows
