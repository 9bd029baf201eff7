"""`hwgen train`, `hwgen compare` (every binarizer) and `hwgen hash` (DLBHC hash codes)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from hwgen.cli.io import command, console, non_negative, positive, sizes
from hwgen.cli.sweep import add_ray_flags

# hwgen.train needs torch and Brevitas, an extra (`pip install hwgen[train]`): each command
# imports it when it runs, so the rest of the command line works without them.


def cmd_train(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    import torch

    from hwgen.train.data import load_dataset
    from hwgen.train.models import build_model
    from hwgen.train.trainer import export, train

    out = Path(a.output)
    split = load_dataset(a.dataset, flat=a.model not in ("cnn", "bireal-cnn"))
    torch.manual_seed(a.seed)
    binarizer = a.binarizer or ("bireal" if a.model.startswith("bireal-") else None)
    model = build_model(
        a.model,
        split.x_train.shape[1:],
        split.num_classes,
        a.hidden,
        binarizer=binarizer,
        input_bits=a.input_bits,
        shift_bn=a.shift_bn,
        weight_bits=a.weight_bits,
        act_bits=a.act_bits,
    )
    # a bar on a terminal; elsewhere (a log, CI) one line per epoch with the loss and accuracy
    progress = "bar" if sys.stdout.isatty() else "lines"
    res = train(
        model,
        split,
        epochs=a.epochs,
        seed=a.seed,
        progress=progress,
        binarizer=binarizer,
        optimizer=a.optimizer,
        pretrain_epochs=a.pretrain_epochs,
    )
    export(model, split.x_train.shape[1:], out)
    ref = out.with_suffix(".test.npz")
    np.savez(ref, x=split.x_test, y=split.y_test, out=res.test_outputs)
    print(
        f"trained {a.model} on {a.dataset}: test accuracy {res.accuracy:.2%} ({res.seconds:.1f} s)"
    )
    print(f"wrote {out} (QONNX) and {ref} (test inputs, labels and PyTorch outputs)")


def cmd_compare(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    from hwgen.train.compare import compare

    methods = a.methods.split(",") if a.methods else None
    compare(
        Path(a.output),
        methods=methods,
        seeds=tuple(range(a.seeds)),
        epochs=a.epochs,
        console=console(),
        address=a.address,
        timeout=a.timeout,
    )


def cmd_hash(a) -> None:
    # deferred: torch (the hwgen[train] extra)
    from hwgen.train.hash_codes import hash_codes

    bits = [int(b) for b in a.bits.split(",")]
    con = console()
    with con.status("training hash nets"):
        hash_codes(Path(a.output), bits, epochs=a.epochs, rtl=a.rtl, console=con)


def add_parsers(sub) -> None:
    """train, compare, hash."""
    t = command(sub, "train", "train a binary net with Brevitas and export QONNX", cmd_train)
    t.add_argument(
        "--model",
        default="mlp",
        help="mlp, cnn, bireal-mlp (Bi-Real: shortcuts around each "
        "binary layer; --hidden gives equal widths, e.g. 128,128,128), or "
        "bireal-cnn (a binary ResNet: 3x3 blocks with fixed-point "
        "shortcuts, a downsampling block with AvgPool2d + 1x1 conv)",
    )
    t.add_argument("--dataset", default="digits", help="data set (scikit-learn's digits)")
    t.add_argument("--epochs", type=positive, default=60, help="training epochs")
    t.add_argument("--hidden", type=sizes, default=None, help="hidden layer sizes, e.g. 256,128")
    t.add_argument(
        "--seed", type=non_negative, default=0, help="seed of the weights and the batches"
    )
    t.add_argument(
        "--input-bits",
        type=int,
        choices=(1, 8),
        default=1,
        help="mlp: 1 (input BatchNorm + sign) or 8 (bnn_pynq's 8-bit input quantizer)",
    )
    t.add_argument(
        "--weight-bits",
        type=int,
        choices=(1, 2),
        default=1,
        help="mlp, cnn: weights of the layers, 1 (bipolar) or 2 (bnn_pynq's {-1, 0, +1})",
    )
    t.add_argument(
        "--act-bits",
        type=int,
        choices=(1, 2),
        default=1,
        help="mlp, cnn: hidden activations, 1 (sign) or 2 (bnn_pynq's 2-bit {-1, 0, +1})",
    )
    t.add_argument(
        "--binarizer",
        help="training method of the binary activations: ste, stochastic, abc, "
        "tanh, bireal, mlp (default: Brevitas' binary activation; "
        "bireal for bireal-mlp and bireal-cnn)",
    )
    t.add_argument(
        "--optimizer", choices=("adam", "adamax"), default="adam", help="adamax is BNN's optimizer"
    )
    t.add_argument(
        "--shift-bn",
        action="store_true",
        help="mlp: BNN's shift-based BatchNorm (power-of-two scales) in the hidden layers",
    )
    t.add_argument(
        "--pretrain-epochs",
        type=non_negative,
        default=0,
        help="first train the real-valued twin with clip(x, -1, 1) activations for this many "
        "epochs (Bi-Real's pretraining step)",
    )
    t.add_argument("-o", "--output", default="model.onnx", help="QONNX file to write")

    cp = command(
        sub,
        "compare",
        "train every binarizer (3 seeds) and its float twin; table and plot",
        cmd_compare,
    )
    cp.add_argument("-o", "--output", default="build/compare", help="folder of the table and plot")
    cp.add_argument(
        "--methods",
        help="comma-separated subset of ste,stochastic,abc,tanh,bireal,mlp,bireal-net,"
        "w1a1,w1a2,w2a2 (precisions: Brevitas' 1- and 2-bit quantizers),"
        "cnn,bireal-cnn (the binary CNN and the Bi-Real CNN on 8x8 images)",
    )
    cp.add_argument("--seeds", type=positive, default=3, help="seeds per method")
    cp.add_argument("--epochs", type=positive, default=60, help="training epochs")
    add_ray_flags(cp)

    hs = command(
        sub, "hash", "DLBHC hash codes on digits: compiled, Hamming retrieval mAP vs LSH", cmd_hash
    )
    hs.add_argument("-o", "--output", default="build/hash", help="output folder")
    hs.add_argument("--bits", default="16,32,48", help="code lengths")
    hs.add_argument("--epochs", type=positive, default=60, help="training epochs")
    hs.add_argument(
        "--rtl",
        choices=("verilator", "icarus"),
        help="also take the test codes from RTL simulation",
    )
