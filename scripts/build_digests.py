"""Digests of every generated file of four reference builds, to show that a refactoring left
hwgen's output unchanged (or exactly where it did not).

    python scripts/build_digests.py build/digests before.json        # write digests
    python scripts/build_digests.py build/digests after.json --against before.json

The nets (exported once into FOLDER/onnx and reused, so both runs compile the same files):
the demo's trained digits MLP at PE=SIMD=16, TFC-W1A1 and CNV-W1A1 (random-init Brevitas
bnn_pynq) at FINN's folding, and an 8x8 Bi-Real CNN (block/down/block) at PE=4, SIMD=8.
Digested: rtl/, hls/, graph.json and report.json (its layer table and estimate).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

#: the files of a build whose bytes must not change
PARTS = ("rtl", "hls", "graph.json", "report.json")


def reference_nets(folder: Path) -> dict[str, tuple[Path, dict]]:
    """name -> (QONNX file, compile options); exported on the first run only."""
    import torch

    from hwgen.bench.demo import DEMO_PE, DEMO_SIMD
    from hwgen.bench.suite import CASES, cnv_onnx, digits_onnx, tfc_onnx
    from hwgen.train.bireal_cnn import BiRealCNN
    from hwgen.train.trainer import export

    folder.mkdir(parents=True, exist_ok=True)
    folds = {net: cfg for net, _f, _p, _s, cfg, _n in CASES if cfg}
    files = {
        "demo": folder / "digits_mlp.onnx",
        "tfc": folder / "tfc.onnx",
        "cnv": folder / "cnv.onnx",
        "bireal-cnn": folder / "bireal_cnn.onnx",
    }
    if not files["demo"].is_file():
        digits_onnx(folder, "mlp")
    if not files["tfc"].is_file():
        tfc_onnx(folder)
    if not files["cnv"].is_file():
        cnv_onnx(folder)
    if not files["bireal-cnn"].is_file():
        torch.manual_seed(0)
        m = BiRealCNN(1, 8, 10, channels=8, plan=("block", "down", "block")).eval()
        export(m, (1, 8, 8), files["bireal-cnn"])
    return {
        "demo": (files["demo"], {"pe": DEMO_PE, "simd": DEMO_SIMD}),
        "tfc": (files["tfc"], {"fold": folds["TFC-W1A1"]}),
        "cnv": (files["cnv"], {"fold": folds["CNV-W1A1"]}),
        "bireal-cnn": (files["bireal-cnn"], {"pe": 4, "simd": 8}),
    }


def digest_build(build: Path) -> dict[str, str]:
    """relative path -> sha256 of every file in the build's PARTS."""
    out = {}
    for part in PARTS:
        p = build / part
        for f in sorted([p] if p.is_file() else p.rglob("*")):
            if f.is_file():
                out[str(f.relative_to(build))] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


def main(argv=None) -> int:
    """Compile the reference nets into FOLDER, write their digests, compare with --against."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--against", type=Path)
    a = ap.parse_args(argv)
    from hwgen.pipeline import CompileOptions, compile_model

    digests = {}
    for name, (onnx, opts) in reference_nets(a.folder / "onnx").items():
        build = a.folder / name
        compile_model(
            CompileOptions(onnx, build, opts.get("pe"), opts.get("simd"), opts.get("fold"))
        )
        digests[name] = digest_build(build)
        print(f"{name}: {len(digests[name])} files")
    a.out.write_text(json.dumps(digests, indent=1) + "\n")
    if a.against is None:
        return 0
    old = json.loads(a.against.read_text())
    differ = 0
    for name in sorted(set(old) | set(digests)):
        before, after = old.get(name, {}), digests.get(name, {})
        for f in sorted(set(before) | set(after)):
            if before.get(f) != after.get(f):
                differ += 1
                what = "new" if f not in before else "gone" if f not in after else "changed"
                print(f"{name}/{f}: {what}")
    print("identical" if not differ else f"{differ} files differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
