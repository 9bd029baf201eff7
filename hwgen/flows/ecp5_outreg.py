"""ECP5 block RAM output registers: a netlist step between Yosys and nextpnr-ecp5.

A DP16KD's read data leaves its latch 5.6 ns after the clock (nextpnr's speed-6 figure); with
the block's own output register (REGMODE "OUTREG") it leaves a flip-flop. Yosys' synth_ecp5
never uses that register, so a fabric register written straight from the block's output
(hwgen_mvu_rom's first bank register) stays in the fabric, and the placer may put it across
the die from the block: CNV's limiting path was 5.6 ns in the block and 7.8 ns of route to
that register. This step moves such a register into the block: the port's REGMODE becomes
"OUTREG", its OCE pin takes the register's clock enable, and the register's output net is
driven by the block's DO pin. The function is the same cycle for cycle (the output register
loads the latch on OCE, as the fabric register loaded the DO net on its CE).

A port is moved only when every DO pin that drives anything drives exactly one TRELLIS_FF's
data input, and those flip-flops share the port's clock (neither inverted), one clock
enable, no set or reset (LSR tied low, reset value 0) and the port has no reset of its own;
anything else is left as Yosys made it. The 36-bit pseudo-dual-port mode is left alone (its
output register is one for both halves, and the simulation model does not cover it).
sim/hwgen_ecp5_dp16kd.v models OUTREG, so `hwgen run --backend netlist` simulates the moved
registers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

#: the widest port width a moved port's block may have (36 is the pseudo-dual-port mode)
MAX_WIDTH = 18


def _width(params: dict, name: str) -> int:
    """A parameter as Yosys' JSON writes it: a binary string, or a number."""
    value = params.get(name, "0")
    return int(value, 2) if isinstance(value, str) else int(value)


def _sinks(module: dict) -> dict:
    """Every net bit's readers: (cell name, port), or ("", port name) for a module output."""
    sinks = defaultdict(list)
    for name, cell in module["cells"].items():
        directions = cell.get("port_directions", {})
        for port, bits in cell["connections"].items():
            if directions.get(port) in ("input", "inout"):
                for bit in bits:
                    if isinstance(bit, int):
                        sinks[bit].append((name, port))
    for port, spec in module["ports"].items():
        if spec["direction"] != "input":
            for bit in spec["bits"]:
                if isinstance(bit, int):
                    sinks[bit].append(("", port))
    return sinks


def _text(value) -> str:
    """A string parameter as Yosys' JSON writes it: as is, with a trailing space where the
    text would read as bits ("1 "), or as the bits of its ASCII codes."""
    if isinstance(value, str) and value and set(value) <= set("01") and len(value) % 8 == 0:
        codes = bytes(int(value[i : i + 8], 2) for i in range(0, len(value), 8))
        return codes.lstrip(b"\0").decode("ascii", "replace")
    return value.removesuffix(" ") if isinstance(value, str) else str(value)


def _plain_register(ff: dict, clock: list) -> list | None:
    """The clock enable (a connection list; ["1"] when always enabled) of a TRELLIS_FF that
    the block's output register can stand for: on `clock`, not inverted, no set or reset
    in use, reset value 0. None for any other flip-flop."""
    p, c = ff["parameters"], ff["connections"]
    if c["CLK"] != clock or _text(p.get("CLKMUX", "CLK")) != "CLK":
        return None
    lsr, regset = _text(p.get("LSRMUX", "LSR")), _text(p.get("REGSET", "RESET"))
    if c["LSR"] != ["0"] or lsr != "LSR" or regset != "RESET":
        return None
    cemux = _text(p.get("CEMUX", "CE"))
    return ["1"] if cemux == "1" else (c["CE"] if cemux == "CE" else None)


def _movable(cells: dict, sinks: dict, block: dict, port: str) -> tuple[dict, list] | None:
    """The flip-flops (DO pin -> cell name) port `port` ("A" or "B") of `block` can take in,
    and their shared clock enable; None where the port must stay as it is."""
    p, c = block["parameters"], block["connections"]
    if _text(p.get(f"REGMODE_{port}", "NOREG")) != "NOREG" or c.get(f"RST{port}") != ["0"]:
        return None
    if _text(p.get(f"CLK{port}MUX", f"CLK{port}")) != f"CLK{port}":
        return None
    taken, enable = {}, None
    for i in range(18):
        pin = f"DO{port}{i}"
        readers = sinks.get(c[pin][0], []) if pin in c else []
        if not readers:
            continue
        if len(readers) != 1 or readers[0][1] != "DI":
            return None
        ff = cells.get(readers[0][0])
        if ff is None or ff["type"] != "TRELLIS_FF":
            return None
        ce = _plain_register(ff, c[f"CLK{port}"])
        if ce is None or (enable is not None and ce != enable):
            return None
        taken[pin], enable = readers[0][0], ce
    return (taken, enable) if taken else None


def absorb_output_registers(netlist: dict) -> int:
    """Move into each DP16KD port the fabric register its read data feeds, where the module
    docstring's conditions hold (in place, every module). Returns the flip-flops moved."""
    moved = 0
    for module in netlist["modules"].values():
        cells = module.get("cells", {})
        blocks = [c for c in cells.values() if c["type"] == "DP16KD"]
        if not blocks:
            continue
        sinks = _sinks(module)
        for block in blocks:
            p = block["parameters"]
            if max(_width(p, "DATA_WIDTH_A"), _width(p, "DATA_WIDTH_B")) > MAX_WIDTH:
                continue
            for port in "AB":
                found = _movable(cells, sinks, block, port)
                if found is None:
                    continue
                taken, enable = found
                for pin, name in taken.items():
                    block["connections"][pin] = cells.pop(name)["connections"]["Q"]
                    moved += 1
                p[f"REGMODE_{port}"] = "OUTREG"
                block["connections"][f"OCE{port}"] = enable
    return moved


def absorb_in_file(path: Path) -> int:
    """`absorb_output_registers` on a Yosys JSON netlist file, rewritten in place."""
    path = Path(path)
    netlist = json.loads(path.read_text())
    moved = absorb_output_registers(netlist)
    path.write_text(json.dumps(netlist))
    return moved
