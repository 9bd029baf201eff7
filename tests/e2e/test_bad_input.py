"""A corpus of bad inputs: models, folding files, arguments, arrays, output paths and build
folders. Each must give one line naming the file, node, tensor or flag, exit status 1, and no
traceback (the CLI in-process, as `hwgen ...` runs it)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hwgen.cli import main
from tests.e2e.bad_models import (
    MODEL_CASES,
    B,
    M,
    X,
    fold_file,
    nonbuild_full,
    not_build,
    npy_file,
    write_file,
)
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


CASES = MODEL_CASES + [
    # folding files and flags
    (
        "fold-word",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f1",
            "--fold",
            fold_file(b, "f1.json", {"Gemm_0": {"pe": "four"}}),
        ],
        "pe must be a positive integer, not 'four'",
    ),
    (
        "fold-zero",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f2",
            "--fold",
            fold_file(b, "f2.json", {"Gemm_0": {"pe": 0}}),
        ],
        "positive integer, not 0",
    ),
    (
        "fold-negative",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f3",
            "--fold",
            fold_file(b, "f3.json", {"Gemm_0": {"simd": -2}}),
        ],
        "simd must be",
    ),
    (
        "fold-fraction",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f4",
            "--fold",
            fold_file(b, "f4.json", {"Gemm_0": {"pe": 2.5}}),
        ],
        "not 2.5",
    ),
    (
        "fold-bool",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f5",
            "--fold",
            fold_file(b, "f5.json", {"Gemm_0": {"pe": True}}),
        ],
        "not True",
    ),
    (
        "fold-too-big",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f6",
            "--fold",
            fold_file(b, "f6.json", {"Gemm_0": {"pe": 99}}),
        ],
        "must be in [1, 9]",
    ),
    (
        "fold-unknown-layer",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f7",
            "--fold",
            fold_file(b, "f7.json", {"Conv_9": {"pe": 1}}),
        ],
        "no MVU layer named 'Conv_9'",
    ),
    (
        "fold-unknown-key",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "f8",
            "--fold",
            fold_file(b, "f8.json", {"Gemm_0": {"pes": 1}}),
        ],
        "unknown keys",
    ),
    (
        "fold-not-json",
        lambda b: ["compile", M(b), "-o", b[0] / "f9", "--fold", fold_file(b, "f9.json", "{pe: 4")],
        "not valid JSON",
    ),
    (
        "fold-list",
        lambda b: ["compile", M(b), "-o", b[0] / "f10", "--fold", fold_file(b, "f10.json", [1, 2])],
        "expected an object",
    ),
    (
        "fold-missing",
        lambda b: ["compile", M(b), "-o", b[0] / "f11", "--fold", b[0] / "nofold.json"],
        "folding file not found",
    ),
    (
        "pe-zero",
        lambda b: ["compile", M(b), "-o", b[0] / "a1", "--pe", "0"],
        "--pe: 0 must be >= 1",
    ),
    (
        "pe-word",
        lambda b: ["compile", M(b), "-o", b[0] / "a2", "--simd", "four"],
        "--simd: 'four' is not an integer",
    ),
    (
        "fold-and-pe",
        lambda b: [
            "compile",
            M(b),
            "-o",
            b[0] / "a3",
            "--pe",
            "2",
            "--fold",
            fold_file(b, "ok.json", {}),
        ],
        "cannot be combined",
    ),
    (
        "fps-word",
        lambda b: ["compile", M(b), "-o", b[0] / "a4", "--target-fps", "fast"],
        "--target-fps must be a number",
    ),
    (
        "fps-and-pe",
        lambda b: ["compile", M(b), "-o", b[0] / "a5", "--target-fps", "max", "--pe", "2"],
        "cannot be combined",
    ),
    (
        "unknown-board",
        lambda b: ["compile", M(b), "-o", b[0] / "a6", "--board", "nosuchboard"],
        "nosuchboard",
    ),
    (
        "unknown-step",
        lambda b: ["compile", M(b), "-o", B(b), "--from", "optimise"],
        "--from: unknown step",
    ),
    (
        "non-build-folder",
        lambda b: ["compile", M(b), "-o", nonbuild_full(b)],
        "not empty and not an hwgen build",
    ),
    # training arguments (refused before any training)
    (
        "epochs-negative",
        lambda b: ["train", "--epochs", "-3", "-o", b[0] / "t.onnx"],
        "--epochs: -3 must be >= 1",
    ),
    (
        "epochs-zero",
        lambda b: ["train", "--epochs", "0", "-o", b[0] / "t.onnx"],
        "--epochs: 0 must be >= 1",
    ),
    ("hidden-word", lambda b: ["train", "--hidden", "32,x", "-o", b[0] / "t.onnx"], "--hidden"),
    (
        "pretrain-negative",
        lambda b: ["train", "--pretrain-epochs", "-1", "-o", b[0] / "t.onnx"],
        "must be >= 0",
    ),
    (
        "unknown-optimizer",
        lambda b: ["train", "--optimizer", "sgd", "-o", b[0] / "t.onnx"],
        "--optimizer",
    ),
    # simulation arguments
    ("frames-zero", lambda b: ["sim", B(b), "--frames", "0"], "--frames: 0 must be >= 1"),
    ("backpressure-one", lambda b: ["sim", B(b), "--backpressure", "1.5"], "--backpressure"),
    ("unknown-sim", lambda b: ["sim", B(b), "--sim", "modelsim"], "--sim"),
    (
        "native-on-icarus",
        lambda b: ["sim", B(b), "--sim", "icarus", "--testbench", "native"],
        "runs on Verilator",
    ),
    # arrays
    (
        "input-missing",
        lambda b: ["run", B(b), "-i", b[0] / "none.npy", "-o", b[0] / "y.npy"],
        "input file not found",
    ),
    (
        "input-garbage",
        lambda b: ["run", B(b), "-i", write_file(b, "g.npy", b"garbage"), "-o", b[0] / "y.npy"],
        "not a readable .npy",
    ),
    (
        "input-pickle",
        lambda b: [
            "run",
            B(b),
            "-i",
            npy_file(b, "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True),
            "-o",
            b[0] / "y.npy",
        ],
        "not a readable .npy",
    ),
    (
        "npz-no-x",
        lambda b: [
            "run",
            B(b),
            "-i",
            npy_file(b, "nox.npz", {"y": np.zeros(3)}),
            "-o",
            b[0] / "y.npy",
        ],
        "under the key 'x'",
    ),
    (
        "input-shape",
        lambda b: [
            "run",
            B(b),
            "-i",
            npy_file(b, "shape.npy", np.zeros((2, 15), np.float32)),
            "-o",
            b[0] / "y.npy",
        ],
        "does not match the model's input",
    ),
    (
        "input-nan",
        lambda b: [
            "run",
            B(b),
            "-i",
            npy_file(b, "nan.npy", np.full((2, 16), np.nan, np.float32)),
            "-o",
            b[0] / "y.npy",
        ],
        "finite",
    ),
    (
        "input-strings",
        lambda b: [
            "run",
            B(b),
            "-i",
            npy_file(b, "str.npy", np.array([["a"] * 16])),
            "-o",
            b[0] / "y.npy",
        ],
        "finite numbers",
    ),
    # output paths and build folders
    ("output-is-folder", lambda b: ["run", B(b), "-i", X(b), "-o", b[0]], "is a folder"),
    (
        "not-a-build",
        lambda b: ["run", not_build(b), "-i", X(b), "-o", b[0] / "y.npy"],
        "no manifest",
    ),
    ("missing-build", lambda b: ["sim", b[0] / "no_such_build"], "no manifest"),
    ("report-not-a-build", lambda b: ["report", not_build(b)], "no manifest"),
    ("synth-not-a-build", lambda b: ["synth", not_build(b), "--no-pnr"], "no manifest"),
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
    assert (
        main(["run", str(build), "-i", str(d / "m.test.npz"), "-o", str(d / "new" / "out.txt")])
        == 0
    )
    assert (d / "new" / "out.txt").is_file() and not (d / "new" / "out.txt.npy").exists()
    assert np.load(d / "new" / "out.txt").shape == (4, 4)
    assert "created folder" in capsys.readouterr().out
    shutil.rmtree(d / "new")
