"""Build folders: self-contained and relocatable, checked against their manifest, and emptied
of a previous design's results when compiled again."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.execution import run_golden, simulate_hw
from hwgen.ir import Graph
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import random_inputs, verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool, random_mlp

ODD = "b ü'\"x"  # a space, non-ASCII, both quotes


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    """Two random MLPs of the same shape (same ROM names, different contents)."""
    d = tmp_path_factory.mktemp("models")
    return [random_mlp(d / f"m{k}.onnx", [40, 23, 10], seed=20 + k)[1] for k in range(2)]


def _hwgen(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hwgen", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.rtlsim
def test_moved_build_simulates_its_own_model(two_models, tmp_path):
    """Compile A at a path with odd characters, move it, compile B at the old path: each build
    simulates exactly its own model (no ROM path points outside a build)."""
    need_tool("verilator")
    old = tmp_path / ODD / "build"
    g_a, _ = compile_model(CompileOptions(two_models[0], old, 3, 4))
    moved = tmp_path / "moved here" / "build"
    moved.parent.mkdir()
    shutil.move(str(old), str(moved))
    g_b, _ = compile_model(CompileOptions(two_models[1], old, 3, 4))
    x = random_inputs(g_a, 30, np.random.default_rng(0))
    for g, b in ((g_a, moved), (g_b, old)):
        r = verify_rtl(g, b, bits=x, pause=0.2)
        assert r.mismatches == 0
    assert not np.array_equal(g_a.execute(x, g_a.hw_nodes()), g_b.execute(x, g_b.hw_nodes()))
    text = (moved / "rtl" / "hwgen_top.v").read_text()
    assert str(tmp_path) not in text and str(ROOT) not in text


@pytest.mark.rtlsim
def test_moved_build_on_icarus(two_models, tmp_path):
    """Icarus (cocotb) runs in the build's rtl/ too."""
    need_tool("icarus")
    b = tmp_path / "first"
    g, _ = compile_model(CompileOptions(two_models[0], b, 10, 10))
    shutil.move(str(b), str(tmp_path / "second"))
    assert verify_rtl(g, tmp_path / "second", frames=6, sim="icarus").mismatches == 0


def test_tool_scripts_name_no_absolute_path(two_models, tmp_path):
    """Yosys, Vivado and Vitis HLS scripts reference the build relative to themselves."""
    from hwgen.flows.vivado import write_package
    from hwgen.flows.yosys import synth_script

    b = tmp_path / "b"
    compile_model(CompileOptions(two_models[0], b, 4, 4, board="pynq-z2"))
    paths = write_package(b, "pynq-z2")
    texts = {
        "synth.ys": synth_script(b, "zynq7", b / "synth" / "pynq-z2"),
        "package.tcl": paths["tcl"].read_text(),
        "vitis_hls.tcl": (b / "hls" / "vitis_hls.tcl").read_text(),
    }
    for name, text in texts.items():
        assert str(tmp_path) not in text and str(ROOT) not in text, name
    assert (b / "hls" / "hwgen_hls.h").is_file() and (b / "rtl" / "hwgen_mvu.v").is_file()


@pytest.mark.parametrize(
    "victim,change,what",
    [
        ("rtl/l0_Gemm_0_weights.mem", "edit", "changed since"),
        ("rtl/hwgen_mvu.v", "delete", "missing from the build"),
        ("graph.json", "edit", "changed since"),
        ("graph.npz", "delete", "missing from the build"),
        ("manifest.json", "delete", "no manifest"),
        ("manifest.json", "edit", "corrupt manifest"),
    ],
)
def test_tampered_build_is_refused(two_models, tmp_path, victim, change, what):
    """A changed, missing or foreign piece is one line naming it, exit status 1."""
    b = tmp_path / "b"
    compile_model(CompileOptions(two_models[0], b, 3, 4))
    np.save(tmp_path / "x.npy", np.zeros((2, 40), np.float32))
    p = b / victim
    if change == "delete":
        p.unlink()
    else:
        p.write_bytes(p.read_bytes()[:-3] + b"0\n}")
    r = (
        _hwgen("sim", b, "--frames", 3)
        if victim.startswith("rtl/")
        else _hwgen("run", b, "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy")
    )
    assert r.returncode == 1, r.stdout + r.stderr
    line = r.stderr.strip()
    assert len(line.splitlines()) == 1 and what in line and "Traceback" not in line, line
    assert Path(victim).name in line or victim == "manifest.json" and "manifest" in line


def test_foreign_graph_is_refused(two_models, tmp_path):
    """Simulating build A's Verilog against graph B is an error, not a comparison."""
    need_tool("verilator")
    ga, _ = compile_model(CompileOptions(two_models[0], tmp_path / "a", 3, 4))
    gb, _ = compile_model(CompileOptions(two_models[1], tmp_path / "b", 3, 4))
    with pytest.raises(HwgenError, match="not the one this build was compiled from"):
        simulate_hw(gb, tmp_path / "a", random_inputs(gb, 3, np.random.default_rng(0)))


def test_recompile_removes_the_previous_designs_results(two_models, tmp_path):
    """Yosys figures, bitstreams, packages, waveforms and a searched folding of the old design
    are gone after a new compile into the same folder; `report` shows only the new design."""
    b = tmp_path / "b"
    compile_model(CompileOptions(two_models[0], b, board="pynq-z2", target_fps=10_000))
    for d in ("synth/pynq-z2", "bitstream/icebreaker", "deploy/pynq-z2", "waves"):
        (b / d).mkdir(parents=True)
        (b / d / "old.json").write_text("{}")
    # the old design's Yosys figures, as `hwgen synth` writes them
    (b / "synth/pynq-z2/utilization.json").write_text(
        json.dumps(
            {
                "board": "pynq-z2",
                "family": "zynq7",
                "cells": {},
                "seconds": 1.0,
                "summary": {
                    "lut": 4321,
                    "ff": 1,
                    "lutram": 0,
                    "bram": 0,
                    "dsp": 0,
                    "carry": 0,
                    "lut_mem": 0,
                },
            }
        )
    )
    assert _hwgen("report", b).returncode == 0
    assert "Yosys synthesis" in (b / "report" / "report.md").read_text()  # shown while it belongs
    assert (b / "folding.json").is_file()
    compile_model(CompileOptions(two_models[1], b, 2, 2))
    left = sorted(p.name for p in b.iterdir())
    for gone in ("synth", "bitstream", "deploy", "waves", "folding.json", "folding_search.json"):
        assert gone not in left
    assert json.loads((b / "manifest.json").read_text())["options"]["pe"] == 2
    r = _hwgen("report", b)
    assert r.returncode == 0, r.stderr
    md = (b / "report" / "report.md").read_text()
    assert "Yosys synthesis" not in md and "4321" not in md


def test_compile_refuses_a_folder_that_is_not_a_build(two_models, tmp_path):
    """A non-empty folder that hwgen did not make is never emptied or written into."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "rtl").mkdir()
    (tmp_path / "mine" / "rtl" / "precious.v").write_text("module precious; endmodule\n")
    r = _hwgen("compile", two_models[0], "-o", tmp_path / "mine")
    assert r.returncode == 1 and "not empty and not an hwgen build" in r.stderr
    assert (tmp_path / "mine" / "rtl" / "precious.v").is_file()


def test_golden_run_from_a_copied_build(two_models, tmp_path):
    """A copy of a build (another folder, as on another machine) runs the same."""
    b = tmp_path / "b"
    g, _ = compile_model(CompileOptions(two_models[0], b, 3, 4))
    shutil.copytree(b, tmp_path / "copy")
    x = np.random.default_rng(1).normal(size=(5, 40)).astype(np.float32)
    np.testing.assert_array_equal(
        run_golden(Graph.load_build(tmp_path / "copy"), x), run_golden(g, x)
    )
