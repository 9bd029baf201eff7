"""A watched place-and-route: stages from the log as progress, and a wall-clock limit that
stops a placer which never gives up (nextpnr 0.4 on a design it cannot legalise)."""

import sys

import pytest

from hwgen.errors import HwgenError
from hwgen.flows import lattice
from hwgen.flows.watched import (
    PNR_TIMEOUT_S,
    PlacerStalled,
    pnr_timeout,
    run_watched,
    stage_of,
)

STUCK = (
    "import sys, time\n"
    "print('Info: Running main analytical placer.', flush=True)\n"
    "print('Info:     at iteration #3, type ALL: wirelen solved = 1', flush=True)\n"
    "time.sleep(60)\n"
)


def test_stage_of_a_log():
    assert stage_of("Info: Packing constants..\n") is None
    log = "Info: Running main analytical placer.\nInfo:     at iteration #2, type ALL\n"
    assert stage_of(log) == "placing (analytic iteration 2)"
    assert stage_of(log + "Info: Routing..\n") == "routing"


def test_a_placer_that_never_finishes_is_stopped_in_one_line(tmp_path):
    seen = []
    with pytest.raises(HwgenError) as e:
        run_watched(
            [sys.executable, "-c", STUCK],
            tmp_path,
            tmp_path / "p.log",
            "nextpnr-ice40",
            seen.append,
            timeout=3,
        )
    msg = str(e.value)
    assert "nextpnr-ice40 stopped after 3 s still placing (analytic iteration 3)" in msg
    assert "HWGEN_PNR_TIMEOUT" in msg and "\n" not in msg
    assert any("placing (analytic iteration 3)" in s for s in seen)


def test_a_finished_run_returns_its_status(tmp_path):
    code = run_watched(
        [sys.executable, "-c", "print('Info: Routing..'); raise SystemExit(3)"],
        tmp_path,
        tmp_path / "p.log",
        "tool",
        timeout=30,
    )
    assert code == 3 and "Routing" in (tmp_path / "p.log").read_text()


def test_the_limit_comes_from_the_environment(monkeypatch):
    assert pnr_timeout() == PNR_TIMEOUT_S
    monkeypatch.setenv("HWGEN_PNR_TIMEOUT", "90")
    assert pnr_timeout() == 90.0
    monkeypatch.setenv("HWGEN_PNR_TIMEOUT", "soon")
    with pytest.raises(HwgenError, match="HWGEN_PNR_TIMEOUT: a positive number"):
        pnr_timeout()


def test_a_silent_placer_counts_as_stalled(tmp_path):
    with pytest.raises(PlacerStalled, match="no line for [0-9]+ s, still placing"):
        run_watched([sys.executable, "-c", STUCK], tmp_path, tmp_path / "p.log", "tool", stall=2)


#: a stand-in nextpnr: its analytic placer loops with the seeds named in its first argument,
#: and routes otherwise
SEEDED = (
    "import sys, time\n"
    "placer = sys.argv[sys.argv.index('--placer') + 1]\n"
    "seed = sys.argv[sys.argv.index('--seed') + 1]\n"
    "print('Info: Running main analytical placer.', flush=True)\n"
    "if placer == 'heap' and seed in sys.argv[1]:\n"
    "    time.sleep(60)\n"
    "print('Info: Routing..', flush=True)\n"
)


def _place(tmp_path, loops: str, progress):
    cmd = [sys.executable, "-c", SEEDED, loops]
    return lattice.place_and_route(cmd, tmp_path, "icebreaker", "nextpnr-ice40", progress)


def test_a_looping_placer_is_run_again_with_the_next_seed(tmp_path, monkeypatch):
    monkeypatch.setattr(lattice, "PLACER_STALL_S", 2)
    seen = []
    assert _place(tmp_path, "1", seen.append) == ("heap", 2)
    assert "Routing" in (tmp_path / "nextpnr.log").read_text()
    assert any("with heap seed 1: its placer loops; heap seed 2" in s for s in seen)


def test_a_placer_looping_with_every_seed_is_placed_by_annealing(tmp_path, monkeypatch):
    monkeypatch.setattr(lattice, "PLACER_STALL_S", 1)
    seen = []
    assert _place(tmp_path, "123", seen.append) == ("sa", 1)
    assert any("with heap seed 3: its placer loops; sa seed 1" in s for s in seen)


def test_a_placer_looping_with_every_placement_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(lattice, "PLACER_STALL_S", 1)
    monkeypatch.setattr(lattice, "PLACEMENTS", (("heap", 1),))
    with pytest.raises(HwgenError) as e:
        _place(tmp_path, "1", print)
    assert "with heap seed 1 " in str(e.value) and "fold more" in str(e.value)
    assert "\n" not in str(e.value)
