"""Symbolic simulation of a clocked gate netlist with BDDs: every signal is a BDD over the
variables the caller declares, cycle by cycle, the way a BMC unrolls a design but with the
control path folding to constants as it goes (a stall-free schedule has no free control).

The netlist is Yosys' JSON after `proc; flatten; memory -nomap -nordff; techmap; dffunmap`:
one-output gates (`hwgen.formal.arith.gate_value`), `$_DFF_P_` flip-flops on the one clock,
`$mem_v2` memories with asynchronous read ports (their contents held here: ROM images from
their INIT, written words as BDDs), and black boxes the caller evaluates (an arithmetic unit
proven on its own). A register or memory bit nobody initialised starts as a fresh variable,
so nothing can lean on its value without it showing.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from dd import cudd

from hwgen.errors import HwgenError
from hwgen.flows.pack import require_tool
from hwgen.formal.arith import GATE_TYPES, gate_value

#: evaluates a black-box cell: (cell name, its parameters, its input ports' BDDs) -> outputs
BlackBox = Callable[[str, dict, dict[str, list]], dict[str, list]]


def netlist(top_file: Path, top: str, sources: list[Path], boxes: list[Path], cwd: Path) -> dict:
    """`top` (in `top_file`, reading `sources`, with the modules of `boxes` as black boxes)
    as a flattened gate netlist, Yosys' JSON module; ROM images are read from `cwd`."""
    yosys = require_tool(("yosys",), "apt install yosys (make tools)")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "net.json"
        script = (
            f"read_verilog -lib {' '.join(map(str, boxes))}; "
            f"read_verilog -defer {' '.join(map(str, sources))} {top_file}; "
            f"hierarchy -top {top}; proc; flatten; opt_clean; memory -nomap -nordff; "
            f"opt -fast; techmap; opt -fast; dffunmap; opt_clean; write_json {out}"
        )
        proc = subprocess.run([yosys, "-q", "-p", script], capture_output=True, text=True, cwd=cwd)
        if proc.returncode != 0:
            raise HwgenError(f"{top}: Yosys failed: {proc.stderr.strip()[:400]}")
        return json.loads(out.read_text())["modules"][top]


def param_int(param) -> int:
    """A Yosys JSON parameter (a binary string, or a number) as an int."""
    return param if isinstance(param, int) else int(param, 2)


@dataclass
class _Memory:
    cell: dict
    size: int
    width: int
    abits: int
    offset: int
    words: list = field(default_factory=list)  # each a list of BDD bits, LSB first


class SymbolicSim:
    """The netlist `net` stepped one clock at a time over BDD manager `bdd`; black boxes
    evaluated by `boxes` (cell type -> function)."""

    def __init__(self, net: dict, bdd: cudd.BDD, boxes: dict[str, BlackBox]):
        self.bdd, self.boxes, self.net = bdd, boxes, net
        self.ports = net["ports"]
        self.names = {n: v["bits"] for n, v in net["netnames"].items()}
        self.dffs: list[tuple[int, int]] = []  # (D bit, Q bit)
        self.mems: list[_Memory] = []
        comb = []
        for name, c in net["cells"].items():
            t = c["type"]
            if t == "$_DFF_P_":
                self.dffs.append((c["connections"]["D"][0], c["connections"]["Q"][0]))
            elif t == "$mem_v2":
                self.mems.append(self._memory(c))
                comb.append((name, self.mems[-1]))
            elif t in GATE_TYPES or t in boxes:
                comb.append((name, c))
            elif t != "$scopeinfo":
                raise HwgenError(f"symbolic simulation: cell {name} of type {t} is not supported")
        # an undriven or x bit is some fixed value: one fresh variable each, for good
        self.consts = {"0": bdd.false, "1": bdd.true}
        for name, c in net["cells"].items():
            for port, bits in c["connections"].items():
                for i, b in enumerate(bits):
                    if b in ("x", "z"):
                        bits[i] = f"x_{name}_{port}_{i}"
                        self.consts[bits[i]] = self._fresh(f"u_{len(self.consts)}")
        self.order = self._topological(comb)
        self.state = {q: self._fresh(f"u_q{q}") for _d, q in self.dffs}
        self.sig: dict = dict(self.consts)
        self._oob: dict = {}  # (memory, port, address) -> the fresh word read past the end

    def _fresh(self, name: str):
        self.bdd.declare(name)
        return self.bdd.var(name)

    def _memory(self, c: dict) -> _Memory:
        p = c["parameters"]
        m = _Memory(
            c,
            param_int(p["SIZE"]),
            param_int(p["WIDTH"]),
            param_int(p["ABITS"]),
            param_int(p["OFFSET"]),
        )
        if any(ch == "1" for ch in str(p.get("RD_CLK_ENABLE", "0"))):
            raise HwgenError(f"memory {p.get('MEMID')}: a clocked read port (expected none)")
        init = str(p.get("INIT", "x"))
        init = init.rjust(m.size * m.width, "x")[-m.size * m.width :]
        for a in range(m.size):
            bits = init[len(init) - (a + 1) * m.width : len(init) - a * m.width][::-1]
            word = []
            for i, ch in enumerate(bits):
                if ch in "01":
                    word.append(self.bdd.true if ch == "1" else self.bdd.false)
                else:
                    word.append(self._fresh(f"u_m{id(m)}_{a}_{i}"))
            m.words.append(word)
        return m

    def _topological(self, cells: list) -> list:
        """The combinational cells in an order where each one's inputs come first."""
        driver = {}
        cells_of = [c.cell if isinstance(c, _Memory) else c for _n, c in cells]
        for i, c in enumerate(cells_of):
            for port, bits in c["connections"].items():
                if c.get("port_directions", {}).get(port) == "output":
                    for b in bits:
                        driver[b] = i
        deps = []
        for c in cells_of:
            ins = [
                b
                for port, bits in c["connections"].items()
                if c.get("port_directions", {}).get(port) == "input"
                for b in bits
            ]
            deps.append({driver[b] for b in ins if b in driver})
        order, done, visiting = [], set(), set()
        for start in range(len(cells)):
            stack = [(start, False)]
            while stack:
                i, expanded = stack.pop()
                if i in done:
                    continue
                if expanded:
                    done.add(i)
                    visiting.discard(i)
                    order.append(cells[i])
                    continue
                if i in visiting:
                    raise HwgenError("symbolic simulation: the netlist has a combinational loop")
                visiting.add(i)
                stack.append((i, True))
                stack.extend((j, False) for j in deps[i] if j not in done)
        return order

    def bits(self, name: str) -> list:
        """The BDDs of net `name`'s bits in the cycle just evaluated."""
        return [self.value(b) for b in self.names[name]]

    def value(self, bit):
        """The BDD of one bit (a constant string or a bit id) in this cycle."""
        if bit in ("x", "z"):  # a port or net left undriven: some fixed value
            return self.consts.setdefault(f"x_net_{bit}", self._fresh(f"u_{len(self.consts)}"))
        return self.sig[bit]

    def evaluate(self, inputs: dict[str, list]) -> None:
        """Evaluate this cycle's logic from the state and the input ports' BDDs."""
        sig = self.sig = {**self.consts, **self.state}
        for name, bits in inputs.items():
            for b, v in zip(self.ports[name]["bits"], bits):
                sig[b] = v
        for name, c in self.order:
            if isinstance(c, _Memory):
                self._read(c)
                continue
            t, conn = c["type"], c["connections"]
            if t in GATE_TYPES:
                sig[conn["Y"][0]] = gate_value(t, conn, sig)
            else:
                ins = {
                    p: [self.value(b) for b in bits]
                    for p, bits in conn.items()
                    if c["port_directions"][p] == "input"
                }
                outs = self.boxes[t](name, c["parameters"], ins)
                for p, vals in outs.items():
                    for b, v in zip(conn[p], vals):
                        sig[b] = v

    def _address(self, bits: list) -> int | list:
        """An address as an int when it is constant, else its bits' BDDs."""
        vals = [self.value(b) for b in bits]
        if any(v not in (self.bdd.true, self.bdd.false) for v in vals):
            return vals
        return sum(1 << i for i, v in enumerate(vals) if v == self.bdd.true)

    def _word(self, m: _Memory, k: int, addr: int) -> list:
        if 0 <= addr - m.offset < m.size:
            return m.words[addr - m.offset]
        key = (id(m), k, addr)  # past the end: some fixed word
        if key not in self._oob:
            self._oob[key] = [self._fresh(f"u_{id(m)}_{k}_{addr}_{i}") for i in range(m.width)]
        return self._oob[key]

    def _read(self, m: _Memory) -> None:
        conn, n = m.cell["connections"], param_int(m.cell["parameters"]["RD_PORTS"])
        for k in range(n):
            addr = self._address(conn["RD_ADDR"][k * m.abits : (k + 1) * m.abits])
            if isinstance(addr, int):
                word = self._word(m, k, addr)
            else:  # a register not yet reset drives it: any word (a mux would blow up)
                word = [self._fresh(f"u_{len(self.bdd.vars)}") for _ in range(m.width)]
            for i, b in enumerate(conn["RD_DATA"][k * m.width : (k + 1) * m.width]):
                self.sig[b] = word[i]

    def clock(self) -> None:
        """The clock edge: every flip-flop takes its D, every memory write port writes."""
        for m in self.mems:
            conn, n = m.cell["connections"], param_int(m.cell["parameters"]["WR_PORTS"])
            for k in range(n):
                en = [self.value(b) for b in conn["WR_EN"][k * m.width : (k + 1) * m.width]]
                if all(e == self.bdd.false for e in en):
                    continue
                addr = self._address(conn["WR_ADDR"][k * m.abits : (k + 1) * m.abits])
                data = [self.value(b) for b in conn["WR_DATA"][k * m.width : (k + 1) * m.width]]
                if not isinstance(addr, int):  # any word may change: each becomes any value
                    m.words = [
                        [self._fresh(f"u_{len(self.bdd.vars)}") for _ in range(m.width)]
                        for _ in range(m.size)
                    ]
                    continue
                a = addr - m.offset
                if 0 <= a < m.size:
                    m.words[a] = [(e & d) | (~e & o) for e, d, o in zip(en, data, m.words[a])]
        self.state = {q: self.value(d) for d, q in self.dffs}

    def q_bit(self, name: str) -> list:
        """The Q bit ids of register `name` (its net's bits)."""
        if name not in self.names:
            raise HwgenError(f"symbolic simulation: the netlist has no register '{name}'")
        return self.names[name]
