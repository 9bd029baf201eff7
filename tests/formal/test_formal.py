"""Formal proofs: the FIFO's stream rules (k-induction, covers reached), the popcount unit
equal to the direct sum (BDD), small layers equal to golden's function (BMC), `hwgen prove`,
and mutants caught with a counterexample that is read back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hwgen import api
from hwgen.formal import layers as layer_mod
from hwgen.formal.arith import prove_lane_dot, prove_popcount
from hwgen.formal.kernels import KERNELS, kernel_tasks
from hwgen.formal.layers import layer_checks, run_layer_bmc
from hwgen.formal.library import LIBRARY
from hwgen.formal.sby import SbyTask, run_sby
from hwgen.paths import SHARE
from tests.e2e.test_cli import assert_one_line_error, run_cli
from tests.helpers import random_mlp


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    """A random 24-12-8 W1A1 MLP at PE=4, SIMD=8: layers of 288 and 96 weight bits."""
    d = tmp_path_factory.mktemp("formal")
    _, onnx = random_mlp(d / "m.onnx", [24, 12, 8], seed=3)
    return api.compile(onnx, d / "build", pe=4, simd=8)


def _vcd_signals(path: Path) -> set[str]:
    """The signal names a VCD declares (a trace that opens)."""
    text = path.read_text()
    assert "$enddefinitions" in text
    return set(re.findall(r"\$var \S+ \d+ \S+ (\S+)", text))


LIBRARY_SETS = [(m, p) for m, sets in LIBRARY.items() for p in sets]


def test_every_kernel_with_properties_has_three_parameter_sets():
    assert set(LIBRARY) == set(KERNELS)
    assert all(len(sets) >= 3 for sets in LIBRARY.values())


@pytest.mark.parametrize("module,params", LIBRARY_SETS, ids=lambda v: str(v))
def test_kernel_stream_rules_proven_and_a_frame_passes(tmp_path, module, params):
    prove, cover = kernel_tasks(module, params, tmp_path)
    res = run_sby(prove, tmp_path)
    assert res.status == "PASS", res.log[-2000:]
    assert "successful proof by k-induction" in res.log
    res = run_sby(cover, tmp_path)
    assert res.status == "PASS" and res.covers_reached >= 1 and res.covers_missed == 0


def _mutant_fifo(tmp_path: Path) -> Path:
    """The FIFO with its write pointer held when a push meets a pop: a beat lost under one
    stall pattern (the others still pass)."""
    src = (SHARE / "rtl" / "hwgen_axis_fifo.v").read_text()
    bad = src.replace("if (push) wptr <=", "if (push && !pop) wptr <=")
    assert bad != src
    out = tmp_path / "mutant_src" / "hwgen_axis_fifo.v"
    out.parent.mkdir()
    out.write_text(bad)
    return out


def test_fifo_mutant_dropping_a_beat_is_caught_with_a_trace(tmp_path):
    prove, _ = kernel_tasks("hwgen_axis_fifo", {"DATA_W": 4, "DEPTH": 3})
    mutant = _mutant_fifo(tmp_path)
    files = [mutant if f.name == "hwgen_axis_fifo.v" else f for f in prove.files]
    # a base case deep enough for the beat to be lost and seen: reset, idle, push, push+pop
    task = SbyTask("mutant", prove.mode, 8, prove.script, files, engine=prove.engine)
    res = run_sby(task, tmp_path)
    assert res.status == "FAIL", res.log[-1500:]
    assert res.traces and res.traces[0].is_file()
    names = _vcd_signals(res.traces[0])
    assert {"s_tvalid", "m_tready", "count"} <= names


def test_swg_mutant_replacing_a_stalled_pad_beat_is_caught_with_a_trace(tmp_path):
    """The window generator moving on while a pad beat waits (a beat dropped only when a
    stall meets a pad position) breaks the stream rules and the count of window beats."""
    src = (SHARE / "rtl" / "hwgen_swg.v").read_text()
    bad = src.replace(
        "wire           en = !r_valid || r_ready;", "wire en = !r_valid || r_ready || pad_q;"
    )
    assert bad != src
    mutant = tmp_path / "mutant_src" / "hwgen_swg.v"
    mutant.parent.mkdir()
    mutant.write_text(bad)
    prove, _ = kernel_tasks("hwgen_swg", LIBRARY["hwgen_swg"][1], tmp_path)
    files = [mutant if f.name == mutant.name else f for f in prove.files]
    task = SbyTask("mutant", prove.mode, 12, prove.script, files, engine=prove.engine)
    res = run_sby(task, tmp_path)
    assert res.status == "FAIL", res.log[-1500:]
    assert res.traces[0].name == "trace.vcd"
    assert {"m_tvalid", "m_tready", "pad_q"} <= _vcd_signals(res.traces[0])


def _mutant_residual(tmp_path: Path, old: str, new: str) -> Path:
    src = (SHARE / "rtl" / "hwgen_residual.v").read_text()
    bad = src.replace(old, new)
    assert bad != src
    out = tmp_path / "mutant_src" / "hwgen_residual.v"
    out.parent.mkdir()
    out.write_text(bad)
    return out


def _residual_task(tmp_path: Path, mutant: Path, params: dict, depth: int) -> SbyTask:
    prove, _ = kernel_tasks("hwgen_residual", params, tmp_path)
    files = [mutant if f.name == mutant.name else f for f in prove.files]
    return SbyTask("mutant", prove.mode, depth, prove.script, files, engine=prove.engine)


def test_residual_mutant_copying_a_beat_twice_is_caught_with_a_trace(tmp_path):
    """The shortcut FIFO fed from the block's input instead of the fork's output: while the
    MVU path stalls the fork, the FIFO takes the same beat again. No stream rule breaks; the
    beat count across the block (the inner kernels' state, probed) does."""
    mutant = _mutant_residual(
        tmp_path,
        ".s_tdata(f1_tdata), .s_tvalid(f1_tvalid)",
        ".s_tdata(f1_tdata), .s_tvalid(s_tvalid)",
    )
    # a FIFO deeper than the MVU path holds, so the MVU stalls while the FIFO has room
    params = {**LIBRARY["hwgen_residual"][0], "SC_DEPTH": 8}
    res = run_sby(_residual_task(tmp_path, mutant, params, 16), tmp_path)
    assert res.status == "FAIL", res.log[-1500:]
    assert "hwgen_residual.fv.vh" in res.log and res.traces[0].name == "trace.vcd"
    assert {"s_tvalid", "f_owed", "f_probe_sc"} <= _vcd_signals(res.traces[0])


def test_inner_kernels_input_rules_are_asserted_not_assumed(tmp_path):
    """The sign fed in lockstep with the FIFO (the fork hwgen had before): its input beat is
    withdrawn if the FIFO's TREADY falls. In the composite proof the sign's input rule is an
    assertion (a sibling drives it), and it is the one that fails."""
    mutant = _mutant_residual(
        tmp_path,
        ".s_tdata(f0_tdata), .s_tvalid(f0_tvalid)",
        ".s_tdata(s_tdata), .s_tvalid(s_tvalid && sc_in_ready)",
    )
    res = run_sby(_residual_task(tmp_path, mutant, LIBRARY["hwgen_residual"][0], 6), tmp_path)
    assert res.status != "PASS"
    failed = [line for line in res.log.splitlines() if "failed assertion" in line]
    # the sign's input rule, or (the same step, SymbiYosys names one) the beats counted across
    # the block: both are assertions, none an assumption that would hide the fault
    assert any(
        "u_sign__f_s__assume" in line or "hwgen_residual_fv_vh_34" in line for line in failed
    ), failed


@pytest.mark.parametrize("lanes", [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 33])
def test_popcount_equals_the_direct_sum(lanes):
    r = prove_popcount(lanes)
    assert r.equal, r.witness


@pytest.mark.slow
@pytest.mark.parametrize("lanes", range(1, 129))
def test_popcount_every_width_up_to_128(lanes):
    r = prove_popcount(lanes)
    assert r.equal, r.witness


@pytest.mark.slow
@pytest.mark.parametrize("weight_w", [1, 2])
@pytest.mark.parametrize("lanes", range(1, 129))
def test_lane_dot_every_width_up_to_128(lanes, weight_w):
    """The zoo's lane dot products: 2-bit signed activations, 1- and 2-bit weights."""
    r = prove_lane_dot(lanes, 2, True, weight_w)
    assert r.equal, r.witness


def test_popcount_mutant_with_a_carry_cut_is_caught(tmp_path):
    """A count whose bit 2 is cut at 5 lanes only (a carry lost at one width): 4 and 5
    matches come out as 0 and 1."""
    src = (SHARE / "rtl" / "hwgen_popcount.v").read_text()
    src = src.replace("module hwgen_popcount", "module hwgen_popcount_real", 1)
    wrapper = """
module hwgen_popcount #(parameter integer LANES = 64, parameter integer CNT_W = 7) (
    input wire [LANES-1:0] x, input wire [LANES-1:0] w, output wire [CNT_W-1:0] count);
    wire [CNT_W-1:0] c;
    hwgen_popcount_real #(.LANES(LANES), .CNT_W(CNT_W)) u (.x(x), .w(w), .count(c));
    assign count = (LANES == 5) ? (c & ~(1 << 2)) : c;
endmodule
"""
    mutant = tmp_path / "popcount_mutant.v"
    mutant.write_text(src + wrapper)
    assert prove_popcount(4, source=str(mutant)).equal
    bad = prove_popcount(5, source=str(mutant))
    assert not bad.equal and bad.witness  # the input where they differ
    matches = sum(bad.witness[f"x{i}_0"] == bad.witness[f"w{i}_0"] for i in range(5))
    assert matches >= 4


@pytest.mark.parametrize("shape", [(4, 2, True, 2), (8, 2, False, 1), (3, 1, True, 2)])
def test_lane_dot_equals_the_direct_sum(shape):
    r = prove_lane_dot(*shape)
    assert r.equal, r.witness


def test_small_layers_equal_golden_and_their_output_passes(small_build):
    rows = small_build.prove()
    layer_rows = [r for r in rows if r.prop == "= golden"]
    assert len(layer_rows) == 2 and all(r.result == "PASS" for r in layer_rows), rows
    covers = [r for r in rows if r.prop.startswith("cover")]
    assert covers and all(r.result == "PASS" for r in covers)
    assert all(r.ok for r in rows)


def test_layer_mutant_threshold_off_by_one_is_caught(small_build, tmp_path):
    (chk,) = [c for c in layer_checks(small_build.graph, tmp_path) if c.layer == "Gemm_0"]
    node = small_build.graph.node("Gemm_0")
    rom = next(f for f in chk.tasks[0].files if f.name.endswith("_thresholds.mem"))
    words = rom.read_text().split()
    thr_w = node.thr_bits
    lane0 = int(words[0], 16) & ((1 << thr_w) - 1)
    assert 0 < lane0 < node.mw  # a threshold some input reaches exactly
    words[0] = f"{int(words[0], 16) + 1:0{len(words[0])}x}"  # channel 0's, one higher
    rom.write_text("\n".join(words) + "\n")
    res = run_layer_bmc(chk.tasks[0], tmp_path)
    assert res.status == "FAIL"
    assert res.traces and res.traces[0].is_file()
    assert "m_tdata" in _vcd_signals(res.traces[0])


def test_layer_above_the_bmc_limit_goes_to_symbolic_simulation(small_build, tmp_path, monkeypatch):
    monkeypatch.setattr(layer_mod, "MAX_DEPTH", 10)
    checks = {c.layer: c for c in layer_checks(small_build.graph, tmp_path)}
    assert not checks["Gemm_0"].tasks and checks["Gemm_0"].symbolic is not None
    assert checks["Gemm_0"].symbolic().status == "PASS"


def test_integer_layer_above_the_bmc_limit_is_skipped_with_its_reason(
    small_build, tmp_path, monkeypatch
):
    monkeypatch.setattr(layer_mod, "MAX_DEPTH", 10)
    monkeypatch.setattr(layer_mod.layer_bdd, "applies", lambda n: False)  # as for integer lanes
    checks = {c.layer: c for c in layer_checks(small_build.graph, tmp_path)}
    assert not checks["Gemm_0"].tasks and "BMC steps" in checks["Gemm_0"].skipped


def test_cli_prove_prints_the_table(capsys, small_build):
    code, out, _ = run_cli(capsys, "prove", small_build.path, "--no-layers")
    assert code == 0
    assert "hwgen_axis_fifo" in out and "hwgen_popcount LANES=8" in out and "PASS" in out


def test_cli_prove_of_no_build_is_one_line(capsys, tmp_path):
    code, _, err = run_cli(capsys, "prove", tmp_path / "nothing")
    assert_one_line_error(code, err, "nothing")


def test_a_layer_over_its_time_limit_says_timeout(small_build):
    rows = small_build.prove(layer_timeout_s=1)
    layer = {r.target.split()[0]: r for r in rows if r.prop == "= golden"}
    # Gemm_0 (18 BMC steps over 24 inputs) takes several seconds; the small Gemm_1 may
    # finish within the second on a fast machine
    assert layer["Gemm_0"].result == "TIMEOUT" and not layer["Gemm_0"].ok
    assert all(r.result in ("TIMEOUT", "PASS") for r in layer.values())


def test_pipelined_layers_equal_golden_by_bmc(tmp_path):
    """Every stage and the popcount in groups: the layer proof (BMC, deeper by the stages'
    latency) still equals golden; the symbolic engine, which does not model the stage
    registers, is not used for them."""
    _, onnx = random_mlp(tmp_path / "m.onnx", [24, 12, 8], seed=3)
    every = {"stages": ["popcount", "rom", "threshold"], "pc_groups": 2}
    fold = {"Gemm_0": {"pe": 4, "simd": 8, **every}, "Gemm_1": {"pe": 4, "simd": 6, **every}}
    build = api.compile(onnx, tmp_path / "build", fold=fold)
    checks = {c.layer: c for c in layer_checks(build.graph, tmp_path / "checks")}
    assert not layer_mod.layer_bdd.applies(build.graph.node("Gemm_0"))
    for chk in checks.values():
        res = run_layer_bmc(chk.tasks[0], tmp_path)
        assert res.status == "PASS", res.log[-1500:]
