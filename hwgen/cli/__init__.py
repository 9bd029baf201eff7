"""Command line: `hwgen train | compile | run | sim | synth | package | report | ...`.

Thin: parse arguments, call the library (mostly `hwgen.api`), print. The commands live in
one module per group (`build_cmds`: compile, synthesis, packaging; `run_cmds`: run and sim;
`train_cmds`;
`tool_cmds`: bench, calibrate, demo; `sweep`). A HwgenError (bad model, file or option) is
printed as one line on stderr with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings

from hwgen.cli import build_cmds, prove_cmds, run_cmds, sweep, tool_cmds, train_cmds
from hwgen.cli.io import HelpFormatter, OneLineParser
from hwgen.errors import HwgenError
from hwgen.paths import VERSION


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    p = OneLineParser(
        prog="hwgen",
        description="Binary neural nets to verified FPGA dataflow hardware.",
        formatter_class=HelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"hwgen {VERSION}")
    sub = p.add_subparsers(dest="command", required=True)
    train_cmds.add_parsers(sub)
    build_cmds.add_parsers(sub)
    run_cmds.add_parsers(sub)
    tool_cmds.add_parsers(sub)
    prove_cmds.add_parsers(sub)
    sweep.add_sweep_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `hwgen` console script."""
    args = build_parser().parse_args(argv)
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    _quiet_libraries()
    try:
        args.func(args)
    except HwgenError as e:
        print(f"hwgen: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("hwgen: interrupted", file=sys.stderr)
        return 130
    return 0


def _quiet_libraries() -> None:
    """Brevitas/torch print import-time warnings that say nothing to a user of hwgen."""
    warnings.filterwarnings("ignore")
    logging.getLogger("torch").setLevel(logging.ERROR)
