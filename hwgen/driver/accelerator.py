"""Accelerator: model inputs in, model outputs out, through the hardware.

The host steps before and after the accelerator (input quantization, bit packing, output
unpacking, the final affine) are the same functions `hwgen run` uses (hwgen.framing); the
driver only adds the DMA layout and batching, and hands bytes to a transport.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.common import stream_format
from hwgen.errors import HwgenError
from hwgen.framing import around_accelerator, input_frames, output_values
from hwgen.ir import Graph

# register map of rtl/hwgen_axi_shell.v
REG = {
    "id": 0x00,
    "version": 0x04,
    "control": 0x08,
    "status": 0x0C,
    "frames_in": 0x10,
    "frames_out": 0x14,
    "cycles": 0x18,
    "widths": 0x1C,
    "in_beats": 0x20,
    "out_beats": 0x24,
    "dma_w": 0x28,
    "batch": 0x2C,
}
SHELL_ID = 0x48574731  # "HWG1"


@dataclass(frozen=True)
class DmaLayout:
    """How frames sit in DMA buffers: each accelerator beat takes ceil(width / dma_width)
    words, little-endian, zero-padded (rtl/hwgen_axi_shell.v)."""

    in_width: int
    in_beats: int
    out_width: int
    out_beats: int
    dma_width: int

    @property
    def in_beat_bytes(self) -> int:
        return -(-self.in_width // self.dma_width) * self.dma_width // 8

    @property
    def out_beat_bytes(self) -> int:
        return -(-self.out_width // self.dma_width) * self.dma_width // 8

    @property
    def in_frame_bytes(self) -> int:
        return self.in_beats * self.in_beat_bytes

    @property
    def out_frame_bytes(self) -> int:
        return self.out_beats * self.out_beat_bytes

    def pack(self, frames: list[list[int]]) -> bytes:
        """Input frames (beat integers) as one DMA buffer."""
        return b"".join(int(b).to_bytes(self.in_beat_bytes, "little") for f in frames for b in f)

    def unpack(self, data: bytes, n_frames: int) -> list[list[int]]:
        """One output DMA buffer as frames of beat integers."""
        if len(data) != n_frames * self.out_frame_bytes:
            raise HwgenError(
                f"DMA: expected {n_frames} frames of {self.out_frame_bytes} bytes, got {len(data)} "
                "bytes"
            )
        mask = (1 << self.out_width) - 1
        step = self.out_beat_bytes
        beats = [
            int.from_bytes(data[k : k + step], "little") & mask for k in range(0, len(data), step)
        ]
        return [beats[i * self.out_beats : (i + 1) * self.out_beats] for i in range(n_frames)]


class Accelerator:
    """Run a compiled model on the hardware behind `transport`, in batches of DMA transfers.

    build: the compiled build folder (graph.json + weights); transport: a PynqTransport on
    a board or a SimTransport here; dma_width: the DMA stream width of the shell."""

    def __init__(self, build: Path, transport, dma_width: int = 32):
        self.graph = Graph.load_build(Path(build))
        fmt = stream_format(self.graph)
        self.layout = DmaLayout(fmt.in_width, fmt.in_beats, fmt.out_width, fmt.out_beats, dma_width)
        self.transport = transport
        self.stats = {"frames": 0, "seconds": 0.0, "cycles": []}

    def check_shell(self) -> None:
        """The shell's ID and widths must match this build (a wrong bitstream fails here)."""
        regs = self.transport.registers()
        if regs.get("id") != SHELL_ID:
            raise HwgenError(
                f"no hwgen shell behind the transport (ID register reads {regs.get('id', 0):#x})"
            )
        widths = (self.layout.out_width << 16) | self.layout.in_width
        if regs.get("widths") != widths or regs.get("dma_w") != self.layout.dma_width:
            raise HwgenError(
                "the hardware's stream widths differ from this build's: wrong bitstream?"
            )

    def run_accelerator(self, values: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Accelerator inputs (B, ...) -> last layer outputs (B, MH), batch_size frames per
        DMA transfer."""
        if batch_size < 1:
            raise HwgenError(f"batch size must be >= 1, not {batch_size}")
        frames = input_frames(self.graph, values)
        batches = [frames[i : i + batch_size] for i in range(0, len(frames), batch_size)]
        t0 = time.perf_counter()
        outs = self.transport.run(
            [(len(b), self.layout.pack(b), len(b) * self.layout.out_frame_bytes) for b in batches]
        )
        self.stats["seconds"] += time.perf_counter() - t0
        self.stats["frames"] += len(frames)
        self.stats["cycles"] += list(getattr(self.transport, "last_cycles", []))
        got = [f for b, data in zip(batches, outs) for f in self.layout.unpack(data, len(b))]
        return output_values(self.graph, got)

    def predict(self, x: np.ndarray, batch_size: int = 64) -> np.ndarray:
        """Model inputs -> model outputs (as `hwgen run`), the host steps around the hardware."""
        out, _ = around_accelerator(
            self.graph, x, lambda v: (self.run_accelerator(v, batch_size), None)
        )
        return out
