"""The wheel: built from a copy of the sources, installed into a bare folder, and run from
another folder with no checkout in sight: it compiles, simulates (native Verilator, cocotb on
Icarus, C-sim) and synthesises with the libraries it carries."""

import os
import shutil
import subprocess
import sys
import zipfile
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


def _run(site: Path, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
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
    r = _run(wheel_site[0], ["check.py", str(wheel_site[0]), "m.onnx", "ref.npz"], work)
    assert r.returncode == 0 and "wheel ok" in r.stdout, r.stdout[-2000:] + r.stderr[-4000:]
    assert (work / "build" / "synth" / "pynq-z2").is_dir() and not (ROOT / "elsewhere").exists()
