"""One function simulates a compiled build's accelerator: `simulate_accelerator`.

Verilator runs the native testbench (sim/native_tb.cpp, no Python per clock) unless the
cocotb testbench is asked for; Icarus runs the cocotb testbench. Both take the accelerator's
inputs (bits or integers, (B, ...)) and give its last layer's integer outputs (B, elements)
with an `AccelSim` result: per frame the completion cycle, the steady rate, the build time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
from hwgen.errors import HwgenError
from hwgen.framing import input_frames, output_values
from hwgen.ir import Graph
from hwgen.manifest import check_build
from hwgen.ops.stream_op import folding_bound
from hwgen.sim.native import NativeSimError, build_native, run_native
from hwgen.sim.runner import simulate, steady_cycles_per_frame
from hwgen.sim.stream import element_bits, pack_words, unpack_words
from hwgen.sim.tools import require_simulator

TESTBENCHES = ("native", "cocotb")


@dataclass
class AccelSim:
    """What a simulation of the accelerator measured."""

    done_cycles: list[int]  # per frame, the cycle its last output beat was taken
    start_cycles: list[int] | None  # per frame, the cycle its first input beat was taken (native)
    build_seconds: float  # 0 when the simulator build came from the cache
    run_seconds: float
    testbench: str  # "native" or "cocotb"
    sim: str
    resets: int = 0  # resets asserted mid-run (reset_at)

    def steady_cycles_per_frame(self) -> float:
        """Mean cycles between frame completions after the first (pipeline fill excluded)."""
        return steady_cycles_per_frame(self.done_cycles)


def default_testbench(sim: str) -> str:
    """Verilator runs natively; Icarus through cocotb."""
    return "native" if sim == "verilator" else "cocotb"


def simulate_accelerator(
    g: Graph,
    build: Path,
    values: np.ndarray,
    sim: str = "verilator",
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    testbench: str | None = None,
    trace: Path | None = None,
    trace_window: tuple[int, int] | None = None,
    sources: list[str] | None = None,
    reset_at: list[int] = (),
    progress: Callable[[int, int, float], None] | None = None,
) -> tuple[np.ndarray, AccelSim]:
    """Stream accelerator inputs (B, ...) through the build's Verilog; returns (the last
    layer's integer outputs (B, elements), AccelSim). `sources` replaces the build's Verilog
    (tests use it to simulate a wrapped, faulty top). `reset_at`: cycles at which ap_rst_n
    is asserted mid-run, on either testbench; the frames not done by then are sent again, so
    the outputs are still every frame's, once (`AccelSim.resets` counts those applied).
    `progress(frames done, frames, seconds)` is called while a cocotb run goes (Icarus runs
    take minutes; the native testbench runs at Verilator's speed and calls nothing)."""

    testbench = testbench or default_testbench(sim)
    if testbench not in TESTBENCHES:
        raise HwgenError(
            f"--testbench: unknown testbench '{testbench}' (choose from {', '.join(TESTBENCHES)})"
        )
    require_simulator(sim)
    if testbench == "native" and sim != "verilator":
        raise HwgenError(
            f"--testbench native runs on Verilator, not {sim} (use --testbench cocotb)"
        )
    hw = g.hw_nodes()
    if not hw:
        raise HwgenError(f"{build}: the graph has no hardware layers")
    rtl_dir = Path(build).resolve() / "rtl"
    own = sources is None
    if own:
        if not (rtl_dir / f"{TOP_NAME}.v").is_file():
            raise HwgenError(f"{rtl_dir}: no generated Verilog (run `hwgen compile` first)")
        sources = rtl_sources(rtl_dir)
    # the Verilog and its ROM images must be this graph's, unchanged since compile
    check_build(build, ("graph", "rtl") if own else ("graph",), g)
    if trace is not None:  # the testbench runs in the build's rtl/: the path must not depend on it
        trace = Path(trace).resolve()
        trace.parent.mkdir(parents=True, exist_ok=True)
    run = _native if testbench == "native" else _cocotb
    return run(
        g,
        Path(build).resolve(),
        sources,
        values,
        sim,
        in_pause,
        out_pause,
        seed,
        trace,
        trace_window,
        sorted(int(c) for c in reset_at),
        progress,
    )


def cycle_limits(g: Graph, frames: int, in_pause: float, out_pause: float) -> tuple[int, int]:
    """(watchdog, cycle limit): no beat in or out for longer than a frame's trip through every
    layer is a hang; the whole run may take four times the folding bound's time."""
    fmt = stream_format(g)
    slow = 1.0 / max(1e-3, (1 - in_pause) * (1 - out_pause))
    trip = (
        sum(max(1, int(getattr(n, "cycles", 1))) for n in g.hw_nodes())
        + fmt.in_beats
        + fmt.out_beats
    )
    watchdog = int(4 * slow * trip + 1000)
    limit = int(
        200
        + 4 * slow * (frames + 2) * (folding_bound(g) + fmt.in_beats + fmt.out_beats)
        + 50 * len(g.hw_nodes())
        + watchdog
    )
    return watchdog, limit


def _native(
    g, build, sources, values, sim, in_pause, out_pause, seed, trace, trace_window, reset_at, _p
):

    fmt = stream_format(g)
    frames = len(values)
    words = pack_words(element_bits(values, fmt.in_elem_bits), fmt.in_width)
    exe, build_s = build_native(sources, TOP_NAME, build / "sim_build", trace=trace is not None)
    watchdog, limit = cycle_limits(g, frames, in_pause, out_pause)
    kw = dict(
        frames=frames,
        in_beats=fmt.in_beats,
        out_beats=fmt.out_beats,
        in_width=fmt.in_width,
        out_width=fmt.out_width,
        in_pause=in_pause,
        out_pause=out_pause,
        seed=seed,
        watchdog=watchdog,
        max_cycles=limit * (1 + len(reset_at)),
        workdir=build / "rtl",
        reset_at=reset_at,
    )
    try:
        res = run_native(exe, words, trace=trace, trace_window=trace_window, **kw)
    except NativeSimError as e:
        if trace is not None or e.cycle is None:
            raise
        # rerun with a waveform of the stretch before the stop (a hang: around the last beat)
        # and name its file
        wave = build / "waves" / f"stop_cycle{e.cycle}.vcd"
        wave.parent.mkdir(parents=True, exist_ok=True)
        texe, _ = build_native(sources, TOP_NAME, build / "sim_build", trace=True)
        end = e.cycle if e.last_beat is None else min(e.cycle, e.last_beat + 500)
        try:
            run_native(texe, words, trace=wave, trace_window=(max(0, end - 2000), end + 2), **kw)
        except NativeSimError:
            pass
        raise NativeSimError(f"{e} (waveform: {wave})", e.frame, e.cycle, e.last_beat) from None
    out = unpack_words(
        res.beats,
        frames,
        fmt.out_lanes,
        fmt.out_lane_bits,
        fmt.out_elems,
        signed=g.hw_nodes()[-1].out_lanes_signed,
    )
    return out, AccelSim(
        res.done_cycles, res.start_cycles, build_s, res.run_seconds, "native", sim, res.resets
    )


def _cocotb(
    g,
    build,
    sources,
    values,
    sim,
    in_pause,
    out_pause,
    seed,
    trace,
    trace_window,
    reset_at,
    progress,
):

    if trace is not None:
        raise HwgenError(
            "waveforms come from the native testbench (--sim verilator --testbench native)"
        )
    fmt = stream_format(g)
    frames = input_frames(g, values)
    _watchdog, limit = cycle_limits(g, len(frames), in_pause, out_pause)
    t0 = time.perf_counter()
    res = simulate(
        sim,
        TOP_NAME,
        sources,
        build / "sim_build",
        frames,
        limit * (1 + len(reset_at)),
        in_pause,
        out_pause,
        seed,
        workdir=build / "rtl",
        reset_at=reset_at,
        progress=progress,
    )
    seconds = time.perf_counter() - t0 - res.build_seconds
    short = [k for k, f in enumerate(res.frames) if len(f) != fmt.out_beats]
    if short:  # TLAST in the wrong place splits frames wrongly
        raise HwgenError(
            f"RTL framing: output frame {short[0]} has {len(res.frames[short[0]])} beats "
            f"between TLASTs, expected {fmt.out_beats}"
        )
    out = output_values(g, res.frames)
    return out, AccelSim(
        res.done_cycles, None, res.build_seconds, seconds, "cocotb", sim, res.resets
    )
