"""The activation quantizers of hidden layers: binary (Brevitas' sign, or a trained
binarizer) or bnn_pynq's 2-bit one."""

from __future__ import annotations

from hwgen.errors import HwgenError
from hwgen.train.binarizers import Binarizer
from hwgen.train.layers import brevitas_sign


def binary_act(method: str | None = None):
    """A binary activation that exports as QONNX BipolarQuant (scale 1): Brevitas' own, or
    a `hwgen.train.binarizers.Binarizer` that trains with `method`'s forward and gradient."""
    return brevitas_sign() if method is None else Binarizer(method)


def quant_act(bits: int = 1, method: str | None = None):
    """The activation quantizer of a hidden layer: binary (`binary_act`), or bnn_pynq's 2-bit
    one (signed, narrow range: {-1, 0, +1} at scale 1, so PyTorch's sums stay exact)."""
    if bits == 1:
        return binary_act(method)
    if method is not None:
        raise HwgenError(
            f"--binarizer {method}: the binarizers train 1-bit activations, not {bits}-bit ones"
        )
    if bits != 2:
        raise HwgenError(f"--act-bits: 1 or 2, not {bits}")
    # deferred: Brevitas pulls in torch
    from brevitas.nn import QuantIdentity
    from brevitas_examples.bnn_pynq.models.common import CommonActQuant

    return QuantIdentity(act_quant=CommonActQuant, bit_width=2, return_quant_tensor=False)
