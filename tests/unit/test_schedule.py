"""The handshake model (`hwgen.sim.schedule`, `hwgen.sim.handshake`) and the FIFO depths computed
from it (`hwgen.passes.fifo_depths`), on graphs small enough to reason about by hand.

The two-branch graph: a 2x3 image of 8 bits, a 1x1 convolution m0 (PE=2, SIMD=8: two cycles
a pixel, two beats of two lanes) with 2-bit levels, a fork; one branch is the shortcut straight
to the add, the other the sign and a second 1x1 convolution m1 at PE=2, SIMD=1 (eight cycles a
pixel: the slowest layer, 48 cycles a frame); the add, then an integer head m2. m1 computes a
pixel's vector while the next one waits in its write buffer, and the add takes a shortcut beat
only when m1 gives out the same channels, so the shortcut holds beats of two pixels: the model
computes three (the fork holds the next beat itself, rtl/hwgen_fork.v); with two, the fork
stalls m1's supply and the frame takes longer.
"""

import numpy as np

from hwgen.ir import Graph
from hwgen.ops import AddStreams, Fork, IntSign, SlidingWindow, XnorMVU
from hwgen.passes.fifo_depths import set_fifo_depths
from hwgen.passes.folding import apply_folding, folding_bound
from hwgen.sim.handshake import Fifo
from hwgen.sim.schedule import simulate_schedule

PIXELS = 6


def _levels(rng, name: str, mw: int, mh: int) -> XnorMVU:
    """A 1x1 convolution with 2-bit signed levels (-1, 0, +1) out."""
    return XnorMVU(
        name=name,
        weights=rng.integers(0, 2, (mh, mw)).astype(np.uint8),
        thresholds=np.tile(np.array([mw // 3, 2 * mw // 3]), (mh, 1)),
        out_bits=2,
        out_offset=-1,
        pixels=PIXELS,
    )


def two_branch_graph(m1_simd: int = 1, pe: int = 2) -> Graph:
    """The graph of the module docstring (m1 at SIMD=`m1_simd`, both convolutions at PE=`pe`),
    folded, FIFO depths computed."""
    rng = np.random.default_rng(0)
    nodes = [
        SlidingWindow(name="w", h=2, w=3, c=8, k=1),
        _levels(rng, "m0", 8, 4),
        Fork(name="f"),
        IntSign(name="s", elems=4 * PIXELS),
        _levels(rng, "m1", 4, 4),
        AddStreams(name="a", out_range=[-2, 2]),
        XnorMVU(
            name="m2",
            weights=rng.integers(0, 2, (3, 4)).astype(np.uint8),
            in_bits=3,
            in_signed=True,
            pixels=PIXELS,
        ),
    ]
    g = Graph("two", [1, 2, 3, 8], [1, 3 * PIXELS], nodes, {"a": ["f", "m1"]})
    g.validate()
    fold = {
        "m0": {"pe": pe, "simd": 8},
        "m1": {"pe": pe, "simd": m1_simd},
        "m2": {"pe": 1, "simd": 4},
    }
    return apply_folding(g, config=fold)


def _interval(done: list) -> int:
    return done[-1] - done[-2]


def test_fifo_is_ready_while_not_full_and_valid_while_not_empty():
    f = Fifo(2)
    assert f.ready and not f.valid
    f.push = True
    f.commit()
    f.push = True
    f.commit()
    assert f.valid and not f.ready and f.peak == 2
    f.pop = f.push = True  # a beat in and one out in the same cycle: still full
    f.commit()
    assert f.count == 2


def test_the_shortcut_depth_is_the_one_reasoned_by_hand():
    g = two_branch_graph()
    add = g.node("a")
    assert folding_bound(g) == 8 * PIXELS  # m1: SF=4, NF=2: 8 cycles a pixel
    assert (add.fifo_depth, add.fifo_depth_b) == (3, 2)
    assert _interval(simulate_schedule(g, 4).done_cycles) == folding_bound(g)


def test_one_less_on_the_shortcut_throttles():
    g = two_branch_graph()
    run = simulate_schedule(g, 4, {("a", 0): 2})
    assert not run.deadlocked
    assert _interval(run.done_cycles) > folding_bound(g)


def test_shallower_shortcuts_are_slower_still():
    g = two_branch_graph()
    one, two = (_interval(simulate_schedule(g, 4, {("a", 0): d}).done_cycles) for d in (1, 2))
    assert one > two > folding_bound(g)


def test_unbounded_fifos_reach_the_bound_and_their_peaks_are_enough():
    g = two_branch_graph()
    free = simulate_schedule(g, 4, {("a", 0): 1 << 30, ("a", 1): 1 << 30})
    assert _interval(free.done_cycles) == folding_bound(g)
    at_peaks = simulate_schedule(
        g, 4, {("a", 0): free.peaks[("a", 0)], ("a", 1): max(2, free.peaks[("a", 1)])}
    )
    assert _interval(at_peaks.done_cycles) == folding_bound(g)


def test_back_pressure_slows_the_frames_but_never_deadlocks():
    g = two_branch_graph()
    # the output taken one cycle in five: 18 beats a frame take about 90 cycles, past the bound
    run = simulate_schedule(g, 4, out_pause=0.8, seed=3)
    done = run.done_cycles
    assert not run.deadlocked and done[-1] - done[0] > 3 * folding_bound(g)


def test_a_single_mvu_takes_its_folding_bound_per_frame():
    rng = np.random.default_rng(1)
    m = XnorMVU(name="m", weights=rng.integers(0, 2, (6, 12)).astype(np.uint8))
    g = apply_folding(Graph("one", [1, 12], [1, 6], [m]), pe=2, simd=4)  # SF=3, NF=3
    done = simulate_schedule(g, 5).done_cycles
    assert [b - a for a, b in zip(done[1:], done[2:])] == [9, 9, 9]


def test_a_faster_branch_needs_no_deep_fifo():
    g = two_branch_graph(m1_simd=4, pe=4)  # m1 as fast as m0: nothing waits long
    add = g.node("a")
    assert add.fifo_depth <= 3
    assert _interval(simulate_schedule(g, 4).done_cycles) == folding_bound(g)


def test_pinned_depths_are_kept():
    g = two_branch_graph()
    g.node("a").fifo_depth = 2
    assert set_fifo_depths(g, {("a", 0)}).node("a").fifo_depth == 2


def test_computing_depths_leaves_the_input_graph_alone():
    g = two_branch_graph()
    g.node("a").fifo_depth = 2
    out = set_fifo_depths(g)
    assert g.node("a").fifo_depth == 2 and out.node("a").fifo_depth == 3
