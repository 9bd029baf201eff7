"""The cocotb test behind the driver's simulation transport: hwgen_axi_shell driven the way
a PYNQ host drives it on a board. AXI-Lite (cocotbext-axi's master) reads the ID and sets
BATCH; each batch goes out as one DMA transfer (one AXI-Stream frame of bytes, TLAST at its
end) and comes back as one (the shell's TLAST ends it); the status registers are read last.

A transfer that does not complete within `max_cycles` is handled as the board driver does
after its timeout: the shell is cleared over AXI-Lite (which resets the accelerator) and both
DMA channels are reset (their half-done transfers dropped); its output is null, and the next
batch runs on the same simulation, so a test sees whether it is exact after the recovery.
A batch with `stuck` true sends its input one DMA word short: a transfer that never completes.

Job (HWGEN_SIM_JOB, JSON): {"batches": [[n_frames, input bytes as hex, stuck], ...],
"max_cycles", "in_pause", "out_pause", "seed", "dma_bytes"}. Result (HWGEN_SIM_RESULT):
{"outputs": [hex or null, ...], "cycles": [cycles per batch], "registers": {...}}.
"""

from __future__ import annotations

import json
import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, SimTimeoutError, with_timeout
from cocotb.utils import get_sim_time
from cocotbext.axi import AxiLiteBus, AxiLiteMaster, AxiStreamBus, AxiStreamSink, AxiStreamSource
from hwgen_tb import random_pauses

from hwgen.driver.accelerator import REG

# the shell's register map, as the driver knows it (control is write-only)
REGISTERS = {name: addr for name, addr in REG.items() if name != "control"}


@cocotb.test()
async def shell_batches(dut):
    """Send the job's batches through the shell as DMA transfers; record outputs and registers."""
    job = json.loads(open(os.environ["HWGEN_SIM_JOB"]).read())
    clk, rst = dut.ap_clk, dut.ap_rst_n
    cocotb.start_soon(Clock(clk, 10, unit="ns").start())
    axil = AxiLiteMaster(
        AxiLiteBus.from_prefix(dut, "s_axi_control"), clk, rst, reset_active_level=False
    )
    source = AxiStreamSource(
        AxiStreamBus.from_prefix(dut, "s_axis"), clk, rst, reset_active_level=False
    )
    sink = AxiStreamSink(
        AxiStreamBus.from_prefix(dut, "m_axis"), clk, rst, reset_active_level=False
    )
    if job.get("in_pause", 0) > 0:
        source.set_pause_generator(random_pauses(job["in_pause"], job.get("seed", 1)))
    if job.get("out_pause", 0) > 0:
        sink.set_pause_generator(random_pauses(job["out_pause"], job.get("seed", 1) + 1))
    rst.value = 0
    await ClockCycles(clk, 4)
    rst.value = 1
    await ClockCycles(clk, 2)

    result = {"outputs": [], "cycles": []}
    result["id"] = await axil.read_dword(REGISTERS["id"])
    await axil.write_dword(REG["control"], 1)  # clear the counters, as the driver does on open
    for n_frames, data, *stuck in job["batches"]:
        await axil.write_dword(REG["batch"], n_frames)
        t0 = get_sim_time("ns") / 10
        payload = bytes.fromhex(data)
        if stuck and stuck[0]:
            payload = payload[: -job.get("dma_bytes", 4)]
        await source.send(payload)
        try:
            frame = await with_timeout(sink.recv(), job["max_cycles"] * 10, "ns")
        except SimTimeoutError:
            await _recover(axil, source, sink, clk)
            result["outputs"].append(None)
        else:
            result["outputs"].append(bytes(frame.tdata).hex())
        result["cycles"].append(round(get_sim_time("ns") / 10 - t0))
    result["registers"] = {name: await axil.read_dword(addr) for name, addr in REGISTERS.items()}
    with open(os.environ["HWGEN_SIM_RESULT"], "w") as f:
        json.dump(result, f)


async def _recover(axil, source, sink, clk) -> None:
    """After a timed-out transfer, as the driver does: reset both DMA channels (the source and
    the sink drop what they hold) and clear the shell, which resets the accelerator."""
    for channel in (source, sink):
        channel.assert_reset()
        channel.clear()
    await axil.write_dword(REG["control"], 1)
    await ClockCycles(clk, 4)
