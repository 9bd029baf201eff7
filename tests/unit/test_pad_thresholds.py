"""Border-class thresholds of zero-padded bipolar convolutions, against the true zero-padded
dot product: the hardware's scheme (pad bits 0, each output pixel's class thresholds on the
popcount) is modelled here in numpy and must equal the steps evaluated directly on the
masked dot product, for single, interval (non-monotone) and level (k-bit) decisions."""

import numpy as np
import pytest

from hwgen.golden import apply_steps, threshold_bits, xnor_popcount
from hwgen.ops import BinaryMatMul, IntQuant, SlidingWindow
from hwgen.ops.padding import Window
from hwgen.passes.pad_thresholds import padded_thresholds

GEOMS = [
    Window(5, 4, 2, 3, 1, (1, 1, 1, 1)),
    Window(6, 5, 1, 3, 2, (2, 0, 1, 2)),
    Window(4, 4, 3, 2, 1, (1, 0, 0, 1)),
    Window(3, 3, 2, 3, 1, (2, 2, 2, 2)),
]


def _bn(rng, m):
    gamma = rng.normal(0, 1, m)
    gamma[:2] = 0.0  # constant channels
    gamma[2:5] = -np.abs(gamma[2:5])  # falling channels
    mean = rng.integers(-6, 7, m).astype(float)  # ties on reachable dot products
    return {
        "op": "BatchNormalization",
        "mean": mean.tolist(),
        "var": rng.uniform(0.5, 3, m).tolist(),
        "gamma": gamma.tolist(),
        "beta": (rng.normal(0, 0.5, m) * (rng.random(m) < 0.5)).tolist(),
        "eps": 0.0,
    }


def _scalar_mlp(rng, m):
    """A per-channel affine, then a learned per-scalar function (He et al.'s binarizer shape)
    that is a bump, 1 - relu(y - 1.5) - relu(-y - 1.5) >= 0: a non-monotone decision."""
    bn = {
        "op": "BatchNormalization",
        "mean": rng.integers(-3, 4, m).astype(float).tolist(),
        "var": [1.0] * m,
        "gamma": rng.uniform(0.3, 1.0, m).tolist(),
        "beta": [0.0] * m,
        "eps": 0.0,
    }
    return [
        bn,
        {"op": "Unsqueeze"},
        {"op": "MatMul", "const": [[1.0, -1.0]], "const_first": False},
        {"op": "Add", "const": [-1.5, -1.5], "const_first": False},
        {"op": "Relu"},
        {"op": "MatMul", "const": [[-1.0], [-1.0]], "const_first": False},
        {"op": "Add", "const": [1.0], "const_first": False},
        {"op": "Squeeze"},
    ]


def _case(win: Window, seed: int):
    rng = np.random.default_rng(seed)
    m = 11
    mw = win.k * win.k * win.c
    mm = BinaryMatMul(
        name="conv",
        weights=rng.integers(0, 2, (m, mw), dtype=np.uint8),
        scale=np.ones(m),
        pixels=win.oh * win.ow,
        window=win.to_dict(),
    )
    img = rng.integers(0, 2, (40, win.h, win.w, win.c), dtype=np.uint8)
    sw = SlidingWindow(
        name="sw", h=win.h, w=win.w, c=win.c, k=win.k, stride=win.stride, pads=list(win.pads)
    )
    return rng, mm, sw.golden(img).reshape(-1, mw)  # pad positions carry bit 0, as streamed


def _hardware(x: np.ndarray, weights, thresholds, win: Window, levels=None):
    """The RTL's arithmetic: popcount over every position (pad bits included), each output
    pixel's class set; bits (parity of thresholds reached) or offset + count reached."""
    p = xnor_popcount(x, weights)
    t = thresholds[np.tile(win.pixel_classes(), x.shape[0] // (win.oh * win.ow))]  # (rows, MH, K)
    reached = (p[:, :, None] >= t).sum(axis=-1)
    return reached & 1 if levels is None else levels + reached


def _true_dot(x: np.ndarray, weights, win: Window) -> np.ndarray:
    mask = np.tile(win.mask(), (x.shape[0] // (win.oh * win.ow), 1))
    xs = np.where(mask, 2 * x.astype(np.int64) - 1, 0)
    return xs @ (2 * weights.astype(np.int64) - 1).T


@pytest.mark.parametrize(
    "win", GEOMS, ids=lambda w: f"{w.h}x{w.w}k{w.k}s{w.stride}p{''.join(map(str, w.pads))}"
)
@pytest.mark.parametrize("kind", ["bn", "mlp", "levels"])
def test_class_thresholds_equal_the_true_padded_convolution(win, kind):
    rng, mm, x = _case(win, seed=win.h * 10 + len(kind))
    d_true = _true_dot(x, mm.weights, win).astype(np.float64)
    q = None
    if kind == "bn":
        steps = [_bn(rng, mm.mh)]
    elif kind == "mlp":
        steps = _scalar_mlp(rng, mm.mh)
    else:
        steps = [_bn(rng, mm.mh)]
        q = IntQuant(name="q", scale=0.5, bits=3, signed=True)
    w2, hw, dot_thr, offset = padded_thresholds(mm, steps, q)
    z = apply_steps(steps, d_true, np.float64)
    if q is None:
        want = (z >= 0).astype(np.int64)
        got = _hardware(x, w2, hw, win)
        golden = threshold_bits(_true_dot(x, w2, win), dot_thr)
    else:
        want = np.clip(np.round(z / q.scale), q.qmin, q.qmax).astype(np.int64)
        got = _hardware(x, w2, hw, win, levels=offset)
        golden = offset + (_true_dot(x, w2, win)[:, :, None] >= dot_thr[None]).sum(axis=-1)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(golden, want)
    assert hw.shape[0] == win.n_classes
    if kind == "mlp":
        assert hw.shape[2] >= 2  # really interval thresholds


def test_window_classes_and_masks():
    win = Window(5, 4, 1, 3, 1, (1, 1, 1, 1))
    assert (win.oh, win.ow, win.n_classes) == (5, 4, 9)
    mask = win.mask().reshape(5, 4, 3, 3)
    assert mask[0, 0].tolist() == [[False] * 3, [False, True, True], [False, True, True]]
    assert mask[2, 1].all()  # interior
    assert mask[4, 3].tolist() == [[True, True, False], [True, True, False], [False] * 3]
    assert (
        Window(5, 4, 1, 3, 1, (3, 0, 0, 0)).check()
        == "pads [3, 0, 0, 0] must each be in [0, K-1 = 2]"
    )
    assert "larger than" in Window(2, 4, 1, 3, 1, (1, 1, 1, 1)).check()
