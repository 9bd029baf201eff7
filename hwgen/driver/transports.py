"""Transports: how DMA buffers reach the accelerator. Both take a list of batches
(frames, input bytes, output bytes expected) and return the output buffers.

PynqTransport runs on a PYNQ board (pynq's Overlay, allocate and the AXI DMA's channels);
SimTransport runs the same shell, rtl/hwgen_axi_shell.v, in cocotb on Verilator or Icarus.
"""

from __future__ import annotations

import time

import numpy as np

from hwgen.driver.accelerator import REG
from hwgen.errors import HwgenError


class DmaTimeout(HwgenError):
    """DMA transfers that did not complete within the timeout. The transport has reset the
    accelerator (the shell's clear) and the DMA, and run the remaining batches: `outputs`
    holds every batch's output buffer, None for those that timed out (`failed`); the message
    is one line naming them."""

    def __init__(self, outputs: list[bytes | None], frames: list[int], limit: str):
        self.outputs = outputs
        self.failed = [k for k, o in enumerate(outputs) if o is None]
        first = self.failed[0]
        super().__init__(
            f"DMA: batch {first + 1} of {len(outputs)} ({frames[first]} frames)"
            + (f" and {len(self.failed) - 1} more" if len(self.failed) > 1 else "")
            + f" did not complete within {limit}; the accelerator and the DMA were reset and "
            "the other batches completed"
        )


#: AXI DMA register: MM2S_DMACR; its bit 2 soft-resets the whole DMA (both channels), and
#: reads 1 until the reset is done (Xilinx PG021)
DMA_CR, DMA_RESET = 0x00, 0x4


class PynqTransport:
    """On the board: the overlay's hwgen IP (AXI-Lite registers) and its AXI DMA.

    A transfer that is not done within `timeout` seconds (each channel's `idle` polled) is
    given up: the DMA is soft-reset and its channels started again, the shell cleared (which
    resets the accelerator), and the remaining batches run; `run` then raises DmaTimeout,
    one line, with the completed outputs attached."""

    def __init__(
        self,
        bitfile: str,
        ip: str = "hwgen_0",
        dma: str = "axi_dma_0",
        timeout: float = 10.0,
        poll: float = 1e-4,
    ):
        try:
            # deferred: pynq exists on the board only
            from pynq import Overlay, allocate
        except ImportError:
            raise HwgenError(
                "PynqTransport needs the pynq package: it runs on a PYNQ board "
                "(use SimTransport here)"
            ) from None
        self._allocate = allocate
        self.overlay = Overlay(bitfile)
        self.ip = getattr(self.overlay, ip)
        self.dma = getattr(self.overlay, dma)
        self.ip.write(REG["control"], 1)  # clear: counters at 0, nothing in flight
        self.timeout, self.poll = timeout, poll
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
            if self._wait_idle():
                outs.append(bytes(np.asarray(obuf)))
                self.last_cycles.append(int(self.ip.read(REG["cycles"])) - before)
            else:
                self._reset()
                outs.append(None)
                self.last_cycles.append(0)
            ibuf.freebuffer()
            obuf.freebuffer()
        if None in outs:
            raise DmaTimeout(outs, [n for n, _, _ in batches], f"{self.timeout:g} s")
        return outs

    def _wait_idle(self) -> bool:
        """Both channels idle before the deadline (pynq's own wait() would block forever)."""
        deadline = time.monotonic() + self.timeout
        for channel in (self.dma.sendchannel, self.dma.recvchannel):
            while not channel.idle:
                if time.monotonic() > deadline:
                    return False
                time.sleep(self.poll)
        return True

    def _reset(self) -> None:
        """After a timeout: soft-reset the DMA (both channels), start its channels again, and
        clear the shell, which resets the accelerator and drops the frame in flight."""
        self.dma.write(DMA_CR, DMA_RESET)
        deadline = time.monotonic() + 1.0
        while self.dma.read(DMA_CR) & DMA_RESET:
            if time.monotonic() > deadline:
                raise HwgenError(
                    "DMA: the AXI DMA did not come out of its soft reset within 1 s; "
                    "reload the overlay"
                )
            time.sleep(self.poll)
        self.dma.sendchannel.start()
        self.dma.recvchannel.start()
        self.ip.write(REG["control"], 1)
