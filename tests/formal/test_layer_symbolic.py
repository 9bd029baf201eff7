"""Layer proofs by symbolic simulation (`hwgen.formal.layer_bdd`): layers past the BMC's size
proven equal to golden's function, and ROM mutants (a threshold off by one, a weight bit
flipped) caught with the channel they break. The digits MLP at PE=SIMD=16 and TFC-W1A1 at
PE=SIMD=4, every layer, are `slow`."""

from __future__ import annotations

from pathlib import Path

import pytest

from hwgen import api
from hwgen.formal.layers import BMC_MAX_WEIGHT_BITS, layer_checks
from tests.helpers import bnn_pynq_fc, random_mlp


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """A random 64-32-10 W1A1 MLP at PE=4, SIMD=8: Gemm_0 has 2048 weight bits (symbolic),
    Gemm_1 320 (SymbiYosys' BMC)."""
    d = tmp_path_factory.mktemp("symbolic")
    _, onnx = random_mlp(d / "m.onnx", [64, 32, 10], seed=5)
    return api.compile(onnx, d / "build", pe=4, simd=8)


def _check(build, tmp_path: Path, layer: str):
    (chk,) = [c for c in layer_checks(build.graph, tmp_path) if c.layer == layer]
    assert chk.symbolic is not None and chk.weight_bits > BMC_MAX_WEIGHT_BITS
    return chk


def test_a_big_layer_is_proven_by_symbolic_simulation(build):
    rows = {r.target.split()[0]: r for r in build.prove() if r.prop == "= golden"}
    assert rows["Gemm_0"].engine == "BDD symbolic sim" and rows["Gemm_0"].result == "PASS"
    assert "every output beat" in rows["Gemm_0"].detail
    assert rows["Gemm_1"].engine == "abc bmc3" and rows["Gemm_1"].result == "PASS"


def _mutate_rom(folder: Path, kind: str, bump) -> None:
    rom = next(f for f in folder.iterdir() if f.name.endswith(f"_{kind}.mem"))
    words = rom.read_text().split()
    words[0] = f"{bump(int(words[0], 16)):0{len(words[0])}x}"
    rom.write_text("\n".join(words) + "\n")


def test_symbolic_mutant_threshold_off_by_one_is_caught(build, tmp_path):
    chk = _check(build, tmp_path, "Gemm_0")
    _mutate_rom(tmp_path / "l0_Gemm_0", "thresholds", lambda w: w + 1)  # channel 0's, one higher
    r = chk.symbolic()
    assert r.status == "FAIL" and "channel 0" in r.detail and "golden" in r.detail


def test_symbolic_mutant_weight_bit_flipped_is_caught(build, tmp_path):
    chk = _check(build, tmp_path, "Gemm_0")
    _mutate_rom(tmp_path / "l0_Gemm_0", "weights", lambda w: w ^ 1)  # element 0 of channel 0
    r = chk.symbolic()
    assert r.status == "FAIL" and "channel 0: element 0 meets weight" in r.detail


def _all_layers_proven(b) -> list:
    rows = [r for r in b.prove() if r.prop == "= golden"]
    assert rows and all(r.result == "PASS" for r in rows), rows
    return rows


@pytest.mark.slow
def test_digits_mlp_every_layer_equals_golden(tmp_path):
    from hwgen.bench.suite import digits_onnx  # deferred: trains with torch

    b = api.compile(digits_onnx(tmp_path, "mlp"), tmp_path / "build", pe=16, simd=16)
    rows = _all_layers_proven(b)
    assert len(rows) == 3


@pytest.mark.slow
def test_tfc_w1a1_at_pe_simd_4_every_layer_equals_golden(tmp_path):
    _, onnx = bnn_pynq_fc(tmp_path / "tfc.onnx", [64, 64, 64], seed=0)
    b = api.compile(onnx, tmp_path / "build", pe=4, simd=4)
    rows = _all_layers_proven(b)
    assert len(rows) == 4 and any("50176 weight bits" in r.target for r in rows)
