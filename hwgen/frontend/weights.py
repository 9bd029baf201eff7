"""The weights of a QONNX MatMul/Gemm/Conv (a part of the QONNX walker): bipolar
(BipolarQuant, or a constant of one magnitude) or k-bit integers (a Quant of 2 to
MAX_WEIGHT_BITS signed bits), with their per-tensor or per-output-channel scale, and a
convolution's window and padding."""

from __future__ import annotations

import dataclasses

import numpy as np
import onnx

from hwgen.errors import UnsupportedError
from hwgen.frontend.onnx_graph import attr
from hwgen.ops import SlidingWindow
from hwgen.ops.padding import Window

#: the widest integer weight the MVU takes (its products are shift-and-add over the bits)
MAX_WEIGHT_BITS = 4


class WeightReader:
    """Mixin of `qonnx_import._Walker` (uses its `v`, `nodes` and `need_const`)."""

    def conv_weights(self, conv: onnx.NodeProto, t: str, in_bits: int):
        """A Conv as SlidingWindow (appended) and (weights MH x K*K*C in (kh, kw, c) order,
        per-channel scale, bias steps, output pixels, padded window, weight bits)."""
        k = list(attr(conv, "kernel_shape", []))
        if len(k) != 2:
            raise UnsupportedError(conv.name, f"{len(k)}-D convolution; only 2-D is supported")
        if k[0] != k[1]:
            raise UnsupportedError(conv.name, f"non-square kernel {k[0]}x{k[1]} is not supported")
        if any(d != 1 for d in attr(conv, "dilations", [1, 1])):
            raise UnsupportedError(
                conv.name, f"dilation {list(attr(conv, 'dilations'))} is not supported"
            )
        if attr(conv, "group", 1) != 1:
            raise UnsupportedError(
                conv.name, f"grouped convolution (group={attr(conv, 'group')}) is not supported"
            )
        s = list(attr(conv, "strides", [1, 1]))
        if s[0] != s[1]:
            raise UnsupportedError(conv.name, f"unequal strides {s} are not supported")
        if conv.input[0] != t:
            raise UnsupportedError(conv.name, "the activation must be the first operand")
        values, scale, wbits = self.quant_weight(conv, conv.input[1])  # (OC, IC, KH, KW)
        oc = values.shape[0]
        scale = np.broadcast_to(
            scale.reshape(scale.shape + (1,) * (4 - scale.ndim)) if scale.ndim < 4 else scale,
            values.shape,
        ).reshape(oc, -1)
        if not np.all(scale == scale[:, :1]):
            raise UnsupportedError(
                conv.name, "only per-tensor or per-output-channel weight scales are supported"
            )
        _, c, h, w = self.v.shape_of(t)
        pads = self.pads(conv, Window(h, w, c, k[0], s[0]))
        if in_bits == 1 and wbits > 1 and any(pads):
            raise UnsupportedError(
                conv.name,
                f"zero padding of bipolar activations with {wbits}-bit weights is "
                "not supported; quantize the activations to 2 or more bits, or drop the padding",
            )
        sw = SlidingWindow(
            name=f"{conv.name}_window",
            h=h,
            w=w,
            c=c,
            k=k[0],
            stride=s[0],
            elem_bits=in_bits,
            pads=pads,
        )
        self.nodes.append(sw)
        # integer pixels pad with an ordinary 0; bipolar ones need border-class thresholds
        window = sw.window.to_dict() if in_bits == 1 and any(pads) else None
        stored = values.transpose(0, 2, 3, 1).reshape(oc, -1)
        bias = []
        if len(conv.input) > 2 and conv.input[2]:
            bias = [{"op": "Add", "const": self.need_const(conv, 2).astype(np.float64).tolist()}]
        return stored, scale[:, 0].astype(np.float64), bias, sw.oh * sw.ow, window, wbits

    def pads(self, n: onnx.NodeProto, geom: Window) -> list[int]:
        """A Conv's or MaxPool's zero padding [top, left, bottom, right], checked against its
        kernel (each at most K-1) and image."""
        auto = attr(n, "auto_pad", "NOTSET")
        if auto not in ("NOTSET", "VALID"):
            raise UnsupportedError(
                n.name, f"auto_pad={auto} is not supported; export explicit pads"
            )
        pads = [int(p) for p in attr(n, "pads", [0, 0, 0, 0])] if auto == "NOTSET" else [0, 0, 0, 0]
        if len(pads) != 4:
            raise UnsupportedError(n.name, f"pads {pads}: expected 4 values for a 2-D window")
        bad = dataclasses.replace(geom, pads=tuple(pads)).check()
        if bad:
            raise UnsupportedError(n.name, bad)
        return pads

    def matmul_weights(self, mm: onnx.NodeProto, t: str):
        """(weights MH x MW, per-channel positive scale, bias steps, weight bits) of a
        MatMul/Gemm."""
        if mm.input[0] != t:
            raise UnsupportedError(mm.name, "the activation must be the first operand")
        w_name = mm.input[1]
        alpha, bias_steps = 1.0, []
        trans_b = False
        if mm.op_type == "Gemm":
            if attr(mm, "transA", 0):
                raise UnsupportedError(mm.name, "Gemm with transA=1 is not supported")
            trans_b = bool(attr(mm, "transB", 0))
            alpha, beta = float(attr(mm, "alpha", 1.0)), float(attr(mm, "beta", 1.0))
            if len(mm.input) > 2 and mm.input[2]:
                c = self.need_const(mm, 2).astype(np.float64) * beta
                bias_steps = [{"op": "Add", "const": c.tolist(), "const_first": False}]
        values, scale, wbits = self.quant_weight(mm, w_name)
        if trans_b:
            values, scale = values.T, scale.T
        # values is (MW, MH) now; the scale broadcasts against it and must be per output column
        scale = np.broadcast_to(scale, values.shape)
        if not np.all(scale == scale[:1, :]):
            raise UnsupportedError(
                mm.name,
                f"weight '{w_name}' has per-input-channel scales; "
                "only per-tensor or per-output-channel scales are supported",
            )
        col_scale = scale[0, :].astype(np.float64) * alpha
        if np.any(col_scale <= 0):
            raise UnsupportedError(mm.name, f"weight '{w_name}' has non-positive scales")
        return np.ascontiguousarray(values.T), col_scale, bias_steps, wbits

    def quant_weight(self, mm: onnx.NodeProto, w_name: str):
        """(stored weights, scale, bits) of a quantized weight, in the weight's own layout:
        bits (uint8, 1 for +1) of a bipolar weight, int8 values of a k-bit one; or a clear
        refusal naming the layer, the weight and its width."""
        q = self.v.producer.get(w_name)
        if q is None:
            w = self.v.const(w_name)
            if w is None:
                raise UnsupportedError(mm.name, f"weight '{w_name}' is not a constant")
            mags = np.unique(np.abs(w))
            if mags.size != 1 or mags[0] == 0:
                raise UnsupportedError(
                    mm.name,
                    f"float (non-quantized) weight '{w_name}': "
                    "hwgen needs quantized (BipolarQuant or 2- to 4-bit Quant) weights",
                )
            return (w >= 0).astype(np.uint8), np.full((1,) * w.ndim, mags[0]), 1
        if q.op_type not in ("BipolarQuant", "Quant"):
            raise UnsupportedError(
                mm.name,
                f"weight '{w_name}' comes from a {q.op_type} node; "
                "expected a BipolarQuant or Quant of a constant",
            )
        w = self.need_const(q, 0).astype(np.float64)
        s = self.need_const(q, 1).astype(np.float64)
        self.check_scale(q, f"weight '{w_name}' of '{mm.name}'", s)
        if s.ndim < 2:  # ONNX broadcasting aligns trailing axes
            s = s.reshape((1,) * (w.ndim - 1) + (-1,)) if s.size > 1 else s.reshape((1,) * w.ndim)
        if q.op_type == "BipolarQuant":
            return (w >= 0).astype(np.uint8), s, 1
        return self.int_weight(mm, q, w_name, w, s), s, int(self.need_const(q, 3).ravel()[0])

    def check_scale(self, q: onnx.NodeProto, what: str, scale: np.ndarray) -> None:
        """Warn (once per quantizer) about a scale that is not a power of two: hwgen's integer
        arithmetic is exact, but PyTorch sums such float values with rounding, so at an exact
        tie (two equal logits, a pre-activation on its threshold) PyTorch may decide the
        other way."""
        if not_power_of_two(scale) and q.name not in self.warned:
            self.warned.add(q.name)
            shown = ", ".join(f"{v:g}" for v in np.unique(scale.ravel())[:3])
            self.warnings.append(
                f"quantizer '{q.name}' ({what}): scale {shown} is not a power of two, so "
                "PyTorch's float sums round and can break exact ties differently from hwgen's "
                "integers (the golden model may differ from PyTorch at ties); a power-of-two "
                "scale (e.g. Brevitas' SignedBinaryWeightPerTensorConst with scaling_const=1.0"
                " or PowerOfTwo restrict_scaling_type) keeps them equal"
            )

    def int_weight(
        self, mm: onnx.NodeProto, q: onnx.NodeProto, w_name: str, w: np.ndarray, s: np.ndarray
    ):
        """The integer values of a k-bit weight Quant, as QONNX computes them."""
        # deferred: qonnx is slow to import
        from qonnx.custom_op.general.quant import quant

        zp, bits = self.need_const(q, 2), self.need_const(q, 3)
        b = float(bits.ravel()[0])
        if bits.size != 1 or not b.is_integer() or not 2 <= b <= MAX_WEIGHT_BITS:
            shown = str(int(b)) if b.is_integer() else str(b)
            raise UnsupportedError(
                mm.name,
                f"{shown}-bit weight '{w_name}' (quantizer '{q.name}'): weights of 1 "
                f"(bipolar) to {MAX_WEIGHT_BITS} bits are supported",
            )
        if not attr(q, "signed", 1):
            raise UnsupportedError(
                mm.name, f"unsigned {int(b)}-bit weight '{w_name}': weights must be signed"
            )
        if np.any(zp != 0):
            raise UnsupportedError(
                mm.name, f"weight '{w_name}' has a nonzero zero point; only 0 is supported"
            )
        if np.any(s <= 0):
            raise UnsupportedError(mm.name, f"weight '{w_name}' has non-positive scales")
        wq = quant(
            w,
            s,
            zp.astype(np.float64),
            bits.astype(np.float64),
            1,
            int(attr(q, "narrow", 0)),
            str(attr(q, "rounding_mode", "ROUND")),
        )
        return np.rint(wq / np.broadcast_to(s, w.shape)).astype(np.int8)


def not_power_of_two(scale) -> bool:
    """Whether any of the (positive) scale values is not an exact power of two."""
    mant, _ = np.frexp(np.abs(np.asarray(scale, dtype=np.float64)).ravel())
    return bool(np.any(mant != 0.5))
