"""A PLL clock for the open boards (issue 28): `hwgen synth --clock-mhz` puts the UART link on
the family's PLL (icepll's or ecppll's dividers), routes at that clock and writes it to
result.json; a clock the route misses is one line naming the fmax and a clock to ask for; a
clock the baud rate does not divide is refused before any tool runs."""

from __future__ import annotations

import json

import pytest

from hwgen import api
from hwgen.errors import HwgenError
from hwgen.flows.boards import load_board
from hwgen.flows.pll import fastest_clock, plan_pll, uart_divider
from hwgen.flows.rates import bitstream_rates
from hwgen.flows.shells import shell_plan
from tests.e2e.test_cli import assert_one_line_error, run_cli
from tests.helpers import need_pll_calculator, need_tool, random_mlp


def test_uart_divider_and_the_clock_to_ask_for():
    """A clock within 1 % of a multiple of the baud rate, at least 4 cycles a bit."""
    assert uart_divider(48.0, 3_000_000, "icebreaker") == 16
    assert uart_divider(100.0, 1_000_000, "ulx3s") == 100
    with pytest.raises(HwgenError, match=r"1\.5% off .*multiple of 3 MHz"):
        uart_divider(50.25, 3_000_000, "icebreaker")
    with pytest.raises(HwgenError, match="under 4 clock cycles per bit"):
        uart_divider(9.0, 3_000_000, "icebreaker")
    assert fastest_clock(38.5, 3_000_000) == 36.0 and fastest_clock(64.2, 1_000_000) == 64.0


@pytest.mark.parametrize(
    "family,board_mhz,want,got",
    [("ice40", 12, 48, 48.0), ("ice40", 12, 50, 50.25), ("ecp5", 25, 100, 100.0)],
)
def test_the_calculators_settings(family, board_mhz, want, got):
    """icepll's and ecppll's dividers, and the clock they make (as achieved, not as asked)."""
    need_pll_calculator(family)
    pll = plan_pll(family, board_mhz, want)
    assert pll.mhz == pytest.approx(got)
    if family == "ice40":  # F_OUT = F_IN * (DIVF + 1) / ((DIVR + 1) * 2 ** DIVQ)
        p = pll.params
        assert board_mhz * (p["DIVF"] + 1) / ((p["DIVR"] + 1) * 2 ** p["DIVQ"]) == pll.mhz
    else:
        assert set(pll.params) >= {"CLKI_DIV", "CLKFB_DIV", "CLKOP_DIV"}


def test_a_clock_out_of_the_pll_range_is_one_error():
    need_pll_calculator("ice40")
    with pytest.raises(HwgenError, match="icepll found no PLL setting from 12 MHz"):
        plan_pll("ice40", 12, 2000)


@pytest.fixture(scope="module")
def net(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pll")
    _, onnx = random_mlp(tmp / "m.onnx", [20, 12, 5], seed=6)
    return api.compile(onnx, tmp / "b", pe=4, simd=4, board="icebreaker")


def test_a_board_without_a_uart_gets_no_pll(net):
    """A board with no uart section keeps the byte shell on the board clock: no PLL."""
    board = dict(load_board("icebreaker"))
    board.pop("uart")
    with pytest.raises(HwgenError, match="has no uart section, so no PLL shell"):
        shell_plan(net.path, board, 48)


def test_icebreaker_on_a_pll_clock(net, capsys):
    """24 MHz from the 12 MHz oscillator (a multiple of 3 Mbaud): the top is the PLL's, the
    route is judged at 24 MHz, the rates follow the PLL clock; 120 MHz is missed and says so in
    one line with a clock to ask for."""
    for tool in ("yosys", "nextpnr-ice40", "icepack"):
        need_tool(tool)
    need_pll_calculator("ice40")
    b = net
    code, out, err = run_cli(capsys, "synth", b.path, "--clock-mhz", 24)
    assert code == 0, err
    work = b.path / "bitstream" / "icebreaker"
    r = json.loads((work / "result.json").read_text())
    assert r["shell"] == "hwgen_uart_pll_ice40" and r["target_mhz"] == 24.0
    assert r["board_clock_mhz"] == 12 and r["pll"] == {
        "DIVR": 0,
        "DIVF": 63,
        "DIVQ": 5,
        "FILTER_RANGE": 1,
    }
    assert r["timing_met"] and list(r["fmax_by_clock"]) == ["pll_clk"]
    assert "meets the PLL's 24 MHz" in out
    log = (work / "nextpnr.log").read_text()
    assert "constrained PLL 'u_pll'" in log and "unconstrained" not in log
    rates = bitstream_rates(b.estimate["cycles"], r)
    assert rates["clock_mhz"] == 24.0 and rates["fps_at_clock"] == 24e6 / b.estimate["cycles"]

    code, out, err = run_cli(capsys, "synth", b.path, "--clock-mhz", 120)
    assert_one_line_error(code, err, "timing not met on icebreaker", "under the PLL's 120 MHz")
    fmax = json.loads((work / "result.json").read_text())["fmax_mhz"]
    assert f"--clock-mhz {fastest_clock(fmax, 3_000_000):g} or less" in err


def test_a_clock_the_baud_rate_does_not_divide_stops_before_the_tools(net, capsys):
    need_pll_calculator("ice40")
    code, _out, err = run_cli(capsys, "synth", net.path, "--clock-mhz", 50)
    assert_one_line_error(code, err, "50.25 MHz clock makes icebreaker's 3,000,000 baud")
