"""Command line: `hwgen train | compile | run | sim | demo | bench`.

Thin: parse arguments, call the library, print. A HwgenError (bad model, file or option)
is printed as one line on stderr with exit status 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

from hwgen.cli_io import OneLineParser, load_npy, non_negative, positive, save_npy, sizes
from hwgen.cli_sweep import add_ray_flags, add_sweep_parser
from hwgen.cli_tables import print_fit, print_layers
from hwgen.errors import HwgenError


def _console():
    from rich.console import Console
    # not a terminal (a pipe, a log, CI): rich would cut tables at 80 columns, and the layer
    # names --fold needs with them
    return Console(stderr=False, highlight=False, width=None if sys.stdout.isatty() else 200)


# ---------------------------------------------------------------------------- commands
def cmd_train(a) -> None:
    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, train
    import torch

    out = Path(a.output)
    split = load_dataset(a.dataset, flat=a.model != "cnn")
    torch.manual_seed(a.seed)
    hidden = a.hidden
    binarizer = a.binarizer or ("bireal" if a.model == "bireal-mlp" else None)
    model = build_model(a.model, split.x_train.shape[1:], split.num_classes, hidden, binarizer=binarizer,
                        input_bits=a.input_bits, shift_bn=a.shift_bn)
    res = train(model, split, epochs=a.epochs, seed=a.seed, progress=sys.stdout.isatty(), binarizer=binarizer,
                optimizer=a.optimizer, pretrain_epochs=a.pretrain_epochs)
    export(model, split.x_train.shape[1:], out)
    ref = out.with_suffix(".test.npz")
    np.savez(ref, x=split.x_test, y=split.y_test, out=res.test_outputs)
    print(f"trained {a.model} on {a.dataset}: test accuracy {res.accuracy:.2%} ({res.seconds:.1f} s)")
    print(f"wrote {out} (QONNX) and {ref} (test inputs, labels and PyTorch outputs)")


def cmd_compile(a) -> None:
    import json

    from hwgen.passes.folding import load_fold_config
    from hwgen.pipeline import CompileOptions, compile_model

    if a.fold and (a.pe or a.simd):
        raise HwgenError("--fold cannot be combined with --pe/--simd")
    if a.target_fps is not None and (a.fold or a.pe or a.simd):
        raise HwgenError("--target-fps chooses the folding: it cannot be combined with --fold/--pe/--simd")
    target = a.target_fps
    if target is not None and target != "max":
        try:
            target = float(target)
        except ValueError:
            raise HwgenError(f"--target-fps must be a number of frames/s or 'max', not '{target}'") from None
    fold = load_fold_config(Path(a.fold)) if a.fold else None
    opts = CompileOptions(Path(a.model), Path(a.output), a.pe, a.simd, fold, board=a.board,
                          target_fps=target)
    con = _console()
    with con.status("compiling") as status:
        g, log = compile_model(opts, from_step=a.from_step,
                               progress=lambda step: status.update(f"compiling: {step}"))
    report = json.loads((opts.out / "report.json").read_text())
    print_layers(con, report)
    print_fit(con, report)
    con.print("steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in log.seconds.items()))
    con.print(f"wrote {opts.out}/ (graph.json, rtl/hwgen_top.v, report.json)")


def cmd_run(a) -> None:
    from hwgen.ir import Graph
    from hwgen.pipeline import run_golden, run_rtl

    g = Graph.load_build(Path(a.build))
    x = load_npy(a.input, "input")
    if a.backend == "golden":
        y = run_golden(g, x)
    elif a.backend == "csim":
        from hwgen.pipeline import run_csim_model
        y, res = run_csim_model(g, Path(a.build), x)
        print(f"csim: {len(x)} frames, kernel trips {res.trips}")
    else:
        y, res = run_rtl(g, Path(a.build), x, sim=a.sim, testbench=a.testbench, trace=a.trace)
        cycles = res.done_cycles[-1] if res.done_cycles else 0
        print(f"{a.sim} ({res.testbench} testbench): {len(x)} frames, {cycles} cycles, "
              f"{len(x) / max(res.run_seconds, 1e-9):,.0f} frames/s simulated"
              + (f", build {res.build_seconds:.1f} s" if res.build_seconds else "")
              + (f"; waveform {a.trace}" if a.trace else ""))
    save_npy(a.output, y.astype(np.float32))
    if a.labels:
        save_npy(a.labels, np.argmax(y.reshape(len(y), -1), axis=1))  # first maximum, as torch
    print(f"wrote {a.output}" + (f" and {a.labels}" if a.labels else ""))


def cmd_sim(a) -> None:
    from hwgen.ir import Graph
    from hwgen.verify import verify_rtl

    g = Graph.load_build(Path(a.build))
    pause = a.backpressure or 0.0
    if not 0.0 <= pause < 1.0:
        raise HwgenError(f"--backpressure: a stall probability in [0, 1), not {pause}")
    r = verify_rtl(g, Path(a.build), frames=a.frames, sim=a.sim, pause=pause, seed=a.seed, testbench=a.testbench,
                   trace=a.trace)
    print(f"{a.sim} ({r.testbench} testbench): {r.frames} random frames"
          f"{f' with {pause:.0%} random stalls on both sides' if pause else ''}: "
          f"{r.mismatches} mismatching frames; {r.cycles_per_frame:.1f} cycles/frame "
          f"(bound {r.bound}, ratio {r.cycles_per_frame / r.bound:.3f}); "
          f"{r.frames / max(r.sim_seconds, 1e-9):,.0f} frames/s simulated"
          + (f"; waveform {a.trace}" if a.trace else ""))
    if r.mismatches:
        where = f"; first at frame {r.first_mismatch}" + (f", waveform: {r.waveform}" if r.waveform else "")
        raise HwgenError(f"RTL differs from the golden model on {r.mismatches} of {r.frames} frames{where}")


def cmd_hls_synth(a) -> None:
    from hwgen.flows.vitis_hls import run_vitis_hls
    print(f"exported IP project: {run_vitis_hls(Path(a.build))}")


def cmd_synth(a) -> None:
    from hwgen.flows.boards import load_board
    from hwgen.flows.yosys import run_yosys
    con = _console()
    with con.status(f"Yosys: synthesizing for {a.board}"):
        r = run_yosys(Path(a.build), a.board)
    b = load_board(a.board)
    s = r["summary"]
    con.print(f"{a.board} ({b['part']}), Yosys {r['seconds']:.1f} s: {s['lut']} LUT of {b['luts']} "
              f"({100 * s['lut'] / b['luts']:.1f}%), {s['ff']} FF of {b['ffs']}, {s['lutram']} LUTRAM cells, "
              f"{s['bram']} BRAM/EBR, {s['dsp']} DSP")
    if b["flow"] == "icestorm" and not a.no_pnr:
        from hwgen.flows.icestorm import build_bitstream
        with con.status("iCE40 flow") as status:
            res = build_bitstream(Path(a.build), a.board, progress=lambda step: status.update(f"iCE40 flow: {step}"))
        lc = res["utilization"].get("ICESTORM_LC", {})
        ok = "meets" if res["fmax_mhz"] and res["fmax_mhz"] >= res["target_mhz"] else "MISSES"
        con.print(f"bitstream {res['bitstream']} ({res['bitstream_bytes']:,} bytes): fmax {res['fmax_mhz']:.1f} MHz "
                  f"({ok} the board's {res['target_mhz']} MHz), {lc.get('used', 0)}/{lc.get('available', 0)} logic cells; "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in res["seconds"].items()))


def cmd_package(a) -> None:
    from hwgen.flows.vivado import run_vivado, write_package
    con = _console()
    paths = write_package(Path(a.build), a.board)
    con.print(f"wrote {paths['tcl']} (Vivado: IP, block design, bitstream) and {paths['deploy']}/ (driver, model, README)")
    if a.no_vivado:
        return
    import shutil
    if shutil.which("vivado") is None:
        con.print(f"[yellow]vivado is not on PATH: no bitstream yet.[/] On a machine with Vivado run "
                  f"`vivado -mode batch -source {paths['tcl']}`; it writes hwgen.bit and hwgen.hwh into "
                  f"{paths['deploy']}/.")
        return
    with con.status("Vivado: packaging, block design, implementation (tens of minutes)"):
        run_vivado(paths["tcl"])
    con.print(f"bitstream and handoff in {paths['deploy']}/")


def cmd_deploy_test(a) -> None:
    from hwgen.driver.deploy_test import deploy_test
    deploy_test(Path(a.build), a.board, frames=a.frames, batches=[int(b) for b in a.batch.split(",")],
                sim=a.sim, console=_console())


def cmd_hash(a) -> None:
    from hwgen.hash_codes import hash_codes
    bits = [int(b) for b in a.bits.split(",")]
    con = _console()
    with con.status("training hash nets"):
        hash_codes(Path(a.output), bits, epochs=a.epochs, rtl=a.rtl, console=con)


def cmd_compare(a) -> None:
    from hwgen.train.compare import compare
    methods = a.methods.split(",") if a.methods else None
    compare(Path(a.output), methods=methods, seeds=tuple(range(a.seeds)), epochs=a.epochs, console=_console(),
            address=a.address, timeout=a.timeout)


def cmd_bench_finn(a) -> None:
    from hwgen.bench_finn import bench_finn
    bench_finn(Path(a.output), _console())


def cmd_calibrate(a) -> None:
    from hwgen.bench import _digits_onnx
    from hwgen.estimate.calibrate import calibrate, errors, leave_one_out, load_samples, sweep_builds
    out = Path(a.output)
    out.mkdir(parents=True, exist_ok=True)
    con = _console()
    with con.status("training the digits MLP and CNN") as st:
        models = {"mlp": _digits_onnx(out, "mlp"), "cnn": _digits_onnx(out, "cnn")}
        builds = sweep_builds(models, out, lambda s: st.update(s), address=a.address, timeout=a.timeout)
    samples = {fam: load_samples(builds, fam) for fam in ("zynq7", "ice40")}
    calibrate(samples)
    for fam, ss in samples.items():
        errs = errors(ss, fam)
        loo = leave_one_out(ss, fam)
        con.print(f"{fam}: {len(errs)} designs, LUT worst {max(abs(e['lut_err']) for e in errs):.1%}, "
                  f"FF worst {max(abs(e['ff_err']) for e in errs):.1%}; leave-one-out LUT worst "
                  f"{loo['lut_worst']:.1%}, FF worst {loo['ff_worst']:.1%}")
    con.print("wrote hwgen/estimate/calibration.json")


def cmd_report(a) -> None:
    from hwgen.report import write_report
    con = _console()
    with con.status("writing the report (folding sweep, plots)"):
        files = write_report(Path(a.build))
    con.print(f"wrote {files['md']} and {files['html']} (open it in a browser)")


def cmd_demo(a) -> None:
    from hwgen.demo import demo
    demo(Path(a.output), sim=a.sim, console=_console())


def cmd_bench(a) -> None:
    from hwgen.bench import bench
    bench(Path(a.output), console=_console())


# ---------------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    p = OneLineParser(prog="hwgen", description="Binary neural nets to verified FPGA dataflow hardware.")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train a binary net with Brevitas and export QONNX")
    t.add_argument("--model", default="mlp", help="mlp, cnn, or bireal-mlp (Bi-Real: shortcuts around "
                                                   "each binary layer; --hidden gives equal widths, e.g. 128,128,128)")
    t.add_argument("--dataset", default="digits")
    t.add_argument("--epochs", type=positive, default=60)
    t.add_argument("--hidden", type=sizes, default=None, help="hidden layer sizes, e.g. 256,128")
    t.add_argument("--seed", type=non_negative, default=0)
    t.add_argument("--input-bits", type=int, choices=(1, 8), default=1,
                   help="mlp: 1 (input BatchNorm + sign, the default) or 8 (bnn_pynq's 8-bit input quantizer)")
    t.add_argument("--binarizer", help="training method of the binary activations: ste, stochastic, abc, "
                                       "tanh, bireal, mlp (default: Brevitas' binary activation; "
                                       "bireal for bireal-mlp)")
    t.add_argument("--optimizer", choices=("adam", "adamax"), default="adam",
                   help="adam (default) or adamax (BNN's optimizer)")
    t.add_argument("--shift-bn", action="store_true",
                   help="mlp: BNN's shift-based BatchNorm (power-of-two scales) in the hidden layers")
    t.add_argument("--pretrain-epochs", type=non_negative, default=0,
                   help="first train the real-valued twin with clip(x, -1, 1) activations for this many "
                        "epochs (Bi-Real's pretraining step)")
    t.add_argument("-o", "--output", default="model.onnx")
    t.set_defaults(func=cmd_train)

    c = sub.add_parser("compile", help="QONNX model -> IR -> Verilog in a build folder")
    c.add_argument("model")
    c.add_argument("-o", "--output", default="build")
    c.add_argument("--pe", type=positive, help="PE of every layer (clipped to its size)")
    c.add_argument("--simd", type=positive, help="SIMD of every layer (clipped to its size)")
    c.add_argument("--fold", help="JSON file: {layer: {pe: N, simd: N}}")
    c.add_argument("--from", dest="from_step", help="resume from a step (import, lower, fold, codegen, hls)")
    c.add_argument("--board", default="pynq-z2", help="board of boards/: part, clock, resources to fit")
    c.add_argument("--target-fps", help="frames/s to reach at the board clock (folding searched), or 'max'")
    c.set_defaults(func=cmd_compile)

    r = sub.add_parser("run", help="run a compiled model on inputs (golden model or RTL simulation)")
    r.add_argument("build")
    r.add_argument("-i", "--input", required=True, help=".npy of float32 inputs, the model's input shape")
    r.add_argument("-o", "--output", required=True, help=".npy of the model's outputs")
    r.add_argument("--labels", help=".npy of top-1 labels")
    r.add_argument("--backend", choices=("golden", "rtl", "csim"), default="golden")
    r.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    r.add_argument("--testbench", choices=("native", "cocotb"),
                   help="native: the compiled C++ testbench (Verilator's default); cocotb (Icarus' only one)")
    r.add_argument("--trace", type=Path, metavar="FILE.vcd",
                   help="write a VCD waveform of the whole run (native testbench; slower)")
    r.set_defaults(func=cmd_run)

    s = sub.add_parser("sim", help="simulate the accelerator on random frames against the golden model")
    s.add_argument("build")
    s.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    s.add_argument("--frames", type=positive, default=100)
    s.add_argument("--backpressure", type=float, nargs="?", const=0.3, metavar="P",
                   help="random stalls on input valid and output ready, probability P each cycle (0.3 if no P)")
    s.add_argument("--testbench", choices=("native", "cocotb"),
                   help="native: the compiled C++ testbench (Verilator's default); cocotb (Icarus' only one)")
    s.add_argument("--trace", type=Path, metavar="FILE.vcd",
                   help="write a VCD waveform of the whole run (native testbench; slower)")
    s.add_argument("--seed", type=int, default=1)
    s.set_defaults(func=cmd_sim)

    h = sub.add_parser("hls-synth", help="run Vitis HLS (csynth, IP export) on a build's generated script")
    h.add_argument("build")
    h.set_defaults(func=cmd_hls_synth)

    y = sub.add_parser("synth", help="Yosys synthesis for a board's family; on iCE40 boards also "
                                     "nextpnr-ice40 + icepack to a bitstream")
    y.add_argument("build")
    y.add_argument("--board", default="pynq-z2")
    y.add_argument("--no-pnr", action="store_true", help="iCE40 boards: stop after Yosys (no bitstream)")
    y.set_defaults(func=cmd_synth)

    pk = sub.add_parser("package", help="Zynq: Vivado project TCL (IP, block design, bitstream) and deploy/ folder")
    pk.add_argument("build")
    pk.add_argument("--board", default="pynq-z2")
    pk.add_argument("--no-vivado", action="store_true", help="write the script and deploy/ only")
    pk.set_defaults(func=cmd_package)

    dt = sub.add_parser("deploy-test", help="run the PYNQ driver against a simulation of the shell, vs golden")
    dt.add_argument("build")
    dt.add_argument("--board", default="pynq-z2", help="board whose DMA width the shell uses")
    dt.add_argument("--frames", type=positive, default=100)
    dt.add_argument("--batch", default="1,7,64", help="comma-separated frames per DMA transfer")
    dt.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    dt.set_defaults(func=cmd_deploy_test)

    cp = sub.add_parser("compare", help="train every binarizer (3 seeds) and its float twin; table and plot")
    cp.add_argument("-o", "--output", default="build/compare")
    cp.add_argument("--methods", help="comma-separated subset of ste,stochastic,abc,tanh,bireal,mlp,bireal-net")
    cp.add_argument("--seeds", type=positive, default=3)
    cp.add_argument("--epochs", type=positive, default=60)
    add_ray_flags(cp)
    cp.set_defaults(func=cmd_compare)

    hs = sub.add_parser("hash", help="DLBHC hash codes on digits: compiled, Hamming retrieval mAP vs LSH")
    hs.add_argument("-o", "--output", default="build/hash")
    hs.add_argument("--bits", default="16,32,48")
    hs.add_argument("--epochs", type=positive, default=60)
    hs.add_argument("--rtl", choices=("verilator", "icarus"), help="also take the test codes from RTL simulation")
    hs.set_defaults(func=cmd_hash)

    bf = sub.add_parser("bench-finn", help="FINN's estimates next to hwgen's (needs finn-plus: make bench-finn)")
    bf.add_argument("-o", "--output", default="build/bench-finn")
    bf.set_defaults(func=cmd_bench_finn)

    ca = sub.add_parser("calibrate", help="refit the estimator to Yosys over a folding sweep (minutes)")
    ca.add_argument("-o", "--output", default="build/calibrate")
    add_ray_flags(ca)
    ca.set_defaults(func=cmd_calibrate)

    rp = sub.add_parser("report", help="Markdown + HTML report of a build, with plots")
    rp.add_argument("build")
    rp.set_defaults(func=cmd_report)

    d = sub.add_parser("demo", help="train, compile, simulate and report a digits MLP")
    d.add_argument("-o", "--output", default="build/demo")
    d.add_argument("--sim", choices=("verilator", "icarus"), default="verilator")
    d.set_defaults(func=cmd_demo)

    add_sweep_parser(sub)

    b = sub.add_parser("bench", help="print the benchmark table")
    b.add_argument("-o", "--output", default="build/bench")
    b.set_defaults(func=cmd_bench)
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
    import logging
    import warnings
    warnings.filterwarnings("ignore")
    logging.getLogger("torch").setLevel(logging.ERROR)
