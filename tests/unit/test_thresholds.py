"""BN + sign folded into popcount thresholds: exhaustive against direct evaluation."""

import numpy as np
import pytest

from hwgen.golden import apply_steps, threshold_bits, xnor_popcount
from hwgen.ops import BinaryMatMul
from hwgen.passes.thresholds import integer_thresholds, interval_thresholds, popcount_thresholds


def _bn(mean, var, gamma, beta, eps=0.25):
    return {
        "op": "BatchNormalization",
        "mean": list(mean),
        "var": list(var),
        "gamma": list(gamma),
        "beta": list(beta),
        "eps": eps,
    }


def _all_inputs(n):
    return ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(np.uint8)


@pytest.mark.parametrize("seed", range(5))
def test_thresholds_exhaustive_random_bn(seed):
    rng = np.random.default_rng(seed)
    n, m = 9, 24
    w = rng.integers(0, 2, (m, n), dtype=np.uint8)
    gamma = rng.normal(0, 1, m)
    gamma[:3] = 0.0
    gamma[3:6] = -np.abs(gamma[3:6])
    steps = [_bn(rng.normal(0, 2, m), rng.uniform(0.1, 4, m), gamma, rng.normal(0, 1, m))]
    mm = BinaryMatMul(name="mm", weights=w, scale=np.full(m, 1.0))
    w2, t = popcount_thresholds(mm, steps)
    x = _all_inputs(n)
    dot = 2 * xnor_popcount(x, w) - n
    want = (
        np.asarray(steps[0]["gamma"])
        * (dot - steps[0]["mean"])
        / np.sqrt(np.asarray(steps[0]["var"]) + 0.25)
        + steps[0]["beta"]
    ) >= 0
    got = xnor_popcount(x, w2) >= t
    np.testing.assert_array_equal(got, want)
    flipped = (w2 != w).any(axis=1)
    assert not flipped[gamma >= 0].any()  # only falling (gamma < 0) channels are negated


def test_exact_ties_go_to_plus_one():
    # dot = 2p - 4 in {-4..4}; mean 2 with gamma +1 / -1 and beta 0 puts the tie on dot = 2
    n = 4
    w = np.ones((2, n), np.uint8)
    mm = BinaryMatMul(name="mm", weights=w, scale=np.ones(2))
    w2, t = popcount_thresholds(mm, [_bn([2, 2], [0.75, 0.75], [1.0, -1.0], [0, 0])])
    # channel 0: y >= 0 <=> dot >= 2 <=> p >= 3; channel 1: dot <= 2 <=> p <= 3 <=> p' >= 1
    assert t.tolist() == [3, 1]
    assert w2[0].tolist() == [1] * n and w2[1].tolist() == [0] * n


def test_gamma_zero_is_constant():
    w = np.ones((2, 5), np.uint8)
    mm = BinaryMatMul(name="mm", weights=w, scale=np.ones(2))
    _, t = popcount_thresholds(mm, [_bn([0, 0], [1, 1], [0, 0], [0.0, -0.5])])
    assert t.tolist() == [0, 6]  # always +1 (beta = 0 >= 0), never +1


def test_scale_and_bias_steps():
    rng = np.random.default_rng(3)
    n, m = 8, 6
    w = rng.integers(0, 2, (m, n), dtype=np.uint8)
    scale = np.array([0.5, 1, 2, 0.25, 3, 1])
    steps = [{"op": "Add", "const": list(rng.normal(0, 2, m))}, {"op": "Mul", "const": -1.5}]
    mm = BinaryMatMul(name="mm", weights=w, scale=scale)
    w2, t = popcount_thresholds(mm, steps)
    x = _all_inputs(n)
    y = (scale * (2 * xnor_popcount(x, w) - n) + np.asarray(steps[0]["const"])) * -1.5
    np.testing.assert_array_equal(xnor_popcount(x, w2) >= t, y >= 0)


def test_non_finite_bn_is_refused():
    mm = BinaryMatMul(name="Gemm_7", weights=np.ones((1, 3), np.uint8), scale=np.ones(1))
    with pytest.raises(Exception, match="Gemm_7.*not finite"):
        popcount_thresholds(mm, [_bn([0], [0], [1], [0], eps=0.0)])


def _scalar_mlp(rng, m, hidden=6):
    """BN then a learned scalar function g (1 -> hidden -> 1, ReLU), as exported by the MLP
    binarizer: its sign switches several times along the dot product."""
    knees = np.sort(rng.uniform(-2, 2, hidden))  # g = b + sum_h a_h relu(x - knee_h), a zigzag
    slopes = rng.uniform(1, 2, hidden) * (-1.0) ** np.arange(hidden)  # the slope after each knee
    a = np.diff(np.concatenate([[0.0], slopes]))
    gamma = rng.uniform(1, 2, m) * rng.choice([-1.0, 1.0], m)
    return [
        _bn(rng.normal(0, 1, m), rng.uniform(2, 8, m), gamma, rng.normal(0, 0.3, m)),
        {"op": "Unsqueeze"},
        {"op": "MatMul", "const": np.ones((1, hidden)).tolist(), "const_first": False},
        {"op": "Add", "const": (-knees).tolist(), "const_first": False},
        {"op": "Relu"},
        {"op": "MatMul", "const": a.reshape(hidden, 1).tolist(), "const_first": False},
        {"op": "Add", "const": [-0.05], "const_first": False},
        {"op": "Squeeze"},
    ]


@pytest.mark.parametrize("seed", range(4))
def test_interval_thresholds_exhaustive(seed):
    """A non-monotone learned decision becomes interval thresholds (parity of those reached),
    equal to the float function on every input vector."""
    rng = np.random.default_rng(seed)
    n, m = 10, 32
    w = rng.integers(0, 2, (m, n), dtype=np.uint8)
    steps = _scalar_mlp(rng, m)
    mm = BinaryMatMul(name="mm", weights=w, scale=np.full(m, 1.0))
    w2, t = popcount_thresholds(mm, steps)
    assert t.ndim == 2 and t.shape[0] == m and np.all(np.diff(t, axis=1) >= 0)
    assert (w2 == w).all()  # intervals never negate weights
    x = _all_inputs(n)
    dot = (2 * xnor_popcount(x, w) - n).astype(np.float64)
    want = apply_steps(steps, dot, np.float64) >= 0
    got = threshold_bits(xnor_popcount(x, w2), t).astype(bool)
    np.testing.assert_array_equal(got, want)
    rows = [np.count_nonzero(want[:, c]) for c in range(m)]
    assert any(0 < r < len(x) for r in rows)
    flat = np.all(want == want[:1], axis=0) | np.all(np.diff(want.astype(int), axis=0) >= 0, axis=0)
    assert not flat.all(), "the test net must have a non-monotone channel"


def test_interval_thresholds_start_high_and_pad():
    # decision over p = 0..4: 1 1 0 1 0 -> switch points 2, 3, 4 and a start at 0
    mm = BinaryMatMul(name="mm", weights=np.ones((2, 4), np.uint8), scale=np.ones(2))
    table = np.array([[1, 1, 0, 1, 0], [0, 0, 0, 1, 1]], dtype=bool).T
    t = interval_thresholds(mm, np.arange(5), table, never=5)
    assert t.tolist() == [[0, 2, 3, 4], [3, 5, 5, 5]]


@pytest.mark.parametrize("bits", [4, 8])
def test_integer_interval_thresholds_exhaustive(bits):
    rng = np.random.default_rng(bits)
    n, m = 5, 12
    w = rng.integers(0, 2, (m, n), dtype=np.uint8)
    steps = _scalar_mlp(rng, m)
    steps[0]["var"] = (np.asarray(steps[0]["var"]) * 4.0**bits).tolist()  # BN on the integer scale
    mm = BinaryMatMul(name="mm", weights=w, scale=np.full(m, 1.0), in_bits=bits, in_signed=True)
    w2, t = integer_thresholds(mm, steps)
    lo, hi = mm.acc_range()
    acc = np.arange(lo, hi + 1)
    want = apply_steps(steps, acc[:, None].astype(np.float64) * np.ones(m), np.float64) >= 0
    sign = np.where((w2 == w).all(axis=1), 1, -1)
    got = threshold_bits(acc[:, None] * sign[None, :], t).astype(bool)
    np.testing.assert_array_equal(got, want)
