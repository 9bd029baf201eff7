"""The report's headline and tables, from report.json and what tools left in the build."""

from __future__ import annotations

import json
from pathlib import Path

from hwgen.flows.rates import bitstream_rates, clock_summary, rates_line
from hwgen.flows.yosys import slice_luts


def verification(build: Path) -> list[dict]:
    """The simulations recorded in build/verify/ (`hwgen sim`, `Build.simulate`)."""
    return [json.loads(f.read_text()) for f in sorted((Path(build) / "verify").glob("*.json"))]


def headline(report: dict, checks: list[dict], bits: list[dict]) -> list[str]:
    """The report's first lines: the rate at the board clock and at the achieved fmax, and
    whether (and how) the build was verified (`verification`, `bitstream_results`)."""
    b = report["board"]
    clock = clock_summary(report, bits)
    lines = [
        f"{report['bound_cycles']} cycles/frame = {clock['fps_nominal']:,.0f} frames/s at the "
        f"target clock ({clock['target_mhz']:g} MHz on {b['name']})"
    ]
    if clock.get("model"):
        m = clock["model"]
        lines.append(
            f"timing model ({m['source']}): fmax {m['mhz']:.0f} MHz, set by "
            + (f"{m['layer']}'s {m['path']} path" if m["layer"] != "other" else "the rest")
        )
    if "routed_mhz" in clock:
        lines.append(
            f"routed fmax {clock['routed_mhz']:.1f} MHz: {clock['fps_met']:,.0f} frames/s at "
            f"min(routed fmax, target) (nominal {clock['fps_nominal']:,.0f})"
        )
    for r in bits:
        lines.append(rates_line(bitstream_rates(report["bound_cycles"], r)))
    if not checks:
        lines.append(
            "verification: not simulated yet (run `hwgen sim BUILD` to check RTL against the "
            "golden model)"
        )
    for c in checks:
        verdict = "PASSED" if c["mismatches"] == 0 else f"FAILED on {c['mismatches']} frames"
        lines.append(
            f"verification: {verdict}: {c['frames']} random frames on {c['sim']} ({c['testbench']} "
            f"testbench, {c['backpressure']:.0%} stalls) bit-exact against the golden model; "
            f"{c['cycles_per_frame']:.1f} cycles/frame against the bound {c['bound']}"
        )
    return lines


def tables(
    report: dict, build: Path, checks: list[dict], bits: list[dict]
) -> list[tuple[str, list[str], list[list]]]:
    """(title, columns, rows) of every table the report shows."""
    est = {e["name"]: e for e in report["estimate"]["layers"]}
    rows = []
    for r in report["layers"]:
        e = est.get(r["layer"], {})
        rows.append(
            [
                f"{r['layer']} ({r['module']})" if r.get("module") else r["layer"],
                r["kind"],
                r["shape"],
                r["pe"],
                r["simd"],
                r["cycles"],
                e.get("lut", ""),
                e.get("ff", ""),
                e.get("bram", ""),
            ]
        )
    out = [
        (
            "Layers (estimate, FIFO in front included)",
            ["layer", "kind", "shape", "PE", "SIMD", "cycles/frame", "LUT", "FF", "BRAM"],
            rows,
        )
    ]
    fit = [
        [
            r.get("label", r["resource"].upper()),
            r["used"],
            r["available"],
            f"{r['percent']:.1f} %",
            "yes" if r["fits"] else "NO",
        ]
        for r in report["fit"]
    ]
    out.append(
        (
            f"Fit on {report['board']['name']} ({report['board']['part']})",
            ["resource", "estimate", "available", "used", "fits"],
            fit,
        )
    )
    if checks:
        out.append(
            (
                "Verification (RTL simulation against the golden model)",
                [
                    "simulator",
                    "testbench",
                    "frames",
                    "stalls",
                    "mismatching frames",
                    "cycles/frame",
                    "bound",
                ],
                [
                    [
                        c["sim"],
                        c["testbench"],
                        c["frames"],
                        f"{c['backpressure']:.0%}",
                        c["mismatches"],
                        f"{c['cycles_per_frame']:.1f}",
                        c["bound"],
                    ]
                    for c in checks
                ],
            )
        )
    syn = []
    for f in sorted((build / "synth").glob("*/utilization.json")):
        u = json.loads(f.read_text())
        s = u["summary"]
        syn.append(
            [
                u["board"],
                u["family"],
                s["lut"],
                s["ff"],
                s["lutram"],
                s["bram"],
                s["dsp"],
                u.get("warnings", ""),
                f"{u['seconds']:.1f}",
            ]
        )
    if syn:
        out.append(
            (
                "Yosys synthesis (whole design)",
                ["board", "family", "LUT", "FF", "LUTRAM", "BRAM/EBR", "DSP", "warnings", "s"],
                syn,
            )
        )
    for f in sorted((build / "synth").glob("*/layers/layers.json")):  # `hwgen synth --per-layer`
        out.append(
            (
                f"Yosys per layer on {f.parent.parent.name} (each layer alone; the estimate "
                "includes its FIFO)",
                LAYER_SYNTH_COLUMNS,
                layer_synth_rows(json.loads(f.read_text()), est),
            )
        )
    bit = []
    for r in bits:
        lc = r["utilization"].get(r.get("cell", "ICESTORM_LC"), {})
        rates = bitstream_rates(report["bound_cycles"], r)
        bit.append(
            [
                r["board"],
                r["part"],
                f"{r['fmax_mhz']:.1f}",
                r["target_mhz"],
                f"{rates['fps_at_fmax']:,.0f}" if rates["fps_at_fmax"] else "",
                f"{rates['fps_link']:,.0f}" if rates["fps_link"] is not None else "",
                f"{rates['fps']:,.0f} ({rates['limit']})",
                f"{lc.get('used', 0)}/{lc.get('available', 0)}",
                r["bitstream_bytes"],
            ]
        )
    if bit:
        out.append(
            (
                "Bitstream (nextpnr + icepack/ecppack)",
                [
                    "board",
                    "part",
                    "fmax MHz",
                    "target MHz",
                    "frames/s at fmax",
                    "link frames/s",
                    "frames/s (limit)",
                    "logic cells",
                    "bytes",
                ],
                bit,
            )
        )
    return out


#: the columns of `layer_synth_rows`
LAYER_SYNTH_COLUMNS = ["layer", "kind", "Slice LUT", "est LUT", "FF", "est FF", "BRAM", "est BRAM"]


def layer_synth_rows(layers: list[dict], est: dict[str, dict]) -> list[list]:
    """Rows of `hwgen synth --per-layer`'s figures (flows.yosys_layers) beside the estimate's
    layers (by name; blank where there is none)."""
    rows = []
    for r in layers:
        s, e = r["summary"], est.get(r["name"], {})
        rows.append(
            [
                r["name"],
                r["kind"],
                slice_luts(s),
                e.get("lut", ""),
                s["ff"],
                e.get("ff", ""),
                s["bram"],
                e.get("bram", ""),
            ]
        )
    return rows
