"""A stand-in for the `pynq` package, for testing the board driver here: Overlay exposes the
hwgen IP's registers and an AXI DMA whose transfers run the deployed model's golden
hardware layers. It records the calls so tests can check the PYNQ habits were followed."""

import json
from pathlib import Path

import numpy as np

CALLS = []
#: indices of send transfers (counted from 0 over the process) that never complete: their
#: channels stay busy until the DMA is soft-reset, and nothing is computed
STUCK = set()


class _Buffer(np.ndarray):
    def freebuffer(self):
        CALLS.append(("freebuffer", self.nbytes))


def allocate(shape, dtype):
    CALLS.append(("allocate", tuple(shape), np.dtype(dtype).name))
    return np.zeros(shape, dtype=dtype).view(_Buffer)


class _Channel:
    def __init__(self, dma, name):
        self.dma, self.name, self.buf, self.busy = dma, name, None, False

    def transfer(self, buf):
        CALLS.append((self.name + ".transfer", buf.nbytes))
        self.buf = buf
        if self.name == "sendchannel":
            self.dma.sent += 1
            if self.dma.sent - 1 in STUCK:
                self.busy = self.dma.recvchannel.busy = True
                return
            self.dma.compute()

    def wait(self):
        CALLS.append((self.name + ".wait",))
        if self.busy:
            raise RuntimeError(
                "stand-in pynq: wait() on a transfer that never completes would block forever"
            )

    @property
    def idle(self):
        return not self.busy

    def start(self):
        CALLS.append((self.name + ".start",))


class _Dma:
    def __init__(self, ip):
        self.ip = ip
        self.sent = 0
        self.sendchannel = _Channel(self, "sendchannel")
        self.recvchannel = _Channel(self, "recvchannel")

    def write(self, addr, value):
        """MM2S_DMACR bit 2: soft reset of both channels (done at once here)."""
        CALLS.append(("dma.write", addr, value))
        if addr == 0x00 and value & 0x4:
            self.sendchannel.busy = self.recvchannel.busy = False

    def read(self, addr):
        CALLS.append(("dma.read", addr))
        return 0

    def compute(self):
        """What the hardware computes: unpack the DMA buffer, run the golden hardware layers,
        pack the results the way the shell's output stream carries them."""
        from hwgen.driver.accelerator import DmaLayout
        from hwgen.sim.stream import element_bits, pack_frames, unpack_frames

        g, fmt = self.ip.graph, self.ip.fmt
        lay = DmaLayout(fmt.in_width, fmt.in_beats, fmt.out_width, fmt.out_beats, self.ip.dma_width)
        data = bytes(np.asarray(self.sendchannel.buf))
        n = len(data) // lay.in_frame_bytes
        assert n == self.ip.regs[0x2C], "the BATCH register must be set before the transfer"
        step = lay.in_beat_bytes
        beats = [int.from_bytes(data[k : k + step], "little") for k in range(0, len(data), step)]
        whole = [
            [
                sum(
                    b << (k * fmt.in_width)
                    for k, b in enumerate(beats[i * fmt.in_beats : (i + 1) * fmt.in_beats])
                )
            ]
            for i in range(n)
        ]
        first = g.split()[1][0]
        x = unpack_frames(
            whole,
            fmt.in_elems,
            fmt.in_elem_bits,
            fmt.in_elems,
            bool(getattr(first, "in_signed", False)),
        )
        y = g.execute(x, g.split()[1]).reshape(n, -1)
        lanes = np.zeros((n, fmt.out_beats * fmt.out_lanes), dtype=np.int64)
        lanes[:, : y.shape[1]] = y
        out = pack_frames(element_bits(lanes, fmt.out_lane_bits), fmt.out_width)
        out_bytes = b"".join(int(b).to_bytes(lay.out_beat_bytes, "little") for f in out for b in f)
        self.recvchannel.buf[:] = np.frombuffer(out_bytes, dtype=np.uint8)
        for reg in (0x10, 0x14):
            self.ip.regs[reg] += n


class _Ip:
    def __init__(self, model_dir, cfg):
        import hwgen.ops  # noqa: F401  (registers the op types the graph names)
        from hwgen.backends.common import stream_format
        from hwgen.ir import Graph

        self.graph = Graph.load(model_dir)
        self.dma_width = cfg["dma_width"]
        fmt = stream_format(self.graph)
        self.fmt = fmt
        self.regs = {
            0x00: 0x48574731,
            0x04: 0x10000,
            0x0C: 0,
            0x10: 0,
            0x14: 0,
            0x18: 0,
            0x1C: (fmt.out_width << 16) | fmt.in_width,
            0x20: fmt.in_beats,
            0x24: fmt.out_beats,
            0x28: self.dma_width,
            0x2C: 1,
        }

    def read(self, addr):
        CALLS.append(("read", addr))
        return self.regs.get(addr, 0)

    def write(self, addr, value):
        CALLS.append(("write", addr, value))
        if addr == 0x08 and value & 1:
            self.regs[0x10] = self.regs[0x14] = self.regs[0x18] = 0
        else:
            self.regs[addr] = value


class Overlay:
    def __init__(self, bitfile):
        CALLS.append(("Overlay", Path(bitfile).name))
        here = Path(bitfile).resolve().parent
        cfg = json.loads((here / "driver.json").read_text())
        self.hwgen_0 = _Ip(here / "model", cfg)
        self.axi_dma_0 = _Dma(self.hwgen_0)
