"""The open iCE40 flow (runs here): Yosys `synth_ice40` -> nextpnr-ice40 -> icepack, to a
real bitstream with the router's timing (fmax) and utilization.

The accelerator goes behind `rtl/hwgen_byte_shell.v` (byte-wide streams, 23 pins) since its
own ports are wider than the 39 I/O of an iCE40UP5K-SG48. Only the clock is pinned (to the
board's oscillator pin); nextpnr places the other I/O.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

from hwgen.backends.rtl.codegen import shell_sources as rtl_shell_sources
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.yosys import relative_paths, run_logged, summarize, tool_failed
from hwgen.manifest import check_build

SHELL = "hwgen_byte_shell"

# part name -> (nextpnr device flag, package)
_DEVICES = {
    "iCE40UP5K-SG48": ("--up5k", "sg48"),
    "iCE40HX8K-CT256": ("--hx8k", "ct256"),
    "iCE40HX1K-TQ144": ("--hx1k", "tq144"),
}


def shell_sources(build: Path) -> list[str]:
    """Kernels, the generated top, the width converters and the byte shell (the build's copies)."""
    return rtl_shell_sources(Path(build) / "rtl", SHELL)


def _stream_widths(build: Path) -> tuple[int, int]:
    report = json.loads((build / "report.json").read_text())
    return report["stream"]["in_width"], report["stream"]["out_width"]


def _tool(name: str, package: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise HwgenError(
            f"{name} not found: apt-get install {package} (the Makefile does, as root)"
        )
    return exe


def _run(cmd: list[str], cwd: Path, log: Path, what: str) -> None:
    with open(log, "w") as f:
        p = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT)
    if p.returncode:
        raise tool_failed(what, p.returncode, log)


def build_bitstream(
    build: Path, board: str = "icebreaker", progress: Callable[[str], None] = lambda s: None
) -> dict:
    """Synthesize, place, route and pack a compiled build for an iCE40 board. Returns (and
    writes to build/bitstream/<board>/result.json) the bitstream path, fmax, utilization
    and each tool's seconds."""
    b = load_board(board)
    if b["family"] != "ice40":
        raise HwgenError(
            f"--board {board}: the iCE40 flow needs an iCE40 board, not family '{b['family']}'"
        )
    if b["part"] not in _DEVICES:
        raise HwgenError(
            f"boards/{board}.yaml: part '{b['part']}' is not one of {', '.join(_DEVICES)}"
        )
    device, package = _DEVICES[b["part"]]
    yosys = _tool("yosys", "yosys")
    nextpnr = _tool("nextpnr-ice40", "nextpnr-ice40")
    icepack = _tool("icepack", "fpga-icestorm")
    build = Path(build).resolve()
    if not (build / "report.json").is_file():
        raise HwgenError(f"{build}: not a compiled build (run `hwgen compile` first)")
    check_build(build, ("graph", "rtl", "report"))
    in_w, out_w = _stream_widths(build)
    work = build / "bitstream" / board
    work.mkdir(parents=True, exist_ok=True)
    seconds = {}

    progress("yosys synth_ice40")
    (work / "synth.ys").write_text(
        f"read_verilog -defer {relative_paths(shell_sources(build), work)}\n"
        f"hierarchy -top {SHELL} -chparam IN_W {in_w} -chparam OUT_W {out_w}\n"
        f"synth_ice40 -top {SHELL} -json {SHELL}.json\n"
        "tee -q -o stat.json stat -json\n"
    )
    t0 = time.perf_counter()
    run_logged(yosys, "synth.ys", work)
    seconds["yosys"] = time.perf_counter() - t0

    progress("nextpnr-ice40 place and route")
    pin = b.get("clock_pin")
    (work / "pins.pcf").write_text(f"set_io clk {pin}\n" if pin else "")
    t0 = time.perf_counter()
    _run(
        [
            nextpnr,
            device,
            "--package",
            package,
            "--json",
            f"{SHELL}.json",
            "--pcf",
            "pins.pcf",
            "--pcf-allow-unconstrained",
            "--freq",
            str(b["clock_mhz"]),
            "--asc",
            f"{SHELL}.asc",
            "--report",
            "nextpnr_report.json",
            "--seed",
            "1",
        ],
        work,
        work / "nextpnr.log",
        "nextpnr-ice40",
    )
    seconds["nextpnr"] = time.perf_counter() - t0

    progress("icepack")
    t0 = time.perf_counter()
    _run([icepack, f"{SHELL}.asc", f"{SHELL}.bin"], work, work / "icepack.log", "icepack")
    seconds["icepack"] = time.perf_counter() - t0

    report = json.loads((work / "nextpnr_report.json").read_text())
    fmax = {clk: v.get("achieved") for clk, v in report.get("fmax", {}).items()}
    util = {
        cell: {"used": v["used"], "available": v["available"]}
        for cell, v in report.get("utilization", {}).items()
        if v.get("used")
    }
    cells = json.loads((work / "stat.json").read_text())["design"]["num_cells_by_type"]
    result = {
        "board": board,
        "part": b["part"],
        "bitstream": str(work / f"{SHELL}.bin"),
        "bitstream_bytes": (work / f"{SHELL}.bin").stat().st_size,
        "fmax_mhz": min(fmax.values()) if fmax else None,
        "fmax_by_clock": fmax,
        "target_mhz": b["clock_mhz"],
        "utilization": util,
        "synth": summarize(cells),
        "seconds": seconds,
    }
    (work / "result.json").write_text(json.dumps(result, indent=1))
    return result


def fmax_from_log(text: str) -> float | None:
    """The lowest 'Max frequency for clock' of a nextpnr log (for logs without --report)."""
    found = [float(m) for m in re.findall(r"Max frequency for clock[^:]*: ([0-9.]+) MHz", text)]
    return min(found) if found else None
