"""Training loop with progress, evaluation, and QONNX export of a trained binary net."""

from __future__ import annotations

import contextlib
import io
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from rich.progress import Progress
from torch import nn

from hwgen.errors import HwgenError
from hwgen.train.binarizers import (
    anneal_all,
    clip_latent_weights,
    lr_factor,
    magnitude_aware,
    real_valued,
)


@dataclass
class TrainResult:
    """What training produced: test accuracy and the model's test outputs."""

    accuracy: float
    seconds: float
    test_outputs: np.ndarray


def predict(model: nn.Module, x: np.ndarray, batch: int = 512) -> np.ndarray:
    """The model's outputs in eval mode, float32 numpy."""
    model.eval()
    outs = []
    with torch.no_grad():
        for lo in range(0, len(x), batch):
            outs.append(model(torch.from_numpy(x[lo : lo + batch])).numpy())
    return np.concatenate(outs).astype(np.float32)


OPTIMIZERS = {"adam": torch.optim.Adam, "adamax": torch.optim.Adamax}


def train(
    model: nn.Module,
    split,
    epochs: int = 60,
    lr: float = 0.01,
    batch: int = 64,
    seed: int = 0,
    progress: bool | str = True,
    binarizer: str | None = None,
    optimizer: str = "adam",
    pretrain_epochs: int = 0,
) -> TrainResult:
    """Adam (or BNN's AdaMax) with cosine decay and cross-entropy on the split's training set.
    With a `binarizer` method, its schedules run per epoch (ABC's clamp width and learning
    rate, the tanh slope); for BNN's methods (ste, stochastic) latent weights stay in [-1, 1];
    for Bi-Real (bireal) the weight gradient is magnitude-aware. `pretrain_epochs` first
    trains the real-valued twin with clip activations (Bi-Real's pretraining step).
    `progress`: False (quiet), True or "bar" (a rich bar with the loss and accuracies), or
    "lines" (one printed line per epoch: for logs and CI)."""
    if optimizer not in OPTIMIZERS:
        raise HwgenError(f"--optimizer: unknown '{optimizer}' (available: {', '.join(OPTIMIZERS)})")
    torch.manual_seed(seed)
    t0 = time.perf_counter()
    if pretrain_epochs > 0:
        with real_valued(model):
            _epochs(
                model,
                split,
                pretrain_epochs,
                lr,
                batch,
                None,
                optimizer,
                progress,
                "pretraining (real)",
            )
    hooks = magnitude_aware(model) if binarizer == "bireal" else []
    try:
        _epochs(model, split, epochs, lr, batch, binarizer, optimizer, progress, "training")
    finally:
        for h in hooks:
            h.remove()
    out = predict(model, split.x_test)
    acc = float((out.argmax(1) == split.y_test).mean())
    return TrainResult(acc, time.perf_counter() - t0, out)


def _epochs(
    model: nn.Module,
    split,
    epochs: int,
    lr: float,
    batch: int,
    binarizer: str | None,
    optimizer: str,
    progress: bool | str,
    what: str,
) -> None:
    """`epochs` epochs of minibatch training with cosine learning-rate decay."""
    xtr, ytr = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    bar = _progress(epochs, progress, what)
    t0 = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        anneal_all(model, epoch, epochs)
        cosine = lr * 0.5 * (1 + math.cos(math.pi * epoch / epochs))
        for group in opt.param_groups:
            group["lr"] = cosine * (lr_factor(binarizer, epoch, epochs) if binarizer else 1.0)
        perm = torch.randperm(len(xtr))
        total, right = 0.0, 0
        for lo in range(0, len(perm), batch):
            idx = perm[lo : lo + batch]
            opt.zero_grad()
            logits = model(xtr[idx])
            loss = loss_fn(logits, ytr[idx])
            right += int((logits.argmax(1) == ytr[idx]).sum())
            loss.backward()
            opt.step()
            if binarizer in ("ste", "stochastic"):
                clip_latent_weights(model)
            total += loss.item() * len(idx)
        if progress:  # the test accuracy costs one pass over the (small) test split
            test_acc = float((predict(model, split.x_test).argmax(1) == split.y_test).mean())
            bar(epoch, total / len(perm), right / len(perm), test_acc, time.perf_counter() - t0)


def _progress(epochs: int, mode: bool | str, what: str = "training"):
    """A per-epoch progress callback(epoch, loss, train accuracy, test accuracy, seconds): a rich
    bar (mode True or "bar"), one printed line per epoch ("lines"), or nothing (False)."""
    if not mode:
        return lambda *a: None
    if mode == "lines":

        def line(epoch: int, loss: float, acc: float, test_acc: float, seconds: float) -> None:
            print(
                f"{what}: epoch {epoch + 1}/{epochs}  loss {loss:.4f}  train accuracy {acc:.2%}  "
                f"test accuracy {test_acc:.2%}  {seconds:.1f} s",
                flush=True,
            )

        return line
    prog = Progress(transient=True)
    task = prog.add_task(what, total=epochs)
    prog.start()

    def update(epoch: int, loss: float, acc: float, test_acc: float, seconds: float) -> None:
        prog.update(
            task,
            advance=1,
            description=f"{what} (loss {loss:.3f}, train {acc:.1%}, test {test_acc:.1%})",
        )
        if epoch == epochs - 1:
            prog.stop()

    return update


def export(model: nn.Module, in_shape: tuple[int, ...], path: Path) -> Path:
    """Export to QONNX with Brevitas (weights may land in a side file `<path>.data`)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise HwgenError(f"{path.parent}: cannot create output folder ({e.strerror})") from None
    model.eval()
    export_quietly(model, torch.zeros((1,) + tuple(in_shape)), path)
    return path


def export_quietly(model: nn.Module, example: torch.Tensor, path: Path) -> None:
    """`brevitas.export.export_qonnx` without torch.onnx's progress lines (stdout) and its
    'torchvision is not installed' warnings (logging): they say nothing to a hwgen user."""

    # deferred: Brevitas pulls in torch
    from brevitas.export import export_qonnx

    loggers = [
        logging.getLogger(n)
        for n in list(logging.root.manager.loggerDict)
        if n.startswith("torch.onnx")
    ]
    loggers.append(logging.getLogger("torch.onnx._internal.exporter._registration"))
    old = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            export_qonnx(model, example, export_path=str(path))
    finally:
        for lg, lvl in zip(loggers, old):
            lg.setLevel(lvl)
