"""The helpers and the bad-model half of `test_bad_input`'s corpus: edits of a good QONNX
model, files and folders, each refused with one line. `MODEL_CASES` entries are (id, argv
maker, expected words); an argv maker takes the fixture's (folder, model, build)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


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
    m.graph.node.append(
        helper.make_node("Identity", [m.graph.output[0].name], ["extra"], name="extra_id")
    )


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
    ins = [
        i for i in m.graph.input if i.name != victim
    ]  # some exporters list initializers as inputs
    del m.graph.input[:]
    m.graph.input.extend(ins)


def _plain_torch(base) -> Path:
    import torch

    d = base[0]
    net = torch.nn.Sequential(torch.nn.Linear(16, 8), torch.nn.ReLU(), torch.nn.Linear(8, 4)).eval()
    out = d / "plain.onnx"
    torch.onnx.export(net, torch.zeros(1, 16), str(out), dynamo=False)
    return out


def write_file(base, name: str, content) -> Path:
    p = base[0] / name
    p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return p


def fold_file(base, name: str, doc) -> Path:
    return write_file(base, name, doc if isinstance(doc, str) else json.dumps(doc))


def npy_file(base, name: str, arr, **kw) -> Path:
    p = base[0] / name
    if name.endswith(".npz"):
        np.savez(p, **arr)
    else:
        np.save(p, arr, **kw)
    return p


def not_build(base) -> Path:
    p = base[0] / "notbuild"
    p.mkdir(exist_ok=True)
    return p


def nonbuild_full(base) -> Path:
    p = base[0] / "full"
    p.mkdir(exist_ok=True)
    (p / "notes.txt").write_text("mine")
    return p


# (id, argv builder from the fixture, substring the one line must contain)
M = lambda b: str(b[1])  # noqa: E731
B = lambda b: str(b[2])  # noqa: E731
X = lambda b: str(b[0] / "x.npy")  # noqa: E731


MODEL_CASES = [
    # models
    (
        "nan-weight",
        lambda b: [
            "compile",
            _model(b, "nanw", lambda m: _set_init(m, "", np.nan)),
            "-o",
            b[0] / "o1",
        ],
        "NaN",
    ),
    (
        "inf-weight",
        lambda b: [
            "compile",
            _model(b, "infw", lambda m: _set_init(m, "", np.inf)),
            "-o",
            b[0] / "o2",
        ],
        "Inf",
    ),
    (
        "two-inputs",
        lambda b: ["compile", _model(b, "two_in", _two_inputs), "-o", b[0] / "o3"],
        "one input and one output",
    ),
    (
        "two-outputs",
        lambda b: ["compile", _model(b, "two_out", _two_outputs), "-o", b[0] / "o4"],
        "one input and one output",
    ),
    (
        "symbolic-dim",
        lambda b: ["compile", _model(b, "sym", _symbolic), "-o", b[0] / "o5"],
        "symbolic ('features')",
    ),
    (
        "zero-dim",
        lambda b: ["compile", _model(b, "zero", _zero_dim), "-o", b[0] / "o6"],
        "dimension 1 is 0",
    ),
    (
        "out-of-order",
        lambda b: ["compile", _model(b, "rev", _reverse), "-o", b[0] / "o7"],
        "a cycle, or nodes out of order",
    ),
    (
        "missing-initializer",
        lambda b: ["compile", _model(b, "noinit", _drop_weight), "-o", b[0] / "o8"],
        "missing initializer",
    ),
    (
        "garbage-model",
        lambda b: [
            "compile",
            write_file(b, "garbage.onnx", b"\x00\xffnot onnx" * 10),
            "-o",
            b[0] / "o9",
        ],
        "not a readable ONNX",
    ),
    (
        "empty-model",
        lambda b: ["compile", write_file(b, "empty.onnx", b""), "-o", b[0] / "o10"],
        "no nodes",
    ),
    (
        "missing-model",
        lambda b: ["compile", b[0] / "nope.onnx", "-o", b[0] / "o11"],
        "model file not found",
    ),
    (
        "plain-pytorch",
        lambda b: ["compile", _plain_torch(b), "-o", b[0] / "o12"],
        "before any quantizer",
    ),
]
