"""CNV-W1A1 at FINN's folding through RTL in shards: `--jobs 1` against `--jobs N` and a Ray
head on 127.0.0.1 in one run, each checked against golden and PyTorch bit for bit.

    python scripts/shard_speed.py build/shard-speed [--frames 2000] [--jobs 2] [--ray]

Prints one line per configuration: wall seconds (the Verilator build excluded: it is built
once before), frames/s, and whether the outputs equal golden and Brevitas' own forward pass.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    """Compile CNV, time the shard configurations, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--frames", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--ray", action="store_true", help="also through a Ray head on 127.0.0.1")
    a = ap.parse_args(argv)
    import torch

    from hwgen import api
    from hwgen.bench.suite import CNV_FOLD, cnv_module, cnv_onnx
    from hwgen.execution import run_golden

    a.folder.mkdir(parents=True, exist_ok=True)
    fold = {k: {"pe": p, "simd": s} for k, (p, s) in CNV_FOLD.items()}
    build = api.compile(cnv_onnx(a.folder), a.folder / "build", fold=fold)
    x = np.random.default_rng(0).random((a.frames, 3, 32, 32)).astype(np.float32)
    golden = run_golden(build.graph, x)
    with torch.no_grad():
        torch_out = cnv_module()(torch.from_numpy(x)).numpy()
    build.predict(x[:4], "rtl", jobs=1, shards=a.folder / "warm")  # the Verilator build, once
    configs = [("--jobs 1", {"jobs": 1}), (f"--jobs {a.jobs}", {"jobs": a.jobs})]
    head = None
    if a.ray:
        env = {
            **os.environ,
            "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
            "RAY_USAGE_STATS_ENABLED": "0",
        }
        ray = str(Path(sys.executable).with_name("ray"))
        subprocess.run(
            [
                ray,
                "start",
                "--head",
                "--port",
                "6479",
                "--node-ip-address",
                "127.0.0.1",
                "--num-cpus",
                str(a.jobs),
                "--include-dashboard",
                "false",
                "--disable-usage-stats",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        head = (ray, env)
        configs.append(("Ray head 127.0.0.1:6479", {"address": "127.0.0.1:6479", "jobs": a.jobs}))
    rates = {}
    try:
        for label, kw in configs:
            t0 = time.perf_counter()
            y = build.predict(x, "rtl", shards=a.folder / f"shards-{len(rates)}", **kw)
            seconds = time.perf_counter() - t0
            rates[label] = a.frames / seconds
            print(
                f"{label}: {a.frames} frames in {seconds:.1f} s, {rates[label]:.2f} frames/s; "
                f"== golden {np.array_equal(y, golden)}, "
                f"== PyTorch {np.allclose(y, torch_out, atol=1e-4)}",
                flush=True,
            )
    finally:
        if head:
            subprocess.run([head[0], "stop", "--force"], env=head[1], capture_output=True)
    base = rates["--jobs 1"]
    for label, r in rates.items():
        print(f"{label}: {r / base:.2f}x --jobs 1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
