"""Generated Verilog passes `verilator --lint-only -Wall` with no warnings."""

import subprocess

import numpy as np
import pytest

from hwgen import SHARE as REPO
from hwgen.backends.rtl.codegen import SWG_RTL, TOP_NAME, rtl_sources
from hwgen.sim.tools import tool_path
from tests.conftest import ROOT
from tests.helpers import need_tool
from tests.ops.common import single_mvu_graph, write_rtl

# (MW, MH, PE, SIMD, thresholds, fifo depth): the width corner cases of every parameter
CONFIGS = [
    (1, 1, 1, 1, True, 2),
    (2, 1, 1, 1, False, 2),
    (64, 64, 1, 1, True, 2),
    (64, 64, 64, 64, False, 3),
    (17, 9, 2, 3, True, 7),
    (784, 64, 16, 49, True, 2),
    (100, 10, 10, 8, False, 2),
    (256, 128, 128, 256, True, 4),
]


def _lint(files, top, params=()):
    cmd = [tool_path("verilator"), "--lint-only", "-Wall", "--top-module", top, *params, *files]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).strip()


@pytest.mark.parametrize(
    "cfg",
    [pytest.param(c, marks=pytest.mark.slow) if c[3] == 256 else c for c in CONFIGS],
    ids=lambda c: "mw{}_mh{}_pe{}_simd{}_{}_d{}".format(*c[:4], int(c[4]), c[5]),
)
def test_generated_top_lints_clean(cfg):
    need_tool("verilator")
    mw, mh, pe, simd, thr, depth = cfg
    g = single_mvu_graph(np.random.default_rng(0), mw, mh, pe, simd, thr, fifo_depth=depth)
    out = write_rtl(g, ROOT / "build" / "tests" / "lint" / "mvu-{}-{}-{}-{}-{}-{}".format(*cfg))
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize("depth", [8, 16])
def test_banked_rom_top_lints_clean(depth):
    """A banked weight ROM (rtl/hwgen_mvu_rom.v): 30 words in banks of 8 (the last short), and
    120 in banks of 16, with the ROM register after the banks' multiplexer."""
    need_tool("verilator")
    mw, mh, pe, simd = (17, 9, 2, 3) if depth == 8 else (30, 8, 1, 2)
    g = single_mvu_graph(
        np.random.default_rng(0),
        mw,
        mh,
        pe,
        simd,
        True,
        stages=("rom_bank", "rom"),
        rom_bank_depth=depth,
    )
    out = write_rtl(g, ROOT / "build" / "tests" / "lint" / f"mvu-banked-{depth}")
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


def test_whole_net_top_lints_clean(digits_mlp):
    need_tool("verilator")
    from hwgen.pipeline import CompileOptions, compile_model

    out = ROOT / "build" / "tests" / "lint" / "digits"
    compile_model(CompileOptions(digits_mlp[1], out, 5, 7))
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize(
    "params",
    [
        ["-GNUM=10", "-GPE=3", "-GIN_W=9", "-GOUT_W=4"],
        ["-GNUM=2", "-GPE=2", "-GIN_W=2", "-GOUT_W=1"],
    ],
)
def test_label_select_lints_clean(params):
    need_tool("verilator")
    rc, text = _lint([str(REPO / "rtl/hwgen_label_select.v")], "hwgen_label_select", params)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize("depth", [2, 3, 16])
def test_fifo_lints_clean(depth):
    need_tool("verilator")
    rc, text = _lint(
        [str(REPO / "rtl/hwgen_axis_fifo.v")], "hwgen_axis_fifo", [f"-GDEPTH={depth}", "-GDATA_W=5"]
    )
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize(
    "params",
    [
        ["-GIMG_H=8", "-GIMG_W=8", "-GPIXEL_W=8", "-GIN_W=8", "-GK=3", "-GS=1"],
        ["-GIMG_H=7", "-GIMG_W=5", "-GPIXEL_W=12", "-GIN_W=5", "-GK=2", "-GS=2"],
        ["-GIMG_H=3", "-GIMG_W=3", "-GPIXEL_W=1", "-GIN_W=1", "-GK=1", "-GS=1"],
        ["-GIMG_H=8", "-GIMG_W=8", "-GPIXEL_W=8", "-GIN_W=8", "-GK=3", "-GS=1", "-GFLOW_REG=1"],
        ["-GIMG_H=7", "-GIMG_W=5", "-GPIXEL_W=12", "-GIN_W=5", "-GK=2", "-GS=2", "-GFLOW_REG=1"],
        ["-GIMG_H=3", "-GIMG_W=3", "-GPIXEL_W=1", "-GIN_W=1", "-GK=1", "-GS=1", "-GFLOW_REG=1"],
    ],
)
def test_sliding_window_lints_clean(params):
    need_tool("verilator")
    rc, text = _lint([str(REPO / f) for f in SWG_RTL], "hwgen_swg", params)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize(
    "params",
    [
        ["-GC=64", "-GKK=4"],
        ["-GC=1", "-GKK=1"],
        ["-GC=3", "-GKK=9"],
        ["-GC=4", "-GKK=4", "-GELEM_W=2", "-GSIGNED=1"],
        ["-GC=1", "-GKK=9", "-GELEM_W=3"],
    ],
)
def test_window_max_lints_clean(params):
    need_tool("verilator")
    rc, text = _lint([str(REPO / "rtl/hwgen_window_max.v")], "hwgen_window_max", params)
    assert rc == 0 and "%Warning" not in text, text


def test_conv_net_top_lints_clean(tmp_path):
    """A digits-CNN-shaped net (8-bit first layer, convs, max-pool, flatten) lints clean."""
    need_tool("verilator")
    from hwgen.pipeline import CompileOptions, compile_model
    from tests.helpers import random_cnn

    _m, path = random_cnn(tmp_path / "cnn.onnx", seed=1)
    out = ROOT / "build" / "tests" / "lint" / "cnn"
    compile_model(CompileOptions(path, out, 3, 5))
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize("bits", [1, 8])
def test_interval_threshold_top_lints_clean(bits):
    need_tool("verilator")
    from tests.ops.common import interval_rows

    rng = np.random.default_rng(1)
    g = single_mvu_graph(rng, 17, 9, 3, 4, True)
    n = g.nodes[0]
    n.in_bits, n.in_signed = bits, bits > 1
    lo, hi = (0, 17) if bits == 1 else n.acc_range()
    n.thresholds = interval_rows(rng, 9, 3, lo, hi)
    from hwgen.passes.folding import set_stream_widths

    g = set_stream_widths(g)
    out = write_rtl(g, ROOT / "build" / "tests" / "lint" / f"mvu-intervals-{bits}")
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize("case", [0, 1, 3, 5, 8])
def test_multibit_mvu_top_lints_clean(case):
    """k-bit inputs times 2- to 3-bit weights (rtl/hwgen_lane_dot.v), every output kind."""
    need_tool("verilator")
    from tests.ops.test_multibit_blocks import CASES, _case_id, multibit_mvu_graph

    g = multibit_mvu_graph(CASES[case])
    out = write_rtl(g, ROOT / "build" / "tests" / "lint" / f"mvu-{_case_id(CASES[case])}")
    rc, text = _lint(rtl_sources(out / "rtl"), TOP_NAME)
    assert rc == 0 and "%Warning" not in text, text


@pytest.mark.parametrize("simd,queue", [(4, 0), (8, 10), (16, 0), (16, 10)])
def test_uart_shell_lints_clean(simd, queue, tmp_path):
    """The UART shell around a real top whose input beat is narrower than, as wide as and
    wider than a byte (the byte shell's three cases), with and without its request queue."""
    need_tool("verilator")
    from hwgen.backends.common import stream_format
    from hwgen.backends.rtl.codegen import shell_sources

    g = single_mvu_graph(np.random.default_rng(1), 32, 8, 2, simd, True)
    out = write_rtl(g, tmp_path / "b")
    fmt = stream_format(g)
    params = [f"-GIN_W={fmt.in_width}", f"-GOUT_W={fmt.out_width}", "-GIN_BYTES=7"]
    params += ["-GOUT_BYTES=4", "-GCLKS_PER_BIT=25", "-GTIMEOUT_BITS=4096"]
    params += ["-GDIGEST=64'h0123456789abcdef", f"-GQUEUE_BYTES={queue}"]
    rc, text = _lint(shell_sources(out / "rtl", "hwgen_uart_shell"), "hwgen_uart_shell", params)
    assert rc == 0 and "%Warning" not in text, text
