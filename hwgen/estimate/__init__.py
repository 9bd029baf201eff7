"""Resource and cycle estimates per layer, from the IR and its folding, for a device family;
and a whole-net fit against a board with the headroom shown.

Register bits and memory shapes are counted exactly from the Verilog's structure
(`features`); what a LUT-level building block costs on a family (a popcount tree's counter,
an adder bit, a multiplexer bit) is a coefficient fitted to Yosys' own synthesis of
hwgen designs (`calibration.json`, refit with `hwgen calibrate`). Cycles are exact: they are
the folding's, which RTL simulation reproduces.

On Lattice parts the limit is the packed cell, not the LUT: an iCE40 logic cell holds one
LUT4 and one flip-flop, and a flip-flop fed by anything but its cell's LUT takes a cell of its
own. `lc` prices each LUT and register feature in packed cells (`lut.K`, `ff.K`: how often
that block's flip-flops pair with its LUTs), fitted to nextpnr's packing of the same sweep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hwgen.backends.common import input_fifos, instance_nodes, stream_format
from hwgen.driver.uart_protocol import frame_sizes
from hwgen.errors import HwgenError
from hwgen.estimate.features import PARTS, Parts, fifo_parts
from hwgen.estimate.memory import place
from hwgen.estimate.shell import link_cost

CALIBRATION = Path(__file__).with_name("calibration.json")
RESOURCES = ("lut", "ff", "lc", "lutram", "bram", "dsp")
# families without their own calibration borrow one with the same LUT size
_BORROW = {"zynquplus": "zynq7", "ecp5": "ice40"}


def family_entry(
    path: Path, family: str, borrow: dict, what: str, missing: str, listed: str
) -> tuple:
    """(the family found, its entry) in the JSON table at `path`, keyed by device family:
    `family`'s own, or the one it borrows. Otherwise one error naming the file (`what` it
    holds), or the family (`missing`, e.g. "estimate: no calibration") with the families
    there are (`listed`, e.g. "calibrated")."""
    try:
        table = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise HwgenError(f"{path}: cannot read {what} ({e})") from None
    fam = family if family in table else borrow.get(family)
    if fam not in table:
        raise HwgenError(
            f"{missing} for device family '{family}' ({listed}: {', '.join(sorted(table))})"
        )
    return fam, table[fam]


def load_calibration(family: str) -> dict:
    """The coefficients for `family` (or the family whose LUTs have the same size)."""
    fam, cal = family_entry(
        CALIBRATION,
        family,
        _BORROW,
        "the estimator's calibration",
        "estimate: no calibration",
        "calibrated",
    )
    if fam != family:  # packed cells are the family's own (an iCE40 cell is no ECP5 cell)
        return {k: v for k, v in cal.items() if k != "lc"}
    return cal


@dataclass
class LayerEstimate:
    """One hardware layer (with the FIFO in front of it)."""

    name: str
    kind: str
    pe: int | None
    simd: int | None
    cycles: int
    res: dict[str, float] = field(default_factory=dict)


@dataclass
class Estimate:
    """Per-layer estimates and their sum for one family."""

    family: str
    layers: list[LayerEstimate]
    #: whether packed cells (`lc`) are priced: the family has a cell calibration
    cells: bool = False
    #: bytes of one input frame through the byte shell (what a UART link buffers)
    in_bytes: int = 0

    @property
    def total(self) -> dict[str, int]:
        return {r: int(round(sum(layer.res.get(r, 0) for layer in self.layers))) for r in RESOURCES}

    @property
    def cycles(self) -> int:
        """Cycles per frame in steady state: the slowest layer's."""
        return max((layer.cycles for layer in self.layers), default=0)

    def to_json(self) -> dict:
        return {
            "family": self.family,
            "cycles_per_frame": self.cycles,
            "total": self.total,
            "layers": [
                {
                    "name": x.name,
                    "kind": x.kind,
                    "pe": x.pe,
                    "simd": x.simd,
                    "cycles": x.cycles,
                    **{r: int(round(x.res.get(r, 0))) for r in RESOURCES},
                }
                for x in self.layers
            ],
        }


def features(parts: Parts, family: str) -> tuple[dict, dict, float]:
    """A block's LUT and register features on a family, once its memories are placed:
    memories in logic add LUT feature `rom` or `ram` (and RAM registers `mem`); a ROM in block RAM
    drops its output register (the block RAM's own register takes its place); a ROM placed in
    logic by hand or by the placement pass counts its output register as `rom_out_logic`.
    Also returns the block RAM units."""
    lut, ff, bram = dict(parts.lut), dict(parts.ff), 0.0
    for mem in parts.memories:
        placed = place(mem, family)
        if "bram" in placed:
            bram += placed["bram"]
            if mem.rom and "rom_out" in ff:
                ff["rom_out"] = max(0, ff["rom_out"] - mem.width)
        elif mem.rom:
            # a ROM Yosys keeps in logic by its own choice, or one put there by rom_style
            kind = "rom_logic" if mem.style == "lut" else "rom"
            lut[kind] = lut.get(kind, 0) + placed["lut"]
            if mem.style == "lut" and "rom_out" in ff:
                # rom_style "logic": Yosys keeps the output register as flip-flops, where
                # in its own choice it folds the register into the read logic
                moved = min(ff["rom_out"], mem.width)
                ff["rom_out"] -= moved
                ff["rom_out_logic"] = ff.get("rom_out_logic", 0) + moved
        else:
            lut["ram"] = lut.get("ram", 0) + placed["ram_lut"]
            ff["mem"] = ff.get("mem", 0) + placed["ff"]
    return lut, ff, bram


def cell_features(lut: dict, ff: dict) -> dict[str, float]:
    """The features packed cells are priced on: every LUT feature as `lut.K`, every register
    feature as `ff.K` (a block's flip-flops pair with its LUTs at a rate of their own)."""
    return {**{f"lut.{k}": v for k, v in lut.items()}, **{f"ff.{k}": v for k, v in ff.items()}}


def price(parts: Parts, family: str, cal: dict) -> dict[str, float]:
    """LUT/FF/packed cells/LUTRAM/BRAM/DSP of one block's parts on a family (packed cells
    only where the calibration has them, else 0)."""
    lut, ff, bram = features(parts, family)
    res = {"lut": 0.0, "ff": 0.0, "lc": 0.0, "lutram": 0.0, "bram": bram, "dsp": 0.0}
    priced = [("lut", lut), ("ff", ff)]
    if "lc" in cal:
        priced.append(("lc", cell_features(lut, ff)))
    for what, feats in priced:
        coef = cal[what]
        unknown = {k for k, v in feats.items() if v} - set(coef)
        if unknown:
            raise HwgenError(
                f"estimate: calibration for {family} lacks {what} features {sorted(unknown)}"
            )
        res[what] = sum(coef.get(k, 0.0) * v for k, v in feats.items())
    return res


def block_parts(graph) -> list[tuple[object, Parts, Parts]]:
    """(node, its parts, the FIFOs in front of its operands) for every hardware instance,
    plus the output FIFO as a last entry with node None."""
    out = []
    for n in instance_nodes(graph):
        make = PARTS.get(type(n))
        if make is None:
            raise HwgenError(f"node '{n.name}': no estimate for {type(n).__name__}")
        fifos = [fifo_parts(w, d) for w, d in input_fifos(n)]
        for f in fifos[1:]:
            fifos[0].merge(f)
        out.append((n, make(n), fifos[0]))
    out.append((None, Parts("output"), fifo_parts(stream_format(graph).out_width, 2)))
    return out


def estimate_graph(graph, family: str) -> Estimate:
    """Estimate every hardware layer of a folded graph for a device family."""
    cal = load_calibration(family)
    layers = []
    for n, parts, fifo in block_parts(graph):
        res = price(parts, family, cal)
        for k, v in price(fifo, family, cal).items():
            res[k] += v
        if n is None:
            layers.append(LayerEstimate("output FIFO", "fifo", None, None, 0, res))
        else:
            layers.append(
                LayerEstimate(
                    n.name,
                    type(n).__name__,
                    getattr(n, "pe", None),
                    getattr(n, "simd", None),
                    parts.cycles,
                    res,
                )
            )
    if layers:  # fixed cost of the top: framing counter and reset fan-out
        layers[-1].res["lut"] += cal["lut"].get("top", 0)
        layers[-1].res["ff"] += cal["ff"].get("top", 0)
        if "lc" in cal:
            layers[-1].res["lc"] += cal["lc"].get("lut.top", 0) + cal["lc"].get("ff.top", 0)
    in_bytes = frame_sizes(graph)[0] if layers else 0
    return Estimate(family, layers, cells="lc" in cal, in_bytes=in_bytes)


#: what the fit line calls a resource (packed cells by the family's own cell)
LABELS = {
    "lut": "LUT",
    "ff": "FF",
    "dsp": "DSP",
    "bram": "BRAM",
    ("lc", "ice40"): "logic cells",
    ("lc", "ecp5"): "LUT4/carry cells",
}


def board_fit(est: Estimate, board: dict) -> list[dict]:
    """Used against available per resource for a board (boards/*.yaml), with headroom. Packed
    cells are checked where the board gives `logic_cells` and the family is calibrated for
    them; a board that gives them for a family without that calibration is an error, since
    its LUT count alone would say a design fits that the device cannot hold. On a board with
    a `uart` section the UART link's cells and block RAM count too (`estimate.shell`; each
    row's "shell")."""
    if board.get("logic_cells") and not est.cells:
        raise HwgenError(
            f"estimate: {board['name']} is limited by packed logic cells, and the calibration "
            f"for {est.family} has none (run `hwgen calibrate`)"
        )
    avail = {
        "lut": board.get("luts"),
        "ff": board.get("ffs"),
        "lc": board.get("logic_cells"),
        "dsp": board.get("dsps"),
        "bram": board.get("bram18", board.get("ebr")),
    }
    # a board with a host UART gets the bitstream's link around the accelerator
    shell = link_cost(est.in_bytes, est.family) if board.get("uart") else {}
    rows = []
    for r, have in avail.items():
        if have is None:
            continue
        used = est.total[r] + shell.get(r, 0)
        rows.append(
            {
                "resource": r,
                "label": LABELS.get((r, est.family), LABELS.get(r, r.upper())),
                "used": used,
                "available": have,
                "percent": 100.0 * used / have if have else 0.0,
                "fits": used <= have,
                "shell": shell.get(r, 0),
            }
        )
    return rows


def fits(est: Estimate, board: dict) -> bool:
    """Whether every resource fits the board."""
    return all(row["fits"] for row in board_fit(est, board))
