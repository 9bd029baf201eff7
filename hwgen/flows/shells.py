"""Which shell a Lattice bitstream puts around the accelerator, with its parameters and pins.

A board with a `uart` section (boards/*.yaml: the USB serial bridge's two pins and a baud rate
the board clock divides) gets `rtl/hwgen_uart_shell.v`: every top-level port is pinned, so the
bitstream is one a host can talk to. Other boards get the byte shell with only the clock
pinned (area and timing figures; nextpnr places its other ports)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hwgen.driver.uart_protocol import REQUEST_HEADER_BYTES, beat_bytes, digest64
from hwgen.errors import HwgenError
from hwgen.flows.pll import PLL_TOPS, plan_pll, uart_divider
from hwgen.manifest import read_manifest

BYTE_SHELL, UART_SHELL = "hwgen_byte_shell", "hwgen_uart_shell"
#: the tops with the UART link: the shell on the board clock, and the PLL tops
UART_TOPS = (UART_SHELL, *PLL_TOPS.values())
#: bit times of silence after which the UART shell abandons a command (about 1.4 ms at 3 Mbaud)
TIMEOUT_BITS = 4096
#: the largest command the link queues while a reply goes out (frames of up to 61 bytes): the
#: queue is a frame buffer (rtl/hwgen_frame_buffer.v), block RAM where Yosys puts it there
MAX_QUEUE_BYTES = 64


@dataclass(frozen=True)
class ShellPlan:
    """The bitstream's top: its module, its parameters, its pins (port -> pin) and whether
    those are all of its ports."""

    top: str
    params: dict
    pins: dict
    complete: bool
    clock_mhz: float  # the clock the accelerator runs on: the board's, or its PLL's
    pll: dict | None = None  # the PLL's divider settings, when there is one


def clks_per_bit(board: dict) -> int:
    """The board clock's cycles per UART bit: an integer, at least 4 (the receiver samples each
    bit in its middle), or one error naming the board file's fields."""
    uart = board["uart"]
    hz, baud = board["clock_mhz"] * 1e6, uart.get("baud")
    if not isinstance(baud, int) or baud <= 0 or hz % baud or hz // baud < 4:
        raise HwgenError(
            f"boards/{board['name']}.yaml: uart.baud {baud!r} must divide the "
            f"{board['clock_mhz']:g} MHz clock into at least 4 cycles per bit"
        )
    return int(hz // baud)


def queue_bytes(in_bytes: int) -> int:
    """The link's queue for a frame of `in_bytes`: one whole request ('F', LEN and the data), or
    none when that is over MAX_QUEUE_BYTES (the host then waits for each reply)."""
    request = in_bytes + REQUEST_HEADER_BYTES
    return request if request <= MAX_QUEUE_BYTES else 0


def shell_plan(build: Path, board: dict, clock_mhz: float | None = None) -> ShellPlan:
    """The shell for `board` around the compiled `build`; with `clock_mhz` other than the
    board's, on a PLL's clock (the UART shell's boards only), as near it as the PLL gets."""
    stream = json.loads((Path(build) / "report.json").read_text())["stream"]
    in_w, out_w = stream["in_width"], stream["out_width"]
    clock = {"clk": str(board["clock_pin"])} if board.get("clock_pin") else {}
    mhz = board["clock_mhz"]
    pll = clock_mhz is not None and clock_mhz != mhz
    if not board.get("uart"):
        if pll:
            raise HwgenError(
                f"--clock-mhz: {board['name']} has no uart section, so no PLL shell (its "
                "bitstream runs on the board clock)"
            )
        return ShellPlan(BYTE_SHELL, {"IN_W": in_w, "OUT_W": out_w}, clock, False, mhz)
    uart = board["uart"]
    for key in ("rx_pin", "tx_pin"):
        if not uart.get(key):
            raise HwgenError(f"boards/{board['name']}.yaml: uart needs '{key}'")
    if not clock:
        raise HwgenError(f"boards/{board['name']}.yaml: a board with a uart needs 'clock_pin'")
    in_bytes = stream["in_beats"] * beat_bytes(in_w)
    params = {
        "IN_W": in_w,
        "OUT_W": out_w,
        "IN_BYTES": in_bytes,
        "OUT_BYTES": stream["out_beats"] * beat_bytes(out_w),
        "QUEUE_BYTES": queue_bytes(in_bytes),
        "CLKS_PER_BIT": clks_per_bit(board),
        "TIMEOUT_BITS": TIMEOUT_BITS,
        "DIGEST": f"64'h{digest64(read_manifest(Path(build))['graph']):016x}",
    }
    pins = {**clock, "uart_rx": str(uart["rx_pin"]), "uart_tx": str(uart["tx_pin"])}
    if not pll:
        return ShellPlan(UART_SHELL, params, pins, True, mhz)
    if clock_mhz <= 0:
        raise HwgenError(f"--clock-mhz: {clock_mhz:g} is not a frequency")
    family = board["family"]
    setting = plan_pll(family, mhz, clock_mhz)
    params["CLKS_PER_BIT"] = uart_divider(setting.mhz, uart["baud"], board["name"])
    top = PLL_TOPS[family]
    return ShellPlan(top, {**params, **setting.params}, pins, True, setting.mhz, setting.params)
