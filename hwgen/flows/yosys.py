"""Open synthesis with Yosys (runs here): utilization of a build's generated Verilog for a
board's device family. A first piece of issue 6; estimates and place-and-route come next."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.manifest import check_build

SYNTH_COMMANDS = {
    "zynq7": "synth_xilinx -family xc7",
    "zynquplus": "synth_xilinx -family xcup",
    "ice40": "synth_ice40",
    "ecp5": "synth_ecp5",
}

# cell-name prefixes per resource, over the families above
_RESOURCES = {
    "lut": ("LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "SB_LUT4"),
    "ff": ("FD", "SB_DFF", "TRELLIS_FF"),
    "lutram": ("RAM32", "RAM64", "RAM128", "RAM256", "SRL", "TRELLIS_DPR16X4"),
    "bram": ("RAMB18", "RAMB36", "SB_RAM40_4K", "DP16KD", "PDPW16KD"),
    "dsp": ("DSP48", "SB_MAC16", "MULT18X18D"),
    "carry": ("CARRY4", "CARRY8", "SB_CARRY", "CCU2C"),
}


def relative_paths(paths: list[str], work: Path) -> str:
    """Source paths relative to the folder Yosys runs in, space-separated: the build's own
    names, so a moved build's scripts still work and no user path (spaces, quotes) is quoted.
    Yosys reads $readmemh files beside the source that names them."""
    return " ".join(os.path.relpath(p, work) for p in paths)


#: families whose netlist nextpnr packs here (`hwgen.flows.pack`): Yosys writes it as JSON
NETLIST_FAMILIES = ("ice40", "ecp5")
NETLIST = "netlist.json"


def synth_script(build: Path, family: str, work: Path) -> str:
    """The Yosys script for a build's whole accelerator, run in `work`."""
    return script_for(
        rtl_sources(Path(build).resolve() / "rtl"),
        TOP_NAME,
        family,
        work,
        netlist=family in NETLIST_FAMILIES,
    )


def script_for(sources: list[str], top: str, family: str, work: Path, netlist=False) -> str:
    """A Yosys script run in `work`: read `sources` (elaboration deferred, so each kernel is
    built with its instance's parameters and ROM files), synthesize `top`, write statistics as
    JSON (and, with `netlist`, the netlist as NETLIST for nextpnr)."""
    if family not in SYNTH_COMMANDS:
        raise HwgenError(f"Yosys: no synthesis command for device family '{family}'")
    return (
        f"read_verilog -defer {relative_paths(sources, work)}\n"
        f"hierarchy -top {top}\n"
        f"{SYNTH_COMMANDS[family]} -top {top} -flatten\n"
        + (f"write_json {NETLIST}\n" if netlist else "")
        + "tee -q -o stat.json stat -json\n"
    )


def yosys_exe() -> str:
    """The yosys executable, or one clear error."""
    exe = shutil.which("yosys")
    if exe is None:
        raise HwgenError("yosys not found: apt-get install yosys (the Makefile does, as root)")
    return exe


def synthesize(exe: str, script: str, work: Path) -> dict[str, int]:
    """Run `script` in `work` (as synth.ys, its log in yosys.log); the design's cells by type."""
    (work / "synth.ys").write_text(script)
    run_logged(exe, "synth.ys", work)
    if not (work / "stat.json").is_file():
        raise tool_failed("yosys", 0, work / "yosys.log")
    return json.loads((work / "stat.json").read_text())["design"]["num_cells_by_type"]


# LUTs inside each AMD LUT-RAM cell (a RAM32M is four LUT6 of a SLICEM, ...)
_LUTS_PER_LUTRAM = {
    "RAM32M": 4,
    "RAM64M": 4,
    "RAM32X1D": 2,
    "RAM64X1D": 2,
    "RAM128X1D": 4,
    "RAM32X1S": 1,
    "RAM64X1S": 1,
    "RAM128X1S": 2,
    "RAM256X1S": 4,
    "SRL16E": 1,
    "SRLC32E": 1,
}


def summarize(cells: dict[str, int]) -> dict[str, int]:
    """Cell counts grouped as LUT, FF, LUTRAM, BRAM (18 kbit units on AMD parts, EBR blocks
    on Lattice parts), DSP and carry cells; `lut_mem` is the LUTs the LUT-RAM cells occupy,
    so `lut + lut_mem` is what Vivado reports as Slice LUTs."""
    out = {k: 0 for k in _RESOURCES}
    out["lut_mem"] = 0
    for name, n in cells.items():
        for res, prefixes in _RESOURCES.items():
            if name.startswith(prefixes):
                out[res] += 2 * n if name.startswith("RAMB36") else n
                break
        base = name[:-1] if name.endswith("E") and name[:-1] in _LUTS_PER_LUTRAM else name
        out["lut_mem"] += _LUTS_PER_LUTRAM.get(base, 0) * n
    return out


def slice_luts(summary: dict) -> int:
    """LUTs as logic plus LUTs as memory: what the estimator's `lut` predicts."""
    return summary["lut"] + summary.get("lut_mem", 0)


def tool_failed(what: str, code: int, log: Path) -> HwgenError:
    """The one-line error of a tool that failed: its exit status, its log's last line, the log."""
    lines = (
        [ln.strip() for ln in Path(log).read_text(errors="replace").splitlines() if ln.strip()]
        if Path(log).is_file()
        else []
    )
    return HwgenError(
        f"{what} failed (exit {code}): {lines[-1][:200] if lines else 'no output'} (log: {log})"
    )


def run_logged(exe: str, script: str, work: Path) -> None:
    """Yosys on `script` in `work`: quiet on the console (-q) while its whole log, warnings
    included, goes to work/yosys.log (-l); -q alone would leave that log empty. A failure is
    `tool_failed`'s error."""
    p = subprocess.run(
        [exe, "-q", "-l", "yosys.log", script], cwd=work, capture_output=True, text=True
    )
    if p.returncode:  # what yosys said on the console (before its log opened, or as it died)
        with open(work / "yosys.log", "a") as log:
            log.write(p.stderr + p.stdout)
        raise tool_failed("yosys", p.returncode, work / "yosys.log")


def log_warnings(log: Path) -> int:
    """Warnings in a Yosys log."""
    return sum(
        1 for ln in log.read_text(errors="replace").splitlines() if ln.startswith("Warning:")
    )


def run_yosys(build: Path, board: str) -> dict:
    """Synthesize a compiled build for `board`'s family; returns cells, a resource summary and
    the seconds Yosys took. Results land in build/synth/<board>/."""
    exe = yosys_exe()
    b = load_board(board)
    build = Path(build).resolve()
    if not (build / "rtl" / f"{TOP_NAME}.v").is_file():
        raise HwgenError(f"{build / 'rtl'}: no generated Verilog (run `hwgen compile` first)")
    check_build(build, ("graph", "rtl"))
    work = build / "synth" / board
    work.mkdir(parents=True, exist_ok=True)
    script = synth_script(build, b["family"], work)
    t0 = time.perf_counter()
    cells = synthesize(exe, script, work)
    seconds = time.perf_counter() - t0
    result = {
        "board": board,
        "family": b["family"],
        "cells": cells,
        "summary": summarize(cells),
        "seconds": seconds,
        "log": str(work / "yosys.log"),
        "warnings": log_warnings(work / "yosys.log"),
    }
    (work / "utilization.json").write_text(json.dumps(result, indent=1))
    return result
