"""Zero padding end to end: random padded conv nets (pads 0..K-1 per axis, strides 1-2, odd
channel counts, padded max-pools, random BatchNorms with gamma < 0, gamma = 0 and ties, random
folding) have golden == PyTorch, and six of them run bit-exact on Verilator under
back-pressure and in C-simulation. The 128x128 CNN's block RAM and rate are in the slow test."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwgen.ops import SlidingWindow, XnorMVU
from tests.property.nets import conv_specs
from tests.property.test_golden_property import check_net

NETS = int(os.environ.get("HWGEN_PADDED_NETS", 45))
PADDED_SEEN: list[int] = []


def _padded(spec: dict) -> bool:
    return any(any(c["pad"]) for c in spec["convs"]) or bool(spec["pool"] and spec["pool"]["pad"])


@settings(
    max_examples=NETS,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(spec=conv_specs(pad=True), data=st.data())
def test_random_padded_conv_nets_golden_equals_pytorch(tmp_path_factory, spec, data):
    check_net(spec, None, tmp_path_factory.mktemp("pad"), data)
    PADDED_SEEN.append(int(_padded(spec)))


def test_enough_of_them_were_padded():
    """Every net above had a padded layer (its first conv pads its rows): at least 40 of them."""
    if not PADDED_SEEN:
        pytest.skip("run together with test_random_padded_conv_nets_golden_equals_pytorch")
    assert sum(PADDED_SEEN) == len(PADDED_SEEN) >= min(40, NETS), PADDED_SEEN


def _conv(c, k, stride, pad):
    return {"c": c, "k": k, "stride": stride, "pad": list(pad)}


# bipolar and 8-bit inputs; pads of every size up to K-1, unequal per axis; stride 2; padded
# max-pools; odd channel counts; an output larger than its input
RTL_SPECS = [
    {
        "size": 6,
        "in_ch": 2,
        "convs": [_conv(5, 3, 1, (1, 2)), _conv(7, 3, 2, (2, 1))],
        "pool": {"k": 2, "stride": 1, "pad": 1},
        "hidden": [5],
        "input_bits": 1,
    },
    {
        "size": 7,
        "in_ch": 1,
        "convs": [_conv(4, 3, 1, (1, 1)), _conv(6, 2, 1, (1, 0))],
        "pool": {"k": 2, "stride": 2, "pad": 0},
        "hidden": [],
        "input_bits": 8,
    },
    {
        "size": 7,
        "in_ch": 3,
        "convs": [_conv(7, 3, 2, (2, 2))],
        "pool": None,
        "hidden": [9],
        "input_bits": 1,
    },
    {
        "size": 5,
        "in_ch": 2,
        "convs": [_conv(3, 3, 1, (0, 2)), _conv(5, 3, 1, (1, 1))],
        "pool": {"k": 3, "stride": 1, "pad": 1},
        "hidden": [],
        "input_bits": 8,
    },
    {
        "size": 4,
        "in_ch": 1,
        "convs": [_conv(6, 3, 1, (2, 2)), _conv(3, 1, 1, (0, 0))],
        "pool": None,
        "hidden": [4],
        "input_bits": 1,
    },
    {
        "size": 9,
        "in_ch": 3,
        "convs": [_conv(13, 3, 1, (1, 1)), _conv(6, 3, 2, (1, 1))],
        "pool": {"k": 2, "stride": 2, "pad": 1},
        "hidden": [],
        "input_bits": 1,
    },
]


@pytest.mark.rtlsim
@pytest.mark.csim
@pytest.mark.parametrize("k", range(len(RTL_SPECS)))
def test_padded_nets_rtl_and_csim_equal_golden_under_backpressure(tmp_path, k):
    from hwgen.frontend import import_qonnx
    from hwgen.passes import lower
    from tests.property.nets import build_net, export_fast
    from tests.property.test_backend_property import check_backends

    spec = {"kind": "conv", "out": 4 + k, "seed": 100 + k, **RTL_SPECS[k]}
    g = lower(import_qonnx(export_fast(build_net(spec), tmp_path / "probe.onnx")))
    rng = np.random.default_rng(k)
    fold = {
        n.name: {"pe": int(rng.integers(1, n.mh + 1)), "simd": int(rng.integers(1, n.mw + 1))}
        for n in g.nodes
        if isinstance(n, XnorMVU)
    }
    padded_bipolar = [n for n in g.nodes if isinstance(n, XnorMVU) and n.n_classes > 1]
    padded_windows = [n for n in g.nodes if isinstance(n, SlidingWindow) and any(n.pads)]
    assert padded_windows and (padded_bipolar or spec["input_bits"] == 8)
    check_backends(spec, fold, tmp_path, pause=0.3, seed=k + 1)


@pytest.mark.slow
@pytest.mark.rtlsim
def test_128x128_cnn_block_ram_and_rate(tmp_path):
    """Three 3x3 convs with 2x2 max-pools, 16 channels, FC to 10, 8-bit 128x128 images, at
    PE=4/SIMD=8: Yosys (PYNQ-Z2) maps it to at most 8 BRAM18, and Verilator runs it at most
    2 % above the bound, bit-exact (whole frames were 71 BRAM18 before line buffers)."""
    from tests.helpers import need_tool

    need_tool("verilator")
    need_tool("yosys")
    from hwgen.bench.image_cnn import measure

    r = measure(tmp_path / "cnn128", frames=3)
    assert r["mismatches"] == 0
    assert r["bram18"] <= 8, r
    assert r["cycles_per_frame"] <= 1.02 * r["bound"], r
