"""`hwgen demo`, `hwgen bench`, `hwgen bench-finn`, `hwgen calibrate` and
`hwgen calibrate-timing`."""

from __future__ import annotations

from pathlib import Path

from hwgen.cli.io import command, console, step_status
from hwgen.cli.sweep import add_ray_flags

# The commands here train nets: their modules import torch and Brevitas, an extra
# (`pip install hwgen[train]`), so each is imported when its command runs and the rest of
# the command line works without them.


def cmd_demo(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    from hwgen.bench.demo import demo

    demo(Path(a.output), sim=a.sim, console=console())


def cmd_bench(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    from hwgen.bench.suite import bench

    bench(Path(a.output), console=console())


def cmd_bench_finn(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    from hwgen.bench.finn import bench_finn

    bench_finn(Path(a.output), console())


def cmd_calibrate_timing(a) -> None:
    # deferred: torch (the hwgen[train] extra) trains the digits net
    from hwgen.bench.suite import bench_models
    from hwgen.bench.timing import fit_timing, run_points, timing_table, write_timing

    out = Path(a.output)
    out.mkdir(parents=True, exist_ok=True)
    con = console()
    with step_status(con, "timing points: compile, Yosys, nextpnr") as st:
        results = run_points(
            bench_models(out), out / "timing", st, slow=a.slow, nets=tuple(a.net or ())
        )
    table, _ = timing_table(results)
    con.print(table)
    coefs = {}
    for fam in sorted({r["family"] for r in results}):
        c, rows = fit_timing(results, fam)
        coefs[fam] = c
        worst = max(abs(r["error"]) for r in rows)
        con.print(f"{fam}: {len(rows)} routed designs, model within {worst:.1%} of nextpnr")
        for r in rows:
            con.print(
                f"  {r['label']}: routed {r['routed_mhz']:.1f} MHz, model {r['model_mhz']:.1f} "
                f"({r['error']:+.1%})"
            )
    if a.write:
        write_timing(coefs)
        con.print("wrote hwgen/estimate/timing.json")


def cmd_calibrate(a) -> None:
    # deferred: torch (the hwgen[train] extra) trains the calibration nets
    from hwgen.bench.image_cnn import image_cnn_onnx
    from hwgen.bench.suite import digits_onnx
    from hwgen.estimate.calibrate import (
        FAMILY_BOARD,
        bireal_onnx,
        calibrate,
        errors,
        leave_one_out,
        load_samples,
        precision_onnx,
        sweep_builds,
    )

    out = Path(a.output)
    out.mkdir(parents=True, exist_ok=True)
    con = console()
    with step_status(con, "training the calibration nets, then the sweep") as st:
        models = {
            "mlp": digits_onnx(out, "mlp"),
            "cnn": digits_onnx(out, "cnn"),
            "pcnn": image_cnn_onnx(out),
            "bireal": bireal_onnx(out),
            "q2mlp": precision_onnx(out, "mlp"),
            "q2cnn": precision_onnx(out, "cnn"),
        }
        builds = sweep_builds(models, out, st, address=a.address, timeout=a.timeout)
    samples = {fam: load_samples(builds, fam) for fam in FAMILY_BOARD}
    calibrate(samples)
    for fam, ss in samples.items():
        if not ss:
            continue
        errs = errors(ss, fam)
        loo = leave_one_out(ss, fam)
        cells = (
            f", packed cells worst {max(abs(e['lc_err']) for e in errs):.1%} "
            f"(leave-one-out {loo['lc_worst']:.1%})"
            if "lc_worst" in loo
            else ""
        )
        con.print(
            f"{fam}: {len(errs)} designs, LUT worst {max(abs(e['lut_err']) for e in errs):.1%}, "
            f"FF worst {max(abs(e['ff_err']) for e in errs):.1%}; leave-one-out LUT worst "
            f"{loo['lut_worst']:.1%}, FF worst {loo['ff_worst']:.1%}{cells}"
        )
    con.print("wrote hwgen/estimate/calibration.json")


def add_parsers(sub) -> None:
    """demo, bench, bench-finn, calibrate."""
    d = command(sub, "demo", "train, compile, simulate and report a digits MLP", cmd_demo)
    d.add_argument("-o", "--output", default="build/demo", help="output folder")
    d.add_argument("--sim", choices=("verilator", "icarus"), default="verilator", help="simulator")

    b = command(sub, "bench", "print the benchmark table", cmd_bench)
    b.add_argument("-o", "--output", default="build/bench", help="output folder")

    bf = command(
        sub,
        "bench-finn",
        "FINN's estimates next to hwgen's (needs finn-plus: make bench-finn)",
        cmd_bench_finn,
    )
    bf.add_argument("-o", "--output", default="build/bench-finn", help="output folder")

    ca = command(
        sub,
        "calibrate",
        "refit the estimator to Yosys over a folding sweep (minutes)",
        cmd_calibrate,
    )
    ca.add_argument(
        "-o", "--output", default="build/calibrate", help="sweep folder (its builds are reused)"
    )
    add_ray_flags(ca)

    ct = command(
        sub,
        "calibrate-timing",
        "route the timing points (iCE40, ECP5) before and after the stages, refit the timing "
        "model to nextpnr's fmax (tens of minutes)",
        cmd_calibrate_timing,
    )
    ct.add_argument(
        "-o", "--output", default="build/bench", help="folder (its points' results are reused)"
    )
    ct.add_argument("--slow", action="store_true", help="CNV-W1A1 too (about 40 minutes more)")
    ct.add_argument(
        "--net", action="append", help="only this net's points (repeatable), e.g. TFC-W1A1"
    )
    ct.add_argument(
        "--write", action="store_true", help="write the fitted coefficients to timing.json"
    )
