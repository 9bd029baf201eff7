"""The cocotb test for blocks with several streams (a fork's two outputs, an add's two
inputs): beats into every input, beats out of every output, each port under its own random
back-pressure. The job (HWGEN_SIM_JOB) names the ports by prefix; the result (HWGEN_SIM_RESULT)
is every output's beats, in order."""

from __future__ import annotations

import json
import os

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, SimTimeoutError, with_timeout
from cocotbext.axi import AxiStreamBus, AxiStreamFrame, AxiStreamSink, AxiStreamSource
from hwgen_tb import random_pauses

PERIOD_NS = 10


@cocotb.test()
async def stream_ports(dut):
    """Send the job's beats to each input and collect the expected count from each output."""
    job = json.loads(open(os.environ["HWGEN_SIM_JOB"]).read())
    clk, rst = getattr(dut, job.get("clock", "clk")), getattr(dut, job.get("reset", "rst_n"))
    seed = job.get("seed", 1)
    sources, sinks = {}, {}
    for k, prefix in enumerate(job["inputs"]):
        sources[prefix] = AxiStreamSource(
            AxiStreamBus.from_prefix(dut, prefix), clk, rst, reset_active_level=False, byte_lanes=1
        )
        if job.get("in_pause"):
            sources[prefix].set_pause_generator(random_pauses(job["in_pause"], seed + 2 * k))
    for k, prefix in enumerate(job["outputs"]):
        sinks[prefix] = AxiStreamSink(
            AxiStreamBus.from_prefix(dut, prefix), clk, rst, reset_active_level=False, byte_lanes=1
        )
        if job.get("out_pause"):
            sinks[prefix].set_pause_generator(random_pauses(job["out_pause"], seed + 2 * k + 1))
    cocotb.start_soon(Clock(clk, PERIOD_NS, unit="ns").start())
    rst.value = 0
    await ClockCycles(clk, 4)
    rst.value = 1
    for prefix, beats in job["inputs"].items():
        for b in beats:  # no TLAST on these streams: every beat is a frame
            await sources[prefix].send(AxiStreamFrame([b]))
    result = {}
    for prefix, count in job["outputs"].items():
        got = []
        for _ in range(count):
            try:
                frame = await with_timeout(
                    sinks[prefix].recv(), job["max_cycles"] * PERIOD_NS, "ns"
                )
            except SimTimeoutError:
                raise AssertionError(
                    f"timeout: {prefix} gave {len(got)} of {count} beats"
                ) from None
            got += [int(v) for v in frame.tdata]
        result[prefix] = got
    with open(os.environ["HWGEN_SIM_RESULT"], "w") as f:
        json.dump(result, f)
