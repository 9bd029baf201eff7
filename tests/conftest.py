"""Shared fixtures: a trained digits MLP and a cache folder for simulator builds."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

warnings.filterwarnings("ignore")

ROOT = Path(__file__).resolve().parent.parent


def _trained(name: str, kind: str, flat: bool):
    """`hwgen train --model KIND --dataset digits`, in-process, trained once for every pytest
    worker: the first trains under a file lock and saves the weights, the export and the
    result under build/tests/fixtures/, keyed by the training code and library versions (a
    changed trainer never reuses them); the others load them. Returns (model, onnx, split,
    result)."""
    import hashlib
    import pickle

    import brevitas
    import torch
    from filelock import FileLock

    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, train

    h = hashlib.sha256(f"{name}|{kind}|{flat}|{torch.__version__}|{brevitas.__version__}".encode())
    for f in sorted((ROOT / "hwgen" / "train").glob("*.py")) + [ROOT / "hwgen" / "__init__.py"]:
        h.update(f.read_bytes())
    d = ROOT / "build" / "tests" / "fixtures" / f"{name}-{h.hexdigest()[:16]}"
    d.parent.mkdir(parents=True, exist_ok=True)
    split = load_dataset("digits", flat=flat)
    torch.manual_seed(0)
    model = build_model(kind, split.x_train.shape[1:], split.num_classes)
    with FileLock(str(d) + ".lock"):
        if not (d / "done").is_file():
            res = train(model, split, progress=False)
            d.mkdir(exist_ok=True)
            export(model, split.x_train.shape[1:], d / f"{name}.onnx")
            torch.save(model.state_dict(), d / "weights.pt")
            (d / "result.pkl").write_bytes(pickle.dumps(res))
            (d / "done").write_text("")
        else:
            model.load_state_dict(torch.load(d / "weights.pt"))
            res = pickle.loads((d / "result.pkl").read_bytes())
    model.eval()
    return model, d / f"{name}.onnx", split, res


@pytest.fixture(scope="session")
def digits_mlp():
    """The default W1A1 MLP trained on digits: (model, onnx path, split, result)."""
    return _trained("mlp", "mlp", flat=True)


@pytest.fixture(scope="session")
def digits_cnn():
    """`hwgen train --model cnn --dataset digits`, in-process: (model, onnx, split, result)."""
    return _trained("cnn", "cnn", flat=False)


@pytest.fixture(scope="session")
def digits_graph(digits_mlp):
    """The digits MLP imported and lowered (unfolded: PE = SIMD = 1)."""
    from hwgen.frontend import import_qonnx
    from hwgen.passes import apply_folding, lower

    return apply_folding(lower(import_qonnx(digits_mlp[1])))


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
