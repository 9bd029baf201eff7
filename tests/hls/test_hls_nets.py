"""Whole nets in HLS C-simulation (g++): == golden bit for bit, trip counts == folding; the
Vitis HLS script checked by running it in tclsh against stub procedures."""

import shutil
import subprocess

import numpy as np
import pytest

from hwgen.backends.hls.codegen import kernel_trips
from hwgen.execution import run_csim_model, run_golden, simulate_csim
from hwgen.flows.boards import load_board, vivado_boards
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import random_inputs
from tests.conftest import ROOT
from tests.e2e.test_cli import assert_one_line_error, run_cli
from tests.e2e.test_conv_nets import CNV_FOLD
from tests.helpers import CNN_MIN_ACCURACY, bnn_pynq_cnv


def _check_net(g, out, x):
    got, res = run_csim_model(g, out, x)
    np.testing.assert_array_equal(got, run_golden(g, x))
    assert res.trips == kernel_trips(g, len(x))
    return got


@pytest.mark.parametrize("pe,simd", [(4, 8), (3, 5), (64, 64)])
def test_digits_mlp_csim_whole_test_split(digits_mlp, pe, simd):
    _m, path, split, _r = digits_mlp
    out = ROOT / "build" / "tests" / f"hls-mlp-{pe}x{simd}"
    g, _ = compile_model(CompileOptions(path, out, pe, simd))
    got = _check_net(g, out, split.x_test)
    assert float((got.argmax(1) == split.y_test).mean()) >= 0.90


@pytest.mark.parametrize("pe,simd", [(8, 8), (3, 5)])
def test_digits_cnn_csim_whole_test_split(digits_cnn, pe, simd):
    _m, path, split, _r = digits_cnn
    out = ROOT / "build" / "tests" / f"hls-cnn-{pe}x{simd}"
    g, _ = compile_model(CompileOptions(path, out, pe, simd))
    got = _check_net(g, out, split.x_test)
    assert float((got.argmax(1) == split.y_test).mean()) >= CNN_MIN_ACCURACY


def test_cnv_w1a1_csim(tmp_path):
    """A random-init CNV-W1A1 at FINN's folding, 10 random 8-bit frames."""
    _m, path = bnn_pynq_cnv(tmp_path / "cnv.onnx", seed=4)
    out = ROOT / "build" / "tests" / "hls-cnv"
    g, _ = compile_model(
        CompileOptions(path, out, fold={k: {"pe": p, "simd": s} for k, (p, s) in CNV_FOLD.items()})
    )
    x = random_inputs(g, 10, np.random.default_rng(0))
    got, res = simulate_csim(g, out, x)
    np.testing.assert_array_equal(got, g.execute(x, g.hw_nodes()))
    assert res.trips == kernel_trips(g, 10)


def test_cli_run_backend_csim(digits_mlp, capsys, tmp_path):
    _m, path, split, _r = digits_mlp
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b", "--pe", 8, "--simd", 8)[0] == 0
    np.save(tmp_path / "x.npy", split.x_test[:30])
    code, out, err = run_cli(
        capsys,
        "run",
        tmp_path / "b",
        "-i",
        tmp_path / "x.npy",
        "-o",
        tmp_path / "y.npy",
        "--backend",
        "csim",
    )
    assert code == 0, err
    code, out, err = run_cli(
        capsys, "run", tmp_path / "b", "-i", tmp_path / "x.npy", "-o", tmp_path / "g.npy"
    )
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), np.load(tmp_path / "g.npy"))


# ------------------------------------------------------------------- Vitis HLS flow
STUBS = r"""
set log [open $::env(HWGEN_TCL_LOG) w]
foreach p {open_project set_top add_files open_solution set_part create_clock csynth_design
           export_design} {
    proc $p {args} "puts \$::log \"$p \$args\""
}
rename exit _exit
proc exit {} { close $::log; _exit 0 }
source [lindex $argv 0]
"""


@pytest.mark.parametrize("board", vivado_boards())
def test_vitis_hls_tcl_with_stub_tools(digits_mlp, board, tmp_path):
    tclsh = shutil.which("tclsh")
    if tclsh is None:
        pytest.fail("tclsh is required to check generated scripts (apt-get install tcl)")
    _m, path, _s, _r = digits_mlp
    out = tmp_path / "b"
    compile_model(CompileOptions(path, out, 8, 8, board=board))
    (tmp_path / "stubs.tcl").write_text(STUBS)
    log = tmp_path / "calls.log"
    p = subprocess.run(
        [tclsh, str(tmp_path / "stubs.tcl"), "vitis_hls.tcl"],
        cwd=out / "hls",
        env={"HWGEN_TCL_LOG": str(log), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr
    calls = [line.split(" ", 1) for line in log.read_text().splitlines()]
    names = [c[0] for c in calls]
    assert names == [
        "open_project",
        "set_top",
        "add_files",
        "add_files",
        "open_solution",
        "set_part",
        "create_clock",
        "csynth_design",
        "export_design",
    ]
    args = dict((c[0], c[1]) for c in calls)
    b = load_board(board)
    assert args["set_part"] == b["part"] and args["set_top"] == "hwgen_top"
    assert f"-period {round(1000 / b['clock_mhz'], 3)}" in args["create_clock"]
    assert "-format ip_catalog" in args["export_design"]
    for name, a in calls:  # every file the script adds exists (relative to the script's folder)
        if name == "add_files":
            tokens = a.split()
            f = tokens[1] if tokens[0] == "-tb" else tokens[0]
            assert (out / "hls" / f).is_file(), f


def test_hls_synth_without_vitis_is_a_clear_error(digits_mlp, capsys, tmp_path, monkeypatch):
    if shutil.which("vitis_hls"):
        pytest.skip("Vitis HLS is installed here: the real run is not part of the default suite")
    _m, path, _s, _r = digits_mlp
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b")[0] == 0
    code, _o, err = run_cli(capsys, "hls-synth", tmp_path / "b")
    assert_one_line_error(code, err, "vitis_hls not found", "vitis_hls.tcl")
