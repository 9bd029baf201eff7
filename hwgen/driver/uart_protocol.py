"""The host's side of the UART shell's framed protocol (rtl/hwgen_uart_link.v; rtl/README.md):
requests as bytes, replies parsed, and accelerator frames as the byte shell's bytes.

    'I'                      -> status 00, digest (8 bytes), IN_BYTES (2), OUT_BYTES (2),
                                QUEUE_BYTES (2)
    'F' LEN(2, little-endian) data -> status, then OUT_BYTES bytes when the status is 00

numpy only: the board's runtime and the simulations share it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.framing import input_frames, output_values
from hwgen.ir import Graph

CMD_ID, CMD_FRAME = 0x49, 0x46
#: status byte -> what it means
STATUS = {
    0x00: "ok",
    0x01: "wrong frame length",
    0x02: "unknown command",
    0x03: "timed out inside a command",
}
#: bytes of a frame request around its data: 'F' and LEN (2)
REQUEST_HEADER_BYTES = 3
ID_BYTES = 15  # status, digest (8), IN_BYTES (2), OUT_BYTES (2), QUEUE_BYTES (2)


@dataclass(frozen=True)
class Identity:
    """What a board's identify reply says: the build's digest, its frame sizes and the bytes
    of the next command its link holds while it replies."""

    digest: int
    in_bytes: int
    out_bytes: int
    queue_bytes: int

    @property
    def in_flight(self) -> int:
        """Frames a host may have sent and not yet had answered: two when the queue holds a
        whole frame request ('F', LEN, the data), else one."""
        return frames_in_flight(self.queue_bytes, self.in_bytes)


def frames_in_flight(queue_bytes: int, in_bytes: int) -> int:
    """Two frames in flight when a link's queue holds a whole request of `in_bytes` data, else
    one."""
    return 2 if queue_bytes >= in_bytes + REQUEST_HEADER_BYTES else 1


def identify_request() -> bytes:
    """The identify command."""
    return bytes([CMD_ID])


def parse_identity(reply: bytes) -> Identity:
    """An identify reply (ID_BYTES) as an `Identity`; ValueError when it is not one."""
    if len(reply) != ID_BYTES or reply[0] != 0:
        raise ValueError(f"not an identify reply: {bytes(reply).hex()}")
    return Identity(
        int.from_bytes(reply[1:9], "little"),
        int.from_bytes(reply[9:11], "little"),
        int.from_bytes(reply[11:13], "little"),
        int.from_bytes(reply[13:15], "little"),
    )


def frame_request(payload: bytes) -> bytes:
    """A frame command carrying `payload` (its length in the header)."""
    return bytes([CMD_FRAME]) + len(payload).to_bytes(2, "little") + bytes(payload)


def digest64(hex_digest: str) -> int:
    """The 64 bits of a build's digest that the shell carries (its first 16 hex digits)."""
    return int(hex_digest[:16], 16)


def beat_bytes(width: int) -> int:
    """Bytes per beat on the byte shell: ceil(width / 8)."""
    return -(-width // 8)


def frame_sizes(g: Graph) -> tuple[int, int]:
    """(IN_BYTES, OUT_BYTES) of one frame behind the byte shell."""
    fmt = stream_format(g)
    return fmt.in_beats * beat_bytes(fmt.in_width), fmt.out_beats * beat_bytes(fmt.out_width)


def payloads(g: Graph, values: np.ndarray) -> list[bytes]:
    """Accelerator inputs (B, ...) as each frame's bytes, beat by beat, lowest byte first."""
    width = stream_format(g).in_width
    return [
        b"".join(int(beat).to_bytes(beat_bytes(width), "little") for beat in frame)
        for frame in input_frames(g, values)
    ]


def outputs(g: Graph, replies: list[bytes]) -> np.ndarray:
    """Each frame's output bytes (status byte removed) as the last layer's values."""
    fmt = stream_format(g)
    n = beat_bytes(fmt.out_width)
    beats = [
        [int.from_bytes(bytes(r[k * n : (k + 1) * n]), "little") for k in range(fmt.out_beats)]
        for r in replies
    ]
    return output_values(g, beats)
