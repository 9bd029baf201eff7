"""The host link end to end (issue 28): the pyserial driver over a pseudo-terminal to the
UART shell simulated in Icarus, as its RTL and as the very netlist Yosys makes for the board's
family on Yosys' own cell models. Frames equal golden bit for bit; a frame of the wrong length
and a garbage byte get their status and the frames after them are exact; a driver talking to
another build is refused in one line; a ROM image left out of synthesis is caught."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from hwgen import api
from hwgen.cli import main
from hwgen.driver.serial_link import SerialBoard, run_over_serial
from hwgen.driver.uart_protocol import digest64, frame_request, frame_sizes, outputs, payloads
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.manifest import read_manifest
from hwgen.sim import uart_board
from hwgen.sim.uart_board import golden_mismatches, simulated_board
from hwgen.sim.verify import random_inputs
from tests.helpers import need_pll_calculator, need_tool, random_cnn, random_mlp

pytestmark = pytest.mark.rtlsim


def _net(tmp, board, seed=4, sizes=(20, 12, 5)):
    _, onnx = random_mlp(tmp / f"m{seed}.onnx", list(sizes), seed=seed)
    return api.compile(onnx, tmp / f"b-{board}-{seed}", pe=4, simd=4, board=board)


def _inputs(b, n, seed=3):
    return (
        np.random.default_rng(seed)
        .standard_normal((n, *b.graph.input_shape[1:]))
        .astype(np.float32)
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A 20-12-5 MLP compiled for each open board family."""
    need_tool("iverilog")
    need_tool("yosys")
    tmp = tmp_path_factory.mktemp("link")
    return {board: _net(tmp, board) for board in ("icebreaker", "ulx3s-12f")}


@pytest.mark.parametrize(
    "board,clock",
    [("icebreaker", None), ("icebreaker", 48), ("ulx3s-12f", None), ("ulx3s-12f", 50)],
)
def test_netlist_through_the_driver_equals_golden(small, board, clock):
    """The family's synthesized netlist behind a pty (with a clock: on the family's PLL cell,
    the link held in reset until it locks): model outputs equal golden's."""
    if clock:
        need_pll_calculator(load_board(board)["family"])
    b = small[board]
    x = _inputs(b, 12)
    y = b.predict(x, "netlist", board=board, clock_mhz=clock)
    assert golden_mismatches(b.graph, x, y) == (0, None)
    np.testing.assert_array_equal(y, b.predict(x))
    if clock:
        netlist = (b.path / "sim_build" / f"netlist-{board}" / "netlist.v").read_text()
        assert re.search(r"^\s*hwgen_sim_(SB_PLL40_PAD|EHXPLLL) ", netlist, re.M)


def test_faults_get_their_status_and_the_frames_after_are_exact(small):
    """Wrong length (01) and a garbage byte (02) over the pty; the shell resynchronizes."""
    b = small["icebreaker"]
    g = b.graph
    n_in, n_out = frame_sizes(g)
    bits = random_inputs(g, 6, np.random.default_rng(9))
    data = payloads(g, bits)
    with simulated_board(b.path, "icebreaker", "netlist") as port:
        link = SerialBoard(port, 115200, timeout=60.0)
        try:
            link.check(digest64(read_manifest(b.path)["graph"]), n_in, n_out)
            first = link.frames(data[:2], n_out)
            link.link.write(frame_request(data[2][:-1]))  # one byte short
            assert link.link.read(1) == b"\x01"
            link.link.write(b"\x7e")  # neither 'I' nor 'F'
            assert link.link.read(1) == b"\x02"
            rest = link.frames(data[2:], n_out)
        finally:
            link.close()
    got = outputs(g, first + rest)
    want = g.execute(bits, g.split()[1])
    np.testing.assert_array_equal(got, want.reshape(got.shape))


def test_another_builds_board_is_refused_in_one_line(small, tmp_path):
    """The driver identifies the board first: another build's digest is named, with ours."""
    ours = small["icebreaker"]
    theirs = _net(tmp_path, "icebreaker", seed=11)
    x = _inputs(ours, 2)
    with simulated_board(theirs.path, "icebreaker", "uart") as port:
        with pytest.raises(HwgenError) as e:
            run_over_serial(ours.graph, ours.path, x, port, 115200, timeout=60.0)
    msg = str(e.value)
    assert "\n" not in msg
    want = [f"{digest64(read_manifest(p)['graph']):016x}" for p in (theirs.path, ours.path)]
    assert re.search(f"runs build {want[0]}, not this build {want[1]}", msg), msg


def test_a_rom_left_out_of_synthesis_is_caught_at_the_first_frame(
    small, monkeypatch, tmp_path, capsys
):
    """A test-only fault: the MVU's weight ROM loads no image in the netlist; `hwgen run
    --backend netlist` fails in one line naming the first differing frame."""
    b = small["icebreaker"]
    real = uart_board.shell_sources
    # beside the original: Yosys reads the other ROM images relative to the source's folder
    faulty = b.path / "rtl" / "faulty_hwgen_mvu_rom.v"

    def without_weights(rtl_dir, shell):
        out = []
        for src in real(rtl_dir, shell):
            if src.endswith("hwgen_mvu_rom.v"):
                text = open(src).read()
                assert "initial $readmemh(FILE, rom);" in text
                faulty.write_text(text.replace("initial $readmemh(FILE, rom);", ""))
                src = str(faulty)
            out.append(src)
        return out

    monkeypatch.setattr(uart_board, "shell_sources", without_weights)
    x = _inputs(b, 6)
    np.save(tmp_path / "x.npy", x)
    try:
        code, out, err = _cli(capsys, b, tmp_path, "icebreaker")
    finally:
        faulty.unlink()
    y = np.load(tmp_path / "y.npy")  # the outputs are saved before the verdict
    bad, first = golden_mismatches(b.graph, x, y)
    assert bad > 0
    *progress, verdict = err.strip().splitlines()  # progress lines, then the error
    assert code == 1 and "Traceback" not in err, err
    assert all("frames" in line for line in progress)
    assert verdict == (
        f"hwgen: error: netlist differs from the golden model on {bad} of 6 frames; "
        f"first at frame {first}"
    )


def _cli(capsys, b, tmp, board):
    args = ["run", b.path, "-i", tmp / "x.npy", "-o", tmp / "y.npy"]
    code = main([str(a) for a in args + ["--backend", "netlist", "--board", board]])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_run_backend_netlist_on_ecp5(small, tmp_path, capsys):
    """`hwgen run --backend netlist --board ulx3s-12f` prints the frames equal to golden."""
    b = small["ulx3s-12f"]
    np.save(tmp_path / "x.npy", _inputs(b, 4))
    code, out, err = _cli(capsys, b, tmp_path, "ulx3s-12f")
    assert code == 0, err
    assert "4 frames, 4 equal golden bit for bit" in out
    np.testing.assert_array_equal(
        np.load(tmp_path / "y.npy"), b.predict(np.load(tmp_path / "x.npy"))
    )


def test_ecp5_netlist_with_block_ram_in_banks_equals_golden(tmp_path):
    """Weight ROMs in ECP5 block RAM, one in banks of 40-bit words (the 36-bit mode, two
    blocks a bank) whose first register the bitstream flow moves into each block (OUTREG on
    both ports, hwgen.flows.ecp5_outreg): the netlist, on hwgen's DP16KD model, equals golden
    through the driver."""
    need_tool("yosys")
    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=4)
    banks = {"stages": ["rom_bank"], "rom_bank_depth": 4}
    fold = {
        "Gemm_0": {"pe": 4, "simd": 10, "ram_style": "block", **banks},
        "Gemm_1": {"pe": 4, "simd": 4, "ram_style": "block"},
    }
    b = api.compile(onnx, tmp_path / "b", fold=fold, board="ulx3s-12f")
    x = _inputs(b, 4)
    y = b.predict(x, "netlist", board="ulx3s-12f")
    assert golden_mismatches(b.graph, x, y) == (0, None)
    netlist = b.path / "sim_build" / "netlist-ulx3s-12f" / "netlist.json"
    cells = json.loads(netlist.read_text())["modules"]["hwgen_uart_shell"]["cells"]
    modes = sorted(
        (n.split(".u_wrom")[0].split(".")[-1], c["parameters"]["REGMODE_A"],
         c["parameters"]["REGMODE_B"])
        for n, c in cells.items()
        if c["type"] == "DP16KD"
    )  # fmt: skip
    assert modes == [("l0_Gemm_0", "OUTREG", "OUTREG")] * 3 + [("l1_Gemm_1", "NOREG", "NOREG")]


@pytest.mark.slow
def test_a_cnn_with_flow_windows_through_its_netlist_equals_golden(tmp_path):
    """The digits CNN's windows with the flow stage: their rings (no collision logic,
    rtl/hwgen_swg_ring.v) read through the output register (rtl/hwgen_stream_reg.v), in the
    ECP5 netlist (Yosys' synth_ecp5, the netlist step) behind the driver, equal golden.
    About 17 minutes on Verilator (Icarus takes over a minute a frame)."""
    need_tool("yosys")
    need_tool("verilator")
    board = "ulx3s-12f"
    _, onnx = random_cnn(tmp_path / "cnn.onnx", seed=2)
    g = api.compile(onnx, tmp_path / "probe", pe=4, simd=4).graph
    fold = {
        n.name: {"pe": n.pe, "simd": n.simd} if hasattr(n, "simd") else {"stages": ["flow"]}
        for n in g.hw_nodes()
        if hasattr(n, "simd") or n.stage_names == ("flow",)
    }
    b = api.compile(onnx, tmp_path / "b", fold=fold, board=board)
    windows = [n for n in b.graph.hw_nodes() if n.stage_names == ("flow",)]
    assert windows and all(n.stages == ["flow"] for n in windows)
    x = _inputs(b, 2)
    y = b.predict(x, "netlist", board=board, sim="verilator")
    assert golden_mismatches(b.graph, x, y) == (0, None)
