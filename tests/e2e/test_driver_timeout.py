"""A DMA that never completes: the driver gives up after its timeout with one clear error,
resets the accelerator (the shell's clear bit) and the DMA, and the next batches are exact.
Over simulation (hwgen_axi_shell on Verilator and Icarus, the clear resetting the pipeline
mid-frame) and over the stand-in pynq (the board driver's polling and reset sequence)."""

from __future__ import annotations

import importlib
import sys

import numpy as np
import pytest

from hwgen.driver import Accelerator
from hwgen.driver.sim_transport import SimTransport
from hwgen.driver.transports import DmaTimeout
from hwgen.framing import output_values
from hwgen.sim.verify import random_inputs
from tests.conftest import ROOT
from tests.e2e.test_deploy import mlp_build  # noqa: F401  (the fixture)
from tests.helpers import need_tool


def _golden(acc, bits):
    """The golden model's outputs of the accelerator's layers, one row a frame."""
    return acc.graph.execute(bits, acc.graph.hw_nodes()).reshape(len(bits), -1)


@pytest.mark.rtlsim
@pytest.mark.parametrize("sim", ["verilator", "icarus"])
def test_stuck_transfer_times_out_then_next_batches_exact(mlp_build, sim):  # noqa: F811
    """Batch 2 of 4 stops one DMA word short: it never completes. One error line names it;
    batches 1, 3 and 4 are exact, and the shell's counters restart after the clear."""
    need_tool(sim)
    acc = Accelerator(mlp_build, SimTransport(mlp_build, sim=sim, stuck=(1,)))
    bits = random_inputs(acc.graph, 20, np.random.default_rng(3))
    with pytest.raises(DmaTimeout) as e:
        acc.run_accelerator(bits, batch_size=5)
    msg = str(e.value)
    assert (
        "\n" not in msg and "batch 2 of 4 (5 frames)" in msg and "did not complete within" in msg
    ), msg
    assert "were reset" in msg
    assert e.value.failed == [1]
    want = _golden(acc, bits)
    for k, data in enumerate(e.value.outputs):
        if data is None:
            continue
        got = output_values(acc.graph, acc.layout.unpack(data, 5))
        np.testing.assert_array_equal(got, want[5 * k : 5 * k + 5], err_msg=f"batch {k + 1}")
    regs = acc.transport.last_registers
    assert regs["frames_out"] == 10, regs  # batches 3 and 4, counted from the clear


@pytest.fixture
def fake_pynq(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "fake_pynq"))
    sys.modules.pop("pynq", None)
    pynq = importlib.import_module("pynq")
    pynq.CALLS.clear()
    pynq.STUCK.clear()
    yield pynq
    sys.modules.pop("pynq", None)


def test_board_driver_times_out_resets_and_continues(mlp_build, fake_pynq, tmp_path):  # noqa: F811
    """PynqTransport polls the channels' idle bits: a stuck transfer becomes one error after
    the timeout, the DMA is soft-reset (MM2S_DMACR bit 2) and restarted, the shell cleared,
    and the following batches are exact."""
    import json
    import shutil

    from hwgen.driver import PynqTransport

    board = tmp_path / "board"
    shutil.copytree(
        mlp_build, board / "model", ignore=shutil.ignore_patterns("sim_build", "package", "deploy")
    )
    (board / "driver.json").write_text(json.dumps({"dma_width": 32}))
    (board / "hwgen.bit").write_bytes(b"")
    fake_pynq.STUCK.add(2)
    acc = Accelerator(mlp_build, PynqTransport(str(board / "hwgen.bit"), timeout=0.05))
    bits = random_inputs(acc.graph, 16, np.random.default_rng(4))
    with pytest.raises(DmaTimeout) as e:
        acc.run_accelerator(bits, batch_size=4)
    assert "batch 3 of 4 (4 frames) did not complete within 0.05 s" in str(e.value)
    calls = fake_pynq.CALLS
    k = calls.index(("dma.write", 0x00, 0x4))
    assert ("sendchannel.start",) in calls[k:] and ("recvchannel.start",) in calls[k:]
    assert ("write", 0x08, 1) in calls[k:], "the shell must be cleared after the DMA reset"
    want = _golden(acc, bits)
    for b in (0, 1, 3):
        got = output_values(acc.graph, acc.layout.unpack(e.value.outputs[b], 4))
        np.testing.assert_array_equal(got, want[4 * b : 4 * b + 4])
    # and a run without a stuck transfer goes through
    np.testing.assert_array_equal(acc.run_accelerator(bits[:4], batch_size=4), want[:4])
