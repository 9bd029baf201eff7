"""A board behind the UART shell, simulated and reached as a serial port: the build's RTL
(`uart`) or the netlist Yosys makes of it for the board's family (`netlist`: the very
`synth_ice40`/`synth_ecp5` output after the bitstream flow's netlist steps, ROM contents
included, on Yosys' cell models and hwgen's ECP5 block RAM model: hwgen.sim.netlist) runs in
Icarus with a pseudo-terminal bridged to its UART lines (sim/hwgen_cocotb_uart_pty.py), so the
host's serial driver talks to it as to a board. The UART runs at 4 clock cycles per bit in
simulation (the board's bitstream uses its board's divider). With a PLL clock (`clock_mhz`)
the netlist has the family's PLL cell, simulated by sim/hwgen_pll_models.v: the clock passes
through and LOCK rises after a few cycles, so the link's clock and its reset until lock are
what is checked, not the PLL's analogue behaviour."""

from __future__ import annotations

import contextlib
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from hwgen.backends.rtl.codegen import shell_sources
from hwgen.driver.serial_link import run_over_serial
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.shells import UART_TOPS, shell_plan
from hwgen.flows.yosys import NETLIST_FAMILIES
from hwgen.framing import run_golden
from hwgen.manifest import check_build
from hwgen.sim.netlist import simulation_netlist
from hwgen.sim.runner import build as build_sim
from hwgen.sim.runner import run_test
from hwgen.sim.tools import require_simulator

SIM_CLKS_PER_BIT = 4
LEVELS = ("uart", "netlist")


def default_sim(backend: str) -> str:
    """The simulator a backend runs on unless told: Icarus for a board behind its UART link
    (`LEVELS`: a netlist builds in seconds), Verilator for the RTL."""
    return "icarus" if backend in LEVELS else "verilator"


def _plan(build: Path, board: dict, clock_mhz: float | None) -> tuple[str, dict]:
    """The top and its parameters at the simulation's UART divider (DIGEST as 64'h...)."""
    plan = shell_plan(build, board, clock_mhz)
    if plan.top not in UART_TOPS:
        raise HwgenError(f"--board {board['name']}: no uart in its board file (no UART shell)")
    return plan.top, dict(plan.params, CLKS_PER_BIT=SIM_CLKS_PER_BIT)


def _netlist(build: Path, board: dict, top: str, params: dict, work: Path) -> list[str]:
    """The shell's synthesized netlist for the board's family, as the bitstream flow makes
    it, on the cell models (hwgen.sim.netlist)."""
    fam = board["family"]
    if fam not in NETLIST_FAMILIES:
        raise HwgenError(f"--backend netlist: Lattice boards only (iCE40, ECP5), not {fam}")
    return simulation_netlist(shell_sources(build / "rtl", top), top, fam, work, params)


@contextlib.contextmanager
def simulated_board(
    build: Path,
    board: str,
    level: str = "uart",
    timeout: float = 120.0,
    clock_mhz: float | None = None,
    sim: str = "icarus",
):
    """Yield the device name of a pseudo-terminal behind which `build` runs on `board`'s UART
    shell (`level`: "uart" for the RTL, "netlist" for the synthesized netlist; `clock_mhz`:
    the netlist with the bitstream's PLL, as `hwgen synth --clock-mhz` builds it; `sim`:
    icarus, or verilator for long runs: minutes to build a netlist, then a few times faster)."""
    if level not in LEVELS:
        raise HwgenError(f"level: one of {', '.join(LEVELS)}, not {level!r}")
    if clock_mhz is not None and level != "netlist":
        raise HwgenError("--clock-mhz: the PLL is a cell of the netlist: use --backend netlist")
    require_simulator(sim)
    b = load_board(board)
    build = Path(build).resolve()
    check_build(build, ("graph", "rtl", "report"))  # never a stale or foreign build's files
    top, params = _plan(build, b, clock_mhz)
    work = build / "sim_build" / f"{level}-{board}"
    work.mkdir(parents=True, exist_ok=True)
    if level == "netlist":
        sources, parameters = _netlist(build, b, top, params, work), {}
    else:
        sources = shell_sources(build / "rtl", top)
        # Icarus takes the digest as a number
        parameters = dict(params, DIGEST=int(params["DIGEST"].split("'h")[1], 16))
    bdir, _ = build_sim(sim, top, sources, work, parameters)
    tmp = Path(tempfile.mkdtemp(prefix="pty-", dir=work))
    pty_file, stop_file = tmp / "pty", tmp / "stop"
    job = {"clks_per_bit": SIM_CLKS_PER_BIT, "pty_file": str(pty_file), "stop_file": str(stop_file)}
    failure: list[BaseException] = []

    def simulate():
        try:
            run_test(sim, top, bdir, "hwgen_cocotb_uart_pty", job, 1, build / "rtl")
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


def run_simulated_board(
    g, build: Path, x, board: str, level: str = "uart", progress=None, clock_mhz=None, sim="icarus"
):
    """Model inputs through the host steps and the simulated board (`level` "uart": the RTL,
    "netlist": the synthesized netlist, with its PLL at `clock_mhz`) over the same serial
    driver a board gets."""
    with simulated_board(build, board, level, clock_mhz=clock_mhz, sim=sim) as port:
        # the pseudo-terminal ignores the baud rate; a slow simulation needs a long read
        return run_over_serial(g, build, x, port, 115200, progress, timeout=60.0)


def golden_mismatches(g, x, y) -> tuple[int, int | None]:
    """Frames whose outputs `y` differ from golden's for inputs `x` in any bit, and the
    index of the first (None when all are equal)."""
    want = run_golden(g, x)
    differs = np.any(y.reshape(len(y), -1) != want.reshape(len(want), -1), axis=1)
    return int(np.sum(differs)), (int(np.argmax(differs)) if differs.any() else None)
