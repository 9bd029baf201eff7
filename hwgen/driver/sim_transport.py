"""SimTransport: the driver's transport to the AXI shell simulated in cocotb (Verilator or
Icarus), with cocotbext-axi's AXI-Lite master, so `Accelerator` runs here exactly as on a board.
Apart from `transports.py`: the board's runtime (numpy only) has no simulator, templates or
cocotb, and never imports this module."""

from __future__ import annotations

import json
from pathlib import Path

from hwgen.backends.rtl.codegen import shell_sources
from hwgen.driver.transports import DmaTimeout
from hwgen.errors import HwgenError
from hwgen.sim.runner import build, run_test


class SimTransport:
    """Here: the build's accelerator inside hwgen_axi_shell, simulated with cocotb; the
    batches of one `run` are DMA transfers of one simulation."""

    def __init__(
        self,
        build: Path,
        sim: str = "verilator",
        dma_width: int = 32,
        in_pause: float = 0.0,
        out_pause: float = 0.0,
        seed: int = 1,
        stuck: tuple[int, ...] = (),
    ):
        """`stuck`: indices of batches whose input transfer stops one DMA word short (a DMA that
        never completes), to exercise the timeout and recovery of hwgen_axi_shell + driver."""
        self.build = Path(build).resolve()
        self.stuck = set(stuck)
        self.sim, self.dma_width = sim, dma_width
        self.in_pause, self.out_pause, self.seed = in_pause, out_pause, seed
        self.last_registers: dict[str, int] = {}
        self.last_cycles: list[int] = []
        self.build_seconds = 0.0

    def _model(self) -> Path:
        report = json.loads((self.build / "report.json").read_text())
        st = report["stream"]
        sources = shell_sources(self.build / "rtl", "hwgen_axi_shell")
        params = {
            "IN_W": st["in_width"],
            "OUT_W": st["out_width"],
            "IN_BEATS": st["in_beats"],
            "OUT_BEATS": st["out_beats"],
            "DMA_W": self.dma_width,
        }
        bdir, seconds = build(
            self.sim, "hwgen_axi_shell", sources, self.build / "sim_build", params
        )
        self.build_seconds += seconds
        self._bound = report["bound_cycles"]
        return bdir

    def run(self, batches: list[tuple[int, bytes, int]]) -> list[bytes]:
        bdir = self._model()
        frames = sum(n for n, _, _ in batches) or 1
        slow = 1.0 / max(1e-3, (1 - self.in_pause) * (1 - self.out_pause))
        job = {
            "batches": [[n, data.hex(), k in self.stuck] for k, (n, data, _) in enumerate(batches)],
            "in_pause": self.in_pause,
            "out_pause": self.out_pause,
            "seed": self.seed,
            "dma_bytes": self.dma_width // 8,
            "max_cycles": int(1000 + 4 * slow * (frames + 2) * (self._bound + 64)),
        }
        res = run_test(
            self.sim,
            "hwgen_axi_shell",
            bdir,
            "hwgen_cocotb_shell",
            job,
            self.seed,
            workdir=self.build / "rtl",
        )
        self.last_registers = res["registers"]
        self.last_cycles = res["cycles"]
        outs = [None if h is None else bytes.fromhex(h) for h in res["outputs"]]
        for (n, _, want), got in zip(batches, outs):
            if (
                got is not None and len(got) != want
            ):  # TLAST in the wrong place ends a transfer early or late
                raise HwgenError(
                    f"DMA transfer of {n} frames returned {len(got)} bytes, expected {want}"
                )
        if None in outs:
            raise DmaTimeout(outs, [n for n, _, _ in batches], f"{job['max_cycles']} cycles")
        return outs

    def registers(self) -> dict[str, int]:
        if not self.last_registers:
            self.run([])
        return dict(self.last_registers)
