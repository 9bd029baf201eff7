"""ECP5 block RAM in a synthesized netlist: Yosys' synth_ecp5 maps a memory to DP16KD cells,
hwgen.flows.ecp5_outreg moves the register after a read port into the block (OUTREG), and
the netlist on sim/hwgen_ecp5_dp16kd.v equals the RTL in Icarus cycle for cycle under random
enables, at every port width Yosys uses (1, 2, 4, 9, 18, 36), as ROM and as RAM."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

from hwgen.flows.ecp5_outreg import absorb_output_registers
from hwgen.sim.netlist import simulation_netlist
from tests.helpers import need_tool

pytestmark = pytest.mark.rtlsim

# One memory, read into q on `en` and q into q2 on `oce` (the register the step moves);
# with RAM, written on `we` at `wa` (never the address read in that cycle: the testbench
# keeps them apart, as two ports' collisions are the hardware's to define).
DESIGN = """
module {name} #(parameter W = 1, parameter AW = 14, parameter RAM = 0) (
    input wire clk, input wire en, input wire oce, input wire we,
    input wire [AW-1:0] wa, input wire [W-1:0] wd, input wire [AW-1:0] addr,
    output reg [W-1:0] q2
);
    (* ram_style = "block" *) reg [W-1:0] mem [0:(1 << AW) - 1];
    initial $readmemh("{image}", mem);
    reg [W-1:0] q;
    always @(posedge clk) begin
        if (RAM && we) mem[wa] <= wd;
        if (en) q <= mem[addr];
    end
    always @(posedge clk) if (oce) q2 <= q;
endmodule
"""

BENCH = """
module bench;
    reg clk = 0, en = 1, oce = 1, we = 0;
    reg [{aw}-1:0] wa = 0, addr = 0;
    reg [{w}-1:0] wd = 0;
    wire [{w}-1:0] want, got;
    integer cycle, bad = 0, seed = 5;
    ref_mem #(.W({w}), .AW({aw}), .RAM({ram})) u_ref (clk, en, oce, we, wa, wd, addr, want);
    net_mem u_net (.clk(clk), .en(en), .oce(oce), .we(we), .wa(wa), .wd(wd), .addr(addr),
                   .q2(got));
    initial begin
        for (cycle = 0; cycle < 3000; cycle = cycle + 1) begin
            #1 clk = 1;
            #1 clk = 0;
            if (cycle > 3 && got !== want) begin
                bad = bad + 1;
                if (bad < 5) $display("cycle %0d: netlist %h, RTL %h", cycle, got, want);
            end
            en = (cycle < 3) | $random(seed);
            oce = (cycle < 3) | $random(seed);
            we = $random(seed);
            addr = $random(seed);
            wa = addr ^ (1 + ($random(seed) & 7));
            wd = {{2{{$random(seed)}}}};
        end
        $display("MISMATCHES %0d", bad);
        $finish;
    end
endmodule
"""

# (width, address bits, RAM)
SHAPES = [(1, 14, 0), (2, 13, 0), (4, 12, 0), (9, 11, 0), (18, 10, 0), (36, 9, 0)]
SHAPES += [(9, 11, 1), (18, 10, 1), (36, 9, 1)]


@pytest.mark.parametrize("width,aw,ram", SHAPES)
def test_block_ram_netlist_equals_rtl(tmp_path, width, aw, ram):
    """Random contents read (and written) under random enables: the netlist's outputs equal
    the RTL's every cycle; the ROM's register is in the block (at 36, in both ports'), the
    RAM's stays in the fabric."""
    need_tool("yosys")
    need_tool("iverilog")
    rng = np.random.default_rng(width * 100 + ram)
    image = tmp_path / "image.mem"
    words = rng.integers(0, 2, size=(1 << aw, width))
    image.write_text("".join(f"{int(''.join(map(str, w)), 2):x}\n" for w in words))
    (tmp_path / "net.v").write_text(DESIGN.format(name="net_mem", image=image))
    (tmp_path / "ref.v").write_text(DESIGN.format(name="ref_mem", image=image))
    params = {"W": width, "AW": aw, "RAM": ram}
    work = tmp_path / "work"
    work.mkdir()
    sources = simulation_netlist([str(tmp_path / "net.v")], "net_mem", "ecp5", work, params)
    cells = json.loads((work / "netlist.json").read_text())["modules"]["net_mem"]["cells"]
    blocks = [c for c in cells.values() if c["type"] == "DP16KD"]
    assert blocks, "Yosys mapped no block RAM: the test checks nothing"
    outreg = [
        c
        for c in blocks
        if "OUTREG" in (c["parameters"]["REGMODE_A"], c["parameters"]["REGMODE_B"])
    ]
    # a RAM's read data also feeds Yosys' collision bypass (read twice)
    assert len(outreg) == (0 if ram else len(blocks))
    if width == 36:  # the word's two halves: both ports' registers, one enable
        assert all(c["parameters"]["REGMODE_A"] == c["parameters"]["REGMODE_B"] for c in outreg)
        assert all(c["connections"]["OCEA"] == c["connections"]["OCEB"] for c in outreg)
    bench = tmp_path / "bench.v"
    bench.write_text(BENCH.format(w=width, aw=aw, ram=ram))
    exe = tmp_path / "sim.vvp"
    subprocess.run(
        [
            "iverilog",
            "-g2012",
            "-o",
            str(exe),
            "-s",
            "bench",
            str(bench),
            str(tmp_path / "ref.v"),
            *sources,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    out = subprocess.run(["vvp", "-n", str(exe)], check=True, capture_output=True, text=True)
    assert "MISMATCHES 0" in out.stdout, out.stdout[-2000:]


def _register(d: int, q: int, lsr="0", ce=("1",), cemux="1 ") -> dict:
    """A TRELLIS_FF as Yosys' JSON has it: D from net `d`, Q on net `q`, clock net 2."""
    ports = {"CLK": "input", "LSR": "input", "CE": "input", "DI": "input", "Q": "output"}
    return {
        "type": "TRELLIS_FF",
        "parameters": {"CEMUX": cemux},
        "port_directions": ports,
        "connections": {"CLK": [2], "LSR": [lsr], "CE": list(ce), "DI": [d], "Q": [q]},
    }


def _netlist(cells: dict) -> dict:
    return {"modules": {"m": {"ports": {}, "cells": cells}}}


def test_a_register_with_a_reset_or_a_second_reader_stays_in_the_fabric():
    """Only a plain register moves: one with its set/reset in use, or a DO net read twice,
    leaves the port as Yosys made it."""

    def net(lsr="0", extra_reader=False):
        block = {
            "type": "DP16KD",
            "parameters": {"DATA_WIDTH_A": "1", "DATA_WIDTH_B": "10010"},
            "port_directions": {"DOA0": "output", "CLKA": "input"},
            "connections": {"DOA0": [10], "CLKA": [2], "RSTA": ["0"], "OCEA": ["1"],
                            "RSTB": ["0"], "CLKB": [2]},
        }  # fmt: skip
        cells = {"ram": block, "ff": _register(10, 11, lsr=lsr)}
        if extra_reader:
            lut = {"type": "LUT4", "parameters": {}, "port_directions": {"A": "input"}}
            cells["lut"] = lut | {"connections": {"A": [10]}}
        return _netlist(cells)

    plain = net()
    assert absorb_output_registers(plain) == 1
    ram = plain["modules"]["m"]["cells"]["ram"]
    assert ram["parameters"]["REGMODE_A"] == "OUTREG" and ram["connections"]["DOA0"] == [11]
    assert ram["connections"]["OCEA"] == ["1"] and "ff" not in plain["modules"]["m"]["cells"]
    assert absorb_output_registers(net(lsr=7)) == 0
    assert absorb_output_registers(net(extra_reader=True)) == 0


def test_a_rom_word_of_36_bits_takes_both_ports_registers_on_the_read_clock():
    """The 36-bit mode of a ROM (write port idle, its clock tied low by Yosys): the word's
    registers move into both ports, the write port gets the read clock and the enable, and
    a write port that could write keeps its registers in the fabric."""

    def net(writes=False):
        idle = ["0"] if not writes else [7]
        block = {
            "type": "DP16KD",
            "parameters": {"DATA_WIDTH_A": "100100", "DATA_WIDTH_B": "100100"},
            "port_directions": {"DOA0": "output", "DOB0": "output"},
            "connections": {"DOA0": [10], "DOB0": [11], "CLKA": ["0"], "CLKB": [2],
                            "RSTA": ["0"], "RSTB": ["0"], "OCEA": ["0"], "OCEB": ["1"],
                            "CEA": idle, "ADA0": idle, "ADA1": idle, "ADA2": ["0"],
                            "ADA3": ["0"]},
        }  # fmt: skip
        ffs = {f"ff{i}": _register(10 + i, 20 + i, ce=[5], cemux="CE") for i in range(2)}
        return _netlist({"ram": block, **ffs})

    rom = net()
    assert absorb_output_registers(rom) == 2
    ram = rom["modules"]["m"]["cells"]["ram"]
    assert ram["parameters"]["REGMODE_A"] == ram["parameters"]["REGMODE_B"] == "OUTREG"
    assert ram["connections"]["CLKA"] == ram["connections"]["CLKB"] == [2]
    assert ram["connections"]["OCEA"] == ram["connections"]["OCEB"] == [5]
    assert (ram["connections"]["DOA0"], ram["connections"]["DOB0"]) == ([20], [21])
    assert absorb_output_registers(net(writes=True)) == 0
