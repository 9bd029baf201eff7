"""RTL simulation at volume: a run's frames cut into shards, one native testbench process per
shard, on this machine's cores (`jobs`) or as Ray tasks on a cluster (`address`).

The executable is built once; a Ray task gets it and the ROM images as bytes (no shared
filesystem). Frames are independent, so outputs come back in frame order, bit-identical for
any number of jobs; the stalls are drawn per frame (`--frame-seeds`), so a frame meets the
same back-pressure whichever shard it is in. Each finished shard is written to the run's
folder as it completes (`shard_NNNNN.npz`, beside `plan.json`, which names the inputs and the
build): `resume` runs only the shards that are missing. A testbench process that dies (a
signal, not a verdict) is run again, up to `RETRIES` times (Ray's task retries on a cluster);
a verdict (watchdog, framing) names the shard's frames and stops the run. An interrupted run
(Ctrl-C) stops with one line: how many frames are done and how to resume.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import stat
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.backends.rtl.codegen import TOP_NAME, rtl_sources
from hwgen.cluster import start_ray
from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.manifest import check_build
from hwgen.sim.accelerator import cycle_limits
from hwgen.sim.native import NativeSimError, build_native, run_native
from hwgen.sim.stream import element_bits, pack_words, unpack_words

#: a dead testbench process is run again this many times (locally; Ray retries its tasks)
RETRIES = 2
#: test-only fault: "K:MARKER" kills shard K's first attempt (while MARKER does not exist)
FAULT_ENV = "HWGEN_TEST_SHARD_FAULT"


@dataclass
class ShardRun:
    """What a sharded run did: shards in all, shards simulated by this call (the others were
    there from an earlier run), frames, wall seconds, the build's seconds (0 when cached), the
    steady cycles per frame (mean over the shards), and where the shards are."""

    shards: int
    shards_run: int
    frames: int
    seconds: float
    build_seconds: float
    cycles_per_frame: float
    folder: Path
    jobs: int
    where: str  # "local" or the Ray address

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else float("inf")


def default_jobs() -> int:
    """The cores of this machine."""
    return os.cpu_count() or 1


def shard_bounds(frames: int, shard_frames: int) -> list[tuple[int, int]]:
    """[first, end) frame ranges of `shard_frames` frames (the last may be shorter)."""
    return [(lo, min(frames, lo + shard_frames)) for lo in range(0, frames, shard_frames)]


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.hexdigest()[:16]


def _plan(folder: Path, doc: dict, resume: bool) -> dict:
    """The run's plan: written anew (old shards removed), or, with `resume`, the one there,
    which must be this run's (same inputs, build and stalls)."""
    path = folder / "plan.json"
    if resume and path.is_file():
        old = json.loads(path.read_text())
        same = {k: old.get(k) for k in doc if k != "shard_frames"} == {
            k: v for k, v in doc.items() if k != "shard_frames"
        }
        if not same:
            raise HwgenError(
                f"--resume: {folder} holds shards of another run (other inputs, build or "
                "back-pressure); run without --resume to start over"
            )
        return old
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    path.write_text(json.dumps(doc, indent=1))
    return doc


def _fault(k: int) -> bool:
    """The test-only fault for shard `k`: true once (it leaves its marker file)."""
    spec = os.environ.get(FAULT_ENV, "")
    if not spec or int(spec.split(":", 1)[0]) != k:
        return False
    marker = Path(spec.split(":", 1)[1])
    if marker.exists():
        return False
    marker.write_text("killed\n")
    return True


def _simulate(exe: Path, words: np.ndarray, lo: int, n: int, kw: dict, workdir: Path) -> dict:
    """One shard through one testbench process: its output words and per-frame cycles."""
    res = run_native(exe, words, n, first_frame=lo, workdir=workdir, **kw)
    return {"beats": res.beats, "done": np.asarray(res.done_cycles, np.int64)}


def _ray_shard(exe_bytes: bytes, roms: dict, words: np.ndarray, k: int, lo: int, n: int, kw: dict):
    """A Ray task: the shard in a fresh folder holding the executable and the ROM images."""
    if _fault(k):
        os._exit(1)  # a worker that dies: Ray runs the task again
    with tempfile.TemporaryDirectory(prefix="hwgen-shard-") as tmp:
        t = Path(tmp)
        exe = t / "tb"
        exe.write_bytes(exe_bytes)
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
        for name, data in roms.items():
            (t / name).write_bytes(data)
        return _simulate(exe, words, lo, n, kw, t)


def _local_shard(exe: Path, words: np.ndarray, k: int, lo: int, n: int, kw: dict, workdir: Path):
    """A shard here, run again when its process dies."""
    for attempt in range(RETRIES + 1):
        target = exe
        if _fault(k):  # a process killed mid-run
            target = Path(tempfile.mkdtemp(prefix="hwgen-fault-")) / "die.sh"
            target.write_text("#!/bin/sh\nkill -9 $$\n")
            target.chmod(0o755)
        try:
            return _simulate(target, words, lo, n, kw, workdir)
        except NativeSimError as e:
            if not e.crashed or attempt == RETRIES:
                raise
    raise AssertionError("unreachable")


def simulate_sharded(
    g: Graph,
    build: Path,
    values: np.ndarray,
    jobs: int | None = None,
    address: str | None = None,
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    folder: Path | None = None,
    resume: bool = False,
    shard_frames: int | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> tuple[np.ndarray, ShardRun]:
    """Accelerator inputs (B, ...) through the build's Verilog in shards: `jobs` processes here
    (default: the cores), or Ray tasks at `address`. Returns (the last layer's integer outputs
    (B, elements), ShardRun). Shards go to `folder` (default: BUILD/shards); `resume` keeps
    the ones there. `progress(frames done, frames, seconds)` is called as shards finish."""
    build = Path(build).resolve()
    rtl = build / "rtl"
    if not (rtl / f"{TOP_NAME}.v").is_file():
        raise HwgenError(f"{rtl}: no generated Verilog (run `hwgen compile` first)")
    manifest = check_build(build, ("graph", "rtl"), g)
    jobs = int(jobs or default_jobs())
    if jobs < 1:
        raise HwgenError(f"--jobs must be at least 1, not {jobs}")
    fmt = stream_format(g)
    frames = len(values)
    words = pack_words(element_bits(values, fmt.in_elem_bits), fmt.in_width)
    shard_frames = int(shard_frames or max(1, math.ceil(frames / (4 * jobs))))
    folder = Path(folder) if folder is not None else build / "shards"
    plan = _plan(
        folder,
        {
            "frames": frames,
            "shard_frames": shard_frames,
            "inputs": _digest(words.tobytes()),
            "rtl": _digest(json.dumps(manifest["artifacts"], sort_keys=True).encode()),
            "in_pause": in_pause,
            "out_pause": out_pause,
            "seed": seed,
        },
        resume,
    )
    bounds = shard_bounds(frames, plan["shard_frames"])
    path = [folder / f"shard_{k:05d}.npz" for k in range(len(bounds))]
    todo = [k for k in range(len(bounds)) if not path[k].is_file()]
    t0 = time.perf_counter()
    exe, build_s = build_native(rtl_sources(rtl), TOP_NAME, build / "sim_build")
    ib = fmt.in_beats

    def args(k: int) -> tuple:
        lo, hi = bounds[k]
        watchdog, limit = cycle_limits(g, hi - lo, in_pause, out_pause)
        kw = dict(
            in_beats=ib,
            out_beats=fmt.out_beats,
            in_width=fmt.in_width,
            out_width=fmt.out_width,
            in_pause=in_pause,
            out_pause=out_pause,
            seed=seed,
            watchdog=watchdog,
            max_cycles=limit,
        )
        return words[lo * ib : hi * ib], k, lo, hi - lo, kw

    def save(k: int, out: dict) -> None:
        tmp = path[k].with_suffix(".tmp.npz")
        np.savez(tmp, beats=out["beats"], done=out["done"])
        os.replace(tmp, path[k])

    done_frames = frames - sum(bounds[k][1] - bounds[k][0] for k in todo)
    try:
        if address is None:
            _run_local(exe, rtl, todo, args, save, jobs, bounds, done_frames, frames, t0, progress)
        else:
            _run_ray(exe, rtl, todo, args, save, address, bounds, done_frames, frames, t0, progress)
    except KeyboardInterrupt:
        have = sum(bounds[k][1] - bounds[k][0] for k in range(len(bounds)) if path[k].is_file())
        raise HwgenError(
            f"interrupted: {have:,} of {frames:,} frames done "
            f"({sum(p.is_file() for p in path)} of {len(bounds)} shards in {folder}); "
            "run the same command with --resume to simulate only the rest"
        ) from None
    outs = [np.load(p) for p in path]
    beats = np.concatenate([o["beats"] for o in outs]) if outs else np.zeros((0, 1), "<u4")
    steady = [float(np.diff(o["done"][1:]).mean()) for o in outs if len(o["done"]) >= 3]
    values_out = unpack_words(
        beats,
        frames,
        fmt.out_lanes,
        fmt.out_lane_bits,
        fmt.out_elems,
        signed=g.hw_nodes()[-1].out_lanes_signed,
    )
    run = ShardRun(
        len(bounds),
        len(todo),
        frames,
        time.perf_counter() - t0,
        build_s,
        float(np.mean(steady)) if steady else float("nan"),
        folder,
        jobs,
        address or "local",
    )
    return values_out, run


def _run_local(exe, rtl, todo, args, save, jobs, bounds, done, total, t0, progress) -> None:
    """The shards on `jobs` threads, each driving one testbench process."""
    pool = ThreadPoolExecutor(max_workers=jobs)
    futures = {pool.submit(_local_shard, exe, *args(k), rtl): k for k in todo}
    try:
        while futures:
            finished, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for f in finished:
                k = futures.pop(f)
                try:
                    out = f.result()
                except NativeSimError as e:
                    lo, hi = bounds[k]
                    raise NativeSimError(f"shard {k} (frames {lo}..{hi - 1}): {e}") from None
                save(k, out)
                done += bounds[k][1] - bounds[k][0]
                if progress:
                    progress(done, total, time.perf_counter() - t0)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run_ray(exe, rtl, todo, args, save, address, bounds, done, total, t0, progress) -> None:
    """The shards as Ray tasks: the executable and ROM images go with them as bytes."""
    ray = start_ray(address)
    task = ray.remote(num_cpus=1, max_retries=RETRIES)(_ray_shard)
    exe_ref = ray.put(Path(exe).read_bytes())
    roms_ref = ray.put({p.name: p.read_bytes() for p in Path(rtl).glob("*.mem")})
    refs = {task.remote(exe_ref, roms_ref, *args(k)): k for k in todo}
    try:
        while refs:
            ready, _ = ray.wait(list(refs), num_returns=1, timeout=1.0)
            for ref in ready:
                k = refs.pop(ref)
                try:
                    out = ray.get(ref)
                except Exception as e:  # a verdict in the task, or a worker that died for good
                    lo, hi = bounds[k]
                    cause = getattr(e, "cause", None) or e
                    raise NativeSimError(
                        f"shard {k} (frames {lo}..{hi - 1}): {str(cause).splitlines()[0]}"
                    ) from None
                save(k, out)
                done += bounds[k][1] - bounds[k][0]
                if progress:
                    progress(done, total, time.perf_counter() - t0)
    finally:
        for ref in refs:
            ray.cancel(ref, force=True)
