"""What stays unsupported at multi-bit precision is one line naming the node and the bit width
(or the reason), exit status 1: wide or unsigned weights, a padded max-pool of signed k-bit
values, a padded conv of bipolar inputs with k-bit weights, k-bit weights in a Bi-Real block."""

import pytest
import torch
from torch import nn

from tests.e2e.test_cli import assert_one_line_error, run_cli
from tests.helpers import export


def _int_weight(bits: int, signed: bool = True):
    from brevitas.quant import Int8WeightPerTensorFloat

    class Weight(Int8WeightPerTensorFloat):
        bit_width = bits

    class UnsignedWeight(Weight):
        signed = False

    return Weight if signed else UnsignedWeight


def _fc_net(wbits: int, signed: bool = True):
    from brevitas.nn import QuantLinear

    from hwgen.train.models import binary_act

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = binary_act()
            self.fc = QuantLinear(8, 4, bias=False, weight_quant=_int_weight(wbits, signed))
            self.bn = nn.BatchNorm1d(4)
            self.q2 = binary_act()
            self.out = QuantLinear(4, 3, bias=False, weight_quant=_int_weight(2))

        def forward(self, x):
            return self.out(self.q2(self.bn(self.fc(self.q(x)))))

    return Net().eval(), (8,)


def _conv_net(pool_pad: int = 0, conv_pad: int = 0, act_bits: int = 2, wbits: int = 1):
    from hwgen.train.models import binary_act, quant_act, quant_conv, quant_linear

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.q = binary_act()
            self.conv = quant_conv(2, 4, 3, padding=conv_pad, bits=wbits)
            self.bn = nn.BatchNorm2d(4)
            self.q2 = quant_act(act_bits)
            self.pool = nn.MaxPool2d(2, 2, padding=pool_pad)
            n = 4 * ((6 + 2 * conv_pad - 3 + 1 + 2 * pool_pad - 2) // 2 + 1) ** 2
            self.fc = quant_linear(n, 3, 1)

        def forward(self, x):
            x = self.pool(self.q2(self.bn(self.conv(self.q(x)))))
            return self.fc(x.reshape(x.shape[0], -1))

    return Net().eval(), (2, 6, 6)


@pytest.mark.parametrize(
    "make,needles",
    [
        (lambda: _fc_net(8), ["8-bit weight", "Gemm", "1 (bipolar) to 4 bits"]),
        (lambda: _fc_net(3, signed=False), ["unsigned 3-bit weight", "must be signed"]),
        (lambda: _conv_net(pool_pad=1), ["MaxPool", "padded max-pool of signed 2-bit"]),
        (
            lambda: _conv_net(conv_pad=1, act_bits=1, wbits=2),
            ["Conv", "bipolar activations with 2-bit weights"],
        ),
    ],
    ids=["8bit-weights", "unsigned-weights", "padded-signed-pool", "padded-bipolar-2bit-conv"],
)
def test_unsupported_multibit_is_one_line(tmp_path, capsys, make, needles):
    model, shape = make()
    with torch.no_grad():
        model(torch.zeros((2,) + shape))
    path = export(model, shape, tmp_path / "m.onnx")
    code, _out, err = run_cli(
        capsys, "compile", path, "-o", tmp_path / "build", "--pe", 2, "--simd", 2
    )
    assert_one_line_error(code, err, *needles)
