"""Frames/s of a bitstream as the tools confirm it: the nominal rate at the board clock, the
rate at the routed fmax, what the bitstream really runs at (its clock, or the fmax when the
router could not meet the clock), and the host link's own bound, so a user sees which limits."""

from __future__ import annotations

import json
from pathlib import Path

from hwgen.driver.uart_protocol import REQUEST_HEADER_BYTES
from hwgen.errors import HwgenError

#: bits on the line per byte: 8N1 (a start bit, eight data bits, a stop bit)
LINE_BITS_PER_BYTE = 10


def bitstream_results(build: Path) -> list[dict]:
    """The open flow's results in build/bitstream/ (`hwgen synth` on an iCE40 or ECP5 board)."""
    return [
        json.loads(f.read_text()) for f in sorted((Path(build) / "bitstream").glob("*/result.json"))
    ]


def link_bound(baud: int, in_bytes: int, out_bytes: int, queued: bool = False) -> float:
    """Frames/s a UART at `baud` carries, 8N1: one frame in flight (the host waits for each
    reply), the request and the reply one after the other; `queued` (the link holds the next
    request while it replies: two in flight), the longer of the two, as the line is full
    duplex."""
    request, reply = in_bytes + REQUEST_HEADER_BYTES, out_bytes + 1  # the reply: status + data
    per_frame = max(request, reply) if queued else request + reply
    return baud / LINE_BITS_PER_BYTE / per_frame


def bitstream_rates(bound_cycles: int, result: dict) -> dict:
    """For one bitstream's result.json: frames/s at its clock (the board's, or its PLL's), at
    the routed fmax, at the clock the bitstream meets (min of the two), the link's bound, the
    rate a host sees (the least of those) and which of them limits ("clock", "fmax" or "link")."""
    target, fmax = result["target_mhz"], result.get("fmax_mhz")
    nominal = target * 1e6 / bound_cycles
    routed = fmax * 1e6 / bound_cycles if fmax else None
    met = min(nominal, routed) if routed else nominal
    limits = {"fmax" if routed is not None and routed < nominal else "clock": met}
    link = result.get("link")  # None without a UART link
    if link:
        limits["link"] = link["fps"]
    limit = min(limits, key=limits.get)
    return {
        "board": result["board"],
        "clock_mhz": target,
        "fmax_mhz": fmax,
        "fps_at_clock": nominal,
        "fps_at_fmax": routed,
        "fps_met": met,
        "fps_link": link["fps"] if link else None,
        "fps": limits[limit],
        "limit": limit,
    }


def rates_line(r: dict) -> str:
    """One line of `bitstream_rates`: the figures and what limits."""
    parts = [f"{r['board']}: {r['fps_at_clock']:,.0f} frames/s at its {r['clock_mhz']:g} MHz clock"]
    if r["fmax_mhz"]:
        parts.append(f"{r['fps_at_fmax']:,.0f} at the routed fmax {r['fmax_mhz']:.1f} MHz")
    if r["fps_link"] is not None:
        parts.append(f"the UART link carries {r['fps_link']:,.0f}")
    why = {
        "clock": "the clock limits",
        "fmax": "timing is not met at the clock: the routed fmax limits",
        "link": "the link limits",
    }[r["limit"]]
    return "; ".join(parts) + f": {r['fps']:,.0f} frames/s ({why})"


def check_clock(clock_mhz) -> None:
    """A target clock is a positive number of MHz (or None: the board's), else one error."""
    if clock_mhz is not None and (
        isinstance(clock_mhz, bool) or not isinstance(clock_mhz, (int, float)) or clock_mhz <= 0
    ):
        raise HwgenError(f"--clock-mhz: a positive number of MHz, not {clock_mhz!r}")


def clock_summary(report: dict, results: list[dict]) -> dict:
    """A build's clock (report.json's): the target, the timing model's fmax, frames/s at the
    target (`fps_nominal`) and, where bitstreams were routed, the lowest routed fmax with the
    frames/s at min(routed fmax, target) (`fps_met`)."""
    clock = dict(report.get("clock", {"target_mhz": report["board"]["clock_mhz"]}))
    cycles = report["bound_cycles"]
    clock["fps_nominal"] = clock["target_mhz"] * 1e6 / cycles
    routed = [r["fmax_mhz"] for r in results if r.get("fmax_mhz")]
    if routed:
        clock["routed_mhz"] = min(routed)
        clock["fps_met"] = min(clock["target_mhz"], min(routed)) * 1e6 / cycles
    return clock


def check_target_fps(target_fps):
    """--target-fps: a positive number of frames/s, "max" or None; else one error."""
    if target_fps is None or target_fps == "max":
        return target_fps
    try:
        fps = float(target_fps)
    except (TypeError, ValueError):
        raise HwgenError(
            f"--target-fps must be a number of frames/s or 'max', not '{target_fps}'"
        ) from None
    if not fps > 0 or fps == float("inf"):
        raise HwgenError(f"--target-fps must be a positive number of frames/s, not '{target_fps}'")
    return fps
