"""Issue 28's acceptance runs through the netlist (make slow): the trained digits MLP at
PE=SIMD=16 on the iCE40 netlist over its whole test split (450 frames), and TFC-W1A1 at FINN's
folding on the ECP5 netlist (200 frames), each through the pyserial driver over a
pseudo-terminal, equal golden bit for bit. On Verilator: the digits netlist took 14 min to
build here (with another job on the second core) and 151 s for the 450 frames; Icarus runs
it at about 20 s a frame. TFC's ECP5 netlist: about 36 min to build (beside the suite), then
1,312 s for the 200 frames."""

from __future__ import annotations

import numpy as np
import pytest

from hwgen import api
from hwgen.bench.suite import tfc_onnx
from hwgen.sim.uart_board import golden_mismatches
from tests.helpers import need_tool

pytestmark = [pytest.mark.slow, pytest.mark.rtlsim]

#: FINN's folding of TFC-W1A1 (its bnn_pynq build: PE/SIMD per layer)
TFC_FOLD = {
    "Gemm_0": {"PE": 16, "SIMD": 49},
    "Gemm_1": {"PE": 8, "SIMD": 8},
    "Gemm_2": {"PE": 8, "SIMD": 8},
    "Gemm_3": {"PE": 10, "SIMD": 8},
}


def _tools():
    need_tool("iverilog")
    need_tool("yosys")


def test_digits_mlp_whole_test_split_on_the_ice40_netlist(digits_mlp, tmp_path):
    _tools()
    _model, onnx, split, _res = digits_mlp
    b = api.compile(onnx, tmp_path / "b", pe=16, simd=16, board="icebreaker")
    x = split.x_test.astype(np.float32)
    y = b.predict(x, "netlist", sim="verilator", board="icebreaker")
    assert len(x) == 450 and golden_mismatches(b.graph, x, y) == (0, None)


def test_tfc_200_frames_on_the_ecp5_netlist(tmp_path):
    _tools()
    b = api.compile(tfc_onnx(tmp_path), tmp_path / "b", fold=TFC_FOLD, board="ulx3s")
    x = np.random.default_rng(28).uniform(-1, 1, (200, *b.graph.input_shape[1:]))
    x = x.astype(np.float32)
    y = b.predict(x, "netlist", sim="verilator", board="ulx3s")
    assert golden_mismatches(b.graph, x, y) == (0, None)
