"""IR JSON round trip, folding rules, stream packing."""

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops import HostSteps, Sign, XnorMVU
from hwgen.passes.folding import apply_folding, folding_bound
from hwgen.sim.stream import pack_frames, unpack_frames


def _graph(rng, sizes=(64, 37, 19, 10)):
    nodes = [HostSteps(name="pre", steps=[{"op": "Mul", "const": 2.0}]), Sign(name="q")]
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = k == len(sizes) - 2
        nodes.append(
            XnorMVU(
                name=f"fc{k}",
                weights=rng.integers(0, 2, (b, a), dtype=np.uint8),
                thresholds=None if last else rng.integers(0, a + 2, b),
            )
        )
    nodes.append(HostSteps(name="post", steps=[{"op": "Mul", "const": [0.5] * sizes[-1]}]))
    return apply_folding(Graph("t", [1, sizes[0]], [1, sizes[-1]], nodes))


def test_json_roundtrip_is_exact(tmp_path, rng):
    g = _graph(rng)
    g.save(tmp_path)
    g2 = Graph.load(tmp_path)
    x = rng.normal(size=(20, 64)).astype(np.float32)
    np.testing.assert_array_equal(g.execute(x), g2.execute(x))
    assert [n.name for n in g2.nodes] == [n.name for n in g.nodes]


def test_load_missing_and_corrupt(tmp_path, rng):
    with pytest.raises(HwgenError, match="not found"):
        Graph.load(tmp_path)
    _graph(rng).save(tmp_path)
    (tmp_path / "graph.json").write_text("{ not json")
    with pytest.raises(HwgenError, match="corrupt"):
        Graph.load(tmp_path)
    _graph(rng).save(tmp_path)
    npz = tmp_path / "graph.npz"
    npz.write_bytes(b"garbage")
    with pytest.raises(HwgenError, match="corrupt"):
        Graph.load(tmp_path)
    _graph(rng).save(tmp_path)
    npz.write_bytes(npz.read_bytes()[:200])  # a truncated zip
    with pytest.raises(HwgenError, match="corrupt"):
        Graph.load(tmp_path)


def test_folding_clips_and_sets_widths(rng):
    g = apply_folding(_graph(rng), pe=16, simd=40)
    mvus = g.hw_nodes()
    assert [(n.pe, n.simd) for n in mvus] == [(16, 40), (16, 37), (10, 19)]
    assert [n.in_width for n in mvus] == [40, 16, 16]
    assert folding_bound(g) == max(n.cycles for n in mvus) == 2 * 3  # ceil(64/40)*ceil(37/16)


def test_fold_config_errors(rng):
    g = _graph(rng)
    with pytest.raises(HwgenError, match="no MVU layer named 'nope'"):
        apply_folding(g, config={"nope": {"pe": 1}})
    with pytest.raises(HwgenError, match="fc1.*PE=40"):
        apply_folding(g, config={"fc1": {"pe": 40}})
    with pytest.raises(HwgenError, match="unknown keys"):
        apply_folding(g, config={"fc1": {"pes": 2}})


def test_weight_rom_layout(rng):
    n = XnorMVU(
        name="m", weights=rng.integers(0, 2, (5, 7), dtype=np.uint8), thresholds=None, pe=2, simd=3
    )
    words = n.weight_words()
    assert len(words) == n.nf * n.sf == 3 * 3
    for nf in range(3):
        for sf in range(3):
            for p in range(2):
                for lane in range(3):
                    r, c = nf * 2 + p, sf * 3 + lane
                    want = int(n.weights[r, c]) if r < 5 and c < 7 else 0
                    assert (words[nf * 3 + sf] >> (p * 3 + lane)) & 1 == want


@pytest.mark.parametrize("width", [1, 5, 8, 64, 100])
def test_pack_unpack_roundtrip(rng, width):
    bits = rng.integers(0, 2, (4, 77), dtype=np.uint8)
    frames = pack_frames(bits, width)
    assert all(len(f) == -(-77 // width) for f in frames)
    np.testing.assert_array_equal(unpack_frames(frames, width, 1, 77, signed=False), bits)


def test_unpack_signed_lanes():
    frames = [[(0b111 << 0) | (0b011 << 3)]]  # lanes -1, 3 in 3-bit two's complement
    np.testing.assert_array_equal(unpack_frames(frames, 2, 3, 2, signed=True), [[-1, 3]])
