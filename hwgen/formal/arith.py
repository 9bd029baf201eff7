"""The arithmetic units proven equal to a plain reference for every input: `hwgen_popcount`
against the direct sum of XNOR(x, w) bits, `hwgen_lane_dot` against the direct sum of the
lanes' products, at any width.

Method: binary decision diagrams (PyPI's `dd`, over CUDD). Yosys turns the unit into a gate
netlist (`write_json` after `techmap`); each gate becomes a BDD, and the reference is built
in Python straight from its definition (ripple sums of the lanes' values, no Yosys). A BDD is
canonical for its variable order, so the unit equals the reference for all 2^n inputs exactly
when the output bits' BDDs are the same nodes. The reference is symmetric in the lanes, so
any lane order suits it; the popcount's lanes are ordered as a depth-first walk of the netlist
from the outputs meets them (x_l and w_l side by side), which keeps each counter's inputs
together: 64 lanes take 6 s (13 s in lane order), 96 take 12 s. Past about 100 lanes the
final adder's carries grow to millions of nodes (112 lanes: 100 s). A SAT miter of the
compressor tree against a ripple sum did not finish 64 lanes in 4 minutes (Yosys `sat`) nor
32 in 5 (ABC `cec`).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from dd import cudd

from hwgen.errors import HwgenError
from hwgen.flows.pack import require_tool
from hwgen.paths import SHARE


@dataclass(frozen=True)
class ArithResult:
    """One unit at one parameter set: equal or not, and the seconds it took."""

    unit: str
    params: dict
    equal: bool
    seconds: float
    witness: dict | None = None  # an input where they differ, bit lists


def _netlist(module: str, source: str, params: dict) -> dict:
    """The unit as Yosys gates (JSON), flattened, at `params`."""
    yosys = require_tool(("yosys",), "apt install yosys (make tools)")
    chparam = " ".join(f"-set {k} {v}" for k, v in params.items())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "net.json"
        script = (
            f"read_verilog {SHARE / source}; chparam {chparam} {module}; "
            f"hierarchy -top {module}; proc; flatten; techmap; opt -fast; write_json {out}"
        )
        proc = subprocess.run([yosys, "-q", "-p", script], capture_output=True, text=True)
        if proc.returncode != 0:
            raise HwgenError(f"{module} {params}: Yosys failed: {proc.stderr.strip()[:300]}")
        return json.loads(out.read_text())["modules"][module]


def bdd_xor(a, b):
    """a XOR b of two BDDs (dd's cudd functions have no ^)."""
    return a.bdd.apply("xor", a, b)


_GATES = {
    "$_AND_": lambda a, b: a & b,
    "$_OR_": lambda a, b: a | b,
    "$_XOR_": bdd_xor,
    "$_XNOR_": lambda a, b: ~bdd_xor(a, b),
    "$_NAND_": lambda a, b: ~(a & b),
    "$_NOR_": lambda a, b: ~(a | b),
    "$_ANDNOT_": lambda a, b: a & ~b,
    "$_ORNOT_": lambda a, b: a | ~b,
}


#: the one-output gates `gate_value` evaluates (Yosys' internal cells after techmap)
GATE_TYPES = frozenset(_GATES) | {"$_NOT_", "$_BUF_", "$_MUX_"}


def gate_value(kind: str, conn: dict, sig: dict):
    """The BDD of gate `kind`'s output Y from its inputs' BDDs (`sig`: bit -> BDD)."""
    if kind == "$_NOT_":
        return ~sig[conn["A"][0]]
    if kind == "$_BUF_":
        return sig[conn["A"][0]]
    if kind == "$_MUX_":
        a, b, s = (sig[conn[p][0]] for p in ("A", "B", "S"))
        return (s & b) | (~s & a)
    if kind in _GATES:
        return _GATES[kind](sig[conn["A"][0]], sig[conn["B"][0]])
    raise HwgenError(f"unexpected gate {kind} in the netlist")


def _evaluate(net: dict, bdd, inputs: dict[str, list]) -> dict[str, list]:
    """Each output port's bits as BDDs, from the input ports' BDD bits."""
    sig: dict = {}
    for name, port in net["ports"].items():
        # an input not given (hwgen_popcount's clk and en, unused without MID_REG) stays
        # undriven: a gate that read it would fail below as undriven
        if port["direction"] == "input":
            for bit, node in zip(port["bits"], inputs.get(name, [])):
                sig[bit] = node
    sig["0"], sig["1"] = bdd.false, bdd.true
    cells = list(net["cells"].values())
    pending = cells
    while pending:  # gates in any order: evaluate those whose inputs are known, repeat
        left = []
        for c in pending:
            conn = c["connections"]
            ins = [conn[p][0] for p in ("A", "B", "S") if p in conn]
            if not all(i in sig for i in ins):
                left.append(c)
                continue
            sig[conn["Y"][0]] = gate_value(c["type"], conn, sig)
        if len(left) == len(pending):
            raise HwgenError("the netlist has a combinational loop or an undriven gate input")
        pending = left
    return {
        name: [sig[b] for b in port["bits"]]
        for name, port in net["ports"].items()
        if port["direction"] == "output"
    }


def add_bits(bdd, a: list, b: list, width: int, carry=None) -> list:
    """a + b (+ carry), ripple carry, two's complement bit lists (LSB first) sign-extended."""
    a = a + [a[-1]] * (width - len(a))
    b = b + [b[-1]] * (width - len(b))
    out, carry = [], bdd.false if carry is None else carry
    for x, y in zip(a[:width], b[:width]):
        xy = bdd_xor(x, y)
        out.append(bdd_xor(xy, carry))
        carry = (x & y) | (carry & xy)
    return out


def _value(bdd, bits: list, kind: str) -> list:
    """A lane's value as two's complement bits: "bipolar" (bit 1: +1, 0: -1), "signed" or
    "unsigned"."""
    if kind == "bipolar":
        return [bdd.true, ~bits[0]]  # +1 is 01, -1 is 11 (LSB first)
    return bits if kind == "signed" else bits + [bdd.false]


def _mul(bdd, a: list, b: list, width: int) -> list:
    """a * b of two's complement bit lists: shift and add, the sign bit of b subtracting."""
    acc = [bdd.false] * width
    a = a + [a[-1]] * (width - len(a))
    for i, bi in enumerate(b):
        term = [bi & s for s in ([bdd.false] * i + a)[:width]]
        if i == len(b) - 1:  # weighs -2^i: acc - term = acc + ~term + 1
            acc = add_bits(bdd, acc, [~t for t in term], width, bdd.true)
        else:
            acc = add_bits(bdd, acc, term, width)
    return acc


def _lanes(bdd, order: list[int], x_w: int, w_w: int) -> tuple[list, list]:
    """BDD variables for x and w, declared lane by lane in `order` (x_l's bits, then w_l's);
    returned in lane index order."""
    for lane in order:
        bdd.declare(*[f"x{lane}_{i}" for i in range(x_w)], *[f"w{lane}_{i}" for i in range(w_w)])
    xs = [[bdd.var(f"x{lane}_{i}") for i in range(x_w)] for lane in range(len(order))]
    ws = [[bdd.var(f"w{lane}_{i}") for i in range(w_w)] for lane in range(len(order))]
    return xs, ws


def _compare(bdd, unit: str, params: dict, got: list, want: list, t0: float) -> ArithResult:
    equal = all(g == w for g, w in zip(got, want))
    witness = None
    if not equal:
        diff = next(bdd_xor(g, w) for g, w in zip(got, want) if g != w)
        witness = bdd.pick(diff)
    return ArithResult(unit, params, equal, time.perf_counter() - t0, witness)


def netlist_lane_order(net: dict, lanes: int, out: str = "count") -> list[int]:
    """The lanes in the order a depth-first walk from output port `out`'s bits back through
    the gates first meets one of their x or w bits (then any lane it never meets)."""
    driver = {c["connections"]["Y"][0]: c for c in net["cells"].values()}
    lane_of = {}
    for port in ("x", "w"):
        bits = net["ports"][port]["bits"]
        for i, bit in enumerate(bits):
            lane_of[bit] = i // (len(bits) // lanes)
    order: list[int] = []
    met: set = set()
    visited: set = set()
    for out in net["ports"][out]["bits"]:
        stack = [out]
        while stack:
            bit = stack.pop()
            if bit in visited:
                continue
            visited.add(bit)
            if bit in lane_of and lane_of[bit] not in met:
                met.add(lane_of[bit])
                order.append(lane_of[bit])
            cell = driver.get(bit)
            if cell is not None:
                conn = cell["connections"]
                stack.extend(reversed([conn[p][0] for p in ("A", "B", "S") if p in conn]))
    return order + [lane for lane in range(lanes) if lane not in met]


def prove_popcount(lanes: int, source: str = "rtl/hwgen_popcount.v") -> ArithResult:
    """hwgen_popcount at LANES = lanes (its smallest CNT_W) equals the direct sum of
    XNOR(x_l, w_l) for every x and w."""
    t0 = time.perf_counter()
    cnt_w = lanes.bit_length()
    params = {"LANES": lanes, "CNT_W": cnt_w}
    net = _netlist("hwgen_popcount", source, params)
    bdd = cudd.BDD()
    bdd.configure(reordering=False)  # the netlist's order is the good one: keep it
    order = netlist_lane_order(net, lanes)
    for lane in order:
        bdd.declare(f"x{lane}_0", f"w{lane}_0")
    xs = [bdd.var(f"x{lane}_0") for lane in range(lanes)]
    ws = [bdd.var(f"w{lane}_0") for lane in range(lanes)]
    got = _evaluate(net, bdd, {"x": xs, "w": ws})["count"]
    want = [bdd.false] * (cnt_w + 1)  # a sign bit to spare: the sum is never negative
    for lane in order:
        want = add_bits(bdd, want, [~bdd_xor(xs[lane], ws[lane]), bdd.false], cnt_w + 1)
    want = want[:cnt_w]
    return _compare(bdd, "hwgen_popcount", params, got, want, t0)


def lane_dot_width(simd: int, elem_w: int, signed: bool, weight_w: int) -> int:
    """CNT_W for the worst-case dot product of `simd` lanes (what the MVU sizes)."""
    x_hi = 1 if elem_w == 1 else (1 << (elem_w - 1 if signed else elem_w))
    w_hi = 1 if weight_w == 1 else 1 << (weight_w - 1)
    return (simd * x_hi * w_hi).bit_length() + 1


def prove_lane_dot(simd: int, elem_w: int, signed: bool, weight_w: int) -> ArithResult:
    """hwgen_lane_dot equals the direct sum of x_l * w_l for every x and w."""
    t0 = time.perf_counter()
    cnt_w = lane_dot_width(simd, elem_w, signed, weight_w)
    params = {
        "SIMD": simd,
        "ELEM_W": elem_w,
        "SIGNED": int(signed),
        "WEIGHT_W": weight_w,
        "CNT_W": cnt_w,
    }
    net = _netlist("hwgen_lane_dot", "rtl/hwgen_lane_dot.v", params)
    bdd = cudd.BDD()
    bdd.configure(reordering=False)  # the netlist's lane order is the good one: keep it
    order = netlist_lane_order(net, simd, "dot")
    xs, ws = _lanes(bdd, order, elem_w, weight_w)
    got = _evaluate(net, bdd, {"x": [b for x in xs for b in x], "w": [b for w in ws for b in w]})[
        "dot"
    ]
    x_kind = "bipolar" if elem_w == 1 else ("signed" if signed else "unsigned")
    w_kind = "bipolar" if weight_w == 1 else "signed"
    terms = [
        _mul(bdd, _value(bdd, xs[lane], x_kind), _value(bdd, ws[lane], w_kind), cnt_w)
        for lane in order
    ]
    # summed pairwise, neighbours in the variable order first: each partial sum spans a
    # run of the order, so it stays small until the last additions (a running total did
    # three times the work at 48 lanes)
    while len(terms) > 1:
        pairs = [add_bits(bdd, a, b, cnt_w) for a, b in zip(terms[::2], terms[1::2])]
        terms = pairs + ([terms[-1]] if len(terms) % 2 else [])
    total = terms[0] if terms else [bdd.false] * cnt_w
    return _compare(bdd, "hwgen_lane_dot", params, got, total, t0)
