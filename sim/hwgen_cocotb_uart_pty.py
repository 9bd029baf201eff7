"""The UART shell as a serial port: the simulation opens a pseudo-terminal, writes its device
name to the job's `pty_file`, and bridges it to the shell's lines bit by bit (bytes from the
host onto `uart_rx`, bytes decoded from `uart_tx` back to it) until the job's `stop_file`
appears. The host's serial driver opens the device as it would a board's USB UART."""

from __future__ import annotations

import collections
import json
import os
import tty

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles
from hwgen_cocotb_uart import PERIOD_NS, receive_byte, send_byte


@cocotb.test()
async def uart_pty(dut):
    """Bridge a pseudo-terminal to the shell's UART lines until told to stop."""
    job = json.loads(open(os.environ["HWGEN_SIM_JOB"]).read())
    cpb = job["clks_per_bit"]
    master, slave = os.openpty()
    tty.setraw(slave)  # bytes as they are: no echo, no line discipline
    os.set_blocking(master, False)
    name = os.ttyname(slave)
    tmp = job["pty_file"] + ".tmp"
    with open(tmp, "w") as f:
        f.write(name)
    os.replace(tmp, job["pty_file"])
    stop = job["stop_file"]
    dut.uart_rx.value = 1
    cocotb.start_soon(Clock(dut.clk, PERIOD_NS, unit="ns").start())
    await ClockCycles(dut.clk, 40)  # the power-on reset

    async def to_host():
        while True:
            os.write(master, bytes([await receive_byte(dut, cpb)]))

    cocotb.start_soon(to_host())
    pending: collections.deque[int] = collections.deque()
    idle, taken = 0, 0
    while True:
        try:
            pending.extend(os.read(master, 4096))
        except (BlockingIOError, OSError):
            pass
        if pending:
            idle, taken = 0, taken + 1
            await send_byte(dut, pending.popleft(), cpb)
            continue
        idle += 1
        if idle % 64 == 0 and os.path.exists(stop):
            break
        await ClockCycles(dut.clk, cpb)
    os.close(master)
    os.close(slave)
    with open(os.environ["HWGEN_SIM_RESULT"], "w") as f:
        json.dump({"bytes_from_host": taken}, f)
