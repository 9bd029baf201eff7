"""Vitis HLS flow: a generated TCL script (csynth + IP export), run when vitis_hls exists."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.ir import Graph
from hwgen.paths import SHARE, VERSION


def write_tcl(g: Graph, hls_dir: Path, board: str) -> Path | None:
    """Write `hls_dir/vitis_hls.tcl` for the board's part and clock (AMD boards; for others
    no script is written, since Vitis HLS cannot target their parts). The script names files
    relative to its folder, where the HLS kernel library is copied (see `copy_library`)."""
    b = load_board(board)
    if b["flow"] != "vivado":
        return None
    text = render(
        "tcl/vitis_hls.tcl.j2",
        version=VERSION,
        graph_name=g.name,
        board=board,
        part=b["part"],
        clock_ns=round(1000.0 / b["clock_mhz"], 3),
        project="hwgen_hls",
        top="hwgen_top",
        lib_dir=".",
    )
    path = hls_dir / "vitis_hls.tcl"
    path.write_text(text)
    return path


HLS_LIBRARY = ("hwgen_hls.h", "hwgen_dag.h", "csim_main.cpp")


def copy_library(hls_dir: Path) -> None:
    """Copy the hand-written HLS kernel library into a build's hls/: the build needs nothing
    of the checkout to be C-simulated or synthesised."""
    for name in HLS_LIBRARY:
        shutil.copyfile(SHARE / "hls" / name, Path(hls_dir) / name)


def run_vitis_hls(build: Path) -> Path:
    """Run Vitis HLS on a build's script; a clear error when the tool is not installed."""
    tcl = Path(build).resolve() / "hls" / "vitis_hls.tcl"
    if not tcl.is_file():
        raise HwgenError(f"{tcl}: not found (run `hwgen compile` first, with an AMD --board)")
    exe = shutil.which("vitis_hls")
    if exe is None:
        raise HwgenError(
            "vitis_hls not found on PATH: install AMD Vitis HLS (2022.2 or newer) and source its "
            f"settings64.sh; the script to run is {tcl}"
        )
    log = tcl.parent / "vitis_hls.log"
    with open(log, "w") as f:
        p = subprocess.run(
            [exe, "-f", tcl.name], cwd=tcl.parent, stdout=f, stderr=subprocess.STDOUT
        )
    if p.returncode:
        raise HwgenError(f"vitis_hls failed (exit {p.returncode}); log: {log}")
    return tcl.parent / "hwgen_hls"
