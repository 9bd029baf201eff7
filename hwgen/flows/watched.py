"""A place-and-route run watched while it goes: its stage from the log as progress, and a
wall-clock limit, since nextpnr 0.4's placer can loop for good on a design it cannot legalise
(YosysHQ/nextpnr#1062: HeAP's legaliser; the SA placer's initial placement likewise) instead
of failing."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Callable

from hwgen.errors import HwgenError

#: seconds a place-and-route may take before it is stopped (HWGEN_PNR_TIMEOUT overrides)
PNR_TIMEOUT_S = 1800.0

#: seconds nextpnr's placer may go without a line before it counts as looping (its iterations
#: print every few seconds, CNV's on ECP5 included; a looping legaliser prints nothing: the
#: UP5K at 83 % full does, with one seed and not another, or with every seed)
PLACER_STALL_S = 240.0


class PlacerStalled(HwgenError):
    """nextpnr's placer went silent: its legaliser loops (lattice.PLACEMENTS says what to try
    next)."""


#: (pattern in nextpnr's log, the stage it starts), in the order they appear
_STAGES = [
    (re.compile(r"Running main analytical placer|Creating initial placement"), "placing"),
    (re.compile(r"at iteration #(\d+)"), "placing (analytic iteration {0})"),
    (re.compile(r"Running detail placement|Running simulated annealing|Starting SA"), "refining"),
    (re.compile(r"Routing\.\.|Running router2|Setting up routing queue"), "routing"),
]


def pnr_timeout() -> float:
    """The limit in seconds: HWGEN_PNR_TIMEOUT when set (a positive number), else the default."""
    text = os.environ.get("HWGEN_PNR_TIMEOUT")
    if text is None:
        return PNR_TIMEOUT_S
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise HwgenError(f"HWGEN_PNR_TIMEOUT: a positive number of seconds, not {text!r}")
    return value


def stage_of(log_text: str) -> str | None:
    """The latest stage a nextpnr log shows, or None before placement starts."""
    found, at = None, -1
    for pattern, stage in _STAGES:
        for m in pattern.finditer(log_text):
            if m.start() > at:
                found, at = stage.format(*m.groups()), m.start()
    return found


def run_watched(
    cmd: list[str],
    work: Path,
    log: Path,
    tool: str,
    progress: Callable[[str], None] = lambda s: None,
    timeout: float | None = None,
    stall: float | None = None,
) -> int:
    """Run `cmd` in `work` with its output in `log`; report each new stage with the seconds
    since the start; stop it after `timeout` (default `pnr_timeout()`) with one error naming
    the stage it was stuck in, or (`stall`) raise `PlacerStalled` once it has been placing for
    `stall` seconds without a line. Returns the exit status."""
    limit = pnr_timeout() if timeout is None else timeout
    t0, shown, said = time.monotonic(), None, 0.0
    size, grew = 0, t0
    with open(log, "w") as f:
        p = subprocess.Popen(cmd, cwd=work, stdout=f, stderr=subprocess.STDOUT)
        try:
            while p.poll() is None:
                time.sleep(1.0)
                text = log.read_text(errors="replace")
                if len(text) != size:
                    size, grew = len(text), time.monotonic()
                stage = stage_of(text)
                # a new stage at once; a new iteration of the same one at most every 15 s
                new = stage and stage.split(" (")[0] != (shown or "").split(" (")[0]
                if stage and stage != shown and (new or time.monotonic() - said >= 15):
                    shown, said = stage, time.monotonic()
                    progress(f"{tool}: {stage} ({said - t0:.0f} s)")
                quiet = time.monotonic() - grew
                if stall and stage and stage.startswith("placing") and quiet > stall:
                    p.kill()
                    p.wait()
                    raise PlacerStalled(f"{tool}: no line for {quiet:.0f} s, still {stage}")
                if time.monotonic() - t0 > limit:
                    p.kill()
                    p.wait()
                    raise HwgenError(
                        f"{tool} stopped after {limit:.0f} s still {shown or 'starting'} (log: "
                        f"{log}): its placer can loop for good on a design it cannot legalise "
                        "(many distinct clock-enable/reset sets in a nearly full part); fold "
                        "more, or raise HWGEN_PNR_TIMEOUT"
                    )
        except BaseException:
            if p.poll() is None:  # an interrupt: the tool goes with us
                p.kill()
                p.wait()
            raise
    return p.returncode
