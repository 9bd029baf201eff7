"""A board behind the UART shell, simulated and reached as a serial port: the build's RTL
(`uart`) or the netlist Yosys makes of it for the board's family (`netlist`: the very
`synth_ice40`/`synth_ecp5` output, ROM contents included, on Yosys' own cell models) runs in
Icarus with a pseudo-terminal bridged to its UART lines (sim/hwgen_cocotb_uart_pty.py), so the
host's serial driver talks to it as to a board. The UART runs at 4 clock cycles per bit in
simulation (the board's bitstream uses its board's divider)."""

from __future__ import annotations

import contextlib
import re
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from hwgen.backends.rtl.codegen import shell_sources
from hwgen.driver.serial_link import run_over_serial
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.shells import UART_SHELL, shell_plan
from hwgen.flows.yosys import relative_paths, run_logged, yosys_exe
from hwgen.framing import run_golden
from hwgen.manifest import check_build
from hwgen.sim.runner import build as build_sim
from hwgen.sim.runner import run_test
from hwgen.sim.tools import require_simulator

SIM_CLKS_PER_BIT = 4
#: Yosys' simulation models of each family's cells (relative to `yosys-config --datdir`)
CELL_MODELS = {"ice40": "ice40/cells_sim.v", "ecp5": "ecp5/cells_sim.v"}
SYNTH = {"ice40": "synth_ice40", "ecp5": "synth_ecp5"}
LEVELS = ("uart", "netlist")


def _params(build: Path, board: dict) -> dict:
    plan = shell_plan(build, board)
    if plan.top != UART_SHELL:
        raise HwgenError(f"--board {board['name']}: no uart in its board file (no UART shell)")
    return dict(plan.params, CLKS_PER_BIT=SIM_CLKS_PER_BIT)  # DIGEST as 64'h... (Yosys)


def _netlist(build: Path, board: dict, params: dict, work: Path) -> list[str]:
    """Synthesize the UART shell for the board's family and write it as Verilog."""
    fam = board["family"]
    if fam not in SYNTH:
        raise HwgenError(f"--backend netlist: Lattice boards only (iCE40, ECP5), not {fam}")
    yosys = yosys_exe()
    datdir = Path(yosys).resolve().parent.parent / "share" / "yosys"
    models = datdir / CELL_MODELS[fam]
    if not models.is_file():
        raise HwgenError(f"{models}: Yosys' {fam} cell models not found")
    chparams = " ".join(f"-chparam {k} {v}" for k, v in params.items())
    (work / "netlist.ys").write_text(
        f"read_verilog -defer {relative_paths(shell_sources(build / 'rtl', UART_SHELL), work)}\n"
        f"hierarchy -top {UART_SHELL} {chparams}\n"
        f"{SYNTH[fam]} -top {UART_SHELL}\n"
        "write_verilog -noattr netlist.v\n"
    )
    run_logged(yosys, "netlist.ys", work)
    # Icarus does not take the iCE40 models' SystemVerilog port defaults; their own switch
    # turns them off (the netlist drives every port). The ECP5 models `include files beside
    # them: inlined into a copy, since the simulator build has no include path.
    text = re.sub(
        r'^`include "([^"]+)"',
        lambda m: (models.parent / m.group(1)).read_text(),
        models.read_text(),
        flags=re.M,
    )
    (work / "cell_models.v").write_text("`define NO_ICE40_DEFAULT_ASSIGNMENTS\n" + text)
    return [str(work / "cell_models.v"), str(work / "netlist.v")]


@contextlib.contextmanager
def simulated_board(build: Path, board: str, level: str = "uart", timeout: float = 120.0):
    """Yield the device name of a pseudo-terminal behind which `build` runs on `board`'s UART
    shell (`level`: "uart" for the RTL, "netlist" for the synthesized netlist)."""
    if level not in LEVELS:
        raise HwgenError(f"level: one of {', '.join(LEVELS)}, not {level!r}")
    require_simulator("icarus")
    b = load_board(board)
    build = Path(build).resolve()
    check_build(build, ("graph", "rtl", "report"))  # never a stale or foreign build's files
    params = _params(build, b)
    work = build / "sim_build" / f"{level}-{board}"
    work.mkdir(parents=True, exist_ok=True)
    if level == "netlist":
        sources, parameters = _netlist(build, b, params, work), {}
    else:
        sources = shell_sources(build / "rtl", UART_SHELL)
        # Icarus takes the digest as a number
        parameters = dict(params, DIGEST=int(params["DIGEST"].split("'h")[1], 16))
    bdir, _ = build_sim("icarus", UART_SHELL, sources, work, parameters)
    tmp = Path(tempfile.mkdtemp(prefix="pty-", dir=work))
    pty_file, stop_file = tmp / "pty", tmp / "stop"
    job = {"clks_per_bit": SIM_CLKS_PER_BIT, "pty_file": str(pty_file), "stop_file": str(stop_file)}
    failure: list[BaseException] = []

    def simulate():
        try:
            run_test("icarus", UART_SHELL, bdir, "hwgen_cocotb_uart_pty", job, 1, build / "rtl")
        except BaseException as e:  # reported when the host is done
            failure.append(e)

    thread = threading.Thread(target=simulate, daemon=True)
    thread.start()
    t0 = time.monotonic()
    while not pty_file.exists():
        if failure or not thread.is_alive():
            raise failure[0] if failure else HwgenError("the UART simulation stopped at start")
        if time.monotonic() - t0 > timeout:
            raise HwgenError(f"the UART simulation opened no serial port in {timeout:g} s")
        time.sleep(0.1)
    try:
        yield pty_file.read_text()
    finally:
        stop_file.write_text("")
        thread.join(timeout)
    if failure:
        raise failure[0]


def run_simulated_board(g, build: Path, x, board: str, level: str = "uart", progress=None):
    """Model inputs through the host steps and the simulated board (`level` "uart": the RTL,
    "netlist": the synthesized netlist) over the same serial driver a board gets."""
    with simulated_board(build, board, level) as port:
        # the pseudo-terminal ignores the baud rate; a slow simulation needs a long read
        return run_over_serial(g, build, x, port, 115200, progress, timeout=60.0)


def golden_mismatches(g, x, y) -> tuple[int, int | None]:
    """Frames whose outputs `y` differ from golden's for inputs `x` in any bit, and the
    index of the first (None when all are equal)."""
    want = run_golden(g, x)
    differs = np.any(y.reshape(len(y), -1) != want.reshape(len(want), -1), axis=1)
    return int(np.sum(differs)), (int(np.argmax(differs)) if differs.any() else None)
