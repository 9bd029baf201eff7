"""Property: for random binary nets at random foldings, the native RTL simulation (Verilator,
under random back-pressure) and the C-simulation of the HLS code both equal the golden model,
frame for frame, and every HLS kernel runs exactly its trip count. Each run checks 16 new
nets (HWGEN_PROPERTY_RTL_NETS to change it; the slow run adds 100 more); the kept regressions
are replayed too. The two
simulations of a net build and run side by side (they are separate processes)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwgen.backends.hls.codegen import kernel_trips
from hwgen.execution import run_csim_model, run_golden, run_rtl
from hwgen.ops.mvu import PIPE_STAGES
from hwgen.pipeline import CompileOptions, compile_model
from tests.helpers import need_tool
from tests.property.nets import build_net, export_fast, net_specs
from tests.property.test_golden_property import REGRESSIONS, random_folding

NETS = int(os.environ.get("HWGEN_PROPERTY_RTL_NETS", 16))
FRAMES = 12
pytestmark = [pytest.mark.rtlsim, pytest.mark.csim]


def check_backends(
    spec: dict, fold: dict | None, tmp: Path, data=None, pause: float = 0.3, seed: int = 1
) -> None:
    """Compile the net at its folding, then RTL (native, stalls at `pause`) and C-sim against
    golden on FRAMES inputs."""
    need_tool("verilator")
    model = build_net(spec)
    path = export_fast(model, tmp / "net.onnx")
    if fold is None:
        from hwgen.frontend import import_qonnx
        from hwgen.passes import lower

        graph = lower(import_qonnx(path))
        fold = random_folding(data, graph)
        add_random_stages(data, graph, fold)
    g, _ = compile_model(CompileOptions(path, tmp / "build", fold=fold))
    x = model.inputs(FRAMES)
    gold = run_golden(g, x)
    with ThreadPoolExecutor(2) as pool:
        rtl = pool.submit(run_rtl, g, tmp / "build", x, "verilator", pause, pause, seed)
        csim = pool.submit(run_csim_model, g, tmp / "build", x)
        (rtl_out, _), (csim_out, res) = rtl.result(), csim.result()
    np.testing.assert_array_equal(rtl_out, gold, err_msg=f"RTL != golden at folding {fold}")
    np.testing.assert_array_equal(csim_out, gold, err_msg=f"C-sim != golden at folding {fold}")
    assert res.trips == kernel_trips(g, FRAMES)


def add_random_stages(data, graph, fold: dict) -> None:
    """Pipeline stages and popcount groups for each folded MVU, and the stages of each sliding
    window, drawn by hypothesis (pinned in the folding file, as a user may): the nets then run
    under back-pressure with them in."""
    for n in graph.nodes:
        if getattr(n, "pipelined", False) and not getattr(n, "foldable", False):
            fold[n.name] = {
                "stages": data.draw(
                    st.lists(st.sampled_from(n.stage_names), unique=True),
                    label=f"{n.name} stages",
                )
            }
        if n.name not in fold or not getattr(n, "foldable", False):
            continue
        entry = fold[n.name]
        simd, groups = entry["simd"], 1
        if n.xnor and simd >= 2:
            groups = data.draw(st.integers(1, min(4, simd)), label=f"{n.name} pc_groups")
            size = -(-simd // groups)
            groups = -(-simd // size)  # the groups that size makes (none empty)
            entry["pc_groups"] = groups
        # popcount_mid needs a popcount tree, group_sum groups, rom_bank two banks or more
        words = -(-n.mw // simd) * -(-n.mh // entry["pe"])
        allowed = [
            s
            for s in sorted(PIPE_STAGES)
            if (n.xnor or s != "popcount_mid")
            and (groups > 1 or s != "group_sum")
            and (words > 2 or s != "rom_bank")
        ]
        entry["stages"] = data.draw(
            st.lists(st.sampled_from(allowed), unique=True), label=f"{n.name} stages"
        )
        if "rom_bank" in entry["stages"]:  # banks of 2 .. words/2 rounded to a power of two
            top = (words - 1).bit_length() - 1
            entry["rom_bank_depth"] = 2 ** data.draw(
                st.integers(1, top), label=f"{n.name} rom_bank_depth"
            )


@settings(
    max_examples=NETS,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    spec=net_specs(),
    data=st.data(),
    pause=st.sampled_from([0.0, 0.3, 0.7]),
    seed=st.integers(1, 1000),
)
def test_random_nets_rtl_and_csim_equal_golden(tmp_path_factory, spec, data, pause, seed):
    check_backends(spec, None, tmp_path_factory.mktemp("net"), data, pause, seed)


@pytest.mark.slow
@settings(
    max_examples=100,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    spec=net_specs(),
    data=st.data(),
    pause=st.sampled_from([0.0, 0.3, 0.7]),
    seed=st.integers(1, 1000),
)
def test_many_random_nets_rtl_and_csim_equal_golden(tmp_path_factory, spec, data, pause, seed):
    """The slow run's 100 more nets (the default run keeps to 16 for CI's time)."""
    check_backends(spec, None, tmp_path_factory.mktemp("net"), data, pause, seed)


@pytest.mark.parametrize("case", REGRESSIONS, ids=[c["why"][:40] for c in REGRESSIONS])
def test_kept_regressions_on_rtl_and_csim(tmp_path, case):
    check_backends(case["spec"], case["fold"], tmp_path)
