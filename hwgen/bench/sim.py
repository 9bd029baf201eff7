"""`make bench`'s simulation section: the native testbench, the cocotb testbench and a bare
Verilator loop on the same RTL, side by side in one run, with their Verilator build times.

- native: `hwgen run BUILD --backend rtl` as a user runs it (a new process: Python start,
  file I/O and the host steps included; the simulator build cached), and the testbench's own
  simulation time;
- cocotb: the same top through cocotb's Verilator runner (Python on every clock edge);
- bare: sim/bare_loop.cpp, TVALID and TREADY always high, no files, no checks: the limit.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.table import Table

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.common import stream_format
from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
from hwgen.execution import run_golden, simulate_hw
from hwgen.ir import Graph
from hwgen.sim.native import build_native, run_bare
from hwgen.sim.verify import random_inputs

#: frames per testbench and net: (native and bare, cocotb)
FRAMES = {
    "TFC-W1A1": (30_000, 1_000),
    "CNV-W1A1": (100, 3),
    "digits-mlp": (5_000, 300),
    "digits-cnn": (2_000, 100),
}


def _whole_command(build: Path, x: np.ndarray) -> tuple[float, np.ndarray]:
    """Seconds of `hwgen run --backend rtl` in a fresh process, and its outputs."""
    with tempfile.TemporaryDirectory() as tmp:
        xi, yo = Path(tmp) / "x.npy", Path(tmp) / "y.npy"
        np.save(xi, x)
        cmd = [
            sys.executable,
            "-m",
            "hwgen",
            "run",
            str(build),
            "-i",
            str(xi),
            "-o",
            str(yo),
            "--backend",
            "rtl",
        ]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        return time.perf_counter() - t0, np.load(yo)


def sim_rows(builds: dict[str, Path], progress=lambda s: None) -> list[dict]:
    """Measure every net in `builds` ({net: compiled build folder}) on the three paths."""

    rows = []
    for net, build in builds.items():
        g = Graph.load_build(build, ("rtl",))
        fmt = stream_format(g)
        n_native, n_cocotb = FRAMES.get(net, (1_000, 50))
        rng = np.random.default_rng(0)
        progress(f"{net}: native testbench")
        x = rng.random((n_native, *g.input_shape[1:]), dtype=np.float32)
        hw_in = random_inputs(g, n_native, rng)
        for old in (build / "sim_build").glob("native-*"):  # time a cold build
            shutil.rmtree(old, ignore_errors=True)
        _, nat = simulate_hw(g, build, hw_in)  # builds (timed) and runs the testbench
        _whole_command(build, x[:10])  # warm: the page cache, the build
        whole_s, y = _whole_command(build, x)
        exact = bool(np.array_equal(y, run_golden(g, x).astype(np.float32)))
        progress(f"{net}: bare loop")
        bare_exe, bare_build_s = build_native(
            rtl_sources(build / "rtl"), TOP_NAME, build / "sim_build", bare=True
        )
        bare = run_bare(bare_exe, n_native, fmt.in_beats)
        progress(f"{net}: cocotb testbench")
        _, coc = simulate_hw(g, build, hw_in[:n_cocotb], testbench="cocotb")
        cpf = nat.steady_cycles_per_frame()
        rows.append(
            {
                "net": net,
                "cpf": cpf,
                "frames": n_native,
                "frames_cocotb": n_cocotb,
                "exact": exact,
                "native_build_s": nat.build_seconds,
                "bare_build_s": bare_build_s,
                "cocotb_build_s": coc.build_seconds,
                "native_fps": n_native / nat.run_seconds,
                "native_cps": nat.done_cycles[-1] / nat.run_seconds,
                "whole_fps": n_native / whole_s,
                "cocotb_fps": n_cocotb / coc.run_seconds,
                "cocotb_cps": coc.done_cycles[-1] / coc.run_seconds,
                "bare_fps": bare["frames"] / bare["seconds"],
                "bare_cps": bare["cycles"] / bare["seconds"],
            }
        )
    return rows


COLUMNS = (
    "net",
    "cycles/frame",
    "frames",
    "hwgen run frames/s",
    "native tb frames/s",
    "native Mcycles/s",
    "bare loop frames/s",
    "bare Mcycles/s",
    "hwgen run / bare",
    "cocotb frames/s",
    "cocotb kcycles/s",
    "native / cocotb",
    "native build s",
    "bare build s",
    "cocotb build s",
    "== golden",
)


def sim_table(rows: list[dict]) -> list[tuple[str, ...]]:
    """The rows as table cells, in COLUMNS' order."""
    return [
        (
            r["net"],
            f"{r['cpf']:.0f}",
            f"{r['frames']:,} / {r['frames_cocotb']:,}",
            f"{r['whole_fps']:,.1f}",
            f"{r['native_fps']:,.1f}",
            f"{r['native_cps'] / 1e6:.3f}",
            f"{r['bare_fps']:,.1f}",
            f"{r['bare_cps'] / 1e6:.3f}",
            f"{r['whole_fps'] / r['bare_fps']:.2f}",
            f"{r['cocotb_fps']:,.2f}",
            f"{r['cocotb_cps'] / 1e3:.1f}",
            f"{r['native_fps'] / r['cocotb_fps']:.0f}x",
            f"{r['native_build_s']:.1f}",
            f"{r['bare_build_s']:.1f}",
            f"{r['cocotb_build_s']:.1f}",
            "yes" if r["exact"] else "NO",
        )
        for r in rows
    ]


def sim_section(builds: dict[str, Path], console) -> str:
    """Measure, print a rich table, and return the Markdown section."""
    with console.status("simulation") as st:
        rows = sim_rows(builds, lambda s: st.update(f"simulation: {s}"))
    cells = sim_table(rows)
    t = Table(
        title="RTL simulation: native testbench vs bare Verilator loop vs cocotb "
        "(same RTL, no stalls)"
    )
    for c in COLUMNS:
        t.add_column(c, justify="left" if c == "net" else "right")
    for row in cells:
        t.add_row(*row)
    console.print(t)
    md = [
        "",
        "### RTL simulation: native testbench, bare Verilator loop, cocotb (same RTL, one run)",
        "",
        "frames: native and bare / cocotb. `hwgen run` is the whole command in a new process "
        "(Python start, "
        "file I/O and host steps included, simulator build cached); builds are cold.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    md += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(md) + "\n"
