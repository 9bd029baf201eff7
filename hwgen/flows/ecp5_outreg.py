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
anything else is left as Yosys made it. In the 36-bit pseudo-dual-port mode the word is DOA
and DOB, read on port B: both ports' registers move together, and only where both ports run
on the same clock net (a ROM's idle write port, which Yosys clocks with a constant, gets the
read clock: its clock enable and byte enables stay low); both get OUTREG and the one clock
enable, so the function is the same whichever port's controls drive the DOA half's register
in silicon (the Lattice primitive, PDPW16KD, has one REGMODE and one OCE for the word).
sim/hwgen_ecp5_dp16kd.v models OUTREG, so `hwgen run --backend netlist` simulates the moved
registers."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

#: the widest port a block's ports go one by one at (36 is the pseudo-dual-port mode)
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


def _movable(cells: dict, sinks: dict, block: dict, ports: str) -> tuple[dict, list] | None:
    """The flip-flops (DO pin -> cell name) the output registers of `ports` ("A", "B", or
    "AB" for the 36-bit mode's word) of `block` can take in, and their shared clock enable;
    None where the ports must stay as they are."""
    p, c = block["parameters"], block["connections"]
    for port in ports:
        if _text(p.get(f"REGMODE_{port}", "NOREG")) != "NOREG" or c.get(f"RST{port}") != ["0"]:
            return None
        if _text(p.get(f"CLK{port}MUX", f"CLK{port}")) != f"CLK{port}":
            return None
    clock = c[f"CLK{ports[-1]}"]  # the read port's (B's in the 36-bit mode)
    if any(c[f"CLK{port}"] != clock for port in ports if not (port == "A" and _idle_writer(c))):
        return None
    taken, enable = {}, None
    for pin in (f"DO{port}{i}" for port in ports for i in range(18)):
        readers = sinks.get(c[pin][0], []) if pin in c else []
        if not readers:
            continue
        if len(readers) != 1 or readers[0][1] != "DI":
            return None
        ff = cells.get(readers[0][0])
        if ff is None or ff["type"] != "TRELLIS_FF":
            return None
        ce = _plain_register(ff, clock)
        if ce is None or (enable is not None and ce != enable):
            return None
        taken[pin], enable = readers[0][0], ce
    return (taken, enable) if taken else None


def _idle_writer(conns: dict) -> bool:
    """A 36-bit mode's write port (A) that never writes: clock enable and the four byte
    enables tied low (a ROM's; Yosys ties its clock low too)."""
    return all(conns.get(pin) == ["0"] for pin in ("CEA", "ADA0", "ADA1", "ADA2", "ADA3"))


def _port_groups(params: dict) -> tuple[str, ...] | None:
    """The ports whose output registers go together: each alone up to 18 bits; both for the
    36-bit pseudo-dual-port mode (its word is DOA and DOB, read on port B); None for a block
    with one port 36 wide and the other not (left alone)."""
    widths = (_width(params, "DATA_WIDTH_A"), _width(params, "DATA_WIDTH_B"))
    if max(widths) <= MAX_WIDTH:
        return ("A", "B")
    return ("AB",) if widths == (36, 36) else None


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
            for ports in _port_groups(block["parameters"]) or ():
                found = _movable(cells, sinks, block, ports)
                if found is None:
                    continue
                taken, enable = found
                for pin, name in taken.items():
                    block["connections"][pin] = cells.pop(name)["connections"]["Q"]
                    moved += 1
                for port in ports:  # in the 36-bit mode both: the same clock and enable
                    block["parameters"][f"REGMODE_{port}"] = "OUTREG"
                    block["connections"][f"OCE{port}"] = enable
                    block["connections"][f"CLK{port}"] = block["connections"][f"CLK{ports[-1]}"]
    return moved


def absorb_in_file(path: Path) -> int:
    """`absorb_output_registers` on a Yosys JSON netlist file, rewritten in place."""
    path = Path(path)
    netlist = json.loads(path.read_text())
    moved = absorb_output_registers(netlist)
    path.write_text(json.dumps(netlist))
    return moved
