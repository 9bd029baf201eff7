"""The build as an explicit list of steps, each checkpointed under the build folder.

    import -> lower -> fold -> codegen            (`hwgen compile`)
    golden / rtl execution of a compiled build   (`hwgen run`, `hwgen sim`)

Every step reads the previous step's checkpoint (`NN_step/graph.json`), so a build can be
resumed with `--from STEP`. The final graph is also written to the build folder's root.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import hwgen.ops  # noqa: F401  (registers the op types a saved graph names)
from hwgen.backends.common import instance_nodes, stream_format
from hwgen.backends.hls import generate_hls
from hwgen.backends.rtl import generate_rtl
from hwgen.errors import HwgenError
from hwgen.estimate import board_fit, estimate_graph
from hwgen.estimate.timing import load_timing, predicted_fmax
from hwgen.flows.boards import load_board
from hwgen.flows.vitis_hls import copy_library, write_tcl
from hwgen.frontend import import_qonnx
from hwgen.ir import Graph
from hwgen.manifest import MANIFEST, write_manifest
from hwgen.ops.stream_op import folding_bound
from hwgen.passes import apply_folding, lower
from hwgen.passes.fifo_depths import set_fifo_depths
from hwgen.passes.fold_search import search_folding
from hwgen.passes.folding import read_fold_config
from hwgen.passes.memory_placement import place_weight_memories
from hwgen.passes.pipeline_stages import add_pipeline_stages


@dataclass
class CompileOptions:
    """What `hwgen compile` was asked for."""

    model: Path
    out: Path
    pe: int | None = None
    simd: int | None = None
    fold: dict | None = None
    board: str = "pynq-z2"  # part and clock for generated tool scripts (boards/*.yaml)
    target_fps: float | str | None = None  # a frame rate, or "max": folding searched for the board
    clock_mhz: float | None = (
        None  # the clock the pipeline stages are chosen for (None: the board's)
    )

    def clock(self) -> float:
        """The target clock (MHz): the one asked for, or the board's."""
        return self.clock_mhz or load_board(self.board)["clock_mhz"]


@dataclass
class StepLog:
    """Seconds per pipeline step (for `make bench`)."""

    seconds: dict[str, float] = field(default_factory=dict)


def _step_import(opts: CompileOptions, _g: Graph | None) -> Graph:
    return import_qonnx(opts.model)


def _step_lower(_opts: CompileOptions, g: Graph) -> Graph:
    return lower(g)


def _step_fold(opts: CompileOptions, g: Graph) -> Graph:
    board, clock = load_board(opts.board), opts.clock()
    config = opts.fold
    if opts.target_fps is not None:
        config, summary = search_folding(g, board, opts.target_fps, clock)
        opts.out.mkdir(parents=True, exist_ok=True)
        (opts.out / "folding.json").write_text(json.dumps(config, indent=1) + "\n")
        (opts.out / "folding_search.json").write_text(json.dumps(summary, indent=1) + "\n")
        folded = apply_folding(g, config=config, fifo_depths=False)
    else:
        folded = apply_folding(g, pe=opts.pe, simd=opts.simd, config=config, fifo_depths=False)
    plan = read_fold_config(g, config)
    folded = place_weight_memories(folded, board)
    # stages for the clock, then the FIFO depths, which follow the stages' latency
    pinned = {name for name, entry in plan.layers.items() if "stages" in entry}
    # a family no router here calibrates (Zynq: data sheet figures) gets stages only for a
    # clock asked for: its board's default designs stay as Vivado has seen them
    if opts.clock_mhz is not None or load_timing(board["family"]).source == "nextpnr":
        folded, warnings = add_pipeline_stages(folded, board["family"], clock, pinned)
        folded.warnings = list(folded.warnings) + warnings
    return set_fifo_depths(folded, set(plan.pinned))


def _step_codegen(opts: CompileOptions, g: Graph) -> Graph:
    rtl_dir = (opts.out / "rtl").resolve()
    if rtl_dir.exists():
        shutil.rmtree(rtl_dir)
    rtl_dir.mkdir(parents=True)
    for name, text in generate_rtl(g).items():
        (rtl_dir / name).write_text(text)
    return g


def _step_hls(opts: CompileOptions, g: Graph) -> Graph:
    hls_dir = (opts.out / "hls").resolve()
    if hls_dir.exists():
        shutil.rmtree(hls_dir)
    hls_dir.mkdir(parents=True)
    for name, text in generate_hls(g).items():
        (hls_dir / name).write_text(text)
    copy_library(hls_dir)
    write_tcl(g, hls_dir, opts.board)
    return g


STEPS: list[tuple[str, Callable]] = [
    ("import", _step_import),
    ("lower", _step_lower),
    ("fold", _step_fold),
    ("codegen", _step_codegen),
    ("hls", _step_hls),
]


def _checkpoint(out: Path, k: int, name: str) -> Path:
    return out / "steps" / f"{k:02d}_{name}"


def compile_model(
    opts: CompileOptions,
    from_step: str | None = None,
    progress: Callable[[str], None] = lambda s: None,
) -> tuple[Graph, StepLog]:
    """Run the compile steps into `opts.out`; returns the final graph and step timings."""
    names = [n for n, _ in STEPS]
    if from_step is not None and from_step not in names:
        raise HwgenError(f"--from: unknown step '{from_step}' (steps: {', '.join(names)})")
    out = opts.out
    _check_writable(out)
    _check_model_outside(opts.model, out)
    (out / MARKER).write_text("a build folder of hwgen: `hwgen compile` may empty it\n")
    log = StepLog()
    start = names.index(from_step) if from_step else 0
    g = Graph.load(_checkpoint(out, start - 1, names[start - 1])) if start else None
    if start == 0 and is_build(out):
        clear_results(out)
    for k, (name, fn) in enumerate(STEPS[start:], start):
        progress(name)
        t0 = time.perf_counter()
        g = fn(opts, g)
        g.save(_checkpoint(out, k, name))
        log.seconds[name] = time.perf_counter() - t0
    g.save(out)
    write_report(g, out, opts.board, opts.clock())
    write_manifest(
        out,
        g,
        opts.model,
        {
            "pe": opts.pe,
            "simd": opts.simd,
            "fold": opts.fold,
            "board": opts.board,
            "target_fps": opts.target_fps,
            "clock_mhz": opts.clock_mhz,
            "from": from_step,
        },
    )
    return g, log


#: what a compile leaves, and what tools made from it later: removed when a new compile starts,
#: so nothing of a previous design (its Yosys figures, bitstream, package, waveforms, folding)
#: is ever shown beside the new one. sim_build/ stays: its builds are keyed by content.
RESULTS = (
    "steps",
    "rtl",
    "hls",
    "synth",
    "bitstream",
    "package",
    "deploy",
    "report",
    "waves",
    "verify",
    "folding.json",
    "folding_search.json",
    "graph.json",
    "graph.npz",
    "report.json",
    "manifest.json",
    "model.onnx",
    "model.onnx.data",
)  # the last two: a torch module exported by hwgen.compile


#: written first by every compile, so a compile that failed half-way leaves a folder hwgen may
#: compile into again (and never one it would refuse as foreign)
MARKER = ".hwgen-build"


def is_build(out: Path) -> bool:
    """A folder `hwgen compile` made (its marker, a manifest, or an older build's graph and
    report)."""
    out = Path(out)
    return (
        (out / MARKER).is_file()
        or (out / "manifest.json").is_file()
        or ((out / "graph.json").is_file() and (out / "report.json").is_file())
    )


def clear_results(out: Path) -> None:
    """Remove a previous compile's artifacts and results from a build folder."""
    assert MANIFEST in RESULTS
    for name in RESULTS:
        p = Path(out) / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()


def _check_model_outside(model: Path, out: Path) -> None:
    """A model file among the files a compile clears would be deleted before it is read."""
    try:
        rel = Path(model).resolve().relative_to(Path(out).resolve())
    except ValueError:
        return
    if rel.parts and rel.parts[0] in RESULTS:
        raise HwgenError(
            f"{model}: lies in the build folder {out} among the files a compile replaces; "
            "copy it elsewhere first"
        )


def _check_writable(out: Path) -> None:
    if out.is_dir() and any(out.iterdir()) and not is_build(out):
        raise HwgenError(
            f"{out}: not empty and not an hwgen build; compile into a new or empty folder "
            "(a build folder is emptied of the previous design's files)"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".hwgen_write_test"
        probe.write_text("")
        probe.unlink()
    except OSError as e:
        raise HwgenError(f"{out}: output folder is not writable ({e.strerror})") from None


def layer_table(g: Graph) -> list[dict]:
    """One row per hardware instance (each op's `table_row`): kind, sizes, folding, output
    type and cycles per frame; `module`, the PyTorch module, where the model file names it."""
    rows = [n.table_row() for n in instance_nodes(g)]
    for r in rows:
        if r["layer"] in g.modules:
            r["module"] = g.modules[r["layer"]]
    return rows


def write_report(
    g: Graph, out: Path, board: str = "pynq-z2", clock_mhz: float | None = None
) -> dict:
    """build/report.json: the layer table, the folding bound, the resource estimate for the
    board's family with the board fit, and the clock: the target (`clock_mhz`, default the
    board's) with the timing model's fmax."""
    fmt = stream_format(g)
    b = load_board(board)
    clock = clock_mhz or b["clock_mhz"]
    est = estimate_graph(g, b["family"])
    bound = folding_bound(g)
    report = {
        "graph": g.name,
        "layers": layer_table(g),
        "bound_cycles": bound,
        "stream": fmt.__dict__ | {"out_width": fmt.out_width},
        "board": {k: b[k] for k in ("name", "part", "family", "clock_mhz")},
        "clock": {"target_mhz": clock, "model": predicted_fmax(g, b["family"])},
        "fps_at_clock": clock * 1e6 / bound,
        "estimate": est.to_json(),
        "fit": board_fit(est, b),
        "warnings": list(g.warnings),
    }
    (out / "report.json").write_text(json.dumps(report, indent=1))
    return report
