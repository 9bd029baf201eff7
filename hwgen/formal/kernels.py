"""Stream proofs of the kernels: each kernel of rtl/ with properties (rtl/formal/<kernel>.fv.vh,
included at the kernel's end under `ifdef FORMAL_<KERNEL>`) proven by k-induction at a
parameter set, with a cover that shows a frame pass (so a proof cannot be vacuous).

`LIBRARY` holds the parameter sets the suite proves (the corners); a build proves its own
instances' parameter sets (`build_kernel_checks`).
"""

from __future__ import annotations

from dataclasses import dataclass

from hwgen.backends.rtl.codegen import rtl_instances
from hwgen.formal.sby import SbyTask
from hwgen.ir import Graph
from hwgen.paths import SHARE

CHECKER = "rtl/formal/hwgen_fv_axis.v"


@dataclass(frozen=True)
class KernelSpec:
    """A kernel with stream properties: its module, its sources, the induction depth and the
    cover depth its proofs need."""

    module: str
    sources: tuple[str, ...]
    depth: int
    cover_depth: int


#: the kernels with stream properties so far (the others: see rtl/formal/README.md)
KERNELS = {
    "hwgen_axis_fifo": KernelSpec("hwgen_axis_fifo", ("rtl/hwgen_axis_fifo.v",), 4, 16),
}

#: the parameter sets the suite proves: DEPTH at its minimum, odd and a power of two
LIBRARY = {
    "hwgen_axis_fifo": [
        {"DATA_W": 1, "DEPTH": 2},
        {"DATA_W": 8, "DEPTH": 3},
        {"DATA_W": 5, "DEPTH": 8},
    ],
}


def kernel_tasks(module: str, params: dict) -> tuple[SbyTask, SbyTask]:
    """The prove task and the cover task of `module` at `params`."""
    spec = KERNELS[module]
    label = "_".join(f"{k}{v}" for k, v in params.items())
    sources = [SHARE / CHECKER] + [SHARE / s for s in spec.sources]
    props = SHARE / "rtl" / "formal" / f"{module}.fv.vh"  # included by the kernel
    chparam = " ".join(f"-set {k} {v}" for k, v in params.items())
    script = [
        f"read_verilog -defer -formal -DFORMAL_{module.upper()} "
        + " ".join(p.name for p in sources),
        f"chparam {chparam} {module}",
        f"prep -top {module}",
    ]
    name = f"{module}_{label}"
    return (
        SbyTask(f"{name}_prove", "prove", spec.depth, script, sources + [props]),
        SbyTask(f"{name}_cover", "cover", spec.cover_depth, script, sources + [props]),
    )


def build_kernel_params(graph: Graph) -> dict[str, list[dict]]:
    """The parameter sets of the kernels with stream properties that `graph` instantiates:
    the FIFO in front of every operand, at its width and depth."""
    found: dict[str, list[dict]] = {m: [] for m in KERNELS}
    for inst in rtl_instances(graph):
        for port in inst["inputs"]:
            p = {"DATA_W": port["width"], "DEPTH": port["depth"]}
            if p not in found["hwgen_axis_fifo"]:
                found["hwgen_axis_fifo"].append(p)
    return found
