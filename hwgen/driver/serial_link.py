"""The host driver of a board behind the UART shell, over pyserial: identify the board (a
board running another build's bitstream is refused), then frames, two in flight where the
board's link queues a request (one at a time otherwise), each reply's status checked; a reply
that does not come is one error naming the frame."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import numpy as np

from hwgen.driver.uart_protocol import (
    ID_BYTES,
    STATUS,
    Identity,
    digest64,
    frame_request,
    frame_sizes,
    identify_request,
    outputs,
    parse_identity,
    payloads,
)
from hwgen.errors import HwgenError
from hwgen.framing import around_accelerator
from hwgen.manifest import read_manifest


class SerialBoard:
    """A board's UART link: `port` (e.g. /dev/ttyUSB1, or a pseudo-terminal in tests) at
    `baud`; each read waits at most `timeout` seconds."""

    def __init__(self, port: str, baud: int, timeout: float = 2.0):
        # deferred: pyserial is needed only where a board (or its simulation) is attached
        import serial

        try:
            self.link = serial.Serial(port, baud, timeout=timeout)
        except (serial.SerialException, OSError) as e:
            raise HwgenError(f"--port {port}: cannot open it ({e})") from None
        self.port, self.timeout = port, timeout

    def close(self) -> None:
        """Close the port."""
        self.link.close()

    def _read(self, n: int, what: str) -> bytes:
        data = self.link.read(n)
        if len(data) != n:
            raise HwgenError(
                f"{self.port}: {what}: {len(data)} of {n} reply bytes within {self.timeout:g} s "
                "(is the board running a hwgen bitstream at this baud rate?)"
            )
        return data

    def identify(self) -> Identity:
        """The identify command: the build's digest and frame sizes the board reports."""
        self.link.reset_input_buffer()
        self.link.write(identify_request())
        try:
            return parse_identity(self._read(ID_BYTES, "identify"))
        except ValueError as e:
            raise HwgenError(f"{self.port}: identify: {e}") from None

    def check(self, digest: int, in_bytes: int, out_bytes: int) -> Identity:
        """Refuse a board running another build: one line naming both digests. Returns what
        the board said."""
        ident = self.identify()
        if ident.digest != digest:
            raise HwgenError(
                f"{self.port}: the board runs build {ident.digest:016x}, not this build "
                f"{digest:016x} (flash this build's bitstream, or load its build folder)"
            )
        if (ident.in_bytes, ident.out_bytes) != (in_bytes, out_bytes):
            raise HwgenError(
                f"{self.port}: the board's frames are {ident.in_bytes}/{ident.out_bytes} bytes, "
                f"this build's {in_bytes}/{out_bytes}"
            )
        return ident

    def frames(
        self,
        payloads: list[bytes],
        out_bytes: int,
        progress: Callable[[int, int, float], None] = lambda done, total, s: None,
        in_flight: int = 1,
    ) -> list[bytes]:
        """Each payload as a frame, with up to `in_flight` sent before their replies (the
        board's `Identity.in_flight`); returns each frame's output bytes."""
        out, t0 = [], time.perf_counter()
        for p in payloads[: in_flight - 1]:
            self.link.write(frame_request(p))
        for k in range(len(payloads)):
            if k + in_flight - 1 < len(payloads):
                self.link.write(frame_request(payloads[k + in_flight - 1]))
            status = self._read(1, f"frame {k}")[0]
            if status:
                raise HwgenError(
                    f"{self.port}: frame {k}: status {status:#04x} "
                    f"({STATUS.get(status, 'unknown status')})"
                )
            out.append(self._read(out_bytes, f"frame {k}"))
            progress(k + 1, len(payloads), time.perf_counter() - t0)
        return out


def run_over_serial(
    g, build, x: np.ndarray, port: str, baud: int, progress=None, timeout: float = 2.0
) -> np.ndarray:
    """Model inputs through the host steps and a board behind the UART shell at `port`: the
    board is identified first (another build's bitstream is refused), then every frame."""
    n_in, n_out = frame_sizes(g)
    digest = digest64(read_manifest(Path(build))["graph"])

    def accelerator(values: np.ndarray) -> np.ndarray:
        link = SerialBoard(port, baud, timeout)
        try:
            ident = link.check(digest, n_in, n_out)
            replies = link.frames(
                payloads(g, values), n_out, progress or (lambda *a: None), ident.in_flight
            )
        finally:
            link.close()
        return outputs(g, replies)

    return around_accelerator(g, x, lambda v: (accelerator(v), None))[0]
