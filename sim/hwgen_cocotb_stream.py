"""The one cocotb test the runners launch: frames in, frames out, cycles recorded.

Its job description comes from the JSON file named by HWGEN_SIM_JOB and the results go to the
JSON file named by HWGEN_SIM_RESULT, so pytest and the CLI share this testbench.
"""

from __future__ import annotations

import json
import os

import cocotb
from hwgen_tb import StreamTB


@cocotb.test()
async def stream_frames(dut):
    """Stream the job's frames through the DUT under the job's back-pressure."""
    job = json.loads(open(os.environ["HWGEN_SIM_JOB"]).read())
    tb = StreamTB(dut, **job.get("ports", {}))
    tb.set_backpressure(job.get("in_pause", 0.0), job.get("out_pause", 0.0), job.get("seed", 1))
    await tb.start()
    if job.get("reset_at"):
        frames = await tb.run_with_resets(job["frames"], job["max_cycles"], job["reset_at"])
    else:
        frames = await tb.run(job["frames"], job["max_cycles"], job.get("out_frames"))
    result = {"frames": frames, "done_cycles": tb.done_cycles, "resets": tb.resets}
    with open(os.environ["HWGEN_SIM_RESULT"], "w") as f:
        json.dump(result, f)
