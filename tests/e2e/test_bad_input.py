"""A corpus of bad inputs: models, folding files, arguments, arrays, output paths and build
folders. Each must give one line naming the file, node, tensor or flag, exit status 1, and no
traceback (the CLI in-process, as `hwgen ...` runs it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

from hwgen.cli import main
from tests.helpers import random_mlp


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A small random MLP, compiled: (folder, onnx path, build path)."""
    from hwgen.pipeline import CompileOptions, compile_model
    d = tmp_path_factory.mktemp("bad")
    _m, path = random_mlp(d / "m.onnx", [16, 9, 4], seed=3)
    compile_model(CompileOptions(path, d / "build", 2, 4))
    np.save(d / "x.npy", np.zeros((3, 16), np.float32))
    return d, path, d / "build"


def _model(base, name: str, edit) -> Path:
    """A copy of the base model (weights inlined) changed by `edit(model)`."""
    d, path, _ = base
    m = onnx.load(str(path))
    edit(m)
    out = d / f"{name}.onnx"
    onnx.save(m, str(out))
    return out


def _set_init(m, pick, value):
    """Put `value` into the first float initializer whose name contains `pick`."""
    for i, init in enumerate(m.graph.initializer):
        a = numpy_helper.to_array(init)
        if pick in init.name and a.dtype.kind == "f" and a.size > 1:
            a = a.copy()
            a.flat[0] = value
            m.graph.initializer[i].CopyFrom(numpy_helper.from_array(a, init.name))
            return
    raise AssertionError(f"no float initializer named like {pick}")


def _two_outputs(m):
    m.graph.output.append(helper.make_tensor_value_info("extra", onnx.TensorProto.FLOAT, [1, 4]))
    m.graph.node.append(helper.make_node("Identity", [m.graph.output[0].name], ["extra"], name="extra_id"))


def _two_inputs(m):
    m.graph.input.append(helper.make_tensor_value_info("second", onnx.TensorProto.FLOAT, [1, 16]))


def _symbolic(m):
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_param = "features"


def _zero_dim(m):
    m.graph.input[0].type.tensor_type.shape.dim[1].dim_value = 0


def _reverse(m):
    nodes = list(m.graph.node)[::-1]
    del m.graph.node[:]
    m.graph.node.extend(nodes)


def _drop_weight(m):
    big = {i.name for i in m.graph.initializer if numpy_helper.to_array(i).size > 1}
    victim = next(t for n in m.graph.node for t in n.input if t in big)  # the first weight read
    keep = [i for i in m.graph.initializer if i.name != victim]
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep)
    ins = [i for i in m.graph.input if i.name != victim]  # some exporters list initializers as inputs
    del m.graph.input[:]
    m.graph.input.extend(ins)


def _plain_torch(base) -> Path:
    import torch
    d = base[0]
    net = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4)).eval()
    out = d / "plain.onnx"
    torch.onnx.export(net, torch.zeros(1, 16), str(out), dynamo=False)
    return out


def _file(base, name: str, content) -> Path:
    p = base[0] / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return p


def _fold(base, name: str, doc) -> Path:
    return _file(base, name, doc if isinstance(doc, str) else json.dumps(doc))


def _npy(base, name: str, arr, **kw) -> Path:
    p = base[0] / name
    if name.endswith(".npz"):
        np.savez(p, **arr)
    else:
        np.save(p, arr, **kw)
    return p


def _not_build(base) -> Path:
    p = base[0] / "notbuild"
    p.mkdir(exist_ok=True)
    return p


def _nonbuild_full(base) -> Path:
    p = base[0] / "full"
    p.mkdir(exist_ok=True)
    (p / "notes.txt").write_text("mine")
    return p


# (id, argv builder from the fixture, substring the one line must contain)
M = lambda b: str(b[1])  # noqa: E731
B = lambda b: str(b[2])  # noqa: E731
X = lambda b: str(b[0] / "x.npy")  # noqa: E731
CASES = [
    # models
    ("nan-weight", lambda b: ["compile", _model(b, "nanw", lambda m: _set_init(m, "", np.nan)), "-o", b[0] / "o1"], "NaN"),
    ("inf-weight", lambda b: ["compile", _model(b, "infw", lambda m: _set_init(m, "", np.inf)), "-o", b[0] / "o2"], "Inf"),
    ("two-inputs", lambda b: ["compile", _model(b, "two_in", _two_inputs), "-o", b[0] / "o3"], "one input and one output"),
    ("two-outputs", lambda b: ["compile", _model(b, "two_out", _two_outputs), "-o", b[0] / "o4"], "one input and one output"),
    ("symbolic-dim", lambda b: ["compile", _model(b, "sym", _symbolic), "-o", b[0] / "o5"], "symbolic ('features')"),
    ("zero-dim", lambda b: ["compile", _model(b, "zero", _zero_dim), "-o", b[0] / "o6"], "dimension 1 is 0"),
    ("out-of-order", lambda b: ["compile", _model(b, "rev", _reverse), "-o", b[0] / "o7"], "a cycle, or nodes out of order"),
    ("missing-initializer", lambda b: ["compile", _model(b, "noinit", _drop_weight), "-o", b[0] / "o8"], "missing initializer"),
    ("garbage-model", lambda b: ["compile", _file(b, "garbage.onnx", b"\x00\xffnot onnx" * 10), "-o", b[0] / "o9"], "not a readable ONNX"),
    ("empty-model", lambda b: ["compile", _file(b, "empty.onnx", b""), "-o", b[0] / "o10"], "no nodes"),
    ("missing-model", lambda b: ["compile", b[0] / "nope.onnx", "-o", b[0] / "o11"], "model file not found"),
    ("plain-pytorch", lambda b: ["compile", _plain_torch(b), "-o", b[0] / "o12"], "before any quantizer"),
    # folding files and flags
    ("fold-word", lambda b: ["compile", M(b), "-o", b[0] / "f1", "--fold", _fold(b, "f1.json", {"Gemm_0": {"pe": "four"}})], "pe must be a positive integer, not 'four'"),
    ("fold-zero", lambda b: ["compile", M(b), "-o", b[0] / "f2", "--fold", _fold(b, "f2.json", {"Gemm_0": {"pe": 0}})], "positive integer, not 0"),
    ("fold-negative", lambda b: ["compile", M(b), "-o", b[0] / "f3", "--fold", _fold(b, "f3.json", {"Gemm_0": {"simd": -2}})], "simd must be"),
    ("fold-fraction", lambda b: ["compile", M(b), "-o", b[0] / "f4", "--fold", _fold(b, "f4.json", {"Gemm_0": {"pe": 2.5}})], "not 2.5"),
    ("fold-bool", lambda b: ["compile", M(b), "-o", b[0] / "f5", "--fold", _fold(b, "f5.json", {"Gemm_0": {"pe": True}})], "not True"),
    ("fold-too-big", lambda b: ["compile", M(b), "-o", b[0] / "f6", "--fold", _fold(b, "f6.json", {"Gemm_0": {"pe": 99}})], "must be in [1, 9]"),
    ("fold-unknown-layer", lambda b: ["compile", M(b), "-o", b[0] / "f7", "--fold", _fold(b, "f7.json", {"Conv_9": {"pe": 1}})], "no MVU layer named 'Conv_9'"),
    ("fold-unknown-key", lambda b: ["compile", M(b), "-o", b[0] / "f8", "--fold", _fold(b, "f8.json", {"Gemm_0": {"pes": 1}})], "unknown keys"),
    ("fold-not-json", lambda b: ["compile", M(b), "-o", b[0] / "f9", "--fold", _fold(b, "f9.json", "{pe: 4")], "not valid JSON"),
    ("fold-list", lambda b: ["compile", M(b), "-o", b[0] / "f10", "--fold", _fold(b, "f10.json", [1, 2])], "expected an object"),
    ("fold-missing", lambda b: ["compile", M(b), "-o", b[0] / "f11", "--fold", b[0] / "nofold.json"], "folding file not found"),
    ("pe-zero", lambda b: ["compile", M(b), "-o", b[0] / "a1", "--pe", "0"], "--pe: 0 must be >= 1"),
    ("pe-word", lambda b: ["compile", M(b), "-o", b[0] / "a2", "--simd", "four"], "--simd: 'four' is not an integer"),
    ("fold-and-pe", lambda b: ["compile", M(b), "-o", b[0] / "a3", "--pe", "2", "--fold", _fold(b, "ok.json", {})], "cannot be combined"),
    ("fps-word", lambda b: ["compile", M(b), "-o", b[0] / "a4", "--target-fps", "fast"], "--target-fps must be a number"),
    ("fps-and-pe", lambda b: ["compile", M(b), "-o", b[0] / "a5", "--target-fps", "max", "--pe", "2"], "cannot be combined"),
    ("unknown-board", lambda b: ["compile", M(b), "-o", b[0] / "a6", "--board", "nosuchboard"], "nosuchboard"),
    ("unknown-step", lambda b: ["compile", M(b), "-o", B(b), "--from", "optimise"], "--from: unknown step"),
    ("non-build-folder", lambda b: ["compile", M(b), "-o", _nonbuild_full(b)], "not empty and not an hwgen build"),
    # training arguments (refused before any training)
    ("epochs-negative", lambda b: ["train", "--epochs", "-3", "-o", b[0] / "t.onnx"], "--epochs: -3 must be >= 1"),
    ("epochs-zero", lambda b: ["train", "--epochs", "0", "-o", b[0] / "t.onnx"], "--epochs: 0 must be >= 1"),
    ("hidden-word", lambda b: ["train", "--hidden", "32,x", "-o", b[0] / "t.onnx"], "--hidden"),
    ("pretrain-negative", lambda b: ["train", "--pretrain-epochs", "-1", "-o", b[0] / "t.onnx"], "must be >= 0"),
    ("unknown-optimizer", lambda b: ["train", "--optimizer", "sgd", "-o", b[0] / "t.onnx"], "--optimizer"),
    # simulation arguments
    ("frames-zero", lambda b: ["sim", B(b), "--frames", "0"], "--frames: 0 must be >= 1"),
    ("backpressure-one", lambda b: ["sim", B(b), "--backpressure", "1.5"], "--backpressure"),
    ("unknown-sim", lambda b: ["sim", B(b), "--sim", "modelsim"], "--sim"),
    ("native-on-icarus", lambda b: ["sim", B(b), "--sim", "icarus", "--testbench", "native"], "runs on Verilator"),
    # arrays
    ("input-missing", lambda b: ["run", B(b), "-i", b[0] / "none.npy", "-o", b[0] / "y.npy"], "input file not found"),
    ("input-garbage", lambda b: ["run", B(b), "-i", _file(b, "g.npy", b"garbage"), "-o", b[0] / "y.npy"], "not a readable .npy"),
    ("input-pickle", lambda b: ["run", B(b), "-i", _npy(b, "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True), "-o", b[0] / "y.npy"], "not a readable .npy"),
    ("npz-no-x", lambda b: ["run", B(b), "-i", _npy(b, "nox.npz", {"y": np.zeros(3)}), "-o", b[0] / "y.npy"], "under the key 'x'"),
    ("input-shape", lambda b: ["run", B(b), "-i", _npy(b, "shape.npy", np.zeros((2, 15), np.float32)), "-o", b[0] / "y.npy"], "does not match the model's input"),
    ("input-nan", lambda b: ["run", B(b), "-i", _npy(b, "nan.npy", np.full((2, 16), np.nan, np.float32)), "-o", b[0] / "y.npy"], "finite"),
    ("input-strings", lambda b: ["run", B(b), "-i", _npy(b, "str.npy", np.array([["a"] * 16])), "-o", b[0] / "y.npy"], "finite numbers"),
    # output paths and build folders
    ("output-is-folder", lambda b: ["run", B(b), "-i", X(b), "-o", b[0]], "is a folder"),
    ("not-a-build", lambda b: ["run", _not_build(b), "-i", X(b), "-o", b[0] / "y.npy"], "no manifest"),
    ("missing-build", lambda b: ["sim", b[0] / "no_such_build"], "no manifest"),
    ("report-not-a-build", lambda b: ["report", _not_build(b)], "no manifest"),
    ("synth-not-a-build", lambda b: ["synth", _not_build(b), "--no-pnr"], "no manifest"),
]


@pytest.mark.parametrize("make_argv,expect", [pytest.param(c[1], c[2], id=c[0]) for c in CASES])
def test_bad_input_is_one_line_and_status_1(base, capsys, make_argv, expect):
    argv = [str(a) for a in make_argv(base)]
    with_exit = None
    try:
        code = main(argv)
    except SystemExit as e:  # argparse's errors
        code = with_exit = e.code
    out, err = capsys.readouterr()
    assert code == 1, (argv, out, err, with_exit)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert expect in lines[0], (expect, lines[0])
    assert lines[0].startswith("hwgen")


def test_corpus_is_large_enough():
    assert len(CASES) >= 40


def test_train_npz_is_accepted_and_output_name_kept(base, capsys):
    """`run -i MODEL.test.npz` reads its `x`; `-o out.txt` writes exactly out.txt, and a missing
    folder under a writable one is created and said."""
    d, _path, build = base
    np.savez(d / "m.test.npz", x=np.zeros((4, 16), np.float32), y=np.zeros(4))
    assert main(["run", str(build), "-i", str(d / "m.test.npz"), "-o", str(d / "new" / "out.txt")]) == 0
    assert (d / "new" / "out.txt").is_file() and not (d / "new" / "out.txt.npy").exists()
    assert np.load(d / "new" / "out.txt").shape == (4, 4)
    assert "created folder" in capsys.readouterr().out
    shutil.rmtree(d / "new")
