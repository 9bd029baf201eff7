"""`hwgen prove BUILD` (`Build.prove()`): every proof that applies to a build's kernels and
layers, as table rows, with the SymbiYosys work folders under `<build>/formal/`.

Three kinds: the stream rules of each kernel instance with properties (k-induction, and a
cover that must be reached); the arithmetic units at the widths the build uses (BDDs,
`hwgen.formal.arith`); and each matrix layer against golden's function (BMC,
`hwgen.formal.layers`). A proof that fails names its counterexample trace (a VCD).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwgen.formal.arith import prove_popcount
from hwgen.formal.kernels import MAX_COVER_DEPTH, build_kernel_params, kernel_tasks
from hwgen.formal.layers import LAYER_TIMEOUT_S, layer_checks, run_layer_bmc
from hwgen.formal.sby import SbyResult, SbyTask, require_tools, run_sby
from hwgen.ir import Graph
from hwgen.ops import XnorMVU


@dataclass
class ProofRow:
    """One line of the table: what was proven of what, how, and the verdict."""

    prop: str
    target: str
    engine: str
    depth: int | str
    result: str
    seconds: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        """Proven, or a cover reached (a skipped proof is not a failure, but it is shown)."""
        return self.result in ("PASS", "SKIP")


def _sby_row(prop: str, target: str, task: SbyTask, res: SbyResult) -> ProofRow:
    result = res.status
    detail = ""
    if task.mode == "cover" and result == "PASS" and res.covers_missed:
        result = "FAIL"
        detail = f"{res.covers_missed} cover(s) not reached"
    if res.traces and result != "PASS":
        detail = f"counterexample: {res.traces[0]}"
    elif result == "ERROR":
        detail = res.first_error()
    return ProofRow(prop, target, task.engine, task.depth, result, res.seconds, detail)


def prove_graph(
    graph: Graph,
    folder: Path,
    *,
    layers: bool = True,
    layer_timeout_s: int | None = LAYER_TIMEOUT_S,
    progress: Callable[[str], None] | None = None,
) -> list[ProofRow]:
    """Run the proofs for `graph`'s hardware into `folder`; returns the rows. A layer task
    still running after `layer_timeout_s` seconds is stopped: its row says TIMEOUT."""
    require_tools()
    note = progress or (lambda _text: None)
    rows: list[ProofRow] = []
    for module, sets in build_kernel_params(graph).items():
        for params in sets:
            target = f"{module} " + " ".join(f"{k}={v}" for k, v in params.items())
            for task in kernel_tasks(module, params, folder / "kernels"):
                prop = "stream rules" if task.mode == "prove" else "cover: a frame passes"
                if task.mode == "cover" and task.depth > MAX_COVER_DEPTH:
                    why = f"a frame takes {task.depth} steps (> {MAX_COVER_DEPTH}): see the suite"
                    rows.append(ProofRow(prop, target, task.engine, task.depth, "SKIP", 0.0, why))
                    continue
                note(f"{task.mode}: {target}")
                res = run_sby(task, folder / "kernels")
                rows.append(_sby_row(prop, target, task, res))
    widths = sorted({n.simd for n in graph.nodes if isinstance(n, XnorMVU) and n.xnor})
    for lanes in widths:
        note(f"popcount: {lanes} lanes")
        r = prove_popcount(lanes)
        rows.append(
            ProofRow(
                "= direct sum",
                f"hwgen_popcount LANES={lanes}",
                "BDD (dd/CUDD)",
                "-",
                "PASS" if r.equal else "FAIL",
                r.seconds,
                "" if r.equal else f"differs at {r.witness}",
            )
        )
    if layers:
        for chk in layer_checks(graph, folder / "layers", layer_timeout_s):
            if chk.symbolic is not None:
                note(f"symbolic simulation: layer {chk.layer}")
                r = chk.symbolic()
                target = f"{chk.layer} ({chk.weight_bits} weight bits)"
                detail = r.detail or f"every output beat, in {r.steps} cycles"
                engine = "BDD symbolic sim"
                rows.append(
                    ProofRow("= golden", target, engine, r.steps, r.status, r.seconds, detail)
                )
                continue
            if chk.skipped:
                rows.append(
                    ProofRow("= golden", chk.layer, "-", chk.depth, "SKIP", 0.0, chk.skipped)
                )
                continue
            for task in chk.tasks:
                note(f"{task.mode}: layer {chk.layer}")
                run = run_layer_bmc if task.mode == "bmc" else run_sby
                res = run(task, folder / "layers")
                prop = "= golden" if task.mode == "bmc" else "cover: its output passes"
                rows.append(
                    _sby_row(prop, f"{chk.layer} ({chk.weight_bits} weight bits)", task, res)
                )
    return rows
