"""`hwgen run` and `hwgen sim`: a compiled build on inputs or random frames, on the golden
model, the C-simulation, or the simulated Verilog; RTL frames in shards over the cores
(`--jobs`, the default on Verilator's native testbench) or a Ray cluster (`--address`)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from hwgen import api
from hwgen.cli.io import command, fps_text, load_npy, positive, save_npy
from hwgen.errors import HwgenError
from hwgen.execution import run_csim_model, run_golden, run_rtl
from hwgen.sim.shards import default_jobs
from hwgen.sim.uart_board import default_sim, golden_mismatches

SIMS = ("verilator", "icarus")


class FramesProgress:
    """A progress bar of simulated frames (frames/s and the time left) on a terminal; a line
    per tenth of the run otherwise (logs)."""

    def __init__(self, what: str):
        self.what, self.bar, self.task, self.next_line = what, None, None, 0.1
        if sys.stderr.isatty():
            self.bar = Progress(
                TextColumn(f"{what}"),
                BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} frames"),
                TextColumn("{task.fields[fps]}"),
                TimeRemainingColumn(),
                transient=True,
            )

    def __enter__(self):
        if self.bar:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.stop()

    def __call__(self, done: int, total: int, seconds: float) -> None:
        fps = fps_text(done / max(seconds, 1e-9))
        if self.bar:
            if self.task is None:
                self.task = self.bar.add_task(self.what, total=total, fps=fps)
            self.bar.update(self.task, completed=done, fps=fps)
        elif done >= self.next_line * total or done == total:
            left = (total - done) * seconds / max(done, 1)
            print(
                f"{self.what}: {done:,} of {total:,} frames, {fps}, {left:.0f} s left",
                file=sys.stderr,
            )
            self.next_line = done / total + 0.1


def _sharded(a) -> bool:
    """Shards apply to Verilator's native testbench without a whole-run waveform."""
    wanted = a.jobs is not None or a.address is not None or a.resume
    possible = a.sim == "verilator" and a.testbench in (None, "native") and a.trace is None
    if wanted and not possible:
        raise HwgenError(
            "--jobs/--address/--resume: shards run the native testbench on Verilator, "
            "without --trace"
        )
    return possible


def cmd_run(a) -> None:
    a.sim = a.sim or default_sim(a.backend)
    build = api.load(a.build)
    x = load_npy(a.input, "input")
    labels = load_npy(a.labels_in, "labels") if a.labels_in else None
    if labels is not None and (labels.ndim != 1 or len(labels) != len(x)):
        raise HwgenError(
            f"{a.labels_in}: {labels.shape} labels for {len(x)} inputs; one label each"
        )
    differs = None  # a board backend's disagreement with golden, raised once outputs are saved
    if a.backend == "golden":
        y = build.predict(x)
    elif a.backend == "csim":
        y, res = run_csim_model(build.graph, build.path, x)
        print(f"csim: {len(x)} frames, kernel trips {res.trips}")
    elif a.backend in ("board", "uart", "netlist"):
        where = a.port if a.backend == "board" else f"{a.backend} simulation"
        with FramesProgress(f"{a.board or build.board} ({where})") as bar:
            y = build.predict(
                x, a.backend, a.sim, port=a.port, board=a.board, progress=bar, clock_mhz=a.clock_mhz
            )
        bad, first = golden_mismatches(build.graph, x, y)
        print(
            f"{a.board or build.board} over the UART link ({where}): {len(x)} frames, "
            f"{len(x) - bad} equal golden bit for bit"
        )
        if bad:
            differs = (
                f"{a.backend} differs from the golden model on {bad} of {len(x)} frames; "
                f"first at frame {first}"
            )
    elif _sharded(a):
        jobs = a.jobs or (None if a.address else default_jobs())
        with FramesProgress("RTL (native testbench)") as bar:
            y = build.predict(
                x,
                "rtl",
                jobs=jobs,
                address=a.address,
                resume=a.resume,
                shards=a.shards,
                progress=bar,
            )
        r = build.last_run
        print(
            f"verilator (native testbench, {r.shards} shards on "
            f"{f'{r.jobs} jobs' if r.where == 'local' else r.where}): {r.frames} frames, "
            f"{r.shards_run} shards simulated now, {fps_text(r.fps)}, "
            f"{r.cycles_per_frame:.1f} cycles/frame"
            + (f", build {r.build_seconds:.1f} s" if r.build_seconds else "")
            + f"; shards in {r.folder}"
        )
    else:
        with FramesProgress(f"RTL ({a.sim})") as bar:
            y, res = run_rtl(
                build.graph,
                build.path,
                x,
                sim=a.sim,
                testbench=a.testbench,
                trace=a.trace,
                progress=bar,
            )
        cycles = res.done_cycles[-1] if res.done_cycles else 0
        print(
            f"{a.sim} ({res.testbench} testbench): {len(x)} frames, {cycles} cycles, "
            f"{fps_text(len(x) / max(res.run_seconds, 1e-9))} simulated"
            + (f", build {res.build_seconds:.1f} s" if res.build_seconds else "")
            + (f"; waveform {a.trace}" if a.trace else "")
        )
    save_npy(a.output, y.astype(np.float32))
    if a.labels:
        save_npy(a.labels, _top1(y))
    if labels is not None:
        golden = y if a.backend == "golden" else run_golden(build.graph, x)
        acc, gacc = (float(np.mean(_top1(v) == labels)) for v in (y, golden))
        same = int(np.sum(_top1(y) == _top1(golden)))
        print(
            f"accuracy: {a.backend} {acc:.2%}, golden {gacc:.2%} on {len(x)} labels "
            f"({same} of {len(x)} top-1 labels equal)"
        )
    print(f"wrote {a.output}" + (f" and {a.labels}" if a.labels else ""))
    if differs:
        raise HwgenError(differs)


def _top1(y: np.ndarray) -> np.ndarray:
    return np.argmax(y.reshape(len(y), -1), axis=1)  # the first maximum, as torch.argmax


def cmd_sim(a) -> None:
    build = api.load(a.build)
    pause = a.backpressure or 0.0
    # one process unless asked: a mismatch's waveform comes from the run that saw it
    jobs = a.jobs if _sharded(a) else None
    with FramesProgress(f"RTL ({a.sim})") as bar:
        r = build.simulate(
            frames=a.frames,
            backpressure=pause,
            sim=a.sim,
            seed=a.seed,
            testbench=a.testbench,
            trace=a.trace,
            jobs=jobs,
            address=a.address,
            progress=bar,
        )
    print(
        f"{a.sim} ({r.testbench} testbench): {r.frames} random frames"
        f"{f' with {pause:.0%} random stalls on both sides' if pause else ''}: "
        f"{r.mismatches} mismatching frames; {r.cycles_per_frame:.1f} cycles/frame "
        f"(bound {r.bound}, ratio {r.cycles_per_frame / r.bound:.3f}); "
        f"{fps_text(r.frames / max(r.sim_seconds, 1e-9))} simulated"
        + (f" on {jobs} jobs" if jobs else "")
        + (f"; waveform {a.trace}" if a.trace else "")
    )
    if r.mismatches:
        where = f"; first at frame {r.first_mismatch}" + (
            f", waveform: {r.waveform}" if r.waveform else ""
        )
        raise HwgenError(
            f"RTL differs from the golden model on {r.mismatches} of {r.frames} frames{where}"
        )


def _sim_flags(p, link_backends: bool = False) -> None:
    if link_backends:  # the default follows --backend
        p.add_argument(
            "--sim",
            choices=SIMS,
            help="simulator (default: verilator; icarus for --backend uart/netlist, which builds "
            "a netlist in seconds where Verilator takes minutes, and runs it slower)",
        )
    else:
        p.add_argument("--sim", choices=SIMS, default="verilator", help="simulator")
    p.add_argument(
        "--testbench",
        choices=("native", "cocotb"),
        help="native: the compiled C++ testbench (Verilator's default); cocotb (Icarus' only one)",
    )
    p.add_argument(
        "--trace",
        type=Path,
        metavar="FILE.vcd",
        help="write a VCD waveform of the whole run (native testbench, one process; slower)",
    )
    p.add_argument(
        "--jobs",
        type=positive,
        help="native testbench processes, each a shard of the frames (run: default the cores; "
        "sim: one process unless given)",
    )
    p.add_argument(
        "--address",
        help="run the shards as Ray tasks on a cluster: ray://HOST:10001, "
        "127.0.0.1:PORT (a head here) or auto",
    )


def add_parsers(sub) -> None:
    """run, sim."""
    r = command(
        sub,
        "run",
        "run a compiled model on inputs (golden model, RTL simulation or C-sim)",
        cmd_run,
    )
    r.add_argument("build")
    r.add_argument(
        "-i", "--input", required=True, help=".npy of float32 inputs, the model's input shape"
    )
    r.add_argument("-o", "--output", required=True, help=".npy of the model's outputs")
    r.add_argument("--labels", help=".npy of top-1 labels")
    r.add_argument(
        "--labels-in", help=".npy of true labels: print the backend's and golden's accuracy"
    )
    r.add_argument(
        "--backend",
        choices=("golden", "rtl", "csim", "board", "uart", "netlist"),
        default="golden",
        help="what computes: board (a board behind the UART shell at --port); uart or netlist "
        "(that board simulated: its RTL, or its synthesized netlist, over a pseudo-terminal)",
    )
    r.add_argument("--port", help="--backend board: the board's serial port, e.g. /dev/ttyUSB1")
    r.add_argument(
        "--board", help="--backend board/uart/netlist: the board file (default: the build's)"
    )
    r.add_argument(
        "--clock-mhz",
        type=float,
        help="--backend netlist: the netlist with its PLL, as `hwgen synth --clock-mhz` builds it",
    )
    _sim_flags(r, link_backends=True)
    r.add_argument(
        "--resume",
        action="store_true",
        help="keep the shards an interrupted run wrote; simulate only the rest",
    )
    r.add_argument("--shards", type=Path, help="folder of the run's shards (default: BUILD/shards)")

    s = command(
        sub, "sim", "simulate the accelerator on random frames against the golden model", cmd_sim
    )
    s.add_argument("build")
    s.add_argument("--frames", type=positive, default=100, help="random frames")
    s.add_argument(
        "--backpressure",
        type=float,
        nargs="?",
        const=0.3,
        metavar="P",
        help="random stalls on input valid and output ready, probability P each cycle "
        "(0.3 if no P)",
    )
    s.add_argument("--seed", type=int, default=1, help="seed of the frames and stalls")
    _sim_flags(s)
    s.set_defaults(resume=False)
