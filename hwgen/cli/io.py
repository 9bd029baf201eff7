"""Checked command-line values: argument types and the parser's one-line errors (status 1),
and .npy input/output."""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from rich.console import Console

from hwgen.errors import HwgenError

#: the array an .npz holds the inputs under (`hwgen train` writes MODEL.test.npz with x, y, out)
NPZ_INPUT_KEY = "x"


def load_npy(path: str, what: str) -> np.ndarray:
    """A .npy array, or the `x` array of an .npz (as `hwgen train` writes); never pickles."""
    try:
        data = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise HwgenError(f"{path}: {what} file not found") from None
    except (ValueError, OSError, EOFError) as e:
        raise HwgenError(f"{path}: not a readable .npy array ({e})") from None
    if isinstance(data, np.lib.npyio.NpzFile):
        with data:
            if NPZ_INPUT_KEY not in data.files:
                raise HwgenError(
                    f"{path}: an .npz needs its {what} under the key '{NPZ_INPUT_KEY}' "
                    f"(it has {', '.join(data.files) or 'no arrays'})"
                )
            try:
                return data[NPZ_INPUT_KEY]
            except ValueError as e:
                raise HwgenError(f"{path}: array '{NPZ_INPUT_KEY}' is not readable ({e})") from None
    return data


def save_npy(path: str, arr: np.ndarray) -> None:
    """Write `arr` to exactly `path` (no suffix added); a missing folder is created, and said,
    only under an existing writable one."""
    p = Path(path)
    if p.is_dir():
        raise HwgenError(f"{path}: is a folder; give a file name for the .npy output")
    if not p.parent.exists():
        anchor = next(a for a in p.parent.parents if a.exists())
        if not os.access(anchor, os.W_OK):
            raise HwgenError(
                f"{path}: folder {p.parent} does not exist and {anchor} is not writable"
            )
        p.parent.mkdir(parents=True)
        print(f"created folder {p.parent}")
    try:
        with open(p, "wb") as f:
            np.save(f, arr)
    except OSError as e:
        raise HwgenError(f"{path}: cannot write ({e.strerror})") from None


def fps_text(fps: float) -> str:
    """'12,345 frames/s', or three significant figures below 100 ('0.0213 frames/s'): a slow
    simulator's rate must not round to 0."""
    return f"{fps:,.0f} frames/s" if fps >= 100 else f"{fps:.3g} frames/s"


def _int_at_least(text: str, low: int) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an integer") from None
    if v < low:
        raise argparse.ArgumentTypeError(f"{v} must be >= {low}")
    return v


def positive(text: str) -> int:
    """An integer >= 1 (argparse type)."""
    return _int_at_least(text, 1)


def positive_float(text: str) -> float:
    """A number > 0 (argparse type), e.g. a clock in MHz."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not v > 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return v


def non_negative(text: str) -> int:
    """An integer >= 0 (argparse type)."""
    return _int_at_least(text, 0)


def sizes(text: str) -> list[int]:
    """Comma-separated positive layer sizes."""
    try:
        sizes = [int(h) for h in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a comma-separated list of sizes"
        ) from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"'{text}': every size must be >= 1")
    return sizes


class OneLineParser(argparse.ArgumentParser):
    """argparse with hwgen's contract for bad input: one line naming the flag, exit status 1
    (argparse's own is a usage block and status 2)."""

    def error(self, message: str):
        command = self.prog.split(" ", 1)[-1] if " " in self.prog else ""
        self.exit(1, f"hwgen {command}: error: {message}\n".replace("hwgen : ", "hwgen: "))


def console():
    """The console every command prints to."""
    # not a terminal (a pipe, a log, CI): rich would cut tables at 80 columns, and the layer
    # names --fold needs with them
    return Console(stderr=False, highlight=False, width=None if sys.stdout.isatty() else 200)


@contextmanager
def step_status(con, text: str):
    """A long step's progress: a spinner with the latest stage on a terminal; elsewhere (a
    log, CI) the step and each stage as a line with the seconds since the step began, so no
    long step is silent. Yields the update(text) callback."""
    if con.is_terminal:
        with con.status(text) as st:
            yield st.update
        return
    t0 = time.monotonic()
    con.print(text)
    yield lambda stage: con.print(f"  {time.monotonic() - t0:7.1f} s  {stage}")


class HelpFormatter(argparse.HelpFormatter):
    """`--help` shows each flag's default, except where there is none to show."""

    def _get_help_string(self, action):
        text = action.help or ""
        if (
            "%(default)" in text
            or "default:" in text
            or action.default in (None, False, argparse.SUPPRESS)
        ):
            return text
        if action.option_strings or action.nargs in (argparse.OPTIONAL, argparse.ZERO_OR_MORE):
            return text + " (default: %(default)s)"
        return text


def command(sub, name: str, help: str, func) -> argparse.ArgumentParser:
    """A sub-command's parser, with defaults in its --help and `func` to run."""
    p = sub.add_parser(name, help=help, description=help, formatter_class=HelpFormatter)
    p.set_defaults(func=func)
    return p
