"""Boards: boards/<name>.yaml gives the part, the default clock and the device family."""

from __future__ import annotations

from pathlib import Path

import yaml

from hwgen.errors import HwgenError
from hwgen.paths import SHARE

REQUIRED = {
    "name": str,
    "part": str,
    "clock_mhz": (int, float),
    "family": str,
    "flow": str,
    "luts": int,
    "ffs": int,
    "dsps": int,
}
FLOWS = ("vivado", "icestorm", "trellis")


def board_names() -> list[str]:
    """Every board with a file in boards/."""
    return sorted(p.stem for p in (SHARE / "boards").glob("*.yaml"))


def load_board(name: str) -> dict:
    """A board's fields, checked: a clear error naming the file and the field."""
    path = SHARE / "boards" / f"{name}.yaml"
    if not path.is_file():
        raise HwgenError(f"--board: unknown board '{name}' (boards: {', '.join(board_names())})")
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        raise HwgenError(f"{path}: not valid YAML ({e})") from None
    if not isinstance(doc, dict):
        raise HwgenError(f"{path}: expected a mapping of fields")
    for field, typ in REQUIRED.items():
        if field not in doc:
            raise HwgenError(f"{path}: missing field '{field}'")
        if not isinstance(doc[field], typ):
            raise HwgenError(
                f"{path}: field '{field}' must be {getattr(typ, '__name__', 'a number')}"
            )
    if doc["flow"] not in FLOWS:
        raise HwgenError(
            f"{path}: field 'flow' must be one of {', '.join(FLOWS)}, not '{doc['flow']}'"
        )
    if doc["flow"] == "vivado" and doc["family"] in ("zynq7", "zynquplus"):
        for field, typ in (("board_part", str), ("ps", str), ("dma_width", int)):
            if not isinstance(doc.get(field), typ):
                raise HwgenError(
                    f"{path}: Zynq boards need field '{field}' ({typ.__name__}) for `hwgen package`"
                )
        if doc["ps"] not in ("processing_system7", "zynq_ultra_ps_e"):
            raise HwgenError(
                f"{path}: field 'ps' must be processing_system7 or zynq_ultra_ps_e, not "
                f"'{doc['ps']}'"
            )
        if doc["dma_width"] not in (32, 64, 128):
            raise HwgenError(
                f"{path}: field 'dma_width' must be 32, 64 or 128, not {doc['dma_width']}"
            )
    if doc["name"] != name:
        raise HwgenError(f"{path}: field 'name' is '{doc['name']}', the file says '{name}'")
    return doc


def vivado_boards() -> list[str]:
    """Boards with an AMD part (Vitis HLS / Vivado flows)."""
    return [b for b in board_names() if load_board(b)["flow"] == "vivado"]


def board_path(name: str) -> Path:
    return Path(SHARE / "boards" / f"{name}.yaml")
