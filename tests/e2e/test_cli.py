"""The command line, end to end, and its one-line errors for bad input."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from hwgen.cli import main
from hwgen.train.models import binary_act, binary_linear
from tests.helpers import export, need_tool, random_mlp


def run_cli(capsys, *args):
    """(exit status, stdout, stderr) of `hwgen args...` run in-process."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code, err, *needles):
    assert code == 1
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("hwgen: error:"), err
    assert "Traceback" not in err
    for n in needles:
        assert n in lines[0], f"{n!r} not in {lines[0]!r}"


@pytest.fixture(scope="module")
def small_net(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli")
    model, path = random_mlp(d / "net.onnx", [20, 12, 5], seed=3)
    return model, path, d


def test_compile_run_golden_and_rtl(small_net, capsys, tmp_path):
    model, path, _ = small_net
    build = tmp_path / "build"
    code, out, err = run_cli(capsys, "compile", path, "-o", build, "--pe", 3, "--simd", 7)
    assert code == 0, err
    assert "folding bound" in out and (build / "rtl" / "hwgen_top.v").is_file()
    x = np.random.default_rng(0).normal(0, 3, (40, 20)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    code, out, err = run_cli(
        capsys,
        "run",
        build,
        "-i",
        tmp_path / "x.npy",
        "-o",
        tmp_path / "y.npy",
        "--labels",
        tmp_path / "l.npy",
        "--backend",
        "golden",
    )
    assert code == 0, err
    y = np.load(tmp_path / "y.npy")
    assert y.shape == ref.shape and np.abs(y - ref).max() <= 1e-5 * max(1, np.abs(ref).max())
    np.testing.assert_array_equal(np.load(tmp_path / "l.npy"), ref.argmax(1))
    need_tool("icarus")
    code, out, err = run_cli(
        capsys,
        "run",
        build,
        "-i",
        tmp_path / "x.npy",
        "-o",
        tmp_path / "y2.npy",
        "--backend",
        "rtl",
        "--sim",
        "icarus",
    )
    assert code == 0, err
    np.testing.assert_array_equal(np.load(tmp_path / "y2.npy"), y)
    code, out, err = run_cli(
        capsys, "sim", build, "--sim", "icarus", "--frames", 30, "--backpressure"
    )
    assert code == 0, err
    assert "0 mismatching frames" in out


def test_fold_file(small_net, capsys, tmp_path):
    _, path, _ = small_net
    fold = tmp_path / "fold.json"
    fold.write_text('{"Gemm_0": {"pe": 4, "simd": 5}, "Gemm_1": {"pe": 5, "simd": 12}}')
    code, out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "b", "--fold", fold)
    assert code == 0, err
    import json

    rep = json.loads((tmp_path / "b" / "report.json").read_text())
    assert [(r["pe"], r["simd"]) for r in rep["layers"]] == [(4, 5), (5, 12)]
    assert rep["bound_cycles"] == max(4 * 3, 1 * 1)


def test_compile_resumes_from_a_step(small_net, capsys, tmp_path):
    """--from fold reuses the lowered checkpoint and refolds; an unknown step is an error."""
    import json

    _, path, _ = small_net
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b", "--pe", 2)[0] == 0
    code, out, err = run_cli(
        capsys,
        "compile",
        tmp_path / "missing.onnx",
        "-o",
        tmp_path / "b",
        "--pe",
        4,
        "--from",
        "fold",
    )
    assert code == 0, err
    assert "import" not in out.split("steps:")[-1] and "fold" in out.split("steps:")[-1]
    rep = json.loads((tmp_path / "b" / "report.json").read_text())
    assert [r["pe"] for r in rep["layers"]] == [4, 4]
    code, _o, err = run_cli(capsys, "compile", path, "-o", tmp_path / "b", "--from", "synth")
    assert_one_line_error(code, err, "--from", "unknown step 'synth'")


def test_labels_tie_goes_to_lowest_index(small_net, capsys, tmp_path):
    """--labels uses the first maximum, as torch.argmax does."""
    assert int(np.argmax(np.array([[1.0, 3.0, 3.0]]), axis=1)[0]) == 1
    assert int(torch.argmax(torch.tensor([[1.0, 3.0, 3.0]]), dim=1)[0]) == 1


# ------------------------------------------------------------------- bad input
class FloatLayerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(
            binary_act(),
            nn.Linear(8, 4, bias=False),
            nn.BatchNorm1d(4),
            binary_act(),
            binary_linear(4, 3),
        )

    def forward(self, x):
        return self.f(x)


class EightBitWeightNet(nn.Module):
    def __init__(self):
        super().__init__()
        from brevitas.nn import QuantLinear

        self.f = nn.Sequential(
            binary_act(),
            QuantLinear(8, 4, bias=False, weight_bit_width=8),
            nn.BatchNorm1d(4),
            binary_act(),
            binary_linear(4, 3),
        )

    def forward(self, x):
        return self.f(x)


class UnknownOpNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(
            binary_act(),
            binary_linear(8, 4),
            nn.BatchNorm1d(4),
            nn.ELU(),
            binary_act(),
            binary_linear(4, 3),
        )

    def forward(self, x):
        return self.f(x)


class NoActivationNet(nn.Module):
    """Two layers with no activation quantizer between them (a forgotten QuantIdentity)."""

    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(binary_act(), binary_linear(8, 6), binary_linear(6, 3))

    def forward(self, x):
        return self.f(x)


@pytest.mark.parametrize(
    "net,needles",
    [
        (FloatLayerNet, ["Gemm_0", "float (non-quantized) weight"]),
        (EightBitWeightNet, ["8-bit weight", "1 (bipolar) to 4 bits"]),
        (UnknownOpNet, ["op 'Elu' is not supported"]),
        (NoActivationNet, ["follows layer", "no activation quantizer", "add one after"]),
    ],
    ids=["float-layer", "8-bit-weight", "unknown-op", "no-activation"],
)
def test_unsupported_models_name_the_node(net, needles, capsys, tmp_path):
    torch.manual_seed(0)
    path = export(net().eval(), (8,), tmp_path / "bad.onnx")
    code, _out, err = run_cli(capsys, "compile", path, "-o", tmp_path / "b")
    assert_one_line_error(code, err, "node '", *needles)


def test_mismatched_input_shape(small_net, capsys, tmp_path):
    _, path, _ = small_net
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b")[0] == 0
    np.save(tmp_path / "x.npy", np.zeros((4, 21), np.float32))
    code, _o, err = run_cli(
        capsys, "run", tmp_path / "b", "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy"
    )
    assert_one_line_error(code, err, "input: shape (4, 21)", "(N, 20)")


def test_missing_and_corrupt_files(small_net, capsys, tmp_path):
    code, _o, err = run_cli(capsys, "compile", tmp_path / "nope.onnx", "-o", tmp_path / "b")
    assert_one_line_error(code, err, "nope.onnx", "not found")
    (tmp_path / "junk.onnx").write_bytes(b"\x00\x01garbage" * 10)
    code, _o, err = run_cli(capsys, "compile", tmp_path / "junk.onnx", "-o", tmp_path / "b")
    assert_one_line_error(code, err, "junk.onnx", "not a readable ONNX model")
    code, _o, err = run_cli(capsys, "run", tmp_path / "nobuild", "-i", "x.npy", "-o", "y.npy")
    assert_one_line_error(code, err, "manifest.json", "no manifest")
    _, path, _ = small_net
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b")[0] == 0
    (tmp_path / "x.npy").write_text("not numpy")
    code, _o, err = run_cli(
        capsys, "run", tmp_path / "b", "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy"
    )
    assert_one_line_error(code, err, "x.npy", "not a readable .npy")
    code, _o, err = run_cli(
        capsys, "run", tmp_path / "b", "-i", tmp_path / "missing.npy", "-o", tmp_path / "y.npy"
    )
    assert_one_line_error(code, err, "missing.npy", "not found")
    code, _o, err = run_cli(
        capsys, "compile", path, "-o", tmp_path / "b", "--fold", tmp_path / "x.npy"
    )
    assert_one_line_error(code, err, "x.npy", "not valid JSON")


def test_missing_side_file_of_weights(small_net, capsys, tmp_path):
    """Exports may keep weights in `model.onnx.data`: both layouts compile, and a missing
    side file is a clear error."""
    import onnx

    _, path, _ = small_net
    model = onnx.load(str(path))
    onnx.save_model(
        model,
        str(tmp_path / "ext.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="ext.onnx.data",
        size_threshold=0,
    )
    assert run_cli(capsys, "compile", tmp_path / "ext.onnx", "-o", tmp_path / "b")[0] == 0
    (tmp_path / "ext.onnx.data").unlink()
    code, _o, err = run_cli(capsys, "compile", tmp_path / "ext.onnx", "-o", tmp_path / "b2")
    assert_one_line_error(code, err, "ext.onnx", "not a readable ONNX model")


def test_unwritable_output_folder(small_net, capsys, tmp_path):
    _, path, _ = small_net
    (tmp_path / "afile").write_text("")
    code, _o, err = run_cli(capsys, "compile", path, "-o", tmp_path / "afile" / "build")
    assert_one_line_error(code, err, "afile/build", "not writable")
    assert run_cli(capsys, "compile", path, "-o", tmp_path / "b")[0] == 0
    np.save(tmp_path / "x.npy", np.zeros((2, 20), np.float32))
    code, _o, err = run_cli(
        capsys, "run", tmp_path / "b", "-i", tmp_path / "x.npy", "-o", tmp_path / "afile" / "y.npy"
    )
    assert_one_line_error(code, err, "afile/y.npy", "cannot write")


def test_console_script_prints_no_traceback(tmp_path):
    """The installed entry point (python -m hwgen) on a bad file: one line, exit 1."""
    p = subprocess.run(
        [sys.executable, "-m", "hwgen", "compile", str(tmp_path / "x.onnx")],
        capture_output=True,
        text=True,
    )
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert p.stderr.strip().startswith("hwgen: error:") and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "model,extra",
    [
        ("mlp", []),
        ("cnn", []),
        ("bireal-mlp", ["--hidden", "32,32,32", "--pretrain-epochs", "2"]),
        ("mlp", ["--binarizer", "mlp", "--shift-bn", "--optimizer", "adamax", "--input-bits", "8"]),
    ],
    ids=["mlp", "cnn", "bireal-mlp", "mlp-binarizer-shift-bn"],
)
def test_train_writes_qonnx_that_compiles(model, extra, capsys, tmp_path):
    """`hwgen train` (a few epochs here) writes a QONNX model and its test split; both
    compile and the golden model reproduces the PyTorch outputs it saved."""
    code, out, err = run_cli(
        capsys,
        "train",
        "--model",
        model,
        "--dataset",
        "digits",
        "--epochs",
        3,
        *extra,
        "-o",
        tmp_path / "m.onnx",
    )
    assert code == 0, err
    assert "test accuracy" in out
    ref = np.load(tmp_path / "m.test.npz")
    assert run_cli(capsys, "compile", tmp_path / "m.onnx", "-o", tmp_path / "b")[0] == 0
    np.save(tmp_path / "x.npy", ref["x"])
    assert (
        run_cli(capsys, "run", tmp_path / "b", "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy")[
            0
        ]
        == 0
    )
    y = np.load(tmp_path / "y.npy")
    np.testing.assert_array_equal(y.argmax(1), ref["out"].argmax(1))
    assert np.abs(y - ref["out"]).max() <= 1e-5 * max(1, np.abs(ref["out"]).max())


def test_train_unknown_model_and_dataset(capsys, tmp_path):
    code, _o, err = run_cli(capsys, "train", "--model", "resnet", "-o", tmp_path / "m.onnx")
    assert_one_line_error(code, err, "--model", "resnet")
    code, _o, err = run_cli(capsys, "train", "--dataset", "mnist", "-o", tmp_path / "m.onnx")
    assert_one_line_error(code, err, "--dataset", "mnist")
