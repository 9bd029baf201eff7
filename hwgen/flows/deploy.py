"""The deploy/ folder of `hwgen package`: what a user copies to the board. The driver on
the board is hwgen's own (hwgen.driver with the PYNQ transport), so the host steps are the
ones `hwgen run` uses; the numpy-only parts of the package travel along."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.templates import render
from hwgen.flows.boards import load_board
from hwgen.ir import Graph
from hwgen.paths import PACKAGE, VERSION
from hwgen.sim.verify import random_inputs

# what the board needs from hwgen (numpy only: no torch, Brevitas, qonnx or cocotb)
RUNTIME = [
    "__init__.py",
    "errors.py",
    "paths.py",
    "framing.py",
    "ir",
    "ops",
    "golden",
    "passes",
    "backends/__init__.py",
    "backends/common.py",
    "driver",
    "sim/__init__.py",
    "sim/stream.py",
    "sim/handshake.py",
]
SELF_CHECK_FRAMES = 64


def _copy_runtime(dest: Path) -> None:
    src = PACKAGE
    for item in RUNTIME:
        s, d = src / item, dest / "hwgen" / item
        d.parent.mkdir(parents=True, exist_ok=True)
        if s.is_dir():
            shutil.copytree(s, d, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(s, d)


def write_deploy(build: Path, board: str, deploy: Path) -> Path:
    """Fill `deploy`: model/ (graph and weights), hwgen/ (runtime), driver.json,
    run_on_board.py, self_check.npz (inputs and the golden model's outputs), README.md.
    The bitstream and .hwh land here when Vivado runs."""
    b = load_board(board)
    build = Path(build).resolve()
    deploy.mkdir(parents=True, exist_ok=True)
    model = deploy / "model"
    model.mkdir(exist_ok=True)
    for f in build.iterdir():
        if f.is_file() and (f.suffix in (".json", ".npz")):
            shutil.copy2(f, model / f.name)
    _copy_runtime(deploy)
    g = Graph.load_build(build)
    report = json.loads((build / "report.json").read_text())
    cfg = {
        "board": board,
        "bitfile": "hwgen.bit",
        "ip": "hwgen_0",
        "dma": "axi_dma_0",
        "dma_width": b["dma_width"],
        "clock_mhz": b["clock_mhz"],
        "cycles_per_frame": report["bound_cycles"],
        "hwgen_version": VERSION,
    }
    (deploy / "driver.json").write_text(json.dumps(cfg, indent=1) + "\n")
    bits = random_inputs(g, SELF_CHECK_FRAMES, np.random.default_rng(0))
    np.savez(deploy / "self_check.npz", inputs=bits, outputs=g.execute(bits, g.split()[1]))
    ctx = dict(
        version=VERSION,
        board=board,
        part=b["part"],
        graph_name=g.name,
        dma_width=b["dma_width"],
        clock_mhz=b["clock_mhz"],
        cycles=report["bound_cycles"],
        fps=b["clock_mhz"] * 1e6 / report["bound_cycles"],
        frames=SELF_CHECK_FRAMES,
        tcl=str(build / "package" / board / "package.tcl"),
    )
    (deploy / "run_on_board.py").write_text(render("pynq/run_on_board.py.j2", **ctx))
    (deploy / "README.md").write_text(render("pynq/README.md.j2", **ctx))
    return deploy
