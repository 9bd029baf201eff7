"""`hwgen train --weight-bits/--act-bits`: the digits MLP and CNN at bnn_pynq's W1A2 and W2A2
precisions train, compile to 2-bit hardware, and the golden model gives PyTorch's outputs on
the whole test split; what is not supported is one clear line."""

import numpy as np
import pytest

from hwgen.execution import run_golden
from hwgen.ops import WindowMax, XnorMVU
from hwgen.pipeline import CompileOptions, compile_model
from tests.e2e.test_cli import assert_one_line_error, run_cli


@pytest.mark.parametrize("model,wbits,abits", [("mlp", 2, 2), ("mlp", 1, 2), ("cnn", 2, 2)])
def test_trained_precision_net_compiles_exactly(tmp_path, capsys, model, wbits, abits):
    onnx = tmp_path / "net.onnx"
    extra = ["--input-bits", "8"] if model == "mlp" else []
    code, out, _ = run_cli(
        capsys,
        "train",
        "--model",
        model,
        "--epochs",
        "3",
        "--weight-bits",
        wbits,
        "--act-bits",
        abits,
        *extra,
        "-o",
        onnx,
    )
    assert code == 0, out
    ref = np.load(onnx.with_suffix(".test.npz"))
    g, _ = compile_model(CompileOptions(onnx, tmp_path / "build", 4, 4))
    mvus = [n for n in g.hw_nodes() if isinstance(n, XnorMVU)]
    assert {n.weight_bits for n in mvus} == {wbits}
    assert all(n.levels and n.out_bits == abits for n in mvus[:-1])
    if model == "cnn":
        assert [n.elem_bits for n in g.hw_nodes() if isinstance(n, WindowMax)] == [abits]
    gold = run_golden(g, ref["x"])
    np.testing.assert_array_equal(gold.argmax(1), ref["out"].argmax(1))
    assert float(np.abs(gold - ref["out"]).max()) <= 1e-5 * max(
        1.0, float(np.abs(ref["out"]).max())
    )
    acc = float((gold.argmax(1) == ref["y"]).mean())
    assert acc > 0.5, f"3 epochs at W{wbits}A{abits} reach only {acc:.1%}"  # it trains at all


@pytest.mark.parametrize(
    "args,needles",
    [
        (["--model", "bireal-mlp", "--weight-bits", "2"], ["--weight-bits", "bireal-mlp"]),
        (["--act-bits", "2", "--binarizer", "abc"], ["--binarizer abc", "2-bit"]),
    ],
)
def test_unsupported_precision_is_one_line(tmp_path, capsys, args, needles):
    code, _out, err = run_cli(capsys, "train", "--epochs", "1", *args, "-o", tmp_path / "m.onnx")
    assert_one_line_error(code, err, *needles)


def test_compare_knows_the_precision_rows():
    from hwgen.train.compare import PRECISIONS, _model_for
    from hwgen.train.data import load_dataset

    split = load_dataset("digits", flat=True)
    for name, (wb, ab) in PRECISIONS.items():
        m, binarizer, pre = _model_for(name, split)
        assert binarizer is None and pre == 0
        quant = [q for q in m.modules() if type(q).__name__ == "QuantLinear"]
        assert {q.weight_quant.bit_width().item() for q in quant} == {float(wb)}
