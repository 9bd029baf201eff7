"""RTL against the golden model: bit mismatches and the measured rate against the bound."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.execution import simulate_hw
from hwgen.ir import Graph
from hwgen.ops import XnorMVU
from hwgen.passes.folding import folding_bound
from hwgen.sim.shards import simulate_sharded


@dataclass
class RtlCheck:
    """Outcome of streaming frames through the simulated accelerator."""

    frames: int
    mismatches: int  # frames whose output differs from the golden model in any bit
    cycles_per_frame: float  # steady state, from simulation
    bound: int  # folding bound of the slowest layer
    build_seconds: float
    sim_seconds: float
    first_mismatch: int | None = None  # index of the first differing frame
    waveform: Path | None = None  # VCD around the first differing frame (native testbench)
    testbench: str = "native"


def verify_rtl(
    g: Graph,
    build: Path,
    frames: int = 100,
    sim: str = "verilator",
    pause: float = 0.0,
    seed: int = 1,
    bits: np.ndarray | None = None,
    testbench: str | None = None,
    waveform_on_mismatch: bool = True,
    trace: Path | None = None,
    jobs: int | None = None,
    address: str | None = None,
    progress=None,
) -> RtlCheck:
    """Random (or given) input bit vectors through RTL and golden; count differing frames.
    On the native testbench a mismatch also writes a waveform around the first differing
    frame (`build/waves/mismatch_frameK.vcd`). With `jobs` or `address` the frames run in
    shards (`hwgen.sim.shards`; the waveform then comes from a run of the frames up to it).
    `progress(done, total, seconds)` is called as a cocotb run goes."""

    hw = g.hw_nodes()
    if bits is None:
        bits = random_inputs(g, frames, np.random.default_rng(seed))
    want = g.execute(bits, hw)
    t0 = time.perf_counter()
    if jobs is not None or address is not None:
        got, run = simulate_sharded(
            g, build, bits, jobs, address, pause, pause, seed, folder=Path(build) / "shards-verify"
        )
        seconds = time.perf_counter() - t0
        check = RtlCheck(
            len(bits),
            0,
            run.cycles_per_frame,
            folding_bound(g),
            run.build_seconds,
            seconds - run.build_seconds,
            testbench="native",
        )
        res = None
    else:
        got, res = simulate_hw(
            g, build, bits, sim, pause, pause, seed, testbench, trace=trace, progress=progress
        )
        seconds = time.perf_counter() - t0
        cpf = res.steady_cycles_per_frame() if len(bits) >= 3 else float("nan")
        check = RtlCheck(
            len(bits),
            0,
            cpf,
            folding_bound(g),
            res.build_seconds,
            seconds - res.build_seconds,
            testbench=res.testbench,
        )
    differs = np.any(got != want.reshape(got.shape), axis=1)
    bad = check.mismatches = int(np.sum(differs))
    if bad:
        k = int(np.argmax(differs))
        check.first_mismatch = k
        if trace is not None:
            check.waveform = Path(trace)
        elif waveform_on_mismatch and (res is None or res.start_cycles is not None):
            wave = Path(build).resolve() / "waves" / f"mismatch_frame{k}.vcd"
            wave.parent.mkdir(parents=True, exist_ok=True)
            if res is None:  # sharded: the frames up to it, once, to find its cycles
                _out, res = simulate_hw(g, build, bits[: k + 1], sim, pause, pause, seed, "native")
            simulate_hw(
                g,
                build,
                bits[: k + 1],
                sim,
                pause,
                pause,
                seed,
                testbench or "native",
                trace=wave,
                trace_window=(max(0, res.start_cycles[k] - 16), res.done_cycles[k] + 16),
            )
            check.waveform = wave
    return check


def random_inputs(g: Graph, frames: int, rng: np.random.Generator) -> np.ndarray:
    """Random accelerator inputs: bits, or integers over the input quantizer's whole range."""
    first = g.hw_nodes()[0]
    shape = (first.mw,) if isinstance(first, XnorMVU) else (first.h, first.w, first.c)
    ebits = stream_format(g).in_elem_bits
    if ebits == 1:
        return rng.integers(0, 2, size=(frames,) + shape, dtype=np.uint8)
    # the first matrix layer reads the input integers (a sliding window may sit in front of it)
    signed = next(n.in_signed for n in g.hw_nodes() if isinstance(n, XnorMVU))
    lo, hi = (-(1 << (ebits - 1)), (1 << (ebits - 1)) - 1) if signed else (0, (1 << ebits) - 1)
    return rng.integers(lo, hi + 1, size=(frames,) + shape, dtype=np.int64)
