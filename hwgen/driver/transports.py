"""Transports: how DMA buffers reach the accelerator. Both take a list of batches
(frames, input bytes, output bytes expected) and return the output buffers.

PynqTransport runs on a PYNQ board (pynq's Overlay, allocate and the AXI DMA's channels);
SimTransport runs the same shell, rtl/hwgen_axi_shell.v, in cocotb on Verilator or Icarus.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from hwgen.driver.accelerator import REG
from hwgen.errors import HwgenError


class PynqTransport:
    """On the board: the overlay's hwgen IP (AXI-Lite registers) and its AXI DMA."""

    def __init__(self, bitfile: str, ip: str = "hwgen_0", dma: str = "axi_dma_0"):
        try:
            from pynq import Overlay, allocate
        except ImportError:
            raise HwgenError("PynqTransport needs the pynq package: it runs on a PYNQ board "
                             "(use SimTransport here)") from None
        self._allocate = allocate
        self.overlay = Overlay(bitfile)
        self.ip = getattr(self.overlay, ip)
        self.dma = getattr(self.overlay, dma)
        self.ip.write(REG["control"], 1)  # clear the counters
        self.last_cycles: list[int] = []

    def registers(self) -> dict[str, int]:
        return {name: int(self.ip.read(addr)) for name, addr in REG.items() if name != "control"}

    def run(self, batches: list[tuple[int, bytes, int]]) -> list[bytes]:
        outs = []
        self.last_cycles = []
        for n_frames, data, out_bytes in batches:
            self.ip.write(REG["batch"], n_frames)
            before = int(self.ip.read(REG["cycles"]))
            ibuf = self._allocate(shape=(len(data),), dtype=np.uint8)
            obuf = self._allocate(shape=(out_bytes,), dtype=np.uint8)
            ibuf[:] = np.frombuffer(data, dtype=np.uint8)
            self.dma.recvchannel.transfer(obuf)  # receive first: the result may come at once
            self.dma.sendchannel.transfer(ibuf)
            self.dma.sendchannel.wait()
            self.dma.recvchannel.wait()
            outs.append(bytes(np.asarray(obuf)))
            self.last_cycles.append(int(self.ip.read(REG["cycles"])) - before)
            ibuf.freebuffer()
            obuf.freebuffer()
        return outs


class SimTransport:
    """Here: the build's accelerator inside hwgen_axi_shell, simulated with cocotb; the
    batches of one `run` are DMA transfers of one simulation."""

    def __init__(self, build: Path, sim: str = "verilator", dma_width: int = 32, in_pause: float = 0.0,
                 out_pause: float = 0.0, seed: int = 1):
        self.build = Path(build).resolve()
        self.sim, self.dma_width = sim, dma_width
        self.in_pause, self.out_pause, self.seed = in_pause, out_pause, seed
        self.last_registers: dict[str, int] = {}
        self.last_cycles: list[int] = []
        self.build_seconds = 0.0

    def _model(self) -> Path:
        from hwgen.backends.rtl.codegen import shell_sources
        from hwgen.sim.runner import build
        report = json.loads((self.build / "report.json").read_text())
        st = report["stream"]
        sources = shell_sources(self.build / "rtl", "hwgen_axi_shell")
        params = {"IN_W": st["in_width"], "OUT_W": st["out_width"], "IN_BEATS": st["in_beats"],
                  "OUT_BEATS": st["out_beats"], "DMA_W": self.dma_width}
        bdir, seconds = build(self.sim, "hwgen_axi_shell", sources, self.build / "sim_build", params)
        self.build_seconds += seconds
        self._bound = report["bound_cycles"]
        return bdir

    def run(self, batches: list[tuple[int, bytes, int]]) -> list[bytes]:
        from hwgen.sim.runner import run_test
        bdir = self._model()
        frames = sum(n for n, _, _ in batches) or 1
        slow = 1.0 / max(1e-3, (1 - self.in_pause) * (1 - self.out_pause))
        job = {"batches": [[n, data.hex()] for n, data, _ in batches], "in_pause": self.in_pause,
               "out_pause": self.out_pause, "seed": self.seed,
               "max_cycles": int(1000 + 4 * slow * (frames + 2) * (self._bound + 64))}
        res = run_test(self.sim, "hwgen_axi_shell", bdir, "hwgen.sim.shell_test", job, self.seed,
                       workdir=self.build / "rtl")
        self.last_registers = res["registers"]
        self.last_cycles = res["cycles"]
        outs = [bytes.fromhex(h) for h in res["outputs"]]
        for (n, _, want), got in zip(batches, outs):
            if len(got) != want:  # TLAST in the wrong place ends a transfer early or late
                raise HwgenError(f"DMA transfer of {n} frames returned {len(got)} bytes, expected {want}")
        return outs

    def registers(self) -> dict[str, int]:
        if not self.last_registers:
            self.run([])
        return dict(self.last_registers)
