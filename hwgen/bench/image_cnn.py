"""A binary CNN on large images, where the sliding windows' memory decides the block RAM:
three 3x3 convolutions (16 channels, optional zero padding) each followed by a 2x2 max-pool,
an FC layer to 10 classes, on 8-bit single-channel images (128x128 by default: about 36 kbit
of weights). `make bench` reports its block RAM under Yosys and its simulated rate against the
bound; the slow test `tests/e2e/test_padding.py::test_128x128_cnn_block_ram_and_rate` asserts them.
"""

from __future__ import annotations

from pathlib import Path

from torch import nn

from hwgen import api
from hwgen.ops import SlidingWindow
from hwgen.train.activations import binary_act
from hwgen.train.layers import binary_conv, binary_linear, input_quant_8bit
from hwgen.train.trainer import export_quietly


class ImageCNN(nn.Module):
    """8-bit pixels (2x-1 and the input quantizer on the host), [conv3x3 + BN + sign +
    max-pool 2x2] x 3, FC to `classes` + BN. Weights are random (eval mode): this net measures
    area and rate, not accuracy."""

    def __init__(self, size: int = 128, channels: int = 16, classes: int = 10, pad: int = 0):
        super().__init__()
        self.input_quant = input_quant_8bit()
        layers: list[nn.Module] = []
        c, s = 1, size
        for _ in range(3):
            layers += [
                binary_conv(c, channels, 3, padding=pad),
                nn.BatchNorm2d(channels),
                binary_act(),
                nn.MaxPool2d(2),
            ]
            c, s = channels, (s + 2 * pad - 2) // 2
        self.conv = nn.Sequential(*layers)
        self.fc = nn.Sequential(binary_linear(c * s * s, classes), nn.BatchNorm1d(classes))

    def forward(self, x):
        x = self.conv(self.input_quant(2.0 * x - 1.0))
        return self.fc(x.reshape(x.shape[0], -1))


def measure(
    out: Path,
    size: int = 128,
    pad: int = 0,
    pe: int = 4,
    simd: int = 8,
    frames: int = 3,
    board: str = "pynq-z2",
    synth: bool = True,
    progress=lambda s: None,
) -> dict:
    """Compile the net at PE/SIMD, synthesize it with Yosys for `board` (unless not `synth`),
    simulate `frames` frames on Verilator: block RAM (18 kbit units), LUTs, cycles per frame
    and the bound."""
    # deferred: torch is heavy (training only)
    import torch

    torch.manual_seed(0)
    model = ImageCNN(size, pad=pad).eval()
    progress(f"{size}x{size} CNN: compile")
    build = api.compile(
        model, Path(out), input_shape=(1, size, size), pe=pe, simd=simd, board=board
    )
    syn = {"bram": None, "lut": None}
    if synth:
        progress(f"{size}x{size} CNN: Yosys")
        syn = build.synth(board, pnr=False)["yosys"]["summary"]
    progress(f"{size}x{size} CNN: Verilator, {frames} frames")
    check = build.simulate(frames=frames)
    windows = [n for n in build.graph.hw_nodes() if isinstance(n, SlidingWindow)]
    return {
        "size": size,
        "pad": pad,
        "pe": pe,
        "simd": simd,
        "bram18": syn["bram"],
        "lut": syn["lut"],
        "lut_mem": syn.get("lut_mem", 0),
        "est_bram18": build.estimate["total"]["bram"],
        "window_bits": sum(n.buffer_pixels * n.pixel_bits for n in windows),
        "frame_buffer_bits": sum(2 * n.h * n.w * n.pixel_bits for n in windows),
        "cycles_per_frame": check.cycles_per_frame,
        "bound": check.bound,
        "mismatches": check.mismatches,
    }


def image_cnn_onnx(out: Path, size: int = 16, pad: int = 1) -> Path:
    """The net (random weights) exported to QONNX at out/image_cnn_<size>_p<pad>.onnx: the
    calibration sweep's padded net (padded integer and bipolar convs, line buffers, border
    classes)."""
    # deferred: torch is heavy (training only)
    import torch

    torch.manual_seed(0)
    path = Path(out) / f"image_cnn_{size}_p{pad}.onnx"
    export_quietly(ImageCNN(size, pad=pad).eval(), torch.rand(1, 1, size, size), path)
    return path
