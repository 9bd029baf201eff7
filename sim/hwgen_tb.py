"""StreamTB: a cocotb testbench for any AXI-Stream-in, AXI-Stream-out block.

Drives frames through a cocotbext-axi source, collects them with a sink (TLAST-delimited or
by a fixed beat count), applies random pauses on either side, and records the clock cycle
at which each output frame completes, so throughput can be measured exactly.
"""

from __future__ import annotations

import os
import random
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, SimTimeoutError, with_timeout
from cocotb.utils import get_sim_time
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource


def random_pauses(probability: float, seed: int):
    """An endless pause pattern: True (stall this cycle) with the given probability."""
    rng = random.Random(seed)
    while True:
        yield rng.random() < probability


class StreamTB:
    """Clock, reset, source and sink around a DUT with `<in_prefix>_t*` / `<out_prefix>_t*`."""

    def __init__(
        self,
        dut,
        clock: str = "ap_clk",
        reset: str = "ap_rst_n",
        in_prefix: str = "s_axis",
        out_prefix: str = "m_axis",
        period_ns: int = 10,
    ):
        self.dut = dut
        self.clk = getattr(dut, clock)
        self.rst = getattr(dut, reset)
        self.period_ns = period_ns
        self.source = AxiStreamSource(
            AxiStreamBus.from_prefix(dut, in_prefix),
            self.clk,
            self.rst,
            reset_active_level=False,
            byte_lanes=1,
        )
        self.sink = AxiStreamSink(
            AxiStreamBus.from_prefix(dut, out_prefix),
            self.clk,
            self.rst,
            reset_active_level=False,
            byte_lanes=1,
        )
        self.done_cycles: list[int] = []  # cycle of each output frame's last handshake
        self.resets = 0  # resets asserted mid-run by run_with_resets
        # frames done so far, rewritten at most twice a second, for the caller's progress line
        self.progress_file = os.environ.get("HWGEN_SIM_PROGRESS")
        self.progress_at = 0.0

    def set_backpressure(self, in_pause: float, out_pause: float, seed: int) -> None:
        """Random stalls: the source idles with `in_pause`, the sink refuses with `out_pause`."""
        if in_pause > 0:
            self.source.set_pause_generator(random_pauses(in_pause, seed))
        if out_pause > 0:
            self.sink.set_pause_generator(random_pauses(out_pause, seed + 1))

    async def start(self) -> None:
        """Start the clock and reset the DUT for a few cycles."""
        cocotb.start_soon(Clock(self.clk, self.period_ns, unit="ns").start())
        self.rst.value = 0
        await ClockCycles(self.clk, 4)
        self.rst.value = 1

    def _now_cycles(self) -> float:
        return get_sim_time("ns") / self.period_ns

    async def run(
        self, frames: list[list[int]], max_cycles: int, out_frames: int | None = None
    ) -> list[list[int]]:
        """Send every frame, receive `out_frames` (default: as many), fail if it takes more
        than `max_cycles`. Without TLAST on the output every beat is a frame.

        The sink wakes `recv` at the clock edge of a frame's last beat, so the recorded
        completion cycles are exact without a per-cycle monitor coroutine (which would
        double the Python work per simulated cycle)."""
        t0 = self._now_cycles()
        for beats in frames:
            await self.source.send(AxiStreamFrame(beats))
        received: list[list[int]] = []
        expected = len(frames) if out_frames is None else out_frames
        for _ in range(expected):
            left = max_cycles - (self._now_cycles() - t0)
            try:
                frame = await with_timeout(
                    self.sink.recv(), max(1, int(left)) * self.period_ns, "ns"
                )
            except SimTimeoutError:
                raise AssertionError(
                    f"timeout: {len(received)} of {expected} frames after {max_cycles} cycles"
                ) from None
            received.append([int(v) for v in frame.tdata])
            self.done_cycles.append(round(self._now_cycles() - t0))
            self.report_progress(len(received))
        return received

    def report_progress(self, done: int) -> None:
        """Write `done` to HWGEN_SIM_PROGRESS (when set), at most every half second."""
        now = time.monotonic()
        if self.progress_file and now - self.progress_at >= 0.5:
            self.progress_at = now
            tmp = self.progress_file + ".tmp"
            with open(tmp, "w") as f:
                f.write(str(done))
            os.replace(tmp, self.progress_file)  # the reader never sees a half-written count

    async def run_with_resets(
        self, frames: list[list[int]], max_cycles: int, reset_at: list[int]
    ) -> list[list[int]]:
        """As `run`, with the reset asserted (four cycles) at each cycle of `reset_at`, mid-frame
        or not. The source's queued and half-sent frames and the sink's half-received one are
        dropped with it (cocotbext-axi does so on reset); the frames not done by then are sent
        again, so the result is every frame's output once, or a mismatch if a partial frame
        leaked through the reset or a beat was lost in it."""
        t0 = self._now_cycles()
        received: list[list[int]] = []
        pending = sorted(reset_at)
        while True:
            for beats in frames[len(received) :]:
                await self.source.send(AxiStreamFrame(beats))
            while len(received) < len(frames):
                now = self._now_cycles() - t0
                if now >= max_cycles:
                    raise AssertionError(
                        f"timeout: {len(received)} of {len(frames)} frames after {max_cycles} "
                        "cycles"
                    )
                until = min(pending[0] if pending else max_cycles, max_cycles) - now
                try:
                    frame = await with_timeout(
                        self.sink.recv(), max(1, int(until)) * self.period_ns, "ns"
                    )
                except SimTimeoutError:
                    if pending and self._now_cycles() - t0 >= pending[0]:
                        break  # time for the next reset
                    continue
                received.append([int(v) for v in frame.tdata])
                self.done_cycles.append(round(self._now_cycles() - t0))
                self.report_progress(len(received))
            if len(received) == len(frames):
                return received
            pending.pop(0)
            await self._reset_mid_run(received, t0)

    async def _reset_mid_run(self, received: list[list[int]], t0: float) -> None:
        """Assert the reset for four cycles; keep the frames the sink completed before it."""
        self.rst.value = 0
        await ClockCycles(self.clk, 1)
        self.source.clear()
        while not self.sink.empty():  # completed before the reset: they count as done
            received.append([int(v) for v in self.sink.recv_nowait().tdata])
            self.done_cycles.append(round(self._now_cycles() - t0))
        await ClockCycles(self.clk, 3)
        self.rst.value = 1
        self.resets += 1
