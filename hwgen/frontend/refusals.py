"""The importer's refusals: one line naming the ONNX node, what is wrong and what to change."""

from __future__ import annotations

import numpy as np
import onnx

from hwgen.errors import UnsupportedError

#: what the importer's chain walk accepts, listed in its refusals
SUPPORTED = (
    "MatMul/Gemm, Conv, MaxPool, BipolarQuant, Quant, "
    "BatchNormalization, Mul, Add, Sub, Div, Reshape, Flatten, and a per-scalar function "
    "Unsqueeze(-1) [MatMul, Add, Mul, Relu, Tanh]* Squeeze(-1) before a quantizer"
)
LAYERS = ("MatMul", "Gemm", "Conv")
#: `where` of the walk before the input quantizer
BEFORE_INPUT = "before the first quantizer"


def unsupported(n: onnx.NodeProto, where: str, layer: str | None = None) -> UnsupportedError:
    """The refusal of node `n` met `where` in the chain; `layer` is the layer whose output
    the walk was following, if any (a second layer met there lacks a quantizer between)."""
    if n.op_type in LAYERS and where == BEFORE_INPUT:
        # a plain (float) PyTorch model: its layers are supported, its lack of quantizers not
        return UnsupportedError(
            n.name,
            f"a {n.op_type} layer before any quantizer: hwgen compiles "
            "quantized nets (Brevitas, exported with export_qonnx), whose input "
            "is quantized (BipolarQuant or Quant) before the first layer",
        )
    if n.op_type in LAYERS and layer is not None:
        # the layer itself is supported: what is missing is the activation before it
        return UnsupportedError(
            n.name,
            f"{n.op_type} follows layer '{layer}' with no activation quantizer between them; "
            f"add one after '{layer}' (a Brevitas QuantIdentity/QuantReLU/QuantHardTanh, or "
            "a BipolarQuant sign) so the next layer's input is binary or k-bit",
        )
    return UnsupportedError(
        n.name, f"op '{n.op_type}' is not supported {where} (supported: {SUPPORTED})"
    )


def fmt_bits(bits) -> str:
    """A quantizer's bit width as written by a user: 2, not 2.0; '?' when unknown."""
    if bits is None:
        return "?"
    v = float(np.asarray(bits).ravel()[0])
    return str(int(v)) if v.is_integer() else str(v)
