"""The Python API: `hwgen.compile`, `hwgen.load` and the `Build` they return.

    import hwgen
    build = hwgen.compile(model, "build/", input_shape=(1, 8, 8), pe=4, simd=8, board="pynq-z2")
    build.layers                      # the per-layer table `hwgen compile` prints
    build.estimate                    # per layer and total, with the board fit
    y = build.predict(x)              # golden model: inputs and outputs as the PyTorch model's
    y = build.predict(x, backend="rtl", sim="verilator")     # or backend="csim"
    r = build.simulate(frames=200, backpressure=0.3)         # cycles/frame, bound, mismatches
    build.synth("icebreaker"); build.package("pynq-z2"); build.report()
    build = hwgen.load("build/")

The command line is a thin layer over these calls; errors are `hwgen.errors.HwgenError`
with the same one-line messages.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import warnings
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.driver.serial_link import run_over_serial
from hwgen.errors import HwgenError, HwgenWarning
from hwgen.execution import run_csim_model, run_golden, run_rtl, run_rtl_sharded
from hwgen.flows import rates
from hwgen.flows.boards import load_board
from hwgen.flows.lattice import FLOWS as OPEN_FLOWS
from hwgen.flows.lattice import build_bitstream, check_estimate_fits
from hwgen.flows.pack import does_not_fit, pack_synthesized
from hwgen.flows.vivado import run_vivado, write_package
from hwgen.flows.yosys import NETLIST_FAMILIES, SYNTH_COMMANDS, run_yosys
from hwgen.flows.yosys_layers import synth_layers
from hwgen.framing import as_array
from hwgen.ir import Graph
from hwgen.manifest import read_manifest
from hwgen.passes.folding import load_fold_config
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.report import write_report
from hwgen.sim.uart_board import default_sim, run_simulated_board
from hwgen.sim.verify import verify_rtl

BACKENDS = ("golden", "rtl", "csim", "board", "uart", "netlist")
SIMULATORS = ("verilator", "icarus")


def compile(
    model,
    output="build",
    *,
    input_shape: tuple[int, ...] | None = None,
    pe: int | None = None,
    simd: int | None = None,
    fold: dict | str | Path | None = None,
    target_fps=None,
    board: str = "pynq-z2",
    clock_mhz: float | None = None,
    from_step: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Build:
    """Compile `model` into the build folder `output` and return the `Build`.

    `model` is a QONNX file (what `brevitas.export.export_qonnx` writes) or a Brevitas
    `torch.nn.Module`, exported here with `input_shape` (one input, without the batch).
    Folding: `pe`/`simd` for every layer (clipped to its size), or `fold` (FINN's layout,
    `{"Gemm_0": {"PE": 16, "SIMD": 49}}`, a dict or a JSON file), or `target_fps` (frames/s
    at the clock, or "max": the folding is searched for `board`). `clock_mhz`: the clock the
    design is for (default the board's); each MVU gets the pipeline stages the timing model
    says it needs. `progress` is called with each step's name."""

    if fold is not None and (pe or simd):
        raise HwgenError("--fold cannot be combined with --pe/--simd")
    if target_fps is not None and (fold is not None or pe or simd):
        raise HwgenError(
            "--target-fps chooses the folding: it cannot be combined with --fold/--pe/--simd"
        )
    for flag, v in (("--pe", pe), ("--simd", simd)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1):
            raise HwgenError(f"{flag}: a positive integer, not {v!r}")
    target_fps = rates.check_target_fps(target_fps)
    rates.check_clock(clock_mhz)
    if isinstance(fold, (str, Path)):
        fold = load_fold_config(Path(fold))
    out = Path(output)
    with tempfile.TemporaryDirectory(prefix="hwgen-export-") as tmp:
        path = _model_file(model, input_shape, Path(tmp))
        opts = CompileOptions(
            path, out, pe, simd, fold, board=board, target_fps=target_fps, clock_mhz=clock_mhz
        )
        _, log = compile_model(opts, from_step=from_step, progress=progress or (lambda s: None))
        if path.parent == Path(tmp):  # keep the exported model with the build it made
            for f in path.parent.iterdir():
                shutil.copy2(f, out / f.name)
    build = Build(out)
    build.step_seconds = dict(log.seconds)
    for w in build.warnings:
        warnings.warn(w, HwgenWarning, stacklevel=2)
    return build


def load(path) -> Build:
    """The build compiled into `path` (its manifest and graph are checked first)."""
    return Build(Path(path))


class Build:
    """A compiled build folder: its tables, and every way to run or implement it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        read_manifest(self.path)  # a folder that is no build: one clear line, here
        self.step_seconds: dict[str, float] = {}  # seconds per compile step, when compiled here
        self.last_run = None  # what the last RTL `predict` measured (AccelSim or ShardRun)

    @cached_property
    def graph(self):
        """The build's IR graph (checked against the manifest when first read)."""
        return Graph.load_build(self.path, ("graph", "report"))

    @cached_property
    def _report(self) -> dict:
        report = self.path / "report.json"
        if not report.is_file():
            msg = "missing (not a whole build: run `hwgen compile` again, or name the board)"
            raise HwgenError(f"{report}: {msg}")
        return json.loads(report.read_text())

    def __repr__(self) -> str:
        return f"Build({str(self.path)!r})"

    @property
    def board(self) -> str:
        """The board the build was compiled for (part, clock and capacity of its estimate)."""
        return self._report["board"]["name"]

    @property
    def warnings(self) -> list[str]:
        """What the compile warned about (e.g. a quantizer scale that puts exactness at ties
        against PyTorch at risk); `hwgen compile` prints them."""
        return list(self._report.get("warnings", []))

    @property
    def layers(self) -> list[dict]:
        """The per-layer table `hwgen compile` prints: layer, kind, shape, pe, simd, out, cycles."""
        return [dict(r) for r in self._report["layers"]]

    @property
    def clock(self) -> dict:
        """Its target clock, the timing model's fmax, routed fmax and frames/s at each
        (`flows.rates.clock_summary`)."""
        return rates.clock_summary(self._report, rates.bitstream_results(self.path))

    @property
    def estimate(self) -> dict:
        """Resources per layer and in total, fit, cycles, frames/s; `bitstreams`: each one's
        frames/s at its clock, at its routed fmax and over its link (`flows.rates`)."""
        est, cycles = self._report["estimate"], self._report["bound_cycles"]
        results = rates.bitstream_results(self.path)
        return {
            "board": dict(self._report["board"]),
            "layers": est["layers"],
            "total": est["total"],
            "fit": self._report["fit"],
            "cycles": cycles,
            "fps": self._report["fps_at_clock"],
            "clock": rates.clock_summary(self._report, results),
            "bitstreams": [rates.bitstream_rates(cycles, r) for r in results],
        }

    def predict(
        self,
        x: np.ndarray,
        backend: str = "golden",
        sim: str | None = None,
        testbench: str | None = None,
        jobs: int | None = None,
        address: str | None = None,
        resume: bool = False,
        shards: Path | None = None,
        progress=None,
        port: str | None = None,
        board: str | None = None,
        clock_mhz: float | None = None,
    ) -> np.ndarray:
        """The model's outputs for inputs `x` (float32, the model's input shape, any batch), as
        `hwgen run`: the golden model, the simulated Verilog (`backend="rtl"`, on `sim`,
        default verilator), or the HLS C++ under g++ (`backend="csim"`). With `jobs` or
        `address`, the RTL frames run in shards over `jobs` native testbench processes or as
        Ray tasks at `address` (`hwgen.sim.shards`), written to `shards` (default BUILD/shards)
        as they finish; `resume` runs only the missing ones; `progress(done, total, seconds)`.
        `backend="board"`: a board behind the UART shell at serial `port` (at the baud rate of
        `board`'s file, default the build's); "uart" and "netlist": that board simulated (its
        RTL, or the netlist Yosys makes for its family, with its PLL at `clock_mhz`) behind a
        pseudo-terminal, through the same serial driver, on `sim` (default icarus)."""
        if backend not in BACKENDS:
            raise HwgenError(f"backend: one of {', '.join(BACKENDS)}, not {backend!r}")
        x, sim = as_array(x), sim or default_sim(backend)
        board, g = board or self.board, self.graph
        if backend == "golden":
            y = run_golden(self.graph, x)
        elif backend == "board":
            if not port:
                raise HwgenError("backend 'board': give the serial port (--port /dev/ttyUSB1)")
            uart = load_board(board).get("uart") or {}
            y = run_over_serial(self.graph, self.path, x, port, uart.get("baud", 115200), progress)
        elif backend in ("uart", "netlist"):
            y = run_simulated_board(g, self.path, x, board, backend, progress, clock_mhz, sim)
        elif backend == "csim":
            y, _ = run_csim_model(self.graph, self.path, x)
        elif jobs is not None or address is not None:
            _check_sharded(sim, testbench)
            y, self.last_run = run_rtl_sharded(
                self.graph,
                self.path,
                x,
                jobs,
                address,
                folder=shards,
                resume=resume,
                progress=progress,
            )
        else:
            _check_sim(sim)
            y, self.last_run = run_rtl(
                self.graph, self.path, x, sim=sim, testbench=testbench, progress=progress
            )
        return np.asarray(y, dtype=np.float32)

    def simulate(
        self,
        frames: int = 100,
        backpressure: float = 0.0,
        sim: str = "verilator",
        seed: int = 1,
        testbench: str | None = None,
        trace: Path | None = None,
        jobs: int | None = None,
        address: str | None = None,
        progress=None,
    ):
        """Random frames through the simulated Verilog against the golden model, with random
        stalls of probability `backpressure` on both sides; an `RtlCheck` (mismatches,
        cycles_per_frame, bound, ...). With `jobs` or `address` the frames run in shards (see
        `predict`); `progress(done, total, seconds)` as a cocotb (Icarus) run goes. The outcome
        is recorded in build/verify/ for the report (a new compile removes it)."""
        if not 0.0 <= backpressure < 1.0:
            raise HwgenError(f"--backpressure: a stall probability in [0, 1), not {backpressure}")
        if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 1:
            raise HwgenError(f"--frames: a positive integer, not {frames!r}")
        _check_sim(sim)
        check = verify_rtl(
            self.graph,
            self.path,
            frames=frames,
            sim=sim,
            pause=backpressure,
            seed=seed,
            testbench=testbench,
            trace=trace,
            jobs=jobs,
            address=address,
            progress=progress,
        )
        record = {
            "sim": sim,
            "testbench": check.testbench,
            "frames": check.frames,
            "backpressure": backpressure,
            "seed": seed,
            "mismatches": check.mismatches,
            "first_mismatch": check.first_mismatch,
            "cycles_per_frame": check.cycles_per_frame,
            "bound": check.bound,
        }
        folder = self.path / "verify"
        folder.mkdir(exist_ok=True)
        (folder / f"rtl-{sim}-{check.testbench}.json").write_text(json.dumps(record, indent=1))
        return check

    def synth(
        self,
        board: str | None = None,
        pnr: bool = True,
        progress: Callable[[str], None] = lambda s: None,
        per_layer: bool = False,
        force: bool = False,
        clock_mhz: float | None = None,
    ) -> dict:
        """Yosys synthesis for `board` (default: the build's); on iCE40 and ECP5 boards the
        netlist packed by nextpnr (the part's real logic cells), then nextpnr and icepack or
        ecppack to a bitstream unless `pnr` is False (with `clock_mhz`, on a PLL's clock:
        `flows.lattice.build_bitstream`); with `per_layer`, every layer synthesized alone too.
        A build whose estimate exceeds the part stops before Yosys unless `force`.
        Returns {"yosys": ..., "packed": ... or None, "bitstream": ... or None,
        "layers": [...] or None}."""
        board = board or self.board
        b = load_board(board)
        if not force and b["family"] in NETLIST_FAMILIES:
            check_estimate_fits(self.path, b)
        t0 = time.perf_counter()
        progress(f"Yosys {SYNTH_COMMANDS[b['family']].split()[0]} (the accelerator)")
        res = {"yosys": run_yosys(self.path, board), "bitstream": None, "layers": None}
        progress(f"nextpnr packing (Yosys took {time.perf_counter() - t0:.1f} s)")
        res["packed"] = packed = pack_synthesized(self.path, board)
        if b["family"] in OPEN_FLOWS and pnr and packed and packed["used"] > packed["available"]:
            # the accelerator alone is over the part: no placement (and no second Yosys run)
            raise does_not_fit(
                board, b["family"], packed["used"], packed["available"], "nextpnr packing"
            )
        if per_layer:
            res["layers"] = synth_layers(self.path, board, progress)
        if b["family"] in OPEN_FLOWS and pnr:
            res["bitstream"] = build_bitstream(self.path, board, progress, True, clock_mhz)
        return res

    def package(self, board: str | None = None, vivado: bool = False) -> dict[str, Path]:
        """Zynq: the Vivado script (IP, block design, bitstream) and the deploy/ folder for
        `board` (default: the build's); runs Vivado too when `vivado` is True."""
        paths = write_package(self.path, board or self.board)
        if vivado:
            run_vivado(paths["tcl"])
        return paths

    def report(self) -> dict[str, Path]:
        """Write report/report.md and report.html with plots; returns their paths."""
        return write_report(self.path)

    def prove(self, **options) -> list:
        """Run the formal proofs that apply (`hwgen prove`) into formal/; returns the rows.
        `options`: layers, layer_timeout_s, progress, as `hwgen.formal.prove.prove_graph`."""
        from hwgen.formal.prove import prove_graph  # deferred: the hwgen[formal] extra (dd)

        return prove_graph(self.graph, self.path / "formal", **options)


def _check_sim(sim: str) -> None:
    if sim not in SIMULATORS:
        raise HwgenError(f"sim: one of {', '.join(SIMULATORS)}, not {sim!r}")


def _check_sharded(sim: str, testbench: str | None) -> None:
    """Shards run the native testbench, on Verilator."""
    _check_sim(sim)
    if sim != "verilator" or testbench not in (None, "native"):
        raise HwgenError(
            f"jobs/address: shards run the native testbench on Verilator, not {sim} "
            f"({testbench or 'its default'} testbench)"
        )


def _model_file(model, input_shape, tmp: Path) -> Path:
    """The QONNX file to compile: `model` itself, or a torch module exported into `tmp`."""
    if isinstance(model, (str, Path)):
        if input_shape is not None:
            raise HwgenError(
                "input_shape is for a torch module; a QONNX file has its own input shape"
            )
        return Path(model)
    try:  # deferred: torch and Brevitas are an extra (`pip install hwgen[train]`)
        import torch

        from hwgen.train.trainer import export
    except ImportError as e:
        raise HwgenError(
            f"model: a {type(model).__name__} needs torch and Brevitas ({e}); install the "
            "CPU torch first, then `pip install hwgen[train]` (README: Installed anywhere), "
            "or give a QONNX file"
        ) from None
    if not isinstance(model, torch.nn.Module):
        raise HwgenError(
            f"model: a QONNX file path or a Brevitas torch.nn.Module, not {type(model).__name__}"
        )
    if input_shape is None:
        raise HwgenError(
            "input_shape: needed to export a torch module (one input without the batch, e.g. (64,))"
        )
    shape = tuple(input_shape)
    if not shape or not all(isinstance(d, (int, np.integer)) and d > 0 for d in shape):
        raise HwgenError(f"input_shape: positive integer sizes, not {input_shape!r}")
    was_training = model.training
    try:
        return export(model, shape, tmp / "model.onnx")
    except HwgenError:
        raise
    except Exception as e:  # noqa: BLE001 - the exporter's own failure, said in one line
        raise HwgenError(
            f"model: Brevitas' QONNX export failed for input_shape {shape} "
            f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''})"
        ) from None
    finally:  # the caller's module keeps its mode (export switches it to eval)
        model.train(was_training)
