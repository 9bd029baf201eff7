"""The Python API: hwgen.compile from a torch module and from a QONNX file, predict on every
backend, load, estimate, simulate, and its one-line errors."""

import numpy as np
import pytest
import torch

import hwgen
from hwgen.errors import HwgenError
from tests.helpers import assert_outputs_match, need_tool, randomize_bn


@pytest.fixture(scope="module")
def module_build(tmp_path_factory):
    """A random-BN Brevitas MLP passed as a torch module (exported by hwgen.compile)."""
    from hwgen.train.models import BinaryMLP

    torch.manual_seed(5)
    m = BinaryMLP(64, [24], 10)
    randomize_bn(m, np.random.default_rng(5))
    m.eval()
    out = tmp_path_factory.mktemp("api") / "build"
    return m, hwgen.compile(m, out, input_shape=(64,), pe=4, simd=8, board="pynq-z2")


def test_compile_a_torch_module(module_build, digits_mlp):
    model, build = module_build
    x = digits_mlp[2].x_test[:64]
    with torch.no_grad():
        want = model(torch.from_numpy(x)).numpy()
    assert_outputs_match(build.predict(x), want)  # the host's final affine runs in float
    assert (build.path / "model.onnx").is_file()  # the export is kept with the build
    assert [r["pe"] for r in build.layers if r["kind"] == "MVU"] == [4, 4]
    assert set(build.step_seconds) == {"import", "lower", "fold", "codegen", "hls"}


def test_compile_a_file_then_every_backend(digits_mlp, tmp_path):
    _, onnx, split, res = digits_mlp
    build = hwgen.compile(onnx, tmp_path / "b", pe=16, simd=16)
    x = split.x_test[:40]
    golden = build.predict(x)
    assert_outputs_match(golden, res.test_outputs[:40])
    need_tool("verilator")
    np.testing.assert_array_equal(build.predict(x, backend="rtl", sim="verilator"), golden)
    np.testing.assert_array_equal(build.predict(x, backend="csim"), golden)

    again = hwgen.load(tmp_path / "b")
    assert again.layers == build.layers and again.board == "pynq-z2"
    est = again.estimate
    assert {"layers", "total", "fit", "cycles", "fps", "board"} <= set(est)
    # the total is the rounded sum; each layer is rounded on its own
    assert (
        abs(est["total"]["lut"] - sum(layer["lut"] for layer in est["layers"]))
        <= len(est["layers"]) / 2
    )
    assert est["cycles"] == max(r["cycles"] for r in build.layers)

    r = again.simulate(frames=20, backpressure=0.3)
    assert r.mismatches == 0 and r.frames == 20
    assert r.cycles_per_frame <= 1.02 * r.bound * (1 / 0.7) ** 2  # both sides stall 30 % of cycles
    r = again.simulate(frames=20)
    assert r.mismatches == 0 and r.cycles_per_frame <= 1.02 * r.bound


def test_fold_and_target_fps(digits_mlp, tmp_path):
    onnx = digits_mlp[1]
    names = [r["layer"] for r in hwgen.compile(onnx, tmp_path / "a").layers]
    fold = {names[0]: {"PE": 8, "SIMD": 32}}
    b = hwgen.compile(onnx, tmp_path / "a", fold=fold)
    assert (b.layers[0]["pe"], b.layers[0]["simd"]) == (8, 32)
    b = hwgen.compile(onnx, tmp_path / "a", target_fps=100_000)
    assert b.estimate["fps"] >= 100_000 and (b.path / "folding.json").is_file()


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        (dict(pe=4, fold={}), "--fold cannot be combined"),
        (dict(pe=0), "--pe: a positive integer"),
        (dict(target_fps="fast"), "--target-fps must be a number"),
        (dict(target_fps=-5), "positive number"),
        (dict(input_shape=(64,)), "input_shape is for a torch module"),
    ],
)
def test_compile_errors(digits_mlp, tmp_path, kwargs, needle):
    with pytest.raises(HwgenError, match=needle):
        hwgen.compile(digits_mlp[1], tmp_path / "b", **kwargs)


def test_module_errors(module_build, tmp_path):
    model, build = module_build
    with pytest.raises(HwgenError, match="input_shape: needed"):
        hwgen.compile(model, tmp_path / "m")
    with pytest.raises(HwgenError, match="a QONNX file path or a Brevitas"):
        hwgen.compile(42, tmp_path / "m")
    with pytest.raises(HwgenError, match="QONNX export failed"):
        hwgen.compile(model, tmp_path / "m", input_shape=(63,))
    with pytest.raises(HwgenError, match="backend: one of"):
        build.predict(np.zeros((1, 64), np.float32), backend="fpga")
    with pytest.raises(HwgenError, match="sim: one of"):
        build.predict(np.zeros((1, 64), np.float32), backend="rtl", sim="modelsim")
    with pytest.raises(HwgenError, match="no manifest"):
        hwgen.load(tmp_path / "nothing")
    with pytest.raises(HwgenError, match="lies in the build folder"):
        hwgen.compile(build.path / "model.onnx", build.path)


class NamedNet(torch.nn.Module):
    """A net written as a user would: named layers, not a Sequential."""

    def __init__(self):
        from hwgen.train.models import binary_act, binary_linear

        super().__init__()
        self.inp = binary_act()
        self.fc1 = binary_linear(16, 12)
        self.bn1 = torch.nn.BatchNorm1d(12)
        self.act1 = binary_act()
        self.head = binary_linear(12, 4)

    def forward(self, x):
        return self.head(self.act1(self.bn1(self.fc1(self.inp(x)))))


def test_a_user_module_keeps_its_names_and_mode(tmp_path):
    """Layers carry the module names the user wrote (tables, fold files); compile leaves the
    module in the mode it found it; predict takes a torch tensor as the module does."""
    torch.manual_seed(1)
    net = NamedNet()
    randomize_bn(net, np.random.default_rng(1))
    net.train()
    b = hwgen.compile(net, tmp_path / "b", input_shape=(16,), fold={"fc1": {"PE": 4, "SIMD": 8}})
    assert net.training  # not left in eval mode
    mods = {r["layer"]: r.get("module") for r in b.layers if r["kind"] == "MVU"}
    assert sorted(mods.values()) == ["fc1", "head"]
    assert [r["pe"] for r in b.layers if r.get("module") == "fc1"] == [4]
    x = torch.randn(8, 16)
    net.eval()
    with torch.no_grad():
        want = net(x).numpy()
    assert_outputs_match(b.predict(x), want)  # a tensor in, as the module takes
    fc1 = next(k for k, v in mods.items() if v == "fc1")
    with pytest.raises(HwgenError, match="named twice"):
        hwgen.compile(
            net, tmp_path / "c", input_shape=(16,), fold={"fc1": {"PE": 2}, fc1: {"PE": 4}}
        )
    with pytest.raises(
        HwgenError, match=r"no MVU layer named 'fc2' \(layers, adds and windows: .*\(fc1\)"
    ):
        hwgen.compile(net, tmp_path / "d", input_shape=(16,), fold={"fc2": {"PE": 2}})


def test_a_stock_scale_warns_once_naming_the_quantizer(tmp_path, capsys):
    """Brevitas' stock binary weight quantizer has scale 0.1: compile warns (once per
    quantizer, naming it), keeps the warning in the build, and the CLI prints it; scale-1
    nets (hwgen's models) compile without one."""
    from brevitas.nn import QuantLinear
    from brevitas.quant import SignedBinaryWeightPerTensorConst

    from hwgen.errors import HwgenWarning
    from hwgen.train.models import binary_act
    from tests.e2e.test_cli import run_cli
    from tests.helpers import export, random_mlp

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        binary_act(),
        QuantLinear(8, 6, bias=False, weight_quant=SignedBinaryWeightPerTensorConst),
        torch.nn.BatchNorm1d(6),
        binary_act(),
        QuantLinear(6, 3, bias=False, weight_quant=SignedBinaryWeightPerTensorConst),
    ).eval()
    warned = r"quantizer '.+' \(weight .+ of 'Gemm_0'\): scale 0.1 is not a power"
    with pytest.warns(HwgenWarning, match=warned):
        b = hwgen.compile(net, tmp_path / "b", input_shape=(8,))
    assert len(b.warnings) == 2 and all("scale 0.1" in w for w in b.warnings)
    onnx_path = export(net, (8,), tmp_path / "stock.onnx")
    code, out, _err = run_cli(capsys, "compile", onnx_path, "-o", tmp_path / "c")
    assert code == 0 and out.count("is not a power of two") == 2, out
    _, plain = random_mlp(tmp_path / "m.onnx", [8, 6, 3], seed=2)  # scale 1: no warning
    assert hwgen.compile(plain, tmp_path / "p").warnings == []
