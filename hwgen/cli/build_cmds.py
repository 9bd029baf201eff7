"""`hwgen compile` and the commands that run on a build: run, sim, synth, hls-synth,
package, deploy-test, report. Each is a thin layer over `hwgen.api`."""

from __future__ import annotations

import shutil
from pathlib import Path

from hwgen import api
from hwgen.cli.io import command, console, positive, positive_float, step_status
from hwgen.cli.tables import layer_synth_table, print_fit, print_layers
from hwgen.driver.deploy_test import deploy_test
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.vitis_hls import run_vitis_hls
from hwgen.flows.vivado import run_vivado, vivado_command


def cmd_compile(a) -> None:

    con = console()
    with step_status(con, "compiling") as status:
        build = api.compile(
            a.model,
            a.output,
            pe=a.pe,
            simd=a.simd,
            fold=a.fold,
            target_fps=a.target_fps,
            board=a.board,
            clock_mhz=a.clock_mhz,
            from_step=a.from_step,
            progress=lambda step: status(f"compiling: {step}"),
        )
    report = build._report
    for w in report.get("warnings", []):
        con.print(f"[yellow]warning:[/] {w}", soft_wrap=True)
    print_layers(con, report)
    print_fit(con, report)
    con.print("steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in build.step_seconds.items()))
    con.print(f"wrote {build.path}/ (graph.json, rtl/hwgen_top.v, hls/, report.json)")


def cmd_hls_synth(a) -> None:
    print(f"exported IP project: {run_vitis_hls(Path(a.build))}")


def cmd_synth(a) -> None:

    build = api.load(a.build)
    board = a.board or build.board
    b = load_board(board)
    con = console()
    with step_status(con, f"synthesizing for {board}") as status:
        res = build.synth(
            board,
            pnr=not a.no_pnr,
            progress=lambda step: status(f"{board}: {step}"),
            per_layer=a.per_layer,
            force=a.force,
            clock_mhz=a.clock_mhz,
        )
    r = res["yosys"]
    s = r["summary"]
    con.print(
        f"{board} ({b['part']}), Yosys {r['seconds']:.1f} s: {s['lut']} LUT of {b['luts']} "
        f"({100 * s['lut'] / b['luts']:.1f}%), {s['ff']} FF of {b['ffs']}, {s['lutram']} LUTRAM "
        "cells, "
        f"{s['bram']} BRAM/EBR, {s['dsp']} DSP; log {r['log']}"
    )
    if res.get("packed"):
        p = res["packed"]
        con.print(
            f"nextpnr packing (accelerator alone): {p['used']:,} of {p['available']:,} "
            f"{p['cell']} ({100 * p['used'] / max(p['available'], 1):.1f} %)"
            + ("" if p["used"] <= p["available"] else "  [bold red]DOES NOT FIT[/]")
        )
    if res["layers"]:
        try:
            est = build.estimate["layers"]
        except HwgenError:  # a build made by hand has no report.json: Yosys' figures alone
            est = []
        con.print(layer_synth_table(res["layers"], est))
    bit = res["bitstream"]
    if bit:
        lc = bit["utilization"].get(bit.get("cell", "ICESTORM_LC"), {})
        ok = "meets" if bit["fmax_mhz"] and bit["fmax_mhz"] >= bit["target_mhz"] else "MISSES"
        clock = "PLL's" if bit.get("pll") else "board's"
        con.print(
            f"bitstream {bit['bitstream']} ({bit['bitstream_bytes']:,} bytes): fmax "
            f"{bit['fmax_mhz']:.1f} MHz "
            f"({ok} the {clock} {bit['target_mhz']:g} MHz), "
            f"{lc.get('used', 0)}/{lc.get('available', 0)} "
            "logic cells; " + ", ".join(f"{k} {v:.1f} s" for k, v in bit["seconds"].items())
        )


def cmd_package(a) -> None:

    build = api.load(a.build)
    con = console()
    board = a.board or build.board
    paths = build.package(board)
    con.print(
        f"wrote {paths['tcl']} (Vivado: IP, block design, bitstream) and {paths['deploy']}/ "
        "(driver, model, README)"
    )
    if a.no_vivado:
        return
    if shutil.which("vivado") is None:
        con.print(
            "[yellow]vivado is not on PATH: no bitstream yet.[/] On a machine with Vivado, in "
            f"the build folder (copied there as it is), run "
            f"`{vivado_command(build.path, paths['tcl'])}`; it writes hwgen.bit and hwgen.hwh "
            f"into {paths['deploy'].relative_to(build.path.resolve())}/."
        )
        return
    with step_status(con, "Vivado: packaging, block design, implementation (tens of minutes)"):
        run_vivado(paths["tcl"])
    con.print(f"bitstream and handoff in {paths['deploy']}/")


def cmd_deploy_test(a) -> None:

    board = a.board or api.load(a.build).board
    deploy_test(
        Path(a.build),
        board,
        frames=a.frames,
        batches=_batches(a.batch),
        sim=a.sim,
        console=console(),
    )


def _batches(text: str) -> list[int]:
    try:
        vals = [int(b) for b in text.split(",")]
    except ValueError:
        raise HwgenError(f"--batch: comma-separated frame counts, not '{text}'") from None
    if min(vals) < 1:
        raise HwgenError(f"--batch: every batch must be at least 1 frame, not '{text}'")
    return vals


def cmd_report(a) -> None:

    con = console()
    with step_status(con, "writing the report (folding sweep, plots)"):
        files = api.load(a.build).report()
    con.print(f"wrote {files['md']} and {files['html']} (open it in a browser)")


SIMS = ("verilator", "icarus")
BUILD_BOARD = "board of boards/*.yaml (default: the one the build was compiled for)"


def add_parsers(sub) -> None:
    """compile, hls-synth, synth, package, deploy-test, report."""
    c = command(
        sub, "compile", "QONNX model -> IR -> Verilog and HLS C++ in a build folder", cmd_compile
    )
    c.add_argument("model", help="QONNX file (brevitas.export.export_qonnx)")
    c.add_argument("-o", "--output", default="build", help="build folder")
    c.add_argument("--pe", type=positive, help="PE of every layer (clipped to its size)")
    c.add_argument("--simd", type=positive, help="SIMD of every layer (clipped to its size)")
    c.add_argument("--fold", help="JSON file: {layer: {PE: N, SIMD: N}} (FINN's layout)")
    c.add_argument(
        "--from", dest="from_step", help="resume from a step (import, lower, fold, codegen, hls)"
    )
    c.add_argument(
        "--board", default="pynq-z2", help="board of boards/*.yaml: part, clock, resources to fit"
    )
    c.add_argument(
        "--target-fps", help="frames/s to reach at the clock (folding searched), or 'max'"
    )
    c.add_argument(
        "--clock-mhz",
        type=positive_float,
        help="the clock the design is for (default: the board's); each layer gets the pipeline "
        "stages the timing model says it needs to meet it",
    )

    h = command(
        sub,
        "hls-synth",
        "run Vitis HLS (csynth, IP export) on a build's generated script",
        cmd_hls_synth,
    )
    h.add_argument("build")

    y = command(
        sub,
        "synth",
        "Yosys synthesis for a board's family; on iCE40 and ECP5 boards also nextpnr + "
        "icepack/ecppack to a bitstream",
        cmd_synth,
    )
    y.add_argument("build")
    y.add_argument("--board", help=BUILD_BOARD)
    y.add_argument(
        "--no-pnr",
        action="store_true",
        help="iCE40/ECP5: stop after Yosys and packing",
    )
    y.add_argument(
        "--force",
        action="store_true",
        help="run the tools even when the estimate says the design does not fit the part",
    )
    y.add_argument(
        "--per-layer",
        action="store_true",
        help="also synthesize every layer alone: per-layer Yosys figures beside the estimate",
    )
    y.add_argument(
        "--clock-mhz",
        type=float,
        help="iCEBreaker/ULX3S: run the accelerator and its UART on a PLL's clock this near "
        "(icepll/ecppll; a multiple of the baud rate within 1 %%); a route that misses it fails",
    )

    pk = command(
        sub,
        "package",
        "Zynq: Vivado project TCL (IP, block design, bitstream) and deploy/ folder",
        cmd_package,
    )
    pk.add_argument("build")
    pk.add_argument("--board", help=BUILD_BOARD)
    pk.add_argument("--no-vivado", action="store_true", help="write the script and deploy/ only")

    dt = command(
        sub,
        "deploy-test",
        "run the PYNQ driver against a simulation of the shell, vs golden",
        cmd_deploy_test,
    )
    dt.add_argument("build")
    dt.add_argument("--board", help="board whose DMA width the shell uses (default: the build's)")
    dt.add_argument("--frames", type=positive, default=100, help="random frames")
    dt.add_argument("--batch", default="1,7,64", help="comma-separated frames per DMA transfer")
    dt.add_argument("--sim", choices=SIMS, default="verilator", help="simulator")

    rp = command(sub, "report", "Markdown + HTML report of a build, with plots", cmd_report)
    rp.add_argument("build")
