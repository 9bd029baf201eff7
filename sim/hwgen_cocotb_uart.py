"""The cocotb test of the UART shell: a host's bytes bit by bit into `uart_rx`, the board's
replies decoded from `uart_tx`. The job (HWGEN_SIM_JOB) is a list of steps, each {"send":
[bytes], "expect": reply bytes to wait for, "quiet": bit times of silence first}; the result
(HWGEN_SIM_RESULT) is each step's reply bytes."""

from __future__ import annotations

import json
import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, SimTimeoutError, with_timeout

PERIOD_NS = 10


async def send_byte(dut, value: int, cpb: int) -> None:
    """One 8N1 byte on uart_rx: start bit, eight bits lowest first, stop bit."""
    for bit in [0] + [(value >> k) & 1 for k in range(8)] + [1]:
        dut.uart_rx.value = bit
        await ClockCycles(dut.clk, cpb)


async def receive_byte(dut, cpb: int) -> int:
    """One 8N1 byte from uart_tx, each bit sampled in its middle."""
    await FallingEdge(dut.uart_tx)
    await ClockCycles(dut.clk, cpb + cpb // 2)
    value = 0
    for k in range(8):
        value |= int(dut.uart_tx.value) << k
        await ClockCycles(dut.clk, cpb)
    assert int(dut.uart_tx.value) == 1, "stop bit is 0"
    return value


@cocotb.test()
async def uart_steps(dut):
    """Run the job's steps in order: silence, the bytes sent, the reply bytes collected."""
    job = json.loads(open(os.environ["HWGEN_SIM_JOB"]).read())
    cpb = job["clks_per_bit"]
    dut.uart_rx.value = 1
    cocotb.start_soon(Clock(dut.clk, PERIOD_NS, unit="ns").start())
    await ClockCycles(dut.clk, 40)  # the power-on reset
    replies = []
    for step in job["steps"]:
        await ClockCycles(dut.clk, 1 + step.get("quiet", 0) * cpb)
        got: list[int] = []

        async def collect(n=step["expect"], got=got):
            for _ in range(n):
                got.append(await receive_byte(dut, cpb))

        task = cocotb.start_soon(collect())
        for b in step["send"]:
            await send_byte(dut, b, cpb)
        try:
            await with_timeout(task, job["max_cycles"] * PERIOD_NS, "ns")
        except SimTimeoutError:
            raise AssertionError(
                f"step {len(replies)}: {len(got)} of {step['expect']} reply bytes"
            ) from None
        replies.append(got)
    with open(os.environ["HWGEN_SIM_RESULT"], "w") as f:
        json.dump({"replies": replies}, f)
