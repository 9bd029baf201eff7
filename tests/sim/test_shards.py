"""RTL simulation in shards (`hwgen.sim.shards`): outputs in frame order and bit-identical for
any number of jobs, a dead testbench process run again, an interrupted run resumed with only
the missing shards simulated, a resume of another run refused; the same through a Ray head on
127.0.0.1 with a worker that dies (Ray runs its task again); and `hwgen run --jobs
--labels-in` from the command line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwgen.cli import main
from hwgen.errors import HwgenError
from hwgen.execution import run_golden
from hwgen.ir import Graph
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.shards import FAULT_ENV, simulate_sharded
from hwgen.sim.verify import random_inputs
from tests.helpers import need_tool, random_mlp

FRAMES = 240


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A random MLP at PE=4, SIMD=8, random accelerator inputs and the golden outputs."""
    d = tmp_path_factory.mktemp("shards")
    _m, onnx = random_mlp(d / "m.onnx", [64, 48, 32, 10], seed=7)
    g, _ = compile_model(CompileOptions(onnx, d / "build", 4, 8))
    bits = random_inputs(g, FRAMES, np.random.default_rng(3))
    return g, d / "build", bits, g.execute(bits, g.hw_nodes()), onnx


def _run(built, tmp, **kw):
    g, build, bits, _want, _onnx = built
    return simulate_sharded(g, build, bits, in_pause=0.2, out_pause=0.3, **{"folder": tmp, **kw})


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_any_number_of_jobs_gives_golden_in_frame_order(built, tmp_path, jobs):
    need_tool("verilator")
    out, run = _run(built, tmp_path / "s", jobs=jobs)
    np.testing.assert_array_equal(out, built[3].reshape(out.shape))
    assert run.shards == 4 * jobs and run.shards_run == run.shards and run.frames == FRAMES


def test_a_killed_shard_is_run_again_and_the_run_is_exact(built, tmp_path, monkeypatch):
    need_tool("verilator")
    marker = tmp_path / "killed"
    monkeypatch.setenv(FAULT_ENV, f"2:{marker}")
    out, run = _run(built, tmp_path / "s", jobs=2)
    assert marker.is_file()  # the fault did kill shard 2's first process
    np.testing.assert_array_equal(out, built[3].reshape(out.shape))


def test_an_interrupted_run_resumes_with_only_the_missing_shards(built, tmp_path):
    need_tool("verilator")
    folder = tmp_path / "s"

    def stop_half_way(done, total, _s):
        if done >= total // 2:
            raise KeyboardInterrupt

    with pytest.raises(HwgenError, match=r"interrupted: [\d,]+ of 240 frames done .*--resume"):
        _run(built, folder, jobs=2, progress=stop_half_way)
    saved = len(list(folder.glob("shard_*.npz")))
    assert 4 <= saved < 8
    out, run = _run(built, folder, jobs=2, resume=True)
    assert run.shards_run == run.shards - saved  # only the rest was simulated
    np.testing.assert_array_equal(out, built[3].reshape(out.shape))


def test_resuming_another_runs_shards_is_refused(built, tmp_path):
    need_tool("verilator")
    g, build, bits, _want, _onnx = built
    _run(built, tmp_path / "s", jobs=1)
    with pytest.raises(HwgenError, match="--resume: .* holds shards of another run"):
        simulate_sharded(
            g,
            build,
            bits[::-1].copy(),
            1,
            folder=tmp_path / "s",
            resume=True,
            in_pause=0.2,
            out_pause=0.3,
        )


def test_the_cli_runs_shards_and_prints_both_accuracies(built, tmp_path, capsys):
    need_tool("verilator")
    g, build, _bits, _want, _onnx = built
    x = np.random.default_rng(4).random((50, 64)).astype(np.float32)
    labels = np.argmax(run_golden(g, x), axis=1)
    labels[:5] = (labels[:5] + 1) % 10  # five wrong labels: 90 % for both
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", labels)
    code = main(
        [
            "run",
            str(build),
            "-i",
            str(tmp_path / "x.npy"),
            "-o",
            str(tmp_path / "o.npy"),
            "--backend",
            "rtl",
            "--jobs",
            "2",
            "--labels-in",
            str(tmp_path / "y.npy"),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "accuracy: rtl 90.00%, golden 90.00% on 50 labels (50 of 50 top-1 labels equal)" in out
    np.testing.assert_array_equal(np.load(tmp_path / "o.npy"), run_golden(g, x))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_shards_on_a_ray_head_with_a_worker_that_dies(built, tmp_path):
    """A head on 127.0.0.1 (started with the test-only fault in its workers' environment), the
    CLI with --address: the first attempt of shard 1 kills its Ray worker, Ray runs the task
    again, and the outputs equal golden."""
    need_tool("verilator")
    g, build, _bits, _want, _onnx = built
    marker = tmp_path / "killed"
    env = {
        **os.environ,
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
        FAULT_ENV: f"1:{marker}",
    }
    env.pop("RAY_ADDRESS", None)
    ray_exe = str(Path(sys.executable).with_name("ray"))
    port = _free_port()
    start = subprocess.run(
        [
            ray_exe,
            "start",
            "--head",
            "--port",
            str(port),
            "--node-ip-address",
            "127.0.0.1",
            "--num-cpus",
            "2",
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert start.returncode == 0, start.stdout + start.stderr
    try:
        x = np.random.default_rng(5).random((80, 64)).astype(np.float32)
        np.save(tmp_path / "x.npy", x)
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "hwgen",
                "run",
                str(build),
                "-i",
                str(tmp_path / "x.npy"),
                "-o",
                str(tmp_path / "o.npy"),
                "--backend",
                "rtl",
                "--address",
                f"127.0.0.1:{port}",
                "--shards",
                str(tmp_path / "s"),
            ],
            env={k: v for k, v in env.items() if k != FAULT_ENV},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"on 127.0.0.1:{port})" in run.stdout, run.stdout
        assert marker.is_file()  # a worker did die
        np.testing.assert_array_equal(np.load(tmp_path / "o.npy"), run_golden(g, x))
    finally:
        subprocess.run([ray_exe, "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_graph_of_a_build_is_what_the_shards_check(built, tmp_path):
    """A foreign graph is refused before any shard runs."""
    g, build, bits, _want, _onnx = built
    other = Graph(g.name, g.input_shape, g.output_shape, list(g.nodes)[:-1])
    with pytest.raises(HwgenError):
        simulate_sharded(other, build, bits, 1, folder=tmp_path / "s")


@pytest.mark.slow
def test_ten_thousand_cnv_frames_through_rtl_equal_golden_and_pytorch(tmp_path):
    """CNV-W1A1 at FINN's folding, 10,000 frames in shards over the cores: golden == RTL, and
    golden == Brevitas' forward pass (top-1 labels, and the outputs to float32 rounding)."""
    need_tool("verilator")
    import torch

    from hwgen import api
    from hwgen.bench.suite import CNV_FOLD, cnv_module, cnv_onnx

    fold = {k: {"pe": p, "simd": s} for k, (p, s) in CNV_FOLD.items()}
    build = api.compile(cnv_onnx(tmp_path), tmp_path / "build", fold=fold)
    x = np.random.default_rng(0).random((10_000, 3, 32, 32)).astype(np.float32)
    golden = run_golden(build.graph, x)
    np.testing.assert_array_equal(build.predict(x, "rtl", jobs=os.cpu_count()), golden)
    with torch.no_grad():
        want = cnv_module()(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(golden, want, atol=1e-4)
