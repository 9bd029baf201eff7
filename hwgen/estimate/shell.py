"""What the UART link (rtl/hwgen_uart_link.v: UART, command parser, frame FIFO, request queue,
byte shell) adds to the accelerator on a board with a `uart` section, so the fit check and
the folding search count the bitstream, not the accelerator alone.

Measured with nextpnr's packing, the accelerator alone against the whole bitstream: iCE40UP5K
+587 cells and +1 EBR (digits MLP, 8-byte frames), +520 and +1 (TFC-W1A1, 112 bytes); ECP5
+583 cells (TFC) and +335 cells, +2 DP16KD (CNV-W1A1, 3,072 bytes). So a fixed cell cost and
the frame FIFO's block RAM, at least one block (on ECP5 a small FIFO may go to LUT RAM: one
block too many, on the safe side). Since then the frame buffer reads through a register and
a two-entry FIFO (rtl/hwgen_frame_buffer.v: about 40 flip-flops and 30 LUTs more, counted,
not measured: 60 cells), and so does the request queue, a frame buffer too (60 more, counted
whether or not the frame is small enough to be queued: on the safe side)."""

from __future__ import annotations

from hwgen.estimate.features import Memory
from hwgen.estimate.memory import place

#: packed cells of the link around the accelerator (the largest measured, rounded up, and the
#: output registers of the frame buffer and the queue)
LINK_CELLS = 720
#: the families whose boards carry the UART link
LINK_FAMILIES = ("ice40", "ecp5")


def link_cost(in_bytes: int, family: str) -> dict[str, int]:
    """Packed cells and block RAM the UART link takes for frames of `in_bytes`."""
    if family not in LINK_FAMILIES:
        return {}
    frame = place(Memory("frame", max(in_bytes, 2), 8, False, "block"), family)["bram"]
    return {"lc": LINK_CELLS, "bram": max(1, int(frame))}
