"""Zynq deployment with Vivado (`hwgen package`): the accelerator packaged as IP inside a
block design with the PS, an AXI DMA and the board's presets; implementation to a bitstream
and hardware handoff. The script is always generated; Vivado runs only where it exists.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.rtl.codegen import shell_sources
from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.deploy import write_deploy
from hwgen.ir import Graph
from hwgen.paths import VERSION

ACCEL_TOP = "hwgen_accel"

# what differs between the Zynq-7000 and the Zynq UltraScale+ processing systems
_PS = {
    "processing_system7": {
        "vlnv": "xilinx.com:ip:processing_system7:5.5",
        "rule": "xilinx.com:bd_rule:processing_system7",
        "master": "M_AXI_GP0",
        "slave": "S_AXI_HP0",
        "clock": "FCLK_CLK0",
        "config": lambda b: [
            ("PCW_USE_S_AXI_HP0", 1),
            ("PCW_S_AXI_HP0_DATA_WIDTH", 64),
            ("PCW_FPGA0_PERIPHERAL_FREQMHZ", b["clock_mhz"]),
        ],
    },
    "zynq_ultra_ps_e": {
        "vlnv": "xilinx.com:ip:zynq_ultra_ps_e:3.4",
        "rule": "xilinx.com:bd_rule:zynq_ultra_ps_e",
        "master": "M_AXI_HPM0_FPD",
        "slave": "S_AXI_HP0_FPD",
        "clock": "pl_clk0",
        "config": lambda b: [
            ("PSU__USE__M_AXI_GP0", 1),
            ("PSU__USE__M_AXI_GP1", 0),
            ("PSU__USE__S_AXI_GP2", 1),
            ("PSU__SAXIGP2__DATA_WIDTH", 128),
            ("PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ", b["clock_mhz"]),
        ],
    },
}


def zynq_board(board: str) -> dict:
    """A board with a Zynq PS (the only kind `hwgen package` targets), or a clear error."""
    b = load_board(board)
    if b.get("ps") not in _PS:
        raise HwgenError(
            f"--board {board}: `hwgen package` needs a Zynq board (with a PS and an AXI DMA); "
            f"{board} is a {b['family']} board: use `hwgen synth --board {board}`"
        )
    return b


def accel_wrapper(build: Path, board: str) -> str:
    """The IP's top: hwgen_axi_shell with this build's stream shape and the board's DMA width."""
    b = zynq_board(board)
    st = json.loads((Path(build) / "report.json").read_text())["stream"]
    major, minor, *_ = VERSION.split(".") + ["0", "0"]
    return render(
        "rtl/accel.v.j2",
        top=ACCEL_TOP,
        version=VERSION,
        board=board,
        in_width=st["in_width"],
        in_beats=st["in_beats"],
        out_width=st["out_width"],
        out_beats=st["out_beats"],
        dma_width=b["dma_width"],
        version_word=f"{int(major):04x}{int(minor):04x}",
    )


def package_script(
    build: Path, board: str, deploy_dir: Path, sources: list[str], graph_name: str
) -> str:
    """The Vivado TCL for `board`: IP packaging, block design, implementation, handoff."""
    b = zynq_board(board)
    ps = _PS[b["ps"]]
    return render(
        "tcl/vivado_package.tcl.j2",
        version=VERSION,
        graph_name=graph_name,
        board=board,
        board_id=board.replace("-", "_"),
        part=b["part"],
        board_part=b["board_part"],
        top=ACCEL_TOP,
        sources=sources,
        mem_dir="../../rtl",
        ps=b["ps"],
        ps_vlnv=ps["vlnv"],
        ps_rule=ps["rule"],
        ps_config=ps["config"](b),
        ps_master=ps["master"],
        ps_slave=ps["slave"],
        ps_clock=ps["clock"],
        dma_width=b["dma_width"],
        deploy_dir=f"../../deploy/{board}",
        jobs=max(1, min(8, os.cpu_count() or 1)),
    )


def write_package(build: Path, board: str) -> dict[str, Path]:
    """Write build/package/<board>/ (hwgen_accel.v, package.tcl) and build/deploy/<board>/
    (driver, model, README, self-check data). Returns the paths."""
    build = Path(build).resolve()
    if not (build / "report.json").is_file():
        raise HwgenError(f"{build}: not a compiled build (run `hwgen compile` first)")
    zynq_board(board)
    graph = Graph.load_build(build, ("rtl", "report"))
    pkg = build / "package" / board
    pkg.mkdir(parents=True, exist_ok=True)
    (pkg / f"{ACCEL_TOP}.v").write_text(accel_wrapper(build, board))
    # relative to the script's folder (package/<board>/): the build's own copies of the sources
    sources = [os.path.relpath(p, pkg) for p in shell_sources(build / "rtl", "hwgen_axi_shell")] + [
        f"{ACCEL_TOP}.v"
    ]
    deploy = build / "deploy" / board
    (pkg / "package.tcl").write_text(package_script(build, board, deploy, sources, graph.name))
    write_deploy(build, board, deploy)
    return {"package": pkg, "tcl": pkg / "package.tcl", "deploy": deploy}


def vivado_command(build: Path, tcl: Path) -> str:
    """The command to run Vivado on a package script, from the build folder: the script finds
    its files beside itself, so the build may be copied to the Vivado machine first."""
    rel = Path(tcl).resolve().parent.relative_to(Path(build).resolve())
    return f"cd {rel} && vivado -mode batch -source {Path(tcl).name}"


def run_vivado(tcl: Path) -> Path:
    """Run the package script in Vivado batch mode; a clear error when Vivado is absent."""
    exe = shutil.which("vivado")
    if exe is None:
        raise HwgenError(
            f"vivado not found on PATH: source Vivado's settings64.sh and run "
            f"`vivado -mode batch -source {tcl.name}` in {tcl.parent} (deploy/ has everything "
            "else)"
        )
    log = tcl.parent / "vivado.log"
    with open(log, "w") as f:
        p = subprocess.run(
            [exe, "-mode", "batch", "-nojournal", "-source", tcl.name],
            cwd=tcl.parent,
            stdout=f,
            stderr=subprocess.STDOUT,
        )
    if p.returncode:
        raise HwgenError(f"vivado failed (exit {p.returncode}); log: {log}")
    return log
