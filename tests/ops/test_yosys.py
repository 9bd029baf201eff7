"""Yosys synthesis of generated Verilog (the first piece of the open flow)."""

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.flows.yosys import run_yosys, summarize, synth_script
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import single_mvu_graph, write_rtl


def test_summarize_groups_cells():
    s = summarize(
        {
            "LUT6": 10,
            "LUT3": 2,
            "FDRE": 7,
            "RAMB36E1": 1,
            "RAMB18E1": 1,
            "CARRY4": 3,
            "SB_LUT4": 4,
            "RAM32M": 2,
            "RAM64X1D": 1,
        }
    )
    assert s == {"lut": 16, "ff": 7, "lutram": 3, "bram": 3, "dsp": 0, "carry": 3, "lut_mem": 10}
    from hwgen.flows.yosys import slice_luts

    assert slice_luts(s) == 26  # LUTs as logic + LUTs as memory (4 per RAM32M, 2 per RAM64X1D)


def test_unknown_family_is_refused(tmp_path):
    with pytest.raises(HwgenError, match="no synthesis command for device family 'gowin'"):
        synth_script(tmp_path, "gowin", tmp_path)


@pytest.mark.parametrize("board", ["pynq-z2", "icebreaker"])
def test_yosys_synthesizes_one_mvu(board, capsys):
    """A 32x16 MVU at PE=4, SIMD=8: Yosys maps it; popcount of 32 lanes needs LUTs and FFs."""
    need_tool("yosys")
    g = single_mvu_graph(np.random.default_rng(0), 32, 16, 4, 8, thresholds=True)
    out = write_rtl(g, ROOT / "build" / "tests" / "yosys-mvu")
    r = run_yosys(out, board)
    assert r["summary"]["lut"] > 20 and r["summary"]["ff"] > 20
    from hwgen.cli import main

    assert main(["synth", str(out), "--board", board, "--no-pnr"]) == 0
    assert "LUT of" in capsys.readouterr().out


@pytest.mark.parametrize("board", ["pynq-z2", "icebreaker"])
def test_estimate_within_15_percent_of_yosys(board, digits_graph, tmp_path):
    """The digits MLP at PE=4, SIMD=8: estimated LUTs and FFs within 15 % of Yosys (the
    whole sweep of foldings runs in `make slow` and `make bench`)."""
    need_tool("yosys")
    from hwgen.estimate import estimate_graph
    from hwgen.flows.boards import load_board
    from hwgen.passes import apply_folding

    g = apply_folding(digits_graph, pe=4, simd=8)
    out = write_rtl(g, tmp_path / "mlp")
    syn = run_yosys(out, board)["summary"]
    est = estimate_graph(g, load_board(board)["family"]).total
    for r in ("lut", "ff"):
        assert abs(est[r] - syn[r]) <= 0.15 * syn[r], (r, est[r], syn[r])
    assert est["bram"] == syn["bram"]


@pytest.mark.parametrize("board", [pytest.param("pynq-z2", marks=pytest.mark.slow), "icebreaker"])
def test_residual_estimate_within_20_percent_of_yosys(board):
    """A Bi-Real chain (width 32, two residual blocks, PE 4, SIMD 8) with random level
    thresholds: Yosys maps it, and the estimate is within 20 % in LUTs and FFs (35 % on iCE40:
    its random threshold ROMs cost more logic and output registers than the calibration's
    Bi-Real MLP, whose random-init BatchNorms give regular ones that Yosys simplifies) and
    exact in block RAM (the shortcut FIFOs on iCE40)."""
    need_tool("yosys")
    from hwgen.estimate import estimate_graph
    from hwgen.flows.boards import load_board
    from tests.ops.test_residual import residual_graph

    g = residual_graph(1, 32, 2, 4, 8)
    out = write_rtl(g, ROOT / "build" / "tests" / "yosys-residual")
    syn = run_yosys(out, board)["summary"]
    est = estimate_graph(g, load_board(board)["family"]).total
    for r in ("lut", "ff"):
        tol = 0.35 if board == "icebreaker" else 0.20
        assert abs(est[r] - syn[r]) <= tol * syn[r], (r, est[r], syn[r])
    assert est["bram"] == syn["bram"]


@pytest.mark.parametrize("style,blocks", [("block", 1), ("lut", 0)])
def test_ram_style_places_the_weight_rom(style, blocks):
    """A 64x64 MVU at PE=4, SIMD=8 has a 128 x 32-bit weight ROM, which Yosys alone keeps in
    LUTs: ram_style "block" puts it in one RAMB18, "lut" keeps it in logic; the estimate
    follows the placement exactly."""
    need_tool("yosys")
    from hwgen.estimate import estimate_graph
    from hwgen.passes import apply_folding
    from hwgen.passes.memory_placement import place_weight_memories

    g = single_mvu_graph(np.random.default_rng(1), 64, 64, 4, 8, thresholds=True)
    g = apply_folding(g, config={"mvu": {"ram_style": style}})
    g = place_weight_memories(g, {"family": "zynq7", "bram18": 280})
    assert g.nodes[0].weight_style == style
    out = write_rtl(g, ROOT / "build" / "tests" / f"yosys-ram-style-{style}")
    assert (
        f".WEIGHT_STYLE({1 if style == 'block' else 2})"
        in (out / "rtl" / "hwgen_top.v").read_text()
    )
    syn = run_yosys(out, "pynq-z2")["summary"]
    assert syn["bram"] == blocks == estimate_graph(g, "zynq7").total["bram"]


def test_per_layer_synthesis_lands_in_the_cli_and_the_report(tmp_path, capsys):
    """`hwgen synth --per-layer`: every layer synthesized alone (a wrapper with the top's
    parameters), a row per layer in the CLI and in the report."""
    need_tool("yosys")
    from hwgen.backends.rtl.codegen import rtl_instances
    from hwgen.cli import main
    from hwgen.passes import apply_folding

    g = apply_folding(single_mvu_graph(np.random.default_rng(2), 40, 12, 3, 8, thresholds=True))
    g.save(tmp_path / "b")  # per-layer synthesis reads the build's graph
    out = write_rtl(g, tmp_path / "b")
    assert main(["synth", str(out), "--board", "pynq-z2", "--per-layer"]) == 0
    text = capsys.readouterr().out
    assert "per layer" in text and "mvu" in text
    import json

    rows = json.loads((out / "synth" / "pynq-z2" / "layers" / "layers.json").read_text())
    assert [r["name"] for r in rows] == [i["name"] for i in rtl_instances(g)] == ["mvu"]
    assert rows[0]["summary"]["lut"] > 20


@pytest.mark.parametrize("board", ["pynq-z2", pytest.param("icebreaker", marks=pytest.mark.slow)])
def test_w2a2_estimate_within_15_percent_of_yosys(board, tmp_path):
    """The digits MLP at W2A2 (2-bit weights and activations: sums of products, level
    thresholds), trained as the calibration trains it, at PE=4, SIMD=8: estimated LUTs and FFs
    within 15 % of Yosys, block RAM exact."""
    need_tool("yosys")
    from hwgen.estimate import estimate_graph
    from hwgen.estimate.calibrate import precision_onnx
    from hwgen.flows.boards import load_board
    from hwgen.flows.yosys import slice_luts
    from hwgen.pipeline import CompileOptions, compile_model

    g, _ = compile_model(CompileOptions(precision_onnx(tmp_path, "mlp"), tmp_path / "build", 4, 8))
    syn = run_yosys(tmp_path / "build", board)["summary"]
    est = estimate_graph(g, load_board(board)["family"]).total
    assert abs(est["lut"] - slice_luts(syn)) <= 0.15 * slice_luts(syn), (
        est["lut"],
        slice_luts(syn),
    )
    assert abs(est["ff"] - syn["ff"]) <= 0.15 * syn["ff"], (est["ff"], syn["ff"])
    assert est["bram"] == syn["bram"]
