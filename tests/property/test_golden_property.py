"""Property: every random binary net compiles at every folding within its layers' sizes, and
its golden model equals PyTorch. Each run checks 400 new nets (FC and conv, odd and prime
sizes, BatchNorms with gamma < 0, gamma = 0 and exact ties; random PE/SIMD per layer); the
RTL text, the HLS text and the estimate are generated for each, so a folding that a backend
cannot build fails here too. A failing net is shrunk by hypothesis; keep it in
`regressions.json` so that every later run replays it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hwgen.backends.hls.codegen import generate_hls
from hwgen.backends.rtl.codegen import generate_rtl
from hwgen.estimate import estimate_graph
from hwgen.execution import run_golden
from hwgen.frontend import import_qonnx
from hwgen.ops import XnorMVU
from hwgen.passes import apply_folding, lower
from tests.helpers import assert_outputs_match, torch_outputs
from tests.property.nets import build_net, conv_specs, export_fast, fc_specs

REGRESSIONS = json.loads((Path(__file__).with_name("regressions.json")).read_text())
#: nets per test and run; two tests (FC, conv) make the 400 (fewer for a quick local run:
#: HWGEN_PROPERTY_NETS=50; more: HWGEN_PROPERTY_NETS=2000)
NETS = int(os.environ.get("HWGEN_PROPERTY_NETS", 200))
PROPERTY = settings(
    max_examples=NETS,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def random_folding(data, graph) -> dict:
    """A PE in [1, MH] and a SIMD in [1, MW] for every MVU, drawn by hypothesis."""
    return {
        n.name: {
            "pe": data.draw(st.integers(1, n.mh), label=f"{n.name} pe"),
            "simd": data.draw(st.integers(1, n.mw), label=f"{n.name} simd"),
        }
        for n in graph.nodes
        if isinstance(n, XnorMVU)
    }


def check_net(spec: dict, fold: dict | None, tmp: Path, data=None) -> None:
    """Export, lower, fold (drawn, or `fold`), generate both backends and the estimate, and
    compare the golden model with PyTorch on 64 inputs."""
    model = build_net(spec)
    g = lower(import_qonnx(export_fast(model, tmp / "net.onnx")))
    fold = random_folding(data, g) if fold is None else fold
    g = apply_folding(g, config=fold)
    generate_rtl(g)
    generate_hls(g)
    estimate_graph(g, "zynq7")
    x = model.inputs(64)
    assert_outputs_match(run_golden(g, x), torch_outputs(model, x))


@PROPERTY
@given(spec=fc_specs(), data=st.data())
def test_random_fc_nets_golden_equals_pytorch(tmp_path_factory, spec, data):
    check_net(spec, None, tmp_path_factory.mktemp("fc"), data)


@PROPERTY
@given(spec=conv_specs(), data=st.data())
def test_random_conv_nets_golden_equals_pytorch(tmp_path_factory, spec, data):
    check_net(spec, None, tmp_path_factory.mktemp("conv"), data)


@pytest.mark.parametrize("case", REGRESSIONS, ids=[c["why"][:40] for c in REGRESSIONS])
def test_kept_regressions(tmp_path, case):
    """Nets and foldings that once failed, replayed as found (shrunk)."""
    check_net(case["spec"], case["fold"], tmp_path)
