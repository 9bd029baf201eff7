"""A synthesized netlist as a simulator reads it: Yosys' synth_ice40 or synth_ecp5 on a top,
the netlist steps the bitstream flow takes after Yosys (ECP5: block RAM output registers,
hwgen.flows.ecp5_outreg), then Verilog on Yosys' cell models, with hwgen's stand-ins for the
cells Yosys models as empty black boxes (the PLLs: sim/hwgen_pll_models.v; ECP5's DP16KD
block RAM: sim/hwgen_ecp5_dp16kd.v)."""

from __future__ import annotations

import re
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.flows.lattice import FLOWS
from hwgen.flows.yosys import relative_paths, run_logged, yosys_exe
from hwgen.paths import SHARE

#: Yosys' simulation models of each family's cells (relative to `yosys-config --datdir`)
CELL_MODELS = {"ice40": "ice40/cells_sim.v", "ecp5": "ecp5/cells_sim.v"}
#: cells renamed to hwgen's simulation models (hwgen_sim_<cell>), per family
STAND_INS = {"ice40": ("SB_PLL40_PAD",), "ecp5": ("EHXPLLL", "DP16KD")}
#: the files those models are in
STAND_IN_FILES = ("hwgen_pll_models.v", "hwgen_ecp5_dp16kd.v")
JSON = "netlist.json"


def cell_models(family: str, work: Path) -> Path:
    """Yosys' cell models of `family` as one file in `work` (the ECP5 models `include files
    beside them: inlined, since the simulator build has no include path; Icarus does not take
    the iCE40 models' SystemVerilog port defaults, which their own switch turns off: the
    netlist drives every port)."""
    models = Path(yosys_exe()).resolve().parent.parent / "share" / "yosys" / CELL_MODELS[family]
    if not models.is_file():
        raise HwgenError(f"{models}: Yosys' {family} cell models not found")
    text = re.sub(
        r'^`include "([^"]+)"',
        lambda m: (models.parent / m.group(1)).read_text(),
        models.read_text(),
        flags=re.M,
    )
    out = work / "cell_models.v"
    out.write_text("`define NO_ICE40_DEFAULT_ASSIGNMENTS\n" + text)
    return out


def simulation_netlist(
    sources: list[str], top: str, family: str, work: Path, params: dict | None = None
) -> list[str]:
    """Synthesize `top` from `sources` (with `params`) for `family` in `work`, take the
    flow's netlist steps, and return the simulator's sources: the cell models, hwgen's
    stand-ins and the netlist (netlist.v, module `top`)."""
    if family not in FLOWS:
        raise HwgenError(f"netlist simulation: Lattice families only (iCE40, ECP5), not {family}")
    yosys = yosys_exe()
    chparams = " ".join(f"-chparam {k} {v}" for k, v in (params or {}).items())
    (work / "netlist.ys").write_text(
        f"read_verilog -defer {relative_paths(sources, work)}\n"
        f"hierarchy -top {top} {chparams}\n"
        f"{FLOWS[family].synth} -top {top}\n"
        f"write_json {JSON}\n"
    )
    run_logged(yosys, "netlist.ys", work)
    if FLOWS[family].netlist_step:  # the netlist nextpnr gets
        FLOWS[family].netlist_step(work / JSON)
    renames = "".join(f"chtype -map {c} hwgen_sim_{c}\n" for c in STAND_INS[family])
    script = f"read_json {JSON}\n{renames}write_verilog -noattr netlist.v\n"
    (work / "verilog.ys").write_text(script)
    run_logged(yosys, "verilog.ys", work)
    stand_ins = [str(SHARE / "sim" / f) for f in STAND_IN_FILES]
    return [str(cell_models(family, work)), *stand_ins, str(work / "netlist.v")]
