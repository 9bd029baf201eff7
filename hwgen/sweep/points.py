"""Sweep points: what one design-space point is (a folding or a target rate, on a board, with
the tool steps asked for) and its content key, so an identical point is never run twice."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.paths import PACKAGE, SHARE, VERSION
from hwgen.sim.native import verilator_version


@dataclass(frozen=True)
class Point:
    """One design point of a model: a global PE/SIMD or a target frame rate, for `board`."""

    board: str
    pe: int | None = None
    simd: int | None = None
    target_fps: float | None = None
    clock_mhz: float | None = None  # the clock the pipeline stages are chosen for (None: board's)
    synth: bool = False  # Yosys for the board's family
    pnr: bool = False  # nextpnr (iCE40): fmax and the frame rate at it
    sim_frames: int = 0  # native RTL simulation of this many random frames against golden
    synth_boards: tuple[str, ...] = field(default=())  # Yosys for these boards too (calibrate)
    archive: bool = False  # return the build folder (without simulator builds) as a tar.gz

    @property
    def label(self) -> str:
        what = (
            f"fps{self.target_fps:g}"
            if self.target_fps is not None
            else f"pe{self.pe}-simd{self.simd}"
        )
        clock = f"-{self.clock_mhz:g}mhz" if self.clock_mhz is not None else ""
        return f"{self.board}-{what}{clock}"


def grid(
    board: str,
    pes: list[int] | None,
    simds: list[int] | None,
    target_fps: list[float] | None,
    **steps,
) -> list[Point]:
    """The points of `hwgen sweep`: every PE x SIMD pair, or every target rate."""
    if target_fps:
        return [Point(board, target_fps=float(f), **steps) for f in target_fps]
    return [Point(board, pe, simd, **steps) for pe in (pes or [1]) for simd in (simds or [1])]


@cache
def code_digest() -> str:
    """A hash of everything that makes a point's figures: hwgen's Python, its Verilog and HLS
    libraries, templates, boards and calibration. A changed hwgen never reuses old results."""
    h = hashlib.sha256(VERSION.encode())
    for base, pattern in (
        (PACKAGE, "**/*.py"),
        (PACKAGE, "**/*.json"),
        (SHARE, "rtl/*.v"),
        (SHARE, "hls/**/*"),
        (SHARE, "templates/**/*"),
        (SHARE, "boards/*.yaml"),
        (SHARE, "sim/*"),
    ):
        for f in sorted(base.glob(pattern)):
            if (
                f.is_file()
                and "__pycache__" not in f.parts
                and "_share" not in f.relative_to(base).parts
            ):
                h.update(str(f.relative_to(base)).encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def point_key(model_digest: bytes, point: Point, extra: str = "") -> str:
    """Content key of a point: the model files' digest (`files_digest`), the point, hwgen's
    code, and `extra` (the tool versions)."""
    h = hashlib.sha256(model_digest)
    h.update(json.dumps(asdict(point), sort_keys=True).encode())
    h.update(code_digest().encode())
    h.update(extra.encode())
    return h.hexdigest()[:24]


def tool_versions() -> str:
    """The versions of Yosys, nextpnr and Verilator here (part of every point's key)."""
    out = []
    for tool in ("yosys", "nextpnr-ice40"):
        exe = shutil.which(tool)
        if exe:
            p = subprocess.run([exe, "--version"], capture_output=True, text=True)
            out.append(
                (p.stdout or p.stderr).strip().splitlines()[0] if (p.stdout or p.stderr) else tool
            )
    out.append(verilator_version())
    return "|".join(out)


def model_files(path: Path) -> dict[str, bytes]:
    """The model file and its external-data file, if any (a torch export may write one): what
    a worker on another machine needs, as data."""
    path = Path(path)
    if not path.is_file():
        raise HwgenError(f"{path}: model file not found")
    files = {path.name: path.read_bytes()}
    ext = path.with_name(path.name + ".data")
    if ext.is_file():
        files[ext.name] = ext.read_bytes()
    return files


def files_digest(files: dict[str, bytes]) -> bytes:
    """Bytes that identify a set of model files (names and contents)."""
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return h.digest()
