"""Golden kernels against naive references."""

import numpy as np
import pytest

from hwgen.golden import apply_steps, pack_bits, sign_bits, threshold_bits, xnor_popcount


@pytest.mark.parametrize("n", [1, 7, 63, 64, 65, 130])
def test_xnor_popcount_matches_bipolar_dot(rng, n):
    x = rng.integers(0, 2, (33, n), dtype=np.uint8)
    w = rng.integers(0, 2, (11, n), dtype=np.uint8)
    pc = xnor_popcount(x, w)
    dot = (2 * x.astype(int) - 1) @ (2 * w.astype(int) - 1).T
    np.testing.assert_array_equal(2 * pc - n, dot)


def test_pack_bits_little_endian():
    bits = np.zeros((1, 70), np.uint8)
    bits[0, [0, 3, 64, 69]] = 1
    p = pack_bits(bits)
    assert p.shape == (1, 2)
    assert int(p[0, 0]) == (1 << 0) | (1 << 3)
    assert int(p[0, 1]) == (1 << 0) | (1 << 5)


def test_sign_of_zero_is_plus_one():
    np.testing.assert_array_equal(sign_bits(np.array([-1e-30, 0.0, -0.0, 2.0])), [0, 1, 1, 1])


def test_threshold_bits_inclusive():
    pc = np.array([[0, 3, 5]])
    np.testing.assert_array_equal(threshold_bits(pc, np.array([0, 4, 5])), [[1, 0, 1]])


def test_apply_steps_onnx_order_and_broadcast():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    steps = [
        {"op": "Mul", "const": 2.0},
        {"op": "Sub", "const": [1.0, 2.0, 3.0]},
        {"op": "Sub", "const": 10.0, "const_first": True},
        {
            "op": "BatchNormalization",
            "mean": [0, 1, 2],
            "var": [1, 4, 16],
            "gamma": [1, -1, 2],
            "beta": [0, 1, 0],
            "eps": 0.0,
        },
    ]
    y = 10 - (2 * x - np.array([1, 2, 3]))
    y = (y - np.array([0, 1, 2])) / np.sqrt([1, 4, 16]) * np.array([1, -1, 2]) + np.array([0, 1, 0])
    np.testing.assert_allclose(apply_steps(steps, x), y, rtol=1e-6)


def test_apply_steps_reshape_keeps_batch():
    x = np.zeros((5, 1, 4, 4), np.float32)
    assert apply_steps([{"op": "Reshape", "shape": [1, -1]}], x).shape == (5, 16)
    assert apply_steps([{"op": "Flatten", "axis": 1}], x).shape == (5, 16)
