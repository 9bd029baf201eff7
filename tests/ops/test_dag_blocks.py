"""The kernels of the Bi-Real paths alone, each against its golden op under random
back-pressure on every port: the fork (one stream to two consumers), the add (two integer
streams lane by lane), the window sum (an average pool), the integer sign, and the pixel pack
before a flatten. Icarus for several parameter sets, Verilator for one."""

from __future__ import annotations

import numpy as np
import pytest

from hwgen.ops import AddStreams, Flatten, IntSign, WindowSum
from hwgen.paths import SHARE
from hwgen.sim.runner import simulate, simulate_ports
from hwgen.sim.stream import element_bits, pack_frames, unpack_frames
from tests.conftest import ROOT
from tests.helpers import need_tool

pytestmark = pytest.mark.rtlsim
PORTS = {"clock": "clk", "reset": "rst_n", "in_prefix": "s", "out_prefix": "m"}
CACHE = ROOT / "build" / "tests" / "dag_blocks"
SIMS = [("icarus", 0), ("icarus", 1), ("verilator", 0)]  # (simulator, parameter set)


def _rtl(name: str) -> list[str]:
    return [str(SHARE / "rtl" / f"{name}.v")]


def _lanes_to_beats(values: np.ndarray, bits: int) -> list[int]:
    """(beats, lanes) integers -> one packed beat integer each (lane 0 lowest)."""
    return [f[0] for f in pack_frames(element_bits(values, bits), values.shape[1] * bits)]


def _beats_to_lanes(beats: list[int], lanes: int, bits: int, signed: bool) -> np.ndarray:
    return unpack_frames([[b] for b in beats], lanes, bits, lanes, signed=signed)


@pytest.mark.parametrize("sim,case", SIMS)
def test_fork_gives_every_beat_to_both_consumers(sim, case):
    need_tool(sim)
    width = (5, 33)[case]
    rng = np.random.default_rng(case)
    beats = [int(v) for v in rng.integers(0, 1 << min(width, 62), 200)]
    out = simulate_ports(
        sim,
        "hwgen_fork",
        _rtl("hwgen_fork"),
        CACHE,
        {"s": beats},
        {"m0": len(beats), "m1": len(beats)},
        max_cycles=20_000,
        in_pause=0.2,
        out_pause=0.4,
        seed=case + 1,
        parameters={"DATA_W": width},
    )
    assert out["m0"] == beats and out["m1"] == beats  # each consumer stalls on its own pattern


@pytest.mark.parametrize("sim,case", SIMS)
def test_add_streams_adds_lane_by_lane(sim, case):
    need_tool(sim)
    lanes, a_bits, b_bits = ((4, 3, 5), (1, 6, 2))[case]
    rng = np.random.default_rng(10 + case)
    a = rng.integers(-(1 << (a_bits - 1)), 1 << (a_bits - 1), (150, lanes))
    b = rng.integers(-(1 << (b_bits - 1)), 1 << (b_bits - 1), (150, lanes))
    lo, hi = int(a.min() + b.min()), int(a.max() + b.max())
    op = AddStreams(
        name="add", lanes=lanes, a_bits=a_bits, b_bits=b_bits, beats=150, out_range=[lo, hi]
    )
    out = simulate_ports(
        sim,
        "hwgen_add_streams",
        _rtl("hwgen_add_streams"),
        CACHE,
        {"s0": _lanes_to_beats(a, a_bits), "s1": _lanes_to_beats(b, b_bits)},
        {"m": 150},
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=case + 3,
        parameters={
            "LANES": lanes,
            "A_ELEM_W": a_bits,
            "B_ELEM_W": b_bits,
            "OUT_ELEM_W": op.out_bits,
        },
    )
    got = _beats_to_lanes(out["m"], lanes, op.out_bits, signed=True)
    np.testing.assert_array_equal(got, op.golden(a, b))


@pytest.mark.parametrize("sim,case", SIMS)
def test_window_sum_sums_each_window(sim, case):
    need_tool(sim)
    c, k, bits = ((3, 2, 4), (1, 3, 3))[case]
    rng = np.random.default_rng(20 + case)
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    windows = rng.integers(lo, hi + 1, (60, k * k, c))
    op = WindowSum(name="sum", c=c, k=k, pixels=1, elem_bits=bits, in_range=[lo, hi])
    beats = pack_frames(element_bits(windows.reshape(-1, c), bits), c * bits)  # one pixel a beat
    res = simulate(
        sim,
        "hwgen_window_sum",
        _rtl("hwgen_window_sum"),
        CACHE,
        beats,
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=case + 5,
        ports=PORTS,
        out_frames=60,
        parameters={"C": c, "KK": k * k, "ELEM_W": bits, "OUT_ELEM_W": op.out_bits},
    )
    got = _beats_to_lanes([f[0] for f in res.frames], c, op.out_bits, signed=True)
    want = op.golden(windows.reshape(60, 1, 1, k * k * c)).reshape(60, c)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("sim,case", SIMS)
def test_int_sign_takes_the_sign_of_every_lane(sim, case):
    need_tool(sim)
    lanes, bits = ((4, 3), (7, 5))[case]
    rng = np.random.default_rng(30 + case)
    h = rng.integers(-(1 << (bits - 1)), 1 << (bits - 1), (200, lanes))
    h[:10] = 0  # zero is +1
    op = IntSign(name="sign", elems=lanes, bits=bits, in_width=lanes * bits)
    res = simulate(
        sim,
        "hwgen_int_sign",
        _rtl("hwgen_int_sign"),
        CACHE,
        [[b] for b in _lanes_to_beats(h, bits)],
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=case + 7,
        ports=PORTS,
        parameters={"LANES": lanes, "ELEM_W": bits},
    )
    got = _beats_to_lanes([f[0] for f in res.frames], lanes, 1, signed=False)
    np.testing.assert_array_equal(got, op.golden(h))


@pytest.mark.parametrize("sim,case", SIMS)
def test_pixel_pack_drops_the_pad_lanes(sim, case):
    need_tool(sim)
    c, pe, bits = ((5, 2, 2), (7, 3, 1))[case]  # PE does not divide C: pad lanes in the last beat
    beats_per_pixel = -(-c // pe)
    op = Flatten(name="flat", h=1, w=40, c=c, pack=True, lane_bits=bits, in_width=pe * bits)
    rng = np.random.default_rng(40 + case)
    pixels = rng.integers(0, 1 << bits, (40, c))
    lanes = np.concatenate(
        [pixels, rng.integers(0, 1 << bits, (40, beats_per_pixel * pe - c))], axis=1
    )
    src = _lanes_to_beats(lanes.reshape(-1, pe), bits)  # the producer's PE-lane beats, garbage pad
    res = simulate(
        sim,
        "hwgen_pixel_pack",
        _rtl("hwgen_pixel_pack") + _rtl("hwgen_width_convert"),
        CACHE,
        [[b] for b in src],
        max_cycles=20_000,
        in_pause=0.3,
        out_pause=0.3,
        seed=case + 9,
        ports=PORTS,
        out_frames=40,
        parameters={"IN_W": op.in_width, "OUT_W": op.out_width},
    )
    got = _beats_to_lanes([f[0] for f in res.frames], c, bits, signed=False)
    np.testing.assert_array_equal(got, pixels)
