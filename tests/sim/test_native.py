"""The native Verilator testbench (sim/native_tb.cpp): agreement with cocotb and the golden
model, back-pressure, rate, faults that must stop with one line and a waveform, build size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.execution import run_golden, run_rtl, simulate_hw
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.native import NativeSimError
from hwgen.sim.vcd import read_vcd
from hwgen.sim.verify import random_inputs, verify_rtl
from tests.conftest import ROOT
from tests.helpers import need_tool, random_mlp
from tests.sim.faults import faulty_sources, faulty_top, rehash

pytestmark = pytest.mark.rtlsim


@pytest.fixture(scope="module")
def odd_build(tmp_path_factory):
    """64 -> 37 -> 19 -> 10 at PE=3, SIMD=5: no size divides the folding."""
    need_tool("verilator")
    path = random_mlp(tmp_path_factory.mktemp("odd") / "odd.onnx", [64, 37, 19, 10], seed=11)[1]
    out = ROOT / "build" / "tests" / "native-odd-3x5"
    g, _ = compile_model(CompileOptions(path, out, 3, 5))
    return g, out


def test_native_equals_cocotb_and_golden(odd_build):
    """Same frames through both testbenches: bit-exact against golden; without stalls the
    per-frame completion intervals (and so the steady rate) are equal cycle for cycle."""
    g, out = odd_build
    x = random_inputs(g, 24, np.random.default_rng(5))
    want = g.execute(x, g.hw_nodes()).reshape(len(x), -1)
    nat, rn = simulate_hw(g, out, x, "verilator", testbench="native")
    coc, rc = simulate_hw(g, out, x, "verilator", testbench="cocotb")
    np.testing.assert_array_equal(nat, want)
    np.testing.assert_array_equal(coc, want)
    assert rn.testbench == "native" and rc.testbench == "cocotb"
    assert np.diff(rn.done_cycles).tolist() == np.diff(rc.done_cycles).tolist()
    assert rn.steady_cycles_per_frame() == rc.steady_cycles_per_frame()
    from hwgen.passes.folding import folding_bound

    assert rn.steady_cycles_per_frame() <= 1.02 * folding_bound(g)


@pytest.mark.parametrize("pause", [0.3, 0.6])
def test_native_exact_under_stalls(odd_build, pause):
    """Random stalls on input valid and output ready (seeded): exact; the stalls do happen
    (frames complete at other cycles than free-running), and the seed repeats them."""
    g, out = odd_build
    r = verify_rtl(g, out, frames=300, pause=pause, seed=9)
    assert r.mismatches == 0 and r.frames == 300 and r.testbench == "native"
    x = random_inputs(g, 20, np.random.default_rng(3))
    _, free = simulate_hw(g, out, x)
    _, stalled = simulate_hw(g, out, x, in_pause=pause, out_pause=pause, seed=2)
    _, again = simulate_hw(g, out, x, in_pause=pause, out_pause=pause, seed=2)
    assert stalled.done_cycles != free.done_cycles and stalled.done_cycles[0] > free.done_cycles[0]
    assert stalled.done_cycles == again.done_cycles


def test_native_build_is_small(odd_build):
    """Only the executable is kept: no object files or precompiled headers."""
    g, out = odd_build
    simulate_hw(g, out, random_inputs(g, 3, np.random.default_rng(0)))
    folders = [p for p in (out / "sim_build").iterdir() if p.name.startswith("native-tb-")]
    assert folders
    for f in folders:
        size = sum(p.stat().st_size for p in f.rglob("*") if p.is_file())
        assert size < 4_000_000, f"{f}: {size} bytes"
        assert not list(f.rglob("*.o")) and not list(f.rglob("*.gch"))


@pytest.mark.parametrize(
    "fault,beat,what", [("drop_beat", 5, "watchdog"), ("no_last", 3, "framing")]
)
def test_fault_stops_with_one_line_and_a_waveform(odd_build, tmp_path, fault, beat, what):
    """A lost beat or a stall forever trips the watchdog, a misplaced TLAST the framing
    check: one line naming frame and cycle, and a VCD of the stretch before it that opens."""
    g, out = odd_build
    sources = faulty_sources(g, out, fault, beat, tmp_path)
    x = random_inputs(g, 6, np.random.default_rng(1))
    with pytest.raises(NativeSimError) as e:
        simulate_hw(g, out, x, sources=sources)
    msg = str(e.value)
    assert "\n" not in msg and what in msg and "frame" in msg and "cycle" in msg, msg
    assert e.value.cycle is not None and e.value.frame is not None
    wave = Path(msg.split("(waveform: ")[1].rstrip(")"))
    v = read_vcd(wave)
    assert any(s.endswith("s_axis_tvalid") for s in v.signals) and v.changes > 0
    assert v.last_time >= v.first_time


def test_fault_stall_names_the_frame(odd_build, tmp_path):
    """A top that stops taking output after 2 frames' beats: the watchdog names frame 2 and
    the cycle, and the waveform of the stretch before it opens."""
    g, out = odd_build
    from hwgen.backends.common import stream_format

    beats = stream_format(g).out_beats
    x = random_inputs(g, 5, np.random.default_rng(2))
    with pytest.raises(NativeSimError) as e:
        simulate_hw(g, out, x, sources=faulty_sources(g, out, "stall", 2 * beats, tmp_path))
    msg = str(e.value)
    assert e.value.frame == 2 and "frame 2 of 5" in msg and "watchdog" in msg and "\n" not in msg
    v = read_vcd(Path(msg.split("(waveform: ")[1].rstrip(")")))
    assert v.changes > 0 and v.last_time > v.first_time


def test_hwgen_sim_writes_a_waveform_at_the_first_mismatch(odd_build, tmp_path):
    """`hwgen sim` on a top that corrupts output beat 2*out_beats (frame 2): exit 1, one line
    naming frame 2 and a waveform around it that opens."""
    import shutil

    g, out = odd_build
    from hwgen.backends.common import stream_format

    beats = stream_format(g).out_beats
    bad = tmp_path / "bad"
    shutil.copytree(out, bad, ignore=shutil.ignore_patterns("sim_build", "waves"))
    (bad / "rtl" / "hwgen_top.v").write_text(faulty_top(g, out, "flip", 2 * beats))
    rehash(bad)  # the fault is deliberate: the manifest would (rightly) refuse a changed top
    p = subprocess.run(
        [sys.executable, "-m", "hwgen", "sim", str(bad), "--frames", "8"],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1, p.stdout + p.stderr
    err = p.stderr.strip()
    assert len(err.splitlines()) == 1 and "first at frame 2" in err and "Traceback" not in err, err
    wave = Path(err.split("waveform: ")[1])
    assert wave.name == "mismatch_frame2.vcd"
    v = read_vcd(wave)
    assert v.changes > 0 and v.last_time > v.first_time


def test_trace_option_writes_a_vcd(odd_build, tmp_path):
    """`hwgen sim --trace` writes the whole run's waveform (relative paths are the caller's)."""
    g, out = odd_build
    p = subprocess.run(
        [sys.executable, "-m", "hwgen", "sim", str(out), "--frames", "4", "--trace", "w.vcd"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert p.returncode == 0, p.stderr
    v = read_vcd(tmp_path / "w.vcd")
    assert any(s.endswith("m_axis_tlast") for s in v.signals)


def test_native_rejects_foreign_widths(odd_build):
    """The testbench checks the port widths it is told against the compiled top."""
    from hwgen.backends.common import stream_format
    from hwgen.backends.rtl.codegen import rtl_sources
    from hwgen.sim.native import build_native, run_native

    g, out = odd_build
    fmt = stream_format(g)
    exe, _ = build_native(rtl_sources(out / "rtl"), "hwgen_top", out / "sim_build")
    words = np.zeros((fmt.in_beats, 3), dtype=np.uint32)
    with pytest.raises(HwgenError, match="port does not have"):
        run_native(
            exe,
            words,
            frames=1,
            in_beats=fmt.in_beats,
            out_beats=fmt.out_beats,
            in_width=70,
            out_width=fmt.out_width,
        )


def test_digits_mlp_whole_test_split_in_rtl(digits_mlp):
    """The digits MLP's whole test split through the native RTL simulation under 30 % stalls
    on both sides equals PyTorch's labels and the golden model's outputs."""
    from tests.helpers import torch_outputs

    need_tool("verilator")
    model, path, split, _res = digits_mlp
    out = ROOT / "build" / "tests" / "native-digits-mlp-4x8"
    g, _ = compile_model(CompileOptions(path, out, 4, 8))
    x = split.x_test
    rtl, res = run_rtl(g, out, x, in_pause=0.3, out_pause=0.3, seed=4)
    np.testing.assert_array_equal(rtl, run_golden(g, x))
    np.testing.assert_array_equal(rtl.argmax(1), torch_outputs(model, x).argmax(1))
    assert len(res.done_cycles) == len(x) == 450
