"""Random binary nets for property-based tests: a hypothesis strategy for their shapes, and
the Brevitas model each shape describes.

A spec is plain data (so hypothesis can shrink it and a failing one can be kept as a
regression case): FC nets of any sizes (odd and prime included), with a binary or an 8-bit
input; conv nets of 1x1 to 3x3 kernels at stride 1 or 2, zero padding 0..K-1 (rows and
columns apart), with or without a (padded) max-pool, a conv feeding the flatten or a pool
doing it; at W1A1, W1A2 or W2A2 (bnn_pynq's 2-bit weights and hidden activations,
{-1, 0, +1}). Every BatchNorm is random (gamma < 0, gamma = 0, and
thresholds exactly on reachable dot products: `tests.helpers.randomize_bn`).
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import numpy as np
import torch
from hypothesis import strategies as st
from torch import nn

from hwgen.train.models import binary_act, input_quant_8bit, quant_act, quant_conv, quant_linear
from tests.helpers import randomize_bn

SIZES = st.integers(1, 37)
#: (weight bits, hidden activation bits): the bnn_pynq precisions
PRECISIONS = st.sampled_from([(1, 1), (1, 1), (1, 2), (2, 2)])


@st.composite
def fc_specs(draw) -> dict:
    """An MLP: [in, hidden..., out] with a binary (BatchNorm + sign) or an 8-bit input."""
    hidden = draw(st.lists(SIZES, min_size=0, max_size=3))
    wbits, abits = draw(PRECISIONS)
    return {
        "kind": "fc",
        "in": draw(st.integers(1, 40)),
        "hidden": hidden,
        "out": draw(st.integers(2, 12)),
        "input_bits": draw(st.sampled_from([1, 8])),
        "weight_bits": wbits,
        "act_bits": abits,
        "seed": draw(st.integers(0, 2**16)),
    }


@st.composite
def conv_specs(draw, pad: bool | None = None) -> dict:
    """A CNN: 1-2 convolutions (kernel, stride, channels, padding), an optional max-pool after
    the last, 0-1 hidden FC layers, on a square image with a binary or an 8-bit input. `pad`:
    padded (True), unpadded (False) or either (None)."""
    size = draw(st.integers(3, 9))
    convs, sh, sw = [], size, size
    padded = draw(st.booleans()) if pad is None else pad
    for i in range(draw(st.integers(1, 2))):
        first = i == 0 and pad is True  # a padded spec pads its first conv's rows at least
        k = draw(st.integers(2 if first else 1, min(3, sh, sw)))
        ph, pw = (
            (draw(st.integers(int(first), k - 1)), draw(st.integers(0, k - 1)))
            if padded
            else (0, 0)
        )
        stride = draw(st.sampled_from([1, 2])) if min(sh, sw) - k >= 2 else 1
        convs.append({"c": draw(st.integers(1, 13)), "k": k, "stride": stride, "pad": [ph, pw]})
        sh, sw = (sh + 2 * ph - k) // stride + 1, (sw + 2 * pw - k) // stride + 1
    wbits, abits = draw(PRECISIONS)
    pool = None
    if min(sh, sw) >= 2 and draw(st.booleans()):
        k = draw(st.integers(2, min(3, sh, sw)))
        # a padded max-pool of signed 2-bit activations is refused (the pad 0 could win)
        pool = {
            "k": k,
            "stride": draw(st.sampled_from(sorted({1, k}))),
            "pad": draw(st.integers(0, k // 2)) if padded and abits == 1 else 0,
        }
    # a padded conv of bipolar inputs with 2-bit weights is refused: such nets take 8-bit pixels
    input_bits = 8 if padded and wbits == 2 else draw(st.sampled_from([1, 8]))
    return {
        "kind": "conv",
        "size": size,
        "in_ch": draw(st.integers(1, 3)),
        "convs": convs,
        "pool": pool,
        "hidden": draw(st.lists(SIZES, min_size=0, max_size=1)),
        "out": draw(st.integers(2, 10)),
        "input_bits": input_bits,
        "weight_bits": wbits,
        "act_bits": abits,
        "seed": draw(st.integers(0, 2**16)),
    }


def net_specs() -> st.SearchStrategy:
    """FC and conv nets, about half each."""
    return st.one_of(fc_specs(), conv_specs())


class RandomNet(nn.Module):
    """The Brevitas net a spec describes (eval mode, random weights and BatchNorms)."""

    def __init__(self, spec: dict):
        super().__init__()
        self.spec = spec
        self.eight_bit = spec["input_bits"] == 8
        wb, ab = spec.get("weight_bits", 1), spec.get("act_bits", 1)
        feats: list[nn.Module] = []
        if spec["kind"] == "fc":
            n = spec["in"]
            feats += [input_quant_8bit()] if self.eight_bit else [nn.BatchNorm1d(n), binary_act()]
        else:
            c, sh, sw = spec["in_ch"], spec["size"], spec["size"]
            feats += [input_quant_8bit()] if self.eight_bit else [nn.BatchNorm2d(c), binary_act()]
            for conv in spec["convs"]:
                ph, pw = conv.get("pad", [0, 0])
                layer = quant_conv(c, conv["c"], conv["k"], padding=(ph, pw), bits=wb)
                layer.stride = (conv["stride"],) * 2
                feats += [layer, nn.BatchNorm2d(conv["c"]), quant_act(ab)]
                c, st_ = conv["c"], conv["stride"]
                sh, sw = (sh + 2 * ph - conv["k"]) // st_ + 1, (sw + 2 * pw - conv["k"]) // st_ + 1
            if spec["pool"]:
                k, st_, p = spec["pool"]["k"], spec["pool"]["stride"], spec["pool"].get("pad", 0)
                feats.append(nn.MaxPool2d(k, st_, padding=p))
                sh, sw = (sh + 2 * p - k) // st_ + 1, (sw + 2 * p - k) // st_ + 1
            feats.append(nn.Flatten())
            n = c * sh * sw
        for h in spec["hidden"]:
            feats += [quant_linear(n, h, wb), nn.BatchNorm1d(h), quant_act(ab)]
            n = h
        feats += [quant_linear(n, spec["out"], wb), nn.BatchNorm1d(spec["out"])]
        self.features = nn.Sequential(*feats)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(2.0 * x - 1.0 if self.eight_bit else x)

    @property
    def in_shape(self) -> tuple[int, ...]:
        """One input, without the batch."""
        s = self.spec
        return (s["in"],) if s["kind"] == "fc" else (s["in_ch"], s["size"], s["size"])

    def inputs(self, n: int) -> np.ndarray:
        """`n` test inputs: pixels in [0, 1] on the 8-bit grid (and 0.5, which 2x-1 makes an
        exact 0) for an 8-bit input; normal values with exact repeats for a binary one."""
        rng = np.random.default_rng(self.spec["seed"] + 1)
        shape = (n,) + self.in_shape
        if self.eight_bit:
            x = np.round(rng.random(shape) * 128) / 128
            x.reshape(n, -1)[::4, :2] = 0.5
        else:
            x = rng.normal(0, 3, shape)
        return x.astype(np.float32)


def build_net(spec: dict) -> RandomNet:
    """The spec's model, weights from its seed, every BatchNorm randomized (ties included)."""
    torch.manual_seed(spec["seed"])
    m = RandomNet(spec)
    randomize_bn(m, np.random.default_rng(spec["seed"]), ties=True)
    return m.eval()


def export_fast(model: RandomNet, path: Path) -> Path:
    """QONNX export with the TorchScript exporter: about 0.1 s a net where the dynamo exporter
    takes about 1.7 s (it rebuilds its op registry on every call). The frontend reads both;
    the trained-model tests keep the dynamo exporter that `hwgen train` uses."""
    from brevitas.export import export_qonnx

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        export_qonnx(model, torch.zeros((1,) + model.in_shape), export_path=str(path), dynamo=False)
    return path
