"""The HLS kernel library, each kernel alone in g++ C-simulation: == golden, trip counts ==
folding. Compiled with -std=c++17 -Wall -Wextra -Werror (hwgen.backends.hls.csim.CXXFLAGS)."""

import shutil
import subprocess

import numpy as np
import pytest

from hwgen.backends.hls import generate_hls
from hwgen.backends.hls.codegen import kernel_trips
from hwgen.backends.hls.csim import CXXFLAGS, include_dirs, run_kernel
from hwgen.execution import simulate_csim
from hwgen.manifest import write_manifest
from hwgen.ops import LabelSelect, SlidingWindow, WindowMax
from hwgen.passes.folding import set_stream_widths
from hwgen.sim.stream import element_bits, pack_frames, unpack_frames
from hwgen.sim.verify import random_inputs
from tests.conftest import ROOT
from tests.ops.common import single_mvu_graph
from tests.ops.test_multibit_blocks import CASES, multibit_mvu_graph
from tests.ops.test_multibit_blocks import _case_id as multibit_id

pytestmark = pytest.mark.csim
WORK = ROOT / "build" / "tests" / "hls"


def test_library_compiles_with_all_warnings_as_errors(tmp_path):
    """The header alone, every kernel instantiated, under -Wall -Wextra -Werror."""
    if shutil.which("g++") is None:
        pytest.fail("g++ is required")
    src = tmp_path / "all.cpp"
    src.write_text(
        '#include "hwgen_hls.h"\n'
        "template void hwgen::mvu<0, 9, 5, 2, 4, 1, false, 1, true, 1, false, 0, 4, 5, 1, 4, 1, 1, "
        "1, 1>("
        "hls::stream<ap_uint<4> >&, hls::stream<ap_uint<2> >&, const ap_uint<8>[], const "
        "ap_uint<10>[], "
        "const ap_uint<1>[], unsigned);\n"
        "template void hwgen::mvu<1, 9, 5, 2, 4, 8, true, 1, false, 1, false, 0, 12, 12, 12, 8, 1, "
        "1, 1, 1>("
        "hls::stream<ap_uint<8> >&, hls::stream<ap_uint<24> >&, const ap_uint<8>[], const "
        "ap_uint<24>[], "
        "const ap_uint<1>[], unsigned);\n"
        "template void hwgen::mvu<4, 9, 5, 2, 4, 1, false, 1, true, 3, false, 0, 4, 5, 1, 4, 9, 3, "
        "3, 5>("
        "hls::stream<ap_uint<4> >&, hls::stream<ap_uint<2> >&, const ap_uint<8>[], const "
        "ap_uint<30>[], "
        "const ap_uint<5>[], unsigned);\n"
        "template void hwgen::residual<5, 9, 3, 4, 4, 6, 4, 14, -7, 4, 5>("
        "hls::stream<ap_uint<12> >&, hls::stream<ap_uint<18> >&, const ap_uint<12>[], const "
        "ap_uint<210>[], unsigned);\n"
        "template void hwgen::int_sign<6, 3, 5>(hls::stream<ap_uint<15> >&, hls::stream<ap_uint<3> "
        ">&, unsigned);\n"
        "template void hwgen::swg<2, 5, 5, 3, 2, 3, 1, 1, 2, 0, 1>(hls::stream<ap_uint<2> >&, "
        "hls::stream<ap_uint<3> >&, "
        "unsigned);\n"
        "template void hwgen::window_max<3, 4, 4, 1, false>(hls::stream<ap_uint<4> >&, "
        "hls::stream<ap_uint<4> >&, unsigned);\n"
        "template void hwgen::label_select<4, 10, 3, 6, 4>(hls::stream<ap_uint<18> >&, "
        "hls::stream<ap_uint<4> >&, unsigned);\n"
        "template void hwgen::width_convert<5, 7, 3, 20>(hls::stream<ap_uint<7> >&, "
        "hls::stream<ap_uint<3> >&, unsigned);\n"
    )
    p = subprocess.run(
        [
            "g++",
            *CXXFLAGS,
            *(f"-I{d}" for d in include_dirs()),
            "-c",
            str(src),
            "-o",
            str(tmp_path / "all.o"),
        ],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr


MVU_CASES = [
    (16, 8, 1, 1, 1, False, True),
    (17, 9, 2, 3, 1, False, True),
    (33, 5, 5, 33, 1, False, False),
    (100, 11, 4, 7, 1, False, False),
    (27, 16, 4, 3, 8, True, True),
    (20, 7, 7, 20, 4, False, True),
    (9, 5, 2, 4, 8, True, False),
    (12, 3, 1, 1, 2, True, True),
]


@pytest.mark.parametrize(
    "case",
    MVU_CASES,
    ids=lambda c: "mw{}_mh{}_pe{}_simd{}_b{}_{}".format(
        c[0], c[1], c[2], c[3], c[4], "thr" if c[6] else "acc"
    ),
)
def test_mvu_csim(case):
    mw, mh, pe, simd, bits, signed, thr = case
    rng = np.random.default_rng(mw * 7 + mh)
    g = single_mvu_graph(rng, mw, mh, pe, simd, thr)
    n = g.nodes[0]
    n.in_bits, n.in_signed = bits, signed
    if thr and bits > 1:
        lo, hi = n.acc_range()
        n.thresholds = rng.integers(lo // 4, hi // 4 + 1, mh)
    g = set_stream_widths(g)
    out = WORK / "mvu-{}-{}-{}-{}-{}-{}-{}".format(*case)
    (out / "hls").mkdir(parents=True, exist_ok=True)
    for name, text in generate_hls(g).items():
        (out / "hls" / name).write_text(text)
    write_manifest(out, g)  # as `hwgen compile` does: simulate_csim checks it
    x = random_inputs(g, 40, rng)
    got, res = simulate_csim(g, out, x)
    np.testing.assert_array_equal(got, g.execute(x, g.hw_nodes()))
    assert res.trips == kernel_trips(g, 40) == [40 * n.sf * n.nf]


@pytest.mark.parametrize(
    "case",
    [
        (5, 5, 3, 3, 1, 1, 3),
        (7, 6, 4, 3, 2, 1, 4),
        (8, 8, 1, 3, 1, 8, 8),
        (4, 9, 2, 4, 1, 3, 6),
        (6, 6, 5, 2, 2, 1, 2),
        (5, 5, 3, 3, 1, 1, 3, (1, 1, 1, 1)),
        (7, 6, 4, 3, 2, 1, 4, (2, 0, 1, 2)),
        (8, 8, 1, 3, 1, 8, 8, (0, 2, 2, 0)),
        (4, 9, 2, 4, 1, 3, 6, (3, 1, 0, 3)),
        (9, 5, 4, 2, 3, 1, 3, (1, 0, 0, 1)),
    ],
    ids=lambda c: (
        "h{}w{}c{}k{}s{}e{}iw{}".format(*c[:7]) + ("p{}{}{}{}".format(*c[7]) if len(c) > 7 else "")
    ),
)
def test_sliding_window_csim(case):
    h, w, c, k, s, eb, in_w = case[:7]
    pads = list(case[7]) if len(case) > 7 else [0, 0, 0, 0]
    op = SlidingWindow(
        name="swg", h=h, w=w, c=c, k=k, stride=s, elem_bits=eb, in_width=in_w, pads=pads
    )
    rng = np.random.default_rng(h * w)
    x = rng.integers(0, 2**eb, (3, h, w, c)) - (2 ** (eb - 1) if eb > 1 else 0)
    bits = element_bits(x.reshape(-1, c), eb)
    pad = op.in_beats * in_w - op.pixel_bits
    bits = np.concatenate([bits, rng.integers(0, 2, (len(bits), pad), dtype=np.uint8)], axis=1)
    beats = [b for f in pack_frames(bits.reshape(3, -1), in_w) for b in f]
    res = run_kernel(
        WORK, "swg", [0, h, w, op.pixel_bits, in_w, k, s, *pads], [3], in_w, op.pixel_bits, beats
    )
    got = unpack_frames([res.beats], 1, op.pixel_bits, len(res.beats), signed=False)[0]
    want = element_bits(op.golden(x).reshape(-1, c), eb)
    np.testing.assert_array_equal((got[:, None] >> np.arange(op.pixel_bits)) & 1, want)
    assert res.trips == [3 * op.oh * op.ow * k * k]


@pytest.mark.parametrize("c,k,bits,signed", [(6, 2, 1, False), (5, 3, 2, True), (4, 2, 3, False)])
def test_window_max_csim(c, k, bits, signed):
    rng = np.random.default_rng(c + bits)
    lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    windows = (
        (rng.random((50, k * k, c)) < 0.2).astype(np.int64)
        if bits == 1
        else rng.integers(lo, hi + 1, (50, k * k, c))
    )
    beats = [
        b for f in pack_frames(element_bits(windows.reshape(50, -1), bits), c * bits) for b in f
    ]
    res = run_kernel(
        WORK,
        "window_max",
        [0, c, k * k, bits, "true" if signed else "false"],
        [50],
        c * bits,
        c * bits,
        beats,
    )
    got = unpack_frames([res.beats], c, bits, 50 * c, signed=signed)[0].reshape(50, c)
    op = WindowMax(name="max", c=c, k=k, elem_bits=bits, signed=signed)
    want = op.golden(windows.reshape(50, 1, 1, -1)).reshape(50, c)
    np.testing.assert_array_equal(got, want)
    assert res.trips == [50 * k * k]


@pytest.mark.parametrize(
    "case", [CASES[0], CASES[1], CASES[3], CASES[5], CASES[8]], ids=multibit_id
)
def test_multibit_mvu_csim(case):
    """k-bit inputs times 2- to 3-bit weights, every output kind, as the RTL block tests."""
    g = multibit_mvu_graph(case, seed=1)
    out = WORK / f"mvu-{multibit_id(case)}"
    (out / "hls").mkdir(parents=True, exist_ok=True)
    for name, text in generate_hls(g).items():
        (out / "hls" / name).write_text(text)
    write_manifest(out, g)
    x = random_inputs(g, 40, np.random.default_rng(4))
    got, res = simulate_csim(g, out, x)
    np.testing.assert_array_equal(got, g.execute(x, g.hw_nodes()))
    n = g.nodes[0]
    assert res.trips == [40 * n.sf * n.nf]


@pytest.mark.parametrize("num,pe,bits", [(10, 3, 9), (7, 7, 4), (10, 1, 6)])
def test_label_select_csim(num, pe, bits):
    rng = np.random.default_rng(num)
    scores = rng.integers(-(1 << (bits - 1)), 1 << (bits - 1), (60, num))
    scores[:20] = rng.integers(-1, 2, (20, num))  # ties
    op = LabelSelect(name="ls", num_labels=num, in_bits=bits, pe=pe)
    lanes = np.zeros((60, op.in_beats * pe), dtype=np.int64)
    lanes[:, :num] = scores
    beats = [b for f in pack_frames(element_bits(lanes, bits), pe * bits) for b in f]
    res = run_kernel(
        WORK, "label_select", [0, num, pe, bits, op.out_bits], [60], pe * bits, op.out_bits, beats
    )
    np.testing.assert_array_equal(res.beats, op.golden(scores)[:, 0])
    assert res.trips == [60 * op.in_beats]


@pytest.mark.parametrize("in_w,out_w,bits", [(7, 3, 20), (3, 7, 20), (8, 8, 16), (5, 64, 37)])
def test_width_converter_csim(in_w, out_w, bits):
    rng = np.random.default_rng(in_w)
    frames = rng.integers(0, 2, (9, bits), dtype=np.uint8)
    beats = [b for f in pack_frames(frames, in_w) for b in f]
    res = run_kernel(WORK, "width_convert", [0, in_w, out_w, bits], [9], in_w, out_w, beats)
    per = -(-bits // out_w)
    assert res.beats == [b for f in pack_frames(frames, out_w) for b in f]
    assert res.trips == [9 * per]
