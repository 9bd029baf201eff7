"""The handshake models of rtl/'s kernels: what each takes and gives in a cycle (counts, not
data), written from its Verilog's ready/valid logic. Each op's `handshake()` returns its model;
`hwgen.sim.schedule` wires them with FIFOs and runs them.

Every decision of a cycle reads registered state only (the FIFOs' counts and the kernels'
registers), as in the hardware, so the order of evaluation does not matter: `step()` decides
this cycle's pops and pushes and returns the register updates, applied after every kernel
has stepped.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Fifo:
    """rtl/hwgen_axis_fifo.v: ready while not full, valid while not empty (both registered)."""

    depth: int
    count: int = 0
    peak: int = 0
    push: bool = False
    pop: bool = False

    @property
    def valid(self) -> bool:
        return self.count > 0

    @property
    def ready(self) -> bool:
        return self.count < self.depth

    def commit(self) -> None:
        self.count += int(self.push) - int(self.pop)
        self.peak = max(self.peak, self.count)
        self.push = self.pop = False


@dataclass
class Kernel:
    """A kernel's handshake model: `step()` decides this cycle's pops and pushes on its FIFOs
    (from registered state) and returns its register updates, applied by `commit`."""

    ins: list = field(default_factory=list)
    outs: list = field(default_factory=list)

    def out_ready(self) -> bool:
        return all(f.ready for f in self.outs)

    def emit(self) -> None:
        for f in self.outs:
            f.push = True


class Wires(Kernel):
    """Fork, add, sign: a beat of every input and to every output at once, or none."""

    def step(self):
        if all(f.valid for f in self.ins) and self.out_ready():
            for f in self.ins:
                f.pop = True
            self.emit()
        return {}


class Broadcast(Kernel):
    """rtl/hwgen_fork.v: the input beat is offered to every output; an output that takes it is
    flagged done and not offered it again; the input beat is taken once every output has."""

    def __init__(self):
        super().__init__()
        self.done: tuple = ()

    def step(self):
        if not self.ins[0].valid:
            return {}
        done = list(self.done or (False,) * len(self.outs))
        for k, f in enumerate(self.outs):
            if not done[k] and f.ready:
                f.push = done[k] = True
        if all(done):
            self.ins[0].pop = True
            done = [False] * len(done)
        return {"done": tuple(done)}


class Accumulate(Kernel):
    """Window max/sum and pixel pack: `n` beats in, one out, through an output register."""

    def __init__(self, n: int):
        super().__init__()
        self.n, self.cnt, self.mvalid = n, 0, False

    def step(self):
        push = self.mvalid and self.out_ready()
        fire = self.ins[0].valid and (not self.mvalid or self.out_ready())
        if push:
            self.emit()
        if fire:
            self.ins[0].pop = True
        last = fire and self.cnt == self.n - 1
        return {
            "mvalid": (self.mvalid and not push) or last,
            "cnt": (0 if last else self.cnt + 1) if fire else self.cnt,
        }


class Mvu(Kernel):
    """rtl/hwgen_mvu.v: an input vector of `in_beats` beats into a write buffer (registers) or a
    two-bank memory; SF*NF issues per vector, one per cycle; an output beat every SF issues,
    2 + `stages` cycles later (its added pipeline stages: ROM_REG, PC_REG, THR_REG); the whole
    pipeline holds while the output register is full and not taken. `skid`
    (rtl/hwgen_mvu_input.v's SKID): the input's ready is a flip-flop, and a beat that finds the
    write buffer busy waits in one entry. `handover` (HANDOVER): the write buffer takes no beat
    in the cycle it is handed over."""

    def __init__(
        self,
        in_beats: int,
        sf: int,
        nf: int,
        memory: bool,
        stages: int = 0,
        credit: bool = False,
        skid: bool = False,
        handover: bool = False,
    ):
        super().__init__()
        self.ib, self.sf, self.trips, self.memory = in_beats, sf, sf * nf, memory
        self.wcnt, self.wfull, self.rvalid_r, self.it = 0, False, False, 0
        self.full, self.wbank, self.rbank = [False, False], 0, 0
        # per stage from 1 on: an issue that ends a PE group's SF cycles is in it
        self.pipe = (False,) * (1 + stages)
        self.mvalid = False
        # rtl/hwgen_mvu_output.v's CREDIT: beats in its 3-entry FIFO, and the registered room
        self.credit, self.occ, self.room = credit, 0, True
        self.skid, self.held = skid and not memory, False
        self.handover = handover and not memory

    def step(self):
        upd = {}
        if self.credit:  # the FIFO gives out a beat whatever the pipeline does
            en = self.room
            pop = self.occ > 0 and self.out_ready()
            if pop:
                self.emit()
            occ = self.occ + int(en and self.pipe[-1]) - int(pop)
            upd.update(occ=occ, room=occ <= 1)
        else:
            en = not self.mvalid or self.out_ready()
        rvalid = self.full[self.rbank] if self.memory else self.rvalid_r
        issue = en and rvalid
        at_last = self.it == self.trips - 1
        if self.memory:
            s_ready = not self.full[self.wbank]
            w_fire = self.ins[0].valid and s_ready
        else:
            load = self.wfull and (not self.rvalid_r or (issue and at_last))
            take = not self.wfull or (load and not self.handover)
            s_ready = not self.held if self.skid else take
            w_fire = (self.held or self.ins[0].valid) and take
            if self.skid:
                upd["held"] = (not take) and (self.held or self.ins[0].valid)
        w_last = w_fire and self.wcnt == self.ib - 1
        if self.ins[0].valid and s_ready:
            self.ins[0].pop = True
        if w_fire:
            upd["wcnt"] = 0 if w_last else self.wcnt + 1
        if self.memory:
            full = list(self.full)
            if issue and at_last:
                full[self.rbank] = False
                upd["rbank"] = 1 - self.rbank
            if w_last:
                full[self.wbank] = True
                upd["wbank"] = 1 - self.wbank
            upd["full"] = full
        else:
            upd["wfull"] = (self.wfull and not load) or w_last
            upd["rvalid_r"] = True if load else (False if issue and at_last else self.rvalid_r)
        if issue:
            upd["it"] = 0 if at_last else self.it + 1
        if en:
            if self.mvalid and not self.credit:
                self.emit()
            ends_group = issue and self.it % self.sf == self.sf - 1
            upd.update(pipe=(ends_group, *self.pipe[:-1]), mvalid=self.pipe[-1])
        return upd


class Window(Kernel):
    """rtl/hwgen_swg.v: a writer of pixels (`in_beats` beats each) into a ring of D pixels, with
    room while its pixel is below the lowest one still needed plus D; a reader of K*K beats per
    output pixel, one per cycle, each once its pixel is written (pad positions at once). With
    the `flow` stage (FLOW_REG) each side sees the other's position as it was a cycle ago, and
    a read beat passes an output register (rtl/hwgen_stream_reg.v: it loads while empty or
    taken)."""

    def __init__(self, n):
        super().__init__()
        self.h, self.w, self.k, self.s = n.h, n.w, n.k, n.stride
        self.pt, self.pl = n.pads[0], n.pads[1]
        self.ib, self.d, self.oh, self.ow = n.in_beats, n.buffer_pixels, n.oh, n.ow
        self.hw, self.qoff = n.h * n.w, n.pads[0] * n.w + n.pads[1]
        self.flow = "flow" in n.stages
        self.bcnt = self.wpos = self.wfr = self.rfr = 0
        self.kx = self.ky = self.ox = self.oy = self.ry0 = self.cx0 = 0
        self.mvalid = self.hvalid = False  # a beat read; one in the output register (flow)
        # what each side saw of the other a cycle ago (the flow stage's registers)
        self.rfr_v = self.wfr_v = self.wpos_v = 0
        self.lim_v = self.d

    def _lowest(self) -> int:
        l_row = (self.ry0 - self.pt) * self.w if self.ry0 >= self.pt else 0
        below = self.ry0 + self.s > self.pt
        l_col = self.cx0 - self.pl if (self.cx0 >= self.pl and below) else 0
        return l_row + l_col

    def step(self):
        low_now = self._lowest() + self.d
        upd = {}
        if self.flow:  # each side reads the other's registered copy
            upd.update(rfr_v=self.rfr, wfr_v=self.wfr, wpos_v=self.wpos, lim_v=low_now)
            dfr, low = (self.wfr - self.rfr_v) % 4, self.lim_v
            dfr_r, wpos_r = (self.wfr_v - self.rfr) % 4, self.wpos_v
        else:
            dfr, low = (self.wfr - self.rfr) % 4, low_now
            dfr_r, wpos_r = dfr, self.wpos
        room = (
            dfr == 3
            or (dfr == 0 and self.wpos < low)
            or (dfr == 1 and self.wpos + self.hw < low)
            or (dfr == 2 and self.wpos + 2 * self.hw < low)
        )
        if self.ins[0].valid and room:
            self.ins[0].pop = True
            done = self.bcnt == self.ib - 1
            upd["bcnt"] = 0 if done else self.bcnt + 1
            if done:
                wrap = self.wpos == self.hw - 1
                upd["wpos"] = 0 if wrap else self.wpos + 1
                upd["wfr"] = (self.wfr + 1) % 4 if wrap else self.wfr
        ry, cx = self.ry0 + self.ky, self.cx0 + self.kx
        in_image = self.pt <= ry < self.pt + self.h and self.pl <= cx < self.pl + self.w
        written = dfr_r in (1, 2) or (dfr_r == 0 and ry * self.w + cx < wpos_r + self.qoff)
        if self.flow:  # the output register gives its beat, and takes the read's when free
            give = self.hvalid and self.out_ready()
            if give:
                self.emit()
            r_ready = not self.hvalid or self.out_ready()
            upd["hvalid"] = self.mvalid if r_ready else self.hvalid
        else:
            r_ready = self.out_ready()
        en = not self.mvalid or r_ready
        if en:
            if self.mvalid and not self.flow:
                self.emit()
            upd["mvalid"] = not in_image or written
            if not in_image or written:
                upd.update(self._advance())
        return upd

    def _advance(self) -> dict:
        kx, ky, ox, oy, ry0, cx0, rfr = (
            self.kx,
            self.ky,
            self.ox,
            self.oy,
            self.ry0,
            self.cx0,
            self.rfr,
        )
        if kx < self.k - 1:
            return {"kx": kx + 1}
        if ky < self.k - 1:
            return {"kx": 0, "ky": ky + 1}
        if ox < self.ow - 1:
            return {"kx": 0, "ky": 0, "ox": ox + 1, "cx0": cx0 + self.s}
        if oy < self.oh - 1:
            return {"kx": 0, "ky": 0, "ox": 0, "cx0": 0, "oy": oy + 1, "ry0": ry0 + self.s}
        return {"kx": 0, "ky": 0, "ox": 0, "cx0": 0, "oy": 0, "ry0": 0, "rfr": (rfr + 1) % 4}
