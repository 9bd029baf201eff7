"""`hwgen sweep`: the design-space sweep command (hwgen.sweep), its flags and its table."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hwgen.cli.io import command, console, non_negative, sizes
from hwgen.errors import HwgenError
from hwgen.sweep import check, grid, sweep
from hwgen.sweep.points import model_files


def rates(text: str) -> list[float]:
    """Comma-separated positive frame rates (argparse type)."""
    try:
        vals = [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a comma-separated list of frame rates"
        ) from None
    if not vals or min(vals) <= 0:
        raise argparse.ArgumentTypeError(f"'{text}': every rate must be > 0")
    return vals


def seconds(text: str) -> float:
    """A positive number of seconds (argparse type)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"{v:g} must be > 0")
    return v


def add_ray_flags(p: argparse.ArgumentParser) -> None:
    """--address and --timeout, shared by sweep, calibrate and compare."""
    p.add_argument(
        "--address",
        default=None,
        help="a running Ray cluster: ray://HOST:10001 (Ray Client), 127.0.0.1:PORT (a head on this "
        "machine) or auto; default $RAY_ADDRESS, else a local Ray on this machine's cores "
        "(loopback only). Ray has no authentication: use a cluster on a trusted network only",
    )
    p.add_argument(
        "--timeout", type=seconds, default=None, help="seconds a point may take (default: no limit)"
    )


def add_sweep_parser(sub) -> None:
    """The `sweep` sub-command."""
    sw = command(
        sub,
        "sweep",
        "design-space sweep (folding x board x synthesis, simulation) on Ray",
        cmd_sweep,
    )
    sw.add_argument("model", help="QONNX model file")
    sw.add_argument(
        "-o",
        "--output",
        default="build/sweep",
        help="folder of sweep.json/csv/png (default: %(default)s)",
    )
    sw.add_argument(
        "--board", default="pynq-z2", help="board of boards/*.yaml (default: %(default)s)"
    )
    sw.add_argument("--pe", type=sizes, default=None, help="global PE values, e.g. 1,2,4")
    sw.add_argument("--simd", type=sizes, default=None, help="global SIMD values, e.g. 4,8,16")
    sw.add_argument(
        "--target-fps",
        type=rates,
        default=None,
        help="frame rates to fold for (folding searched per point), instead of --pe/--simd",
    )
    sw.add_argument("--synth", action="store_true", help="Yosys synthesis of every point")
    sw.add_argument(
        "--pnr", action="store_true", help="nextpnr place and route (iCE40 boards): fmax"
    )
    sw.add_argument(
        "--sim-frames",
        type=non_negative,
        default=0,
        help="simulate this many random frames of every point (native Verilator) against golden",
    )
    sw.add_argument(
        "--archive",
        action="store_true",
        help="also bring back every point's build folder (builds/)",
    )
    sw.add_argument(
        "--no-cache",
        action="store_true",
        help="run every point again (default: reuse finished ones)",
    )
    add_ray_flags(sw)


def cmd_sweep(a) -> None:

    if a.target_fps and (a.pe or a.simd):
        raise HwgenError("--target-fps: give either --target-fps or --pe/--simd, not both")
    points = grid(
        a.board,
        a.pe,
        a.simd,
        a.target_fps,
        synth=a.synth,
        pnr=a.pnr,
        sim_frames=a.sim_frames,
        archive=a.archive,
    )
    check(points, a.address)
    model_files(Path(a.model))  # a missing model: one line before any progress bar
    con = console()
    title = f"sweep of {Path(a.model).name}: {len(points)} points on {a.board}"
    if con.is_terminal:
        cols = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
        with Progress(*cols, TimeElapsedColumn(), console=con, transient=True) as prog:
            task = prog.add_task("sweep", total=len(points))

            def progress(done, total, label):
                prog.update(task, completed=done, description=f"sweep: {label}")

            table, files = sweep(
                Path(a.model),
                Path(a.output),
                points,
                address=a.address,
                timeout=a.timeout,
                progress=progress,
                cache=not a.no_cache,
            )
    else:  # a log: each point's row as it finishes, so a long sweep is never silent
        con.print(title)
        t0, seen = time.monotonic(), []

        def row_line(r):
            seen.append(r)
            con.print(
                f"  {time.monotonic() - t0:7.1f} s  {len(seen)}/{len(points)}  " + row_text(r),
                soft_wrap=True,
            )

        table, files = sweep(
            Path(a.model),
            Path(a.output),
            points,
            address=a.address,
            timeout=a.timeout,
            cache=not a.no_cache,
            on_row=row_line,
        )
    print_sweep(con, table, title)
    failed = [r for r in table if r["status"] != "ok"]
    cached = sum(1 for r in table if r["cached"])
    con.print(
        f"{len(table)} points ({cached} from the cache, {len(failed)} failed); wrote "
        f"{files['json']}, "
        f"{files['csv']} and {files['png']}"
    )


def row_text(r: dict) -> str:
    """One point's row as a log line: its label, figures and status."""
    if r["status"] != "ok":
        return f"{r['label']}: failed after {r['seconds']:.1f} s: {r['error']}"
    figs = [
        f"{r['cycles']:,} cycles",
        f"{r['fps']:,.0f} frames/s",
        f"LUT est {r['lut']:,}",
        f"FF est {r['ff']:,}",
        f"BRAM est {r['bram']:g}",
        "fits" if r["fits"] else "does not fit",
    ]
    figs += [
        f"{h} {r[k]:,.1f}" if isinstance(r[k], float) else f"{h} {r[k]:,}"
        for k, h in EXTRA
        if r.get(k) is not None
    ]
    return f"{r['label']}: " + ", ".join(figs) + (" (cached)" if r["cached"] else "")


#: the sweep table's optional columns: (row key, heading), shown when any point has them
EXTRA = [
    ("lut_syn", "LUT Yosys"),
    ("ff_syn", "FF Yosys"),
    ("fmax_mhz", "fmax MHz"),
    ("sim_cycles_per_frame", "sim cyc/frame"),
]


def print_sweep(con, table: list[dict], title: str | None = None) -> None:
    """The sweep's table: one row a point, the synthesized and simulated figures when run."""
    t = Table(title=title, show_edge=False)
    cols = ["point", "cycles", "fps", "LUT est", "FF est", "BRAM est", "fits"]
    extra = [(k, h) for k, h in EXTRA if any(r.get(k) is not None for r in table)]
    for c in cols + [h for _, h in extra] + ["s", "status"]:
        t.add_column(
            c, justify="left" if c in ("point", "status") else "right", no_wrap=c == "point"
        )
    for r in table:
        if r["status"] != "ok":
            t.add_row(
                r["label"],
                *[""] * (len(cols) - 1 + len(extra)),
                f"{r['seconds']:.1f}",
                f"failed: {r['error']}",
            )
            continue
        cells = [
            r["label"],
            f"{r['cycles']:,}",
            f"{r['fps']:,.0f}",
            f"{r['lut']:,}",
            f"{r['ff']:,}",
            f"{r['bram']:g}",
            "yes" if r["fits"] else "no",
        ]
        cells += [
            ("" if r.get(k) is None else f"{r[k]:,.1f}" if isinstance(r[k], float) else f"{r[k]:,}")
            for k, _ in extra
        ]
        t.add_row(*cells, f"{r['seconds']:.1f}", "cached" if r["cached"] else "ok")
    con.print(t)
