"""Bi-Real CNNs on the DAG IR: forks, adds, downsampling shortcuts (AvgPool2d + 1x1 conv),
and FIFO depths computed from the kernels' schedules.

Random nets (random BN statistics, some gamma < 0) at 8x8 and 16x16 with 2 to 4 blocks:
golden == PyTorch; RTL (Verilator, under back-pressure) and C-sim == golden; the modelled
schedule is the RTL's to the cycle; the computed depths keep the folding bound, and one less
on a shortcut FIFO throttles or deadlocks."""

import json

import numpy as np
import pytest
import torch

from hwgen.errors import HwgenError
from hwgen.execution import run_csim_model, run_golden, run_rtl
from hwgen.frontend import import_qonnx
from hwgen.ir import Graph
from hwgen.ops import AddStreams, Fork, WindowSum
from hwgen.passes import lower
from hwgen.passes.folding import folding_bound
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.native import NativeSimError
from hwgen.sim.schedule import simulate_schedule
from hwgen.train.bireal_cnn import BiRealCNN
from tests.helpers import assert_outputs_match, export, need_tool, randomize_bn, torch_outputs

NETS = {  # name: (input channels, size, stem channels, plan)
    "8x8-3": (1, 8, 8, ("block", "down", "block")),
    "16x16-2": (3, 16, 4, ("down", "block")),
    "16x16-4": (3, 16, 4, ("block", "down", "block", "down")),
    "8x8-2": (1, 8, 4, ("down", "down")),
}


def _net(tmp, name, seed=0):
    c, size, ch, plan = NETS[name]
    torch.manual_seed(seed)
    m = BiRealCNN(c, size, 10, channels=ch, plan=plan)
    randomize_bn(m, np.random.default_rng(seed), ties=False)
    m.eval()
    return m, export(m, (c, size, size), tmp / f"{name}.onnx"), (c, size, size)


@pytest.mark.parametrize("name", sorted(NETS))
def test_golden_equals_pytorch(tmp_path, name):
    m, onnx, shape = _net(tmp_path, name, seed=len(name))
    g = lower(import_qonnx(onnx))
    assert sum(isinstance(n, AddStreams) for n in g.nodes) == len(NETS[name][3])
    assert sum(isinstance(n, WindowSum) for n in g.nodes) == NETS[name][3].count("down")
    assert sum(isinstance(n, Fork) for n in g.nodes) == len(NETS[name][3])
    x = np.random.default_rng(1).random((64,) + shape).astype(np.float32)
    assert_outputs_match(run_golden(g, x), torch_outputs(m, x))


def test_dag_graph_saves_and_loads(tmp_path):
    _m, onnx, shape = _net(tmp_path, "8x8-3")
    g = lower(import_qonnx(onnx))
    g.save(tmp_path / "g")
    doc = json.loads((tmp_path / "g" / "graph.json").read_text())
    assert doc["edges"]["Add_0"] == ["Quant_1_fork", "Conv_1"]  # h, and the block's branch
    back = Graph.load(tmp_path / "g")
    x = np.random.default_rng(2).random((8,) + shape).astype(np.float32)
    np.testing.assert_array_equal(run_golden(back, x), run_golden(g, x))


def _build(tmp, name):
    staged = name.endswith("-staged")  # every layer with the stages the model picks at 400 MHz
    m, onnx, shape = _net(tmp, name.removesuffix("-staged"))
    clock = {"board": "ulx3s-85f", "clock_mhz": 400.0} if staged else {}
    g, _ = compile_model(CompileOptions(onnx, tmp / "build", pe=4, simd=8, **clock))
    if staged:
        assert all(n.stages for n in g.hw_nodes() if getattr(n, "pipelined", False))
    return name, m, g, tmp / "build", shape, onnx


@pytest.fixture(scope="module", params=["8x8-3", "16x16-2", "8x8-3-staged"])
def built(request, tmp_path_factory):
    return _build(tmp_path_factory.mktemp("bireal_cnn"), request.param)


@pytest.fixture(scope="module")
def built8(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("bireal_cnn8"), "8x8-3")


def test_rtl_and_csim_equal_golden_under_back_pressure(built):
    need_tool("verilator")
    need_tool("g++")
    _name, _m, g, build, shape, _onnx = built
    x = np.random.default_rng(3).random((6,) + shape).astype(np.float32)
    ref = run_golden(g, x)
    got, _ = run_rtl(g, build, x, in_pause=0.2, out_pause=0.3)
    np.testing.assert_array_equal(got, ref)
    got, _ = run_csim_model(g, build, x)
    np.testing.assert_array_equal(got, ref)


def test_computed_depths_keep_the_bound_and_the_model_is_the_rtl(built):
    need_tool("verilator")
    _name, _m, g, build, shape, _onnx = built
    x = np.random.default_rng(4).random((4,) + shape).astype(np.float32)
    got, sim = run_rtl(g, build, x)
    np.testing.assert_array_equal(got, run_golden(g, x))
    assert sim.steady_cycles_per_frame() <= 1.02 * folding_bound(g)
    assert simulate_schedule(g, 4).done_cycles == sim.done_cycles  # cycle for cycle
    # the compile table shows each add's computed FIFO depths
    rows = {r["layer"]: r for r in json.loads((build / "report.json").read_text())["layers"]}
    for n in g.hw_nodes():
        if isinstance(n, AddStreams):
            assert rows[n.name]["kind"] == f"add (FIFOs {n.fifo_depth}, {n.fifo_depth_b})"
    # the estimate counts every add's FIFOs at their computed depths
    from hwgen.estimate import block_parts

    for n, _parts, fifo in block_parts(g):
        if isinstance(n, AddStreams):  # two-entry FIFOs are registers, deeper ones memories
            assert sorted(m.depth for m in fifo.memories if m.role == "fifo") == sorted(
                d for d in (n.fifo_depth, n.fifo_depth_b) if d > 2
            )


def _one_less(built, which: int, tmp, monkeypatch):
    """RTL of the net with the `which`-th deep add FIFO one below its computed depth, the
    others as computed: (computed depth, done cycles or None on a deadlock, the computed
    design's done cycles)."""
    import hwgen.passes.folding as folding
    import hwgen.pipeline as pipeline

    name, _m, g, build, shape, onnx = built
    deep = [
        (n.name, j, d)
        for n in g.hw_nodes()
        if isinstance(n, AddStreams)
        for j, d in enumerate((n.fifo_depth, n.fifo_depth_b))
        if d > 2
    ]
    add, j, d = deep[which]
    key = ("fifo_depth", "fifo_depth_b")[j]
    with _maybe_deadlock():
        compile_model(CompileOptions(onnx, tmp / "pinned", pe=4, simd=8, fold={add: {key: d - 1}}))
    computed = folding.set_fifo_depths

    def one_less(graph, pinned=frozenset()):  # the computed depths, then the one FIFO shortened
        graph = computed(graph, pinned)
        setattr(graph.node(add), key, d - 1)
        return graph

    monkeypatch.setattr(pipeline, "set_fifo_depths", one_less)  # where the fold step calls it
    g2, _ = compile_model(CompileOptions(onnx, tmp / "less", pe=4, simd=8))
    x = np.random.default_rng(5).random((4,) + shape).astype(np.float32)
    _got, full = run_rtl(g, build, x)
    try:
        got, sim = run_rtl(g2, tmp / "less", x)
    except NativeSimError:
        return d, None, full.done_cycles
    np.testing.assert_array_equal(got, run_golden(g, x))
    assert simulate_schedule(g2, 4).done_cycles == sim.done_cycles
    return d, sim.done_cycles, full.done_cycles


class _maybe_deadlock:
    """Pinned one below the minimum, a compile either refuses the depth as a deadlock (the
    model saw it) or builds a design that throttles: both are fine here."""

    def __enter__(self):
        return self

    def __exit__(self, kind, err, _tb):
        return kind is None or (
            issubclass(kind, HwgenError) and "deadlock the dataflow" in str(err)
        )


@pytest.mark.parametrize("which", [0, 1])
def test_one_less_on_a_shortcut_fifo_throttles_or_deadlocks(built8, tmp_path, monkeypatch, which):
    need_tool("verilator")
    d, less, full = _one_less(built8, which, tmp_path, monkeypatch)
    assert d > 2
    assert less is None or less[-1] - less[-2] > full[-1] - full[-2]


@pytest.mark.slow
def test_one_less_throttles_or_deadlocks_at_16x16(tmp_path, monkeypatch):
    need_tool("verilator")
    built = _build(tmp_path, "16x16-2")
    d, less, full = _one_less(built, 0, tmp_path, monkeypatch)
    assert d > 2
    assert less is None or less[-1] - less[-2] > full[-1] - full[-2]


def test_a_folding_change_recomputes_the_depths(built8, tmp_path):
    _name, _m, g, _build, _shape, onnx = built8
    g2, _ = compile_model(CompileOptions(onnx, tmp_path / "b", pe=1, simd=8))
    before = [(n.fifo_depth, n.fifo_depth_b) for n in g.hw_nodes() if isinstance(n, AddStreams)]
    after = [(n.fifo_depth, n.fifo_depth_b) for n in g2.hw_nodes() if isinstance(n, AddStreams)]
    assert before != after
    run = simulate_schedule(g2, 3)
    assert run.done_cycles[-1] - run.done_cycles[-2] <= 1.02 * folding_bound(g2)


def test_shortcut_quantizers_must_be_shared(tmp_path):
    from hwgen.train.models import shortcut_quant

    m, _onnx, shape = _net(tmp_path, "8x8-3")
    # a block's own quantizer of another scale, registered on the net (so it exports as a Quant)
    m.other_q = shortcut_quant(4, scale=0.25)
    m.blocks[0].q[0] = m.other_q
    onnx = export(m, shape, tmp_path / "mixed.onnx")
    with pytest.raises(HwgenError, match="different scales"):
        import_qonnx(onnx)


def test_a_pinned_depth_is_kept_and_must_be_a_count(built8, tmp_path):
    _name, _m, _g, _build, _shape, onnx = built8
    with pytest.raises(HwgenError, match="fifo_depth must be a positive integer"):
        compile_model(
            CompileOptions(onnx, tmp_path / "x", pe=4, simd=8, fold={"Add_0": {"fifo_depth": 0}})
        )
    g, _ = compile_model(
        CompileOptions(onnx, tmp_path / "y", pe=4, simd=8, fold={"Add_0": {"fifo_depth": 300}})
    )
    assert g.node("Add_0").fifo_depth == 300


def test_the_dag_top_lints_clean(built8):
    """Verilator -Wall on the whole Bi-Real CNN top: forks, adds, window sums, deep FIFOs."""
    import subprocess

    from hwgen.backends.rtl.codegen import rtl_sources
    from hwgen.sim.tools import tool_path

    need_tool("verilator")
    _name, _m, _g, build, _shape, _onnx = built8
    r = subprocess.run(
        [
            tool_path("verilator"),
            "--lint-only",
            "-Wall",
            "--top-module",
            "hwgen_top",
            *rtl_sources(build / "rtl"),
        ],
        capture_output=True,
        text=True,
        cwd=build / "rtl",
    )
    assert r.returncode == 0, r.stderr[-2000:]
