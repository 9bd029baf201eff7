"""Running a compiled build: model inputs through the host steps and a backend (the golden
model, the simulated Verilog, the C-simulated HLS), model outputs back, as the PyTorch model's.
The API, the CLI and the tests call these; `hwgen.framing` cuts the frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.backends.hls.csim import run_csim
from hwgen.errors import HwgenError
from hwgen.framing import around_accelerator, input_frames, output_values, run_golden  # noqa: F401
from hwgen.ir import Graph
from hwgen.manifest import check_build
from hwgen.sim.accelerator import simulate_accelerator
from hwgen.sim.shards import simulate_sharded


def simulate_hw(
    g: Graph,
    build: Path,
    bits: np.ndarray,
    sim: str = "verilator",
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    testbench: str | None = None,
    **kw,
):
    """Stream accelerator inputs (B, ...) through the generated Verilog (native testbench on
    Verilator, cocotb on Icarus or on request); returns (integer outputs of the last layer
    (B, MH), AccelSim). See `hwgen.sim.accelerator.simulate_accelerator`."""
    return simulate_accelerator(g, build, bits, sim, in_pause, out_pause, seed, testbench, **kw)


def run_rtl(
    g: Graph,
    build: Path,
    x: np.ndarray,
    sim: str = "verilator",
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    testbench: str | None = None,
    trace: Path | None = None,
    progress=None,
):
    """Model inputs through the host steps and the simulated Verilog: (outputs, AccelSim);
    `trace` writes a VCD waveform of the whole run (native testbench); `progress(done, total,
    seconds)` is called as a cocotb run goes."""
    return around_accelerator(
        g,
        x,
        lambda v: simulate_hw(
            g, build, v, sim, in_pause, out_pause, seed, testbench, trace=trace, progress=progress
        ),
    )


def simulate_csim(g: Graph, build: Path, values: np.ndarray):
    """Stream accelerator inputs through the g++ C-simulation of the HLS top; returns
    (integer outputs of the last layer, CsimResult)."""
    hls_dir = Path(build).resolve() / "hls"
    if not (hls_dir / "hwgen_top.cpp").is_file():
        raise HwgenError(f"{hls_dir}: no generated HLS code (run `hwgen compile` first)")
    check_build(build, ("graph", "hls"), g)
    fmt = stream_format(g)
    frames = input_frames(g, values)
    res = run_csim(hls_dir, frames, fmt.in_width)
    if len(res.beats) != len(frames) * fmt.out_beats:
        raise HwgenError(
            f"C-simulation wrote {len(res.beats)} beats for {len(frames)} frames "
            f"(expected {fmt.out_beats} each)"
        )
    per = [res.beats[k * fmt.out_beats : (k + 1) * fmt.out_beats] for k in range(len(frames))]
    return output_values(g, per), res


def run_csim_model(g: Graph, build: Path, x: np.ndarray):
    """Model inputs through the host steps and the C-simulated HLS top: (outputs, CsimResult)."""
    return around_accelerator(g, x, lambda v: simulate_csim(g, build, v))


def run_rtl_sharded(
    g: Graph,
    build: Path,
    x: np.ndarray,
    jobs: int | None = None,
    address: str | None = None,
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    folder: Path | None = None,
    resume: bool = False,
    progress=None,
):
    """Model inputs through the host steps and the simulated Verilog, its frames in shards over
    `jobs` processes or a Ray cluster at `address` (`hwgen.sim.shards`): (outputs, ShardRun)."""
    return around_accelerator(
        g,
        x,
        lambda v: simulate_sharded(
            g,
            build,
            v,
            jobs,
            address,
            in_pause,
            out_pause,
            seed,
            folder,
            resume,
            progress=progress,
        ),
    )
