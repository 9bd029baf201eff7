"""C-simulation of a generated HLS top with g++ (no Xilinx tool needed).

The library includes <ap_int.h> and <hls_stream.h>: from Vitis HLS when XILINX_HLS is set,
otherwise from hls/shim/, hwgen's stand-ins for the subset the library uses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.paths import SHARE

#: -Wno-array-bounds: g++ 12 at -O2 reports a word of one ap_uint as out of bounds of another
#: after inlining (a one-MVU net, 8-bit input, 17x5 at PE=5, SIMD=17, found by the property
#: tests); the same program runs clean under -fsanitize=address,undefined: a false positive
CXXFLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-array-bounds"]


def include_dirs() -> list[str]:
    """hls/ and, without Vitis HLS, the shim headers."""
    dirs = [str(SHARE / "hls")]
    xilinx = os.environ.get("XILINX_HLS")
    dirs.append(str(Path(xilinx) / "include") if xilinx else str(SHARE / "hls" / "shim"))
    return dirs


@dataclass
class CsimResult:
    """Output beats (ints), the trip count of every kernel, and timings."""

    beats: list[int]
    trips: list[int]
    compile_seconds: float
    run_seconds: float


def compile_cpp(
    sources: list[Path],
    headers: list[Path],
    out_dir: Path,
    stem: str = "csim",
    data_sources: list[Path] = (),
    defines: list[str] = (),
) -> tuple[Path, float]:
    """g++ (C++17, -Wall -Wextra -Werror) over `sources`, with `data_sources` (big constant
    tables) compiled unoptimized on their own; the executable is cached by the content of
    everything it includes."""
    cxx = shutil.which("g++")
    if cxx is None:
        raise HwgenError("g++ not found: C-simulation needs a C++17 compiler (apt-get install g++)")
    h = hashlib.sha256(" ".join(CXXFLAGS + include_dirs()).encode())
    for f in (
        list(sources)
        + list(data_sources)
        + headers
        + [SHARE / "hls" / h for h in ("hwgen_hls.h", "hwgen_dag.h")]
        + sorted((SHARE / "hls" / "shim").glob("*.h"))
    ):
        h.update(Path(f).read_bytes())
    exe = out_dir / f"{stem}-{h.hexdigest()[:12]}"
    if exe.exists():
        return exe, 0.0
    t0 = time.perf_counter()
    incs = [*(f"-I{d}" for d in include_dirs()), f"-I{out_dir}"]
    objs = []
    for k, src in enumerate(data_sources):
        obj = out_dir / f"{stem}-data{k}.o"
        _gxx([cxx, *CXXFLAGS, "-O0", *incs, "-c", str(src), "-o", str(obj)], out_dir, stem)
        objs.append(str(obj))
    _gxx(
        [
            cxx,
            *CXXFLAGS,
            *incs,
            *(f"-D{d}" for d in defines),
            *map(str, sources),
            *objs,
            "-o",
            str(exe),
        ],
        out_dir,
        stem,
    )
    return exe, time.perf_counter() - t0


def _gxx(cmd: list[str], out_dir: Path, stem: str) -> None:
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        log = out_dir / f"{stem}_build.log"
        log.write_text(" ".join(cmd) + "\n" + p.stdout + p.stderr)
        first = next((line for line in p.stderr.splitlines() if "error" in line), p.stderr[:300])
        raise HwgenError(f"g++ failed on the generated HLS code ({log}): {first}")


def compile_csim(hls_dir: Path) -> tuple[Path, float]:
    """Build the C-simulation executable of the top in `hls_dir` (cached by content)."""
    data = hls_dir / "hwgen_top_params.cpp"
    data.write_text('#include "hwgen_top_params.h"\n')
    return compile_cpp(
        [SHARE / "hls" / "csim_main.cpp", hls_dir / "hwgen_top.cpp"],
        [hls_dir / "hwgen_top.h", hls_dir / "hwgen_top_params.h"],
        hls_dir,
        data_sources=[data],
        defines=["HWGEN_PARAMS_EXTERN"],
    )


def _execute(exe: Path, text: str) -> tuple[list[int], list[int], float]:
    t0 = time.perf_counter()
    p = subprocess.run([str(exe)], input=text, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if p.returncode:
        raise HwgenError(f"C-simulation failed (exit {p.returncode}): {p.stderr.strip()[:300]}")
    beats, trips = [], []
    for line in p.stdout.split("\n"):
        if line.startswith("trips "):
            trips.append(int(line.split()[2]))
        elif line:
            beats.append(int(line, 16))
    return beats, trips, seconds


def _hex_beats(beats, width: int) -> str:
    digits = max(1, -(-width // 4))
    return "".join(f"{b:0{digits}x}\n" for b in beats)


def run_csim(hls_dir: Path, frames: list[list[int]], in_width: int) -> CsimResult:
    """Run the C-simulation of a generated top on input frames (lists of beat integers)."""
    exe, seconds = compile_csim(hls_dir)
    beats, trips, run_s = _execute(
        exe, f"frames {len(frames)}\n" + _hex_beats((b for f in frames for b in f), in_width)
    )
    return CsimResult(beats, trips, seconds, run_s)


def run_kernel(
    work_dir: Path,
    kernel: str,
    targs: list,
    args: list,
    in_width: int,
    out_width: int,
    beats: list[int],
    roms: list[dict] | None = None,
) -> CsimResult:
    """C-simulate one library kernel alone (its trips counted as kernel ID 0)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    src = render(
        "hls/kernel_test.cpp.j2",
        kernel=kernel,
        targs=targs,
        args=args,
        in_width=in_width,
        out_width=out_width,
        roms=roms or [],
    )
    h = hashlib.sha256(src.encode()).hexdigest()[:12]
    cpp = work_dir / f"{kernel}-{h}.cpp"
    cpp.write_text(src)
    exe, seconds = compile_cpp([cpp], [], work_dir, stem=f"{kernel}-{h}")
    out, trips, run_s = _execute(exe, _hex_beats(beats, in_width))
    return CsimResult(out, trips, seconds, run_s)
