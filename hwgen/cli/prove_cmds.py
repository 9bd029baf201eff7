"""`hwgen prove BUILD`: the formal proofs that apply to a build, as a table."""

from __future__ import annotations

from rich.table import Table

from hwgen import api
from hwgen.cli.io import command, console, positive, step_status
from hwgen.errors import HwgenError
from hwgen.formal.layers import LAYER_TIMEOUT_S


def cmd_prove(a) -> None:
    """Prove, print the table, fail (exit 1) naming the first failed proof's trace."""
    build = api.load(a.build)
    con = console()
    with step_status(con, "proving") as st:
        rows = build.prove(layers=not a.no_layers, layer_timeout_s=a.layer_timeout, progress=st)
    t = Table(title=f"hwgen prove: {build.path} (work folders in {build.path / 'formal'})")
    for col in ("property", "kernel or layer", "engine", "depth", "result", "seconds", "detail"):
        t.add_column(col, justify="right" if col in ("depth", "seconds") else "left")
    for r in rows:
        t.add_row(r.prop, r.target, r.engine, str(r.depth), r.result, f"{r.seconds:.1f}", r.detail)
    con.print(t)
    failed = [r for r in rows if not r.ok]
    if failed:
        f = failed[0]
        raise HwgenError(
            f"{len(failed)} proof(s) failed; first: {f.prop} of {f.target}: {f.result}"
            + (f" ({f.detail})" if f.detail else "")
        )


def add_parsers(sub) -> None:
    """prove."""
    p = command(
        sub,
        "prove",
        "formal proofs of a build: the stream rules of its kernels (k-induction, with covers), "
        "its popcount widths (BDD), each matrix layer against golden (BMC)",
        cmd_prove,
    )
    p.add_argument("build")
    p.add_argument("--no-layers", action="store_true", help="skip the layer proofs (the slow part)")
    p.add_argument(
        "--layer-timeout",
        type=positive,
        default=LAYER_TIMEOUT_S,
        help="seconds a layer's BMC may run before it is stopped (its row says TIMEOUT)",
    )
