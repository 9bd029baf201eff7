"""rtl/ speaks one vocabulary and states its contracts: every parameter carries a comment, the
glossary in rtl/README.md lists the names the kernels share, and a kernel instantiated against
its contract (a FIFO of DEPTH 1, a popcount too narrow for its lanes, ...) fails to elaborate
with its own message in Verilator, Yosys and Icarus, while a legal one builds."""

from __future__ import annotations

import re
import subprocess

import pytest

from hwgen.paths import SHARE
from hwgen.sim.tools import tool_path
from tests.helpers import need_tool

RTL = SHARE / "rtl"
PARAM = re.compile(r"^\s*parameter\b(?P<decl>[^/]*)(?P<comment>//.*)?$")

# (module, extra sources, a breach of its contract, the message, a legal setting)
BREACHES = [
    ("hwgen_axis_fifo", [], {"DEPTH": 1}, "DEPTH must be at least 2", {"DEPTH": 2}),
    (
        "hwgen_popcount",
        [],
        {"LANES": 8, "CNT_W": 3},
        "CNT_W bits cannot count to LANES",
        {"LANES": 8, "CNT_W": 4},
    ),
    (
        "hwgen_swg",
        [str(RTL / "hwgen_swg_ring.v")],  # the module it always instantiates
        {"K": 3, "PAD_T": 3},
        "each pad must be less than K",
        {"K": 3, "PAD_T": 2},
    ),
    (
        "hwgen_add_streams",
        [],
        {"A_ELEM_W": 6, "OUT_ELEM_W": 5},
        "OUT_ELEM_W must be at least A_ELEM_W",
        {"A_ELEM_W": 5, "OUT_ELEM_W": 5},
    ),
    ("hwgen_int_sign", [], {"ELEM_W": 1}, "ELEM_W must be at least 2", {"ELEM_W": 2}),
]


def test_every_parameter_has_a_comment():
    bare = [
        f"{p.name}:{k + 1}"
        for p in sorted(RTL.glob("*.v"))
        for k, line in enumerate(p.read_text().splitlines())
        if (m := PARAM.match(line)) and not m.group("comment")
    ]
    assert not bare, f"parameters without a comment: {bare}"


def test_the_glossary_lists_the_shared_names():
    glossary = (RTL / "README.md").read_text()
    names = {
        m.group(1)
        for p in RTL.glob("*.v")
        for m in re.finditer(r"parameter\s+(?:integer\s+)?(\w+)", p.read_text())
    }
    shared = {
        n
        for n in names
        if sum(f"parameter integer {n} " in p.read_text() for p in RTL.glob("*.v")) > 1
    }
    assert shared >= {"DATA_W", "IN_W", "OUT_W", "ELEM_W", "PE", "SIMD", "CNT_W", "LANES"}
    missing = sorted(n for n in shared if f"`{n}`" not in glossary)
    assert not missing, f"rtl/README.md's glossary lacks {missing}"
    assert not re.search(
        r"parameter integer (W|EW|IN_BITS|WBITS|PIX_W) ",
        "".join(p.read_text() for p in RTL.glob("*.v")),
    )


def _verilator(module, extra, params):
    cmd = [
        tool_path("verilator"),
        "--lint-only",
        "-Wall",
        "--top-module",
        module,
        *[f"-G{k}={v}" for k, v in params.items()],
        str(RTL / f"{module}.v"),
        *extra,
    ]
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def _yosys(module, extra, params):
    chparam = " ".join(f"-set {k} {v}" for k, v in params.items())
    files = " ".join([str(RTL / f"{module}.v"), *extra])
    script = f"read_verilog -defer {files}; chparam {chparam} {module}; hierarchy -top {module}"
    p = subprocess.run(["yosys", "-q", "-p", script], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def _icarus(module, extra, params, tmp_path):
    out = tmp_path / "a.vvp"
    cmd = [
        "iverilog",
        "-g2012",
        "-o",
        str(out),
        "-s",
        module,
        *[f"-P{module}.{k}={v}" for k, v in params.items()],
        str(RTL / f"{module}.v"),
        *extra,
    ]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        return p.returncode, p.stdout + p.stderr
    r = subprocess.run(["vvp", "-n", str(out)], capture_output=True, text=True)
    return r.returncode or ("FATAL" in r.stdout), r.stdout + r.stderr


@pytest.mark.parametrize("module,extra,bad,message,good", BREACHES, ids=[b[0] for b in BREACHES])
@pytest.mark.parametrize("tool", ["verilator", "yosys", "icarus"])
def test_a_breach_fails_at_elaboration_with_its_message(
    tool, module, extra, bad, message, good, tmp_path
):
    need_tool(tool)
    run = {"verilator": _verilator, "yosys": _yosys}.get(tool) or (lambda *a: _icarus(*a, tmp_path))
    rc, text = run(module, extra, bad)
    # Icarus may stop on a width the breach makes impossible before its $fatal can run
    assert rc and (message in text or (tool == "icarus" and "during elaboration" in text)), text
    rc, text = run(module, extra, good)
    assert not rc and message not in text, text
