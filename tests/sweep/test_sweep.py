"""`hwgen sweep` on Ray: 4 points with Yosys on the digits MLP on a local Ray, the same points on
a Ray head started here on 127.0.0.1 (`ray start --head`, reached by --address) with the same
figures, a second run served from the cache, a point whose tool crashes recorded with its
message while the others complete, and the files a sweep writes."""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from hwgen.sweep import grid, sweep
from tests.helpers import need_tool

PES, SIMDS = [1, 4], [8, 16]  # four points with Yosys (CI's time: each costs ~15 s)
FIGURES = ("cycles", "fps", "lut", "ff", "bram", "lut_syn", "ff_syn", "bram_syn")


@pytest.fixture(scope="module")
def local_sweep(digits_mlp, tmp_path_factory):
    need_tool("yosys")
    out = tmp_path_factory.mktemp("sweep")
    table, files = sweep(digits_mlp[1], out, grid("pynq-z2", PES, SIMDS, None, synth=True))
    yield out, table, files
    import ray

    ray.shutdown()


def test_four_points_with_yosys_on_a_local_ray(local_sweep):
    out, table, files = local_sweep
    assert len(table) == 4 and all(r["status"] == "ok" for r in table), [r["error"] for r in table]
    assert all(r["lut_syn"] > 0 and r["ff_syn"] > 0 for r in table)
    assert {(r["pe"], r["simd"]) for r in table} == {(p, s) for p in PES for s in SIMDS}
    # more parallelism, fewer cycles: PE x SIMD = 64 beats PE x SIMD = 8
    by = {(r["pe"], r["simd"]): r for r in table}
    assert (
        by[(4, 16)]["cycles"] < by[(1, 8)]["cycles"]
        and by[(4, 16)]["lut_syn"] > by[(1, 8)]["lut_syn"]
    )
    doc = json.loads(files["json"].read_text())
    assert doc["points_total"] == 4 and doc["failed"] == 0 and doc["address"] == "local"
    rows = list(csv.DictReader(open(files["csv"])))
    assert len(rows) == 4 and rows[0]["lut_syn"]
    assert files["png"].stat().st_size > 10_000


def test_second_run_is_served_from_the_cache(local_sweep, digits_mlp):
    out, table, _ = local_sweep
    again, _ = sweep(digits_mlp[1], out, grid("pynq-z2", PES, SIMDS, None, synth=True))
    assert all(r["cached"] for r in again)
    assert [[r[k] for k in FIGURES] for r in again] == [[r[k] for k in FIGURES] for r in table]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_same_figures_on_a_ray_head_by_address(local_sweep, digits_mlp, tmp_path):
    """A head on 127.0.0.1 (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 keeps it there), the CLI with
    --address, no cache: every figure equals the local sweep's (one of its points: the head runs
    the same worker code, and Yosys per point is what costs); the cluster's nodes are all on
    the loopback address."""
    _out, table, _ = local_sweep
    env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
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
        out = tmp_path / "cluster"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "hwgen",
                "sweep",
                str(digits_mlp[1]),
                "-o",
                str(out),
                "--board",
                "pynq-z2",
                "--pe",
                "4",
                "--simd",
                "8",
                "--synth",
                "--no-cache",
                "--address",
                f"127.0.0.1:{port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "1 points (0 from the cache, 0 failed)" in run.stdout, run.stdout
        # not a terminal: the title, then the point's row as a line when it finished
        lines = run.stdout.splitlines()
        assert lines[0].startswith("sweep of ") and "1 points on pynq-z2" in lines[0], lines
        assert any(" 1/1  " in x and "LUT Yosys" in x for x in lines[1:3]), lines
        got = json.loads((out / "sweep.json").read_text())
        assert got["address"] == f"127.0.0.1:{port}"
        key = lambda r: (r["pe"], r["simd"])  # noqa: E731
        want = {key(r): [r[k] for k in FIGURES] for r in table if key(r) == (4, 8)}
        assert len(want) == 1
        assert {key(r): [r[k] for k in FIGURES] for r in got["points"]} == want
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import ray; ray.init(address='127.0.0.1:%d', log_to_driver=False, "
                    "_node_ip_address='127.0.0.1'); "
                    "print(sorted({n['NodeManagerAddress'] for n in ray.nodes()}))"
                )
                % port,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert probe.stdout.strip().splitlines()[-1] == "['127.0.0.1']", probe.stdout + probe.stderr
    finally:
        subprocess.run([ray_exe, "stop", "--force"], env=env, capture_output=True, timeout=120)


def test_a_crashing_tool_fails_its_point_only(digits_mlp, tmp_path, monkeypatch):
    """A Yosys that crashes for one point (a stand-in on PATH, before Ray starts its workers):
    that point is recorded as failed with the tool's message, the others complete; an
    infeasible target rate is recorded the same way."""
    need_tool("yosys")
    import ray

    ray.shutdown()
    real = subprocess.run(["which", "yosys"], capture_output=True, text=True).stdout.strip()
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "yosys").write_text(
        f"#!/bin/sh\ncase \"$PWD\" in *pe2-simd8*) echo 'fake yosys: segmentation fault' >&2; "
        f'exit 139;; esac\nexec {real} "$@"\n'
    )
    (fake / "yosys").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    try:
        table, _ = sweep(
            digits_mlp[1],
            tmp_path / "s",
            grid("pynq-z2", [1, 2], [8], None, synth=True),
            cache=False,
        )
        bad = {r["label"]: r for r in table}
        assert bad["pynq-z2-pe1-simd8"]["status"] == "ok"
        err = bad["pynq-z2-pe2-simd8"]["error"]
        assert (
            bad["pynq-z2-pe2-simd8"]["status"] == "failed"
            and "exit 139" in err
            and "segmentation fault" in err
        )
        slow, _ = sweep(
            digits_mlp[1], tmp_path / "f", grid("pynq-z2", None, None, [1e3, 1e12]), cache=False
        )
        assert slow[0]["status"] == "ok" and slow[1]["status"] == "failed" and slow[1]["error"], (
            slow
        )
    finally:
        ray.shutdown()


@pytest.mark.parametrize(
    "address,ok",
    [
        ("127.0.0.1:6379", True),
        ("localhost:1", True),
        ("auto", True),
        ("ray://10.0.0.5:10001", True),
        ("10.0.0.5:6379", False),
        ("example.org:6379", False),
    ],
)
def test_address_never_makes_this_machine_listen_on_the_network(address, ok):
    from hwgen.errors import HwgenError
    from hwgen.sweep.engine import check_address

    if ok:
        check_address(address)
    else:
        with pytest.raises(HwgenError, match="ray://HOST:10001"):
            check_address(address)


def test_bad_sweeps_are_one_line_before_anything_runs(digits_mlp, capsys, tmp_path):
    from tests.e2e.test_cli import assert_one_line_error, run_cli

    m = str(digits_mlp[1])
    for args, needle in (
        (["--pnr", "--pe", "1"], "--pnr: place and route runs on iCE40 boards"),
        (["--pe", "1", "--target-fps", "10"], "not both"),
        (["--pe", "1", "--address", "192.168.1.2:6379"], "must be a Ray head on this machine"),
    ):
        code, out, err = run_cli(capsys, "sweep", m, "-o", tmp_path / "s", *args)
        assert_one_line_error(code, err, needle)
        assert out.strip() == ""
    with pytest.raises(SystemExit) as e:  # argparse's own errors exit from the parser
        run_cli(capsys, "sweep", m, "-o", tmp_path / "s", "--target-fps", "0")
    err = capsys.readouterr().err
    assert (
        e.value.code == 1 and len(err.strip().splitlines()) == 1 and "every rate must be > 0" in err
    )


def test_compare_runs_on_the_engine(tmp_path):
    """`hwgen compare` as Ray tasks: one method, one seed, one epoch: its row and its twin's."""
    import ray

    ray.shutdown()
    from hwgen.train.compare import compare

    try:
        rows = compare(tmp_path, methods=["ste"], seeds=(0,), epochs=1)
    finally:
        ray.shutdown()
    assert [r["method"] for r in rows] == ["ste"] and rows[0]["seeds"] == 1 and rows[0]["lut"] > 0
    assert 0 < rows[0]["float_mean"] <= 1
