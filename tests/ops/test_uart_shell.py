"""The UART shell (rtl/hwgen_uart_shell.v) in simulation, bit by bit on its two lines: the
identify record, frames equal to golden, and resynchronization without a reset after a frame
of the wrong length (one byte short, none, one, 256 more: the length's bytes are decoded one
at a time), a garbage byte and a frame cut short (the frames after them exact)."""

from __future__ import annotations

import numpy as np
import pytest

from hwgen import api
from hwgen.backends.common import stream_format
from hwgen.backends.rtl.codegen import shell_sources
from hwgen.driver.uart_protocol import (
    ID_BYTES,
    digest64,
    frame_request,
    frame_sizes,
    identify_request,
    outputs,
    parse_identity,
    payloads,
)
from hwgen.manifest import read_manifest
from hwgen.sim.runner import build, run_test
from hwgen.sim.verify import random_inputs
from tests.helpers import need_tool, random_mlp

CPB = 4  # clock cycles per bit: 12 MHz at 3 Mbaud
QUIET = 64  # bit times of silence that abandon a command (the shell's TIMEOUT_BITS here)


@pytest.fixture(scope="module", params=[False, True], ids=["no-queue", "queue"])
def shell_run(tmp_path_factory, request):
    """A small MLP behind the UART shell on Icarus, driven through one scripted session: with
    a queue (QUEUE_BYTES = one request) it ends with two frames sent back to back, as the
    driver sends them."""
    need_tool("iverilog")
    tmp = tmp_path_factory.mktemp("uart")
    _, onnx = random_mlp(tmp / "m.onnx", [20, 12, 5], seed=4)
    b = api.compile(onnx, tmp / "b", pe=4, simd=4)
    g = b.graph
    n_in, n_out = frame_sizes(g)
    digest = digest64(read_manifest(b.path)["graph"])
    bits = random_inputs(g, 8, np.random.default_rng(5))
    data = payloads(g, bits)
    frame = [{"send": list(frame_request(p)), "expect": 1 + n_out} for p in data]
    steps = (
        [{"send": list(identify_request()), "expect": ID_BYTES}]
        + frame[:3]
        + [{"send": list(frame_request(data[3][:-1])), "expect": 1}]  # one byte short
        + [{"send": [0x7E], "expect": 1}]  # garbage
        + [{"send": list(frame_request(data[4]))[: 3 + n_in // 2], "expect": 1}]  # cut short
        + [{"send": [0x46, 0, 0], "expect": 1}]  # no bytes
        + [{"send": [0x46, 1, 0, 0x5A], "expect": 1}]  # one byte
        # IN_BYTES' low byte, its high byte plus one (each half alone matches)
        + [{"send": [0x46, n_in & 255, (n_in >> 8) + 1] + [0] * (n_in + 256), "expect": 1}]
        + frame[3:6]
    )
    queue = n_in + 3 if request.param else 0
    if queue:  # frame 7's request arrives while frame 6's reply goes out
        steps.append({"send": frame[6]["send"] + frame[7]["send"], "expect": 2 * (1 + n_out)})
    else:
        steps += frame[6:]
    fmt = stream_format(g)
    params = {
        "IN_W": fmt.in_width,
        "OUT_W": fmt.out_width,
        "IN_BYTES": n_in,
        "OUT_BYTES": n_out,
        "CLKS_PER_BIT": CPB,
        "TIMEOUT_BITS": QUIET,
        "DIGEST": digest,
        "QUEUE_BYTES": queue,
    }
    sources = shell_sources(b.path / "rtl", "hwgen_uart_shell")
    bdir, _ = build("icarus", "hwgen_uart_shell", sources, tmp / "sim", params)
    job = {"clks_per_bit": CPB, "max_cycles": 200_000, "steps": steps}
    out = run_test("icarus", "hwgen_uart_shell", bdir, "hwgen_cocotb_uart", job, 1, b.path / "rtl")
    replies = [bytes(r) for r in out["replies"]]
    if queue:  # the last step's two replies, one after the other
        replies[-1:] = [replies[-1][: 1 + n_out], replies[-1][1 + n_out :]]
    return g, bits, digest, (n_in, n_out, queue), replies


def test_identify_names_the_build(shell_run):
    _g, _bits, digest, (n_in, n_out, queue), replies = shell_run
    ident = parse_identity(replies[0])
    assert (ident.digest, ident.in_bytes, ident.out_bytes) == (digest, n_in, n_out)
    assert ident.queue_bytes == queue and ident.in_flight == (2 if queue else 1)


def test_frames_equal_golden_before_and_after_each_fault(shell_run):
    g, bits, _digest, _sizes, replies = shell_run
    frames = replies[1:4] + replies[10:]
    assert all(r[0] == 0x00 for r in frames)
    want = g.execute(bits[[0, 1, 2, 3, 4, 5, 6, 7]], g.split()[1])
    np.testing.assert_array_equal(outputs(g, [r[1:] for r in frames]), want)


def test_each_fault_gets_its_status(shell_run):
    *_, replies = shell_run
    assert [r for r in replies[4:10]] == [b"\x01", b"\x02", b"\x03", b"\x01", b"\x01", b"\x01"]
