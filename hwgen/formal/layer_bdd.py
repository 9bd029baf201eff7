"""Layer proofs past what a SAT-based BMC unrolls: an XNOR layer's MVU instance, with its own
ROM images, simulated symbolically (`hwgen.formal.symbolic`) over the stall-free schedule of
one arbitrary input vector, and each output lane shown to be golden's function of it.

The accumulator is abstracted, which is what lets this scale to any MW: in every cycle the
accumulator register holds fresh variables A (any value) and each lane's popcount unit gives
fresh variables P (any count; the unit is proven equal to the direct sum on its own,
`hwgen.formal.arith`). The cycle's next accumulator must then be, as a function of A and P,
either A (held), P (a new sum) or A + P (the sum goes on); a lane's sum is so the total of its
popcounts since the last new sum, and what each popcount counted is read off its inputs: the
input vector's own variables (or constants) against constant weight bits. At an output load
the lane must be golden's decision (`weights`, `thresholds`, `out_offset` from the IR) of that
total, for every total, and the chunks must have met every element of the vector once, each
against golden's weight for that channel. Stalls do not change what the MVU computes (its
kernel proof), so this schedule stands for all of them.

It reads hwgen_mvu by name: the `acc` and `m_tdata` registers and the popcount of each
`g_pe[p]` lane; a rename fails the proof with one line, never silently.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from dd import cudd

from hwgen.backends.rtl.codegen import MVU_RTL
from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.formal.arith import add_bits, bdd_xor
from hwgen.formal.symbolic import SymbolicSim, netlist, param_int
from hwgen.ops import XnorMVU
from hwgen.paths import SHARE, VERSION

#: cycles past the input beats and SF*NF (reset, the read buffer, the pipeline, the output)
LATENCY = 8


@dataclass
class SymbolicResult:
    """A layer's symbolic proof: PASS or FAIL, why, and how long it took."""

    status: str
    seconds: float
    steps: int
    detail: str = ""


class _Mismatch(Exception):
    """A difference from golden, with the layer, cycle and lane it shows in."""


def _const_bits(bdd, value: int, width: int) -> list:
    return [bdd.true if (value >> i) & 1 else bdd.false for i in range(width)]


def _ge(bdd, s: list, k: int):
    """The unsigned bit list s (LSB first) is at least k."""
    if k <= 0:
        return bdd.true
    if k >= 1 << len(s):
        return bdd.false
    diff = add_bits(
        bdd, s + [bdd.false], _const_bits(bdd, -k & ((2 << len(s)) - 1), len(s) + 1), len(s) + 1
    )
    return ~diff[-1]


def _decide(bdd, n: XnorMVU, c: int, s: list, k_const: int, lane_w: int) -> list:
    """Golden's output lane for channel c when the hardware's sum is s and k_const of it are
    pad lanes' matches (golden's count is s - k_const)."""
    if not n.has_thresholds:  # the bipolar dot: 2*count - MW
        shifted = [bdd.false] + s + [bdd.false] * lane_w
        off = -(2 * k_const + n.mw) & ((1 << len(shifted)) - 1)
        return add_bits(bdd, shifted, _const_bits(bdd, off, len(shifted)), len(shifted))[:lane_w]
    t = np.asarray(n.thresholds).reshape(n.mh, -1)[c]
    reached = [_ge(bdd, s, int(v) + k_const) for v in t]
    if n.levels:
        out = _const_bits(bdd, n.out_offset & ((1 << lane_w) - 1), lane_w)
        for r in reached:
            out = add_bits(bdd, out, [r] + [bdd.false] * (lane_w - 1), lane_w)
        return out
    parity = reached[0]
    for r in reached[1:]:
        parity = bdd_xor(parity, r)
    return [parity]


def _chunk_literals(bdd, n: XnorMVU, c: int, terms: list, index: dict) -> int:
    """Check that channel c's chunks met every element once, against golden's weight bit;
    returns how many lanes matched as constants (pad lanes)."""
    row = np.asarray(n.weights[c], dtype=np.int64)
    seen: dict[int, int] = {}
    k_const = 0
    for xs, ws in terms:
        for j, (xv, wv) in enumerate(zip(xs, ws)):
            if wv not in (bdd.true, bdd.false):
                raise _Mismatch(f"channel {c}: weight bit {j} of a chunk depends on data")
            w = int(wv == bdd.true)
            if xv in (bdd.true, bdd.false):
                k_const += int(xv == bdd.true) == w
                continue
            i, neg = index.get(xv), False
            if i is None and (~xv) in index:
                i, neg = index[~xv], True
            if i is None:
                raise _Mismatch(f"channel {c}: lane {j} of a chunk is not an element of the input")
            if i in seen:
                raise _Mismatch(f"channel {c}: element {i} is counted twice")
            seen[i] = w ^ int(neg)
    missing = [i for i in range(n.mw) if i not in seen]
    if missing:
        raise _Mismatch(f"channel {c}: element {missing[0]} is never counted")
    wrong = [i for i in range(n.mw) if seen[i] != int(row[i])]
    if wrong:
        i = wrong[0]
        raise _Mismatch(
            f"channel {c}: element {i} meets weight {seen[i]}, golden's is {int(row[i])}"
        )
    return k_const


def _sim_top(n: XnorMVU, inst: dict) -> str:
    return render(
        "formal/layer_sim_top.v.j2",
        layer=n.name,
        module=inst["module"],
        version=VERSION,
        params=inst["params"],
        in_w=n.in_width,
        out_w=n.pe * n.out_lane_bits,
    )


def applies(n: XnorMVU) -> bool:
    """An XNOR layer (bipolar inputs and weights) without border classes or pipeline stages
    (a registered popcount or sum is a register the abstraction does not model)."""
    return n.xnor and n.in_bits == 1 and not n.window and not n.stages and n.pc_groups == 1


def prove_layer(n: XnorMVU, inst: dict, folder: Path) -> SymbolicResult:
    """Prove layer `n` (instance `inst`, its ROM images already in `folder`) equal to
    golden's function of one arbitrary input vector."""
    t0 = time.perf_counter()
    run = None
    try:
        run = _LayerRun(n, inst, folder)
        steps = run.simulate()
    except (_Mismatch, HwgenError) as e:
        steps = run.t if run else 0
        return SymbolicResult("FAIL", time.perf_counter() - t0, steps, f"layer '{n.name}': {e}")
    return SymbolicResult("PASS", time.perf_counter() - t0, steps)


class _LayerRun:
    """One layer's symbolic run: the netlist, the variables, the lanes' running sums."""

    def __init__(self, n: XnorMVU, inst: dict, folder: Path):
        self.n, self.t = n, 0
        top = folder / "hwgen_fv_sim_top.v"
        top.write_text(_sim_top(n, inst))
        # the arithmetic units are black boxes (their outputs become variables)
        boxed = ("rtl/hwgen_popcount.v", "rtl/hwgen_lane_dot.v")
        boxes = [SHARE / s for s in boxed]
        sources = [SHARE / s for s in MVU_RTL if s not in boxed]
        net = netlist(top, "hwgen_fv_sim_top", sources, boxes, folder)
        self.cnt_w, self.lane_w = int(dict(inst["params"])["CNT_W"]), n.out_lane_bits
        if n.sf * n.simd >= 1 << self.cnt_w:
            raise _Mismatch(f"CNT_W={self.cnt_w} cannot hold a sum of {n.sf * n.simd} matches")
        bdd = self.bdd = cudd.BDD()
        bdd.configure(reordering=False)  # the elements in order: sums of them stay small
        self.xs = [self._var(f"x{i}") for i in range(n.mw)]
        self.index = {x: i for i, x in enumerate(self.xs)}
        # bits past MW (the producer's pad lanes): any value
        width = n.in_width
        self.beats = [
            [
                self.xs[i] if i < n.mw else self._var(f"pad{i}")
                for i in range(k * width, (k + 1) * width)
            ]
            for k in range(n.in_beats)
        ]
        self.pcs: dict[int, list] = {}  # lane -> its popcount's output variables
        self.calls: dict[int, tuple] = {}  # lane -> its popcount's inputs this cycle
        self.sim = SymbolicSim(net, bdd, {"hwgen_popcount": self._popcount})
        self.d_of = {q: d for d, q in self.sim.dffs}
        self.abstract: dict = {}  # register bit -> its fresh variable
        self.acc_q, self.out_q = self.sim.q_bit("dut.acc"), self.sim.q_bit("dut.m_tdata")
        self.acc_a = self._abstract_lanes(self.acc_q, "a", self.cnt_w)
        self.out_o = self._abstract_lanes(self.out_q, "o", self.lane_w)
        self.abstract_names = {v.var for v in self.abstract.values()}
        self.terms: list[list] = [[] for _ in range(n.pe)]
        self.loads = 0

    def _var(self, name: str):
        self.bdd.declare(name)
        return self.bdd.var(name)

    def _abstract_lanes(self, bits: list, prefix: str, width: int) -> list:
        """Fresh variables for a register's lanes (a bit Yosys made constant stays so)."""
        lanes = []
        for p in range(self.n.pe):
            lane = []
            for b, q in enumerate(bits[p * width : (p + 1) * width]):
                if isinstance(q, int):
                    self.abstract[q] = self._var(f"{prefix}{p}_{b}")
                lane.append(self.abstract[q] if isinstance(q, int) else self.sim.value(q))
            lanes.append(lane)
        return lanes

    def _popcount(self, name: str, params: dict, ins: dict) -> dict:
        found = re.search(r"g_pe\[(\d+)\]", name)
        if found is None:
            raise HwgenError(f"symbolic simulation: popcount {name} is in no g_pe[p] lane")
        lane = int(found.group(1))
        if lane not in self.pcs:
            width = param_int(params["CNT_W"])
            self.pcs[lane] = [self._var(f"pc{lane}_{b}") for b in range(width)]
            self.abstract_names |= {v.var for v in self.pcs[lane]}
        self.calls[lane] = (ins["x"], ins["w"])
        return {"count": self.pcs[lane]}

    def _next(self, bits: list) -> list:
        return [self.sim.value(self.d_of.get(q, q)) for q in bits]

    def simulate(self) -> int:
        """Run the schedule until every output beat is out; returns the cycles it took."""
        n, bdd, sim = self.n, self.bdd, self.sim
        const = (bdd.true, bdd.false)
        sent = fired = 0
        limit = n.in_beats + n.sf * n.nf + LATENCY + 4
        zeros = [bdd.false] * n.in_width
        for t in range(limit):
            self.t = t
            sim.state.update(self.abstract)
            valid = t >= 2 and sent < n.in_beats
            sim.evaluate(
                {
                    "clk": [bdd.false],
                    "rst_n": [bdd.true if t >= 1 else bdd.false],
                    "s_tdata": self.beats[sent] if valid else zeros,
                    "s_tvalid": [bdd.true if valid else bdd.false],
                    "m_tready": [bdd.true],
                }
            )
            if t == 0:  # the reset cycle: registers not yet reset drive the outputs
                sim.clock()
                continue
            ready, out_valid = sim.bits("s_tready")[0], sim.bits("m_tvalid")[0]
            if ready not in const or out_valid not in const:
                raise _Mismatch(f"cycle {t}: TREADY or TVALID depends on the data")
            sent += int(valid and ready == bdd.true)
            if out_valid == bdd.true:
                fired += 1
                if fired != self.loads:  # each beat out is the one load before it
                    raise _Mismatch(f"cycle {t}: output beat {fired} is not load {fired}")
                if fired == n.nf:
                    return t
            self._step()
            for d, q in sim.dffs:
                v = sim.value(d)
                if q not in self.abstract and v not in const:
                    if bdd.support(v) & self.abstract_names:
                        raise _Mismatch(
                            f"cycle {t}: a register besides the accumulator holds a sum"
                        )
            sim.clock()
        raise _Mismatch(f"{fired} of {n.nf} output beats in {limit} cycles")

    def _step(self) -> None:
        """Each lane's accumulator transition, and an output load checked against golden."""
        n, bdd, cnt_w, lane_w = self.n, self.bdd, self.cnt_w, self.lane_w
        sums = []
        for p in range(n.pe):
            d = self._next(self.acc_q[p * cnt_w : (p + 1) * cnt_w])
            a = self.acc_a[p]
            part = (self.pcs.get(p, []) + [bdd.false] * cnt_w)[:cnt_w]
            if d == part:  # a new sum
                self.terms[p] = [self.calls[p]]
            elif d == add_bits(bdd, a, part, cnt_w):  # the sum goes on
                self.terms[p].append(self.calls[p])
            elif d != a:  # not held either
                raise _Mismatch(f"cycle {self.t}, lane {p}: the accumulator is not A, P or A + P")
            sums.append(d)
        d_out = self._next(self.out_q)
        if d_out == [b for o in self.out_o for b in o]:
            return
        for p in range(n.pe):
            c = self.loads * n.pe + p
            if c >= n.mh:
                continue
            if len(self.terms[p]) * n.simd >= 1 << cnt_w:  # the sum could have wrapped
                raise _Mismatch(f"channel {c}: {len(self.terms[p])} chunks overflow CNT_W")
            k_const = _chunk_literals(bdd, n, c, self.terms[p], self.index)
            want = _decide(bdd, n, c, sums[p], k_const, lane_w)
            if d_out[p * lane_w : (p + 1) * lane_w] != want:
                raise _Mismatch(
                    f"output beat {self.loads}, lane {p} (channel {c}): not golden's decision"
                    " for some input"
                )
        self.loads += 1
