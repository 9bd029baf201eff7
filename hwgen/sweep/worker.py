"""What one sweep point does in a Ray worker: compile, estimate, and the tool steps asked for
(Yosys, nextpnr, native RTL simulation), in a temporary folder of its own. It returns figures
as data (and, on request, the build as an archive), so no filesystem is shared."""

from __future__ import annotations

import base64
import io
import socket
import tarfile
import tempfile
import time
from pathlib import Path

from hwgen.errors import HwgenError
from hwgen.estimate import board_fit, estimate_graph, fits
from hwgen.flows.boards import load_board
from hwgen.flows.lattice import build_bitstream
from hwgen.flows.pack import pack_synthesized
from hwgen.flows.yosys import run_yosys, slice_luts
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import verify_rtl
from hwgen.sweep.points import Point


def run_point(files: dict[str, bytes], model_name: str, point: Point) -> dict:
    """Figures of one point; raises HwgenError (recorded by the engine) when a step fails."""

    board = load_board(point.board)
    # the point's label in the folder's name: tool logs and errors say which point they are
    with tempfile.TemporaryDirectory(prefix=f"hwgen-sweep-{point.label}-") as tmp:
        t = Path(tmp)
        for name, data in files.items():
            (t / name).write_bytes(data)
        build = t / "build"
        t0 = time.perf_counter()
        g, _ = compile_model(
            CompileOptions(
                t / model_name,
                build,
                point.pe,
                point.simd,
                board=point.board,
                target_fps=point.target_fps,
                clock_mhz=point.clock_mhz,
            )
        )
        est = estimate_graph(g, board["family"])
        clock_mhz = point.clock_mhz or board["clock_mhz"]
        clock = clock_mhz * 1e6
        mvus = [n for n in g.hw_nodes() if hasattr(n, "simd")]
        out = {
            "label": point.label,
            "board": point.board,
            "family": board["family"],
            "pe": point.pe,
            "simd": point.simd,
            "target_fps": point.target_fps,
            "folding": {n.name: [n.pe, n.simd] for n in mvus},
            "cycles": est.cycles,
            "fps": clock / est.cycles,
            "clock_mhz": clock_mhz,
            "lut": est.total["lut"],
            "ff": est.total["ff"],
            "bram": est.total["bram"],
            "fits": fits(est, board),
            "fit": board_fit(est, board),
            "host": socket.gethostname(),
            "compile_s": time.perf_counter() - t0,
        }
        for b in sorted({*point.synth_boards, *([point.board] if point.synth else [])}):
            out.setdefault("synth", {})[b] = _yosys(build, b)
        if point.synth:
            s = out["synth"][point.board]
            out.update(lut_syn=s["lut"], ff_syn=s["ff"], bram_syn=s["bram"])
        if point.pnr:
            out.update(_pnr(build, point.board, est.cycles))
        if point.sim_frames:
            out.update(_simulate(g, build, point.sim_frames))
        if point.archive:
            out["archive_b64"] = _archive(build)
    return out


def _yosys(build: Path, board: str) -> dict:
    r = run_yosys(build, board)
    s = r["summary"]
    packed = pack_synthesized(build, board)
    return {
        "packed": packed,
        "lut": slice_luts(s),
        "ff": s["ff"],
        "bram": s.get("bram", 0),
        "seconds": r["seconds"],
        "summary": s,
        "cells": r["cells"],
    }


def _pnr(build: Path, board: str, cycles: int) -> dict:
    r = build_bitstream(build, board)
    fmax = r["fmax_mhz"]
    return {
        "fmax_mhz": fmax,
        "fps_at_fmax": fmax * 1e6 / cycles if fmax else None,
        "pnr_seconds": sum(r["seconds"].values()),
    }


def _simulate(g, build: Path, frames: int) -> dict:
    r = verify_rtl(g, build, frames=frames, sim="verilator", seed=1)
    if r.mismatches:
        raise HwgenError(
            f"RTL simulation: {r.mismatches} of {frames} frames differ from the golden model"
        )
    return {"sim_frames": frames, "sim_cycles_per_frame": r.cycles_per_frame, "sim_bound": r.bound}


def _archive(build: Path) -> str:
    """The build folder without simulator builds or waveforms, as base64 of a tar.gz."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(
            build,
            arcname=".",
            filter=lambda ti: (
                None if any(part in ("sim_build", "waves") for part in Path(ti.name).parts) else ti
            ),
        )
    return base64.b64encode(buf.getvalue()).decode()


def extract_archive(data_b64: str, dest: Path) -> Path:
    """Unpack a point's archive as the build folder `dest` (relative paths only)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(base64.b64decode(data_b64)), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")
    return dest
