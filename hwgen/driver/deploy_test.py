"""`hwgen deploy-test`: the board driver end to end against a simulation of the shell, with
several DMA batch sizes, checked against the golden model; frames/s over the simulation and
the rate its simulated cycles project at the board's nominal clock (no board is involved:
the column says "projected")."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from rich.table import Table

from hwgen.driver import Accelerator
from hwgen.driver.sim_transport import SimTransport
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.sim.verify import random_inputs


def deploy_test(
    build: Path,
    board: str,
    frames: int = 100,
    batches=(1, 7, 64),
    sim: str = "verilator",
    console=None,
    seed: int = 0,
) -> list[dict]:
    """Run `frames` random frames through Accelerator + SimTransport once per batch size."""
    b = load_board(board)
    if "dma_width" not in b:
        raise HwgenError(
            f"--board {board}: not a Zynq board with a DMA (boards/{board}.yaml has no dma_width)"
        )
    rows = []
    for batch in batches:
        transport = SimTransport(build, sim=sim, dma_width=b["dma_width"])
        acc = Accelerator(build, transport, dma_width=b["dma_width"])
        g = acc.graph
        bits = random_inputs(g, frames, np.random.default_rng(seed + batch))
        t0 = time.perf_counter()
        got = acc.run_accelerator(bits, batch)
        wall = time.perf_counter() - t0
        want = g.execute(bits, g.split()[1])
        bad = int(np.sum(np.any(got != want, axis=1)))
        regs = transport.last_registers
        acc.check_shell()
        sim_cycles = sum(transport.last_cycles)
        rows.append(
            {
                "batch": batch,
                "frames": frames,
                "mismatches": bad,
                "wall_s": wall,
                "build_s": transport.build_seconds,
                "fps_sim": frames / max(1e-9, wall - transport.build_seconds),
                "cycles_per_frame": sim_cycles / frames,
                "fps_projected": b["clock_mhz"] * 1e6 * frames / sim_cycles,
                "frames_in": regs["frames_in"],
                "frames_out": regs["frames_out"],
                "status": regs["status"],
            }
        )
        if bad or regs["frames_out"] != frames or regs["status"] & 2:
            raise HwgenError(
                f"deploy-test: batch {batch}: {bad} mismatching frames, frames out "
                f"{regs['frames_out']}/{frames}, status {regs['status']:#x}"
            )
    if console is not None:
        t = Table(title=f"driver over simulation ({sim}), {board} shell, DMA {b['dma_width']}-bit")
        for c in (
            "batch",
            "frames",
            "mismatches",
            "frames/s (sim)",
            "cycles/frame (with DMA)",
            f"frames/s projected at {b['clock_mhz']:g} MHz (simulated cycles)",
        ):
            t.add_column(c, justify="right")
        for r in rows:
            t.add_row(
                str(r["batch"]),
                str(r["frames"]),
                str(r["mismatches"]),
                f"{r['fps_sim']:,.1f}",
                f"{r['cycles_per_frame']:,.1f}",
                f"{r['fps_projected']:,.0f}",
            )
        console.print(t)
    return rows
