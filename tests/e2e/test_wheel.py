"""The wheel: built from a copy of the sources, installed into a bare folder, and run from
another folder with no checkout in sight and torch blocked: it compiles, simulates (native
Verilator, cocotb on Icarus, C-sim) and synthesises with the libraries it carries; what it
requires pulls no torch or CUDA package (training is the `train` extra)."""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import need_tool, random_mlp

SOURCES = (
    "hwgen",
    "rtl",
    "hls",
    "templates",
    "boards",
    "sim",
    "setup.py",
    "pyproject.toml",
    "README.md",
)

SCRIPT = r"""
import sys
from pathlib import Path
import numpy as np
import hwgen
site = Path(sys.argv[1]).resolve()
assert Path(hwgen.__file__).resolve().is_relative_to(site), hwgen.__file__
assert hwgen.SHARE == site / "hwgen" / "_share", hwgen.SHARE
ref = np.load(sys.argv[3])
build = hwgen.compile(sys.argv[2], "build", pe=4, simd=4)
x = ref["x"]
golden = build.predict(x)
assert (golden.argmax(1) == ref["out"].argmax(1)).all()
for backend, sim in (("rtl", "verilator"), ("rtl", "icarus"), ("csim", "verilator")):
    assert np.array_equal(build.predict(x, backend=backend, sim=sim), golden), (backend, sim)
r = build.simulate(frames=10)
assert r.mismatches == 0, r
s = build.synth("pynq-z2")["yosys"]["summary"]
assert s["lut"] > 0, s
paths = build.package()
assert paths["tcl"].is_file()
try:
    import torch  # noqa: F401
    sys.exit("torch imported: the blocker is not in place, so this run proves nothing")
except ImportError:
    pass
print("wheel ok", s["lut"], "LUT")
"""


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory):
    """(the installed folder, the wheel's file names)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    for name in SOURCES:
        s = ROOT / name
        if s.is_dir():
            shutil.copytree(s, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(s, src / name)
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    # no build isolation: the venv's setuptools builds it, nothing is downloaded
    subprocess.run(
        pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"), str(src)],
        check=True,
        capture_output=True,
        cwd=tmp,
    )
    wheel = next((tmp / "dist").glob("hwgen-*.whl"))
    site = tmp / "site"
    subprocess.run(
        pip + ["install", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        cwd=tmp,
    )
    return site, zipfile.ZipFile(wheel).namelist()


def test_wheel_carries_the_libraries(wheel_site):
    _, names = wheel_site
    for want in (
        "hwgen/_share/rtl/hwgen_mvu.v",
        "hwgen/_share/hls/hwgen_hls.h",
        "hwgen/_share/hls/shim/ap_int.h",
        "hwgen/_share/templates/rtl/top.v.j2",
        "hwgen/_share/boards/pynq-z2.yaml",
        "hwgen/_share/sim/native_tb.cpp",
        "hwgen/_share/sim/hwgen_cocotb_stream.py",
        "hwgen/estimate/calibration.json",
    ):
        assert want in names, want
    assert not any(n.startswith(("tests/", "build/")) for n in names)


# what the wheel must never pull: a CUDA torch and its companions
HEAVY = re.compile(r"^(torch|torchvision|brevitas|triton|nvidia-.*)$")
# a sitecustomize that makes importing torch or Brevitas fail: the wheel's compile, run, sim
# and synth must not need them (training is the `train` extra)
NO_TORCH = """
import importlib.abc, sys
class _NoTorch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "brevitas"):
            raise ImportError(f"{name} is blocked: the wheel must work without torch")
sys.meta_path.insert(0, _NoTorch())
"""


def _requirements(req_lines: list[str], extras: set[str]) -> list[str]:
    """The distribution names a list of Requires-Dist lines asks for, outside other extras."""
    out = []
    for line in req_lines:
        name, _, marker = line.partition(";")
        wanted = re.findall(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if wanted and not set(wanted) & extras:
            continue
        out.append(re.split(r"[ <>=!~\[(]", name.strip(), maxsplit=1)[0].lower().replace("_", "-"))
    return out


def test_wheel_pulls_no_torch_and_trains_with_the_extra(wheel_site):
    """Every distribution the wheel needs, followed through the installed packages' own
    metadata: no torch, Brevitas, triton or nvidia package, unless the `train` extra asks."""
    site, _ = wheel_site
    meta = next(site.glob("hwgen-*.dist-info")) / "METADATA"
    lines = [
        ln.split(":", 1)[1].strip()
        for ln in meta.read_text().splitlines()
        if ln.startswith("Requires-Dist:")
    ]
    seen, todo = set(), _requirements(lines, set())
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            todo += _requirements(metadata.distribution(name).requires or [], set())
        except metadata.PackageNotFoundError:
            pass  # an optional platform package this venv lacks: not pulled here either
    assert "qonnx" in seen and "numpy" in seen, seen
    assert not {n for n in seen if HEAVY.match(n)}, sorted(n for n in seen if HEAVY.match(n))
    assert {"torch", "brevitas"} <= set(_requirements(lines, {"train"}))
    assert "License-Expression: Apache-2.0" in meta.read_text()


def _run(site: Path, args: list[str], cwd: Path, no_torch: Path | None = None):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site) + (f"{os.pathsep}{no_torch}" if no_torch else "")
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def test_wheel_version(wheel_site, tmp_path):
    import hwgen

    r = _run(wheel_site[0], ["-m", "hwgen", "--version"], tmp_path)
    assert r.returncode == 0 and r.stdout.strip() == f"hwgen {hwgen.__version__}", r.stderr


def test_wheel_compiles_simulates_and_synthesises_from_anywhere(wheel_site, tmp_path):
    """A small net: what is tested is where the libraries come from, not the net."""
    import numpy as np
    import torch

    for tool in ("verilator", "iverilog", "yosys"):
        need_tool(tool)
    work = tmp_path / "elsewhere"
    work.mkdir()
    model, _ = random_mlp(work / "m.onnx", [20, 12, 5], seed=4)
    x = np.random.default_rng(4).normal(size=(16, 20)).astype(np.float32)
    with torch.no_grad():
        np.savez(work / "ref.npz", x=x, out=model(torch.from_numpy(x)).numpy())
    (work / "check.py").write_text(SCRIPT)
    blocker = tmp_path / "no-torch"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(NO_TORCH)
    r = _run(wheel_site[0], ["check.py", str(wheel_site[0]), "m.onnx", "ref.npz"], work, blocker)
    assert r.returncode == 0 and "wheel ok" in r.stdout, r.stdout[-2000:] + r.stderr[-4000:]
    assert (work / "build" / "synth" / "pynq-z2").is_dir() and not (ROOT / "elsewhere").exists()
