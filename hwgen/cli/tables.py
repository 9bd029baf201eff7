"""What `hwgen compile` prints from a build's report.json: the layer table and the board fit."""

from __future__ import annotations

from rich.table import Table

from hwgen.report.tables import LAYER_SYNTH_COLUMNS, layer_synth_rows


def print_layers(con, report: dict) -> None:
    """The layer table `compile` prints: folding, cycles and the estimate per layer, and the
    bound."""
    t = Table(
        title=f"{report['graph']}: hardware layers (estimate for {report['board']['family']})"
    )
    longest = max((len(_name(r)) for r in report["layers"]), default=5)
    # packed logic cells where the family is calibrated for them (iCE40, ECP5)
    cells = bool(report["estimate"]["total"].get("lc"))
    cols = [
        "layer",
        "kind",
        "shape",
        "PE",
        "SIMD",
        "output",
        "cycles/frame",
        "latency",
        "LUT",
        "FF",
    ]
    for col in cols + ["cells"] * cells + ["BRAM"]:
        # the layer names are what --fold needs: never cut or wrapped, whatever the width
        t.add_column(
            col,
            justify="left" if col in ("layer", "kind") else "right",
            no_wrap=col == "layer",
            min_width=longest if col == "layer" else None,
        )
    est = {e["name"]: e for e in report["estimate"]["layers"]}
    for r in report["layers"]:
        e = est.get(r["layer"], {})
        t.add_row(
            _name(r),
            r["kind"],
            r["shape"],
            str(r["pe"]),
            str(r["simd"]),
            r["out"],
            str(r["cycles"]),
            _latency(r),
            str(e.get("lut", "")),
            str(e.get("ff", "")),
            *([str(e.get("lc", ""))] if cells else []),
            str(e.get("bram", "")),
        )
    con.print(t)
    b = report["board"]
    clock = report.get("clock", {"target_mhz": b["clock_mhz"]})
    con.print(
        f"folding bound: {report['bound_cycles']} cycles/frame (slowest layer) = "
        f"{report['fps_at_clock']:,.0f} frames/s at {clock['target_mhz']:g} MHz ({b['name']})"
    )
    model = clock.get("model")
    if model:
        con.print(clock_line(clock["target_mhz"], model, b["family"]))


def clock_line(target_mhz: float, model: dict, family: str) -> str:
    """The target clock against the timing model's fmax, and what sets it."""
    where = (
        f"layer {model['layer']}'s {model['path']} path"
        if model["layer"] != "other"
        else "the rest of the design"
    )
    how = (
        "a model fitted to nextpnr"
        if model["source"] == "nextpnr"
        else "a model from data sheet figures: no router here confirms it (Vivado does)"
    )
    verdict = "meets" if model["mhz"] >= target_mhz else "[bold red]MISSES[/]"
    return (
        f"clock: target {target_mhz:g} MHz; modelled fmax on {family} {model['mhz']:.0f} MHz "
        f"({verdict} it; set by {where}; {how})"
    )


def _latency(row: dict) -> str:
    """The cycles a layer's pipeline stages add, with their names."""
    if not row.get("stages"):
        return ""
    return f"+{row['latency']} ({', '.join(row['stages'])})"


def _name(row: dict) -> str:
    """`Gemm_0 (fc)`: the layer (what --fold takes) and its PyTorch module (also taken)."""
    return f"{row['layer']} ({row['module']})" if row.get("module") else row["layer"]


def print_fit(con, report: dict) -> None:
    """One line: the estimate against the board's capacity, per resource."""
    parts = [
        f"{r.get('label', r['resource'].upper())} {r['used']:,}/{r['available']:,} "
        f"({r['percent']:.1f} %)"
        for r in report["fit"]
    ]
    ok = all(r["fits"] for r in report["fit"])
    link = any(r.get("shell") for r in report["fit"])
    con.print(
        f"estimate on {report['board']['name']}"
        + (" (with the UART link)" if link else "")
        + ": "
        + ", ".join(parts)
        + ("" if ok else "  [bold red]DOES NOT FIT[/]")
    )


def layer_synth_table(rows: list[dict], est_layers: list[dict]):
    """Per-layer Yosys figures (each layer synthesized alone) beside the estimate."""

    t = Table(title="per layer: Yosys (each layer alone, without its FIFO) and the estimate")
    for c in LAYER_SYNTH_COLUMNS:
        t.add_column(c, justify="left" if c in ("layer", "kind") else "right")
    for row in layer_synth_rows(rows, {x["name"]: x for x in est_layers}):
        t.add_row(*map(str, row))
    return t
