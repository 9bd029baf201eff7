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

from hwgen import ROOT
from hwgen.errors import HwgenError

CXXFLAGS = ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Werror"]


def include_dirs() -> list[str]:
    """hls/ and, without Vitis HLS, the shim headers."""
    dirs = [str(ROOT / "hls")]
    xilinx = os.environ.get("XILINX_HLS")
    dirs.append(str(Path(xilinx) / "include") if xilinx else str(ROOT / "hls" / "shim"))
    return dirs


@dataclass
class CsimResult:
    """Output beats (ints), the trip count of every kernel, and timings."""

    beats: list[int]
    trips: list[int]
    compile_seconds: float
    run_seconds: float


def compile_csim(hls_dir: Path) -> tuple[Path, float]:
    """Build the C-simulation executable of the top in `hls_dir` (cached by content)."""
    cxx = shutil.which("g++")
    if cxx is None:
        raise HwgenError("g++ not found: C-simulation needs a C++17 compiler (apt-get install g++)")
    sources = [ROOT / "hls" / "csim_main.cpp", hls_dir / "hwgen_top.cpp"]
    headers = [ROOT / "hls" / "hwgen_hls.h", hls_dir / "hwgen_top.h", hls_dir / "hwgen_top_params.h"]
    h = hashlib.sha256(" ".join(CXXFLAGS + include_dirs()).encode())
    for f in sources + headers + sorted((ROOT / "hls" / "shim").glob("*.h")):
        h.update(f.read_bytes())
    exe = hls_dir / f"csim-{h.hexdigest()[:12]}"
    if exe.exists():
        return exe, 0.0
    t0 = time.perf_counter()
    cmd = [cxx, *CXXFLAGS, *(f"-I{d}" for d in include_dirs()), f"-I{hls_dir}", *map(str, sources), "-o", str(exe)]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        (hls_dir / "csim_build.log").write_text(p.stdout + p.stderr)
        first = next((line for line in p.stderr.splitlines() if "error" in line), p.stderr[:300])
        raise HwgenError(f"g++ failed on the generated HLS code ({hls_dir / 'csim_build.log'}): {first}")
    return exe, time.perf_counter() - t0


def run_csim(hls_dir: Path, frames: list[list[int]], in_width: int) -> CsimResult:
    """Run the C-simulation on input frames (lists of beat integers)."""
    exe, seconds = compile_csim(hls_dir)
    digits = max(1, -(-in_width // 4))
    text = f"frames {len(frames)}\n" + "".join(f"{b:0{digits}x}\n" for f in frames for b in f)
    t0 = time.perf_counter()
    p = subprocess.run([str(exe)], input=text, capture_output=True, text=True)
    run_s = time.perf_counter() - t0
    if p.returncode:
        raise HwgenError(f"C-simulation failed (exit {p.returncode}): {p.stderr.strip()[:300]}")
    beats, trips = [], []
    for line in p.stdout.split("\n"):
        if line.startswith("trips "):
            trips.append(int(line.split()[2]))
        elif line:
            beats.append(int(line, 16))
    return CsimResult(beats, trips, seconds, run_s)
