"""The Bi-Real fixed-point path of a QONNX graph: a k-bit Quant inside the net, shortcut Adds
around binary layers, and the BipolarQuant that ends it (a part of the QONNX walker)."""

from __future__ import annotations

import numpy as np
import onnx

from hwgen.errors import UnsupportedError
from hwgen.frontend.onnx_graph import attr
from hwgen.ir.dtypes import signed_bits_for
from hwgen.ops import BinaryMatMul, IntQuant, IntSign, ResidualBlock
from hwgen.passes.thresholds import level_thresholds

#: the widest activation between layers: a k-bit output takes 2^k - 1 thresholds per channel
MAX_ACT_BITS = 8


class ShortcutPath:
    """Mixin of `qonnx_import._Walker` (uses its `v`, `nodes`, `pre_layer`, `matmul_weights`,
    `collect_steps`, `need_const` and `act_scale`)."""

    def starts_shortcut(self, quant: onnx.NodeProto) -> bool:
        """Whether a k-bit Quant inside the net starts a Bi-Real fixed-point path: its output
        feeds a BipolarQuant or an Add (a multi-bit activation feeds the next layer)."""
        return any(
            u.op_type in ("BipolarQuant", "Add") for u in self.v.consumers.get(quant.output[0], [])
        )

    def shortcut_path(self, quant: onnx.NodeProto, width: int) -> onnx.NodeProto:
        """A k-bit activation inside the net starts a fixed-point path h (a Bi-Real net):
            h = Quant(...);  [h = h + Quant(BN(MatMul(BipolarQuant(h))))]*;  BipolarQuant(h)
        Appends the Quant (folded later into level thresholds), one ResidualBlock per shortcut
        Add and the IntSign that binarizes h; returns the final BipolarQuant."""
        iq = self.activation_quant(quant, signed_only=True)
        self.nodes.append(iq)
        h, h_range = quant.output[0], [iq.qmin, iq.qmax]
        while True:
            users = self.v.consumers.get(h, [])
            signs = [u for u in users if u.op_type == "BipolarQuant"]
            adds = [u for u in users if u.op_type == "Add"]
            if len(signs) != 1 or len(users) != 1 + len(adds) or len(adds) > 1:
                raise UnsupportedError(
                    quant.name,
                    f"the fixed-point tensor '{h}' must feed one BipolarQuant and at "
                    f"most one shortcut Add, not {[u.op_type for u in users]}",
                )
            if not adds:
                self.nodes.append(IntSign(name=signs[0].name, elems=width))
                return signs[0]
            add, sign = adds[0], signs[0]
            t, mm = self.pre_layer(sign.output[0], sign.name)
            if mm.op_type == "Conv":
                raise UnsupportedError(
                    mm.name, "shortcuts around convolutions are not supported (MLP blocks only)"
                )
            weights, scale_w, bias_steps, wbits = self.matmul_weights(mm, t)
            if wbits > 1:
                raise UnsupportedError(
                    mm.name,
                    f"{wbits}-bit weights inside a Bi-Real block; its blocks take bipolar weights",
                )
            steps, q2, _ = self.collect_steps(
                mm.output[0], allow_shape=False, where="inside a shortcut block"
            )
            if (
                q2 is None
                or q2.op_type != "Quant"
                or self.v.only_consumer(q2.output[0], q2.name) is not add
            ):
                raise UnsupportedError(
                    mm.name, "a shortcut block must end in a Quant that feeds the shortcut Add"
                )
            iq2 = self.shared_quant(q2, iq, add.name)
            mm_ir = BinaryMatMul(
                name=mm.name,
                weights=weights,
                scale=np.asarray(self.act_scale(sign) * scale_w, dtype=np.float64),
            )
            w, thr, off = level_thresholds(mm_ir, bias_steps + steps, iq2)
            block = ResidualBlock(
                name=add.name,
                weights=w,
                thresholds=thr,
                out_bits=iq2.bits,
                out_offset=off,
                h_bits=signed_bits_for(*h_range),
                h_range=list(h_range),
            )
            block.validate()
            self.nodes.append(block)
            h, h_range = add.output[0], list(block.out_range)

    def shared_quant(self, q: onnx.NodeProto, shared: IntQuant, where: str) -> IntQuant:
        """A block's k-bit Quant as an IntQuant, which must be the path's `shared` quantizer
        (the same scale and width), so the shortcut's sum is an integer sum; refused naming
        `where` otherwise."""
        iq = self.activation_quant(q, signed_only=True)
        if (iq.scale, iq.bits, iq.signed, iq.narrow) != (
            shared.scale,
            shared.bits,
            shared.signed,
            shared.narrow,
        ):
            raise UnsupportedError(
                where,
                f"the shortcut adds quantizers of different scales or widths "
                f"({shared.scale} x {shared.bits} bits vs {iq.scale} x {iq.bits} bits); "
                "share one quantizer so the sum is an integer sum",
            )
        return iq

    def activation_quant(self, q: onnx.NodeProto, signed_only: bool = False) -> IntQuant:
        """A k-bit Quant inside the net (per-tensor scale, zero point 0) as an IntQuant; a
        Bi-Real path's (`signed_only`) must be signed."""
        scale, zp, bits = (self.need_const(q, i) for i in (1, 2, 3))
        if scale.size != 1 or zp.size != 1 or bits.size != 1 or float(zp.ravel()[0]) != 0.0:
            raise UnsupportedError(
                q.name, "an activation quantizer needs one scale and zero point 0"
            )
        if not float(scale.ravel()[0]) > 0:
            raise UnsupportedError(
                q.name, f"activation scale {float(scale.ravel()[0])} must be positive"
            )
        b = float(bits.ravel()[0])
        signed = bool(attr(q, "signed", 1))
        if not b.is_integer() or not 2 <= b <= MAX_ACT_BITS or (signed_only and not signed):
            shown = str(int(b)) if b.is_integer() else str(b)
            kind = "signed " if signed_only else ""
            raise UnsupportedError(
                q.name,
                f"{shown}-bit {'' if signed else 'unsigned '}activation: {kind}2 to "
                f"{MAX_ACT_BITS} bits are supported",
            )
        return IntQuant(
            name=q.name,
            scale=float(scale.ravel()[0]),
            bits=int(b),
            signed=signed,
            narrow=bool(attr(q, "narrow", 0)),
            rounding=str(attr(q, "rounding_mode", "ROUND")),
        )
