"""The Bi-Real path of a convolutional net (a part of the QONNX walker): after a convolution's
k-bit Quant, the fixed-point tensor h forks into blocks, as Brevitas exports them:
    block:        Add(h, Quant(BN(Conv3x3_pad1(BipolarQuant(h)))))
    downsampling: Add(Quant(BN(Conv1x1(AveragePool2(h)))),
                      Quant(BN(Conv3x3_s2_pad1(BipolarQuant(h)))))
until a BipolarQuant alone (the head's sign). Each block becomes DAG nodes: a Fork of h, the
binary branch (IntSign, SlidingWindow, BinaryMatMul, HostSteps, IntQuant: lowered later into
an MVU with level thresholds), the shortcut (h itself, or SlidingWindow + WindowSum +
BinaryMatMul ... for the average pool and 1x1 convolution), and an AddStreams of the two.
"""

from __future__ import annotations

import numpy as np
import onnx

from hwgen.errors import UnsupportedError
from hwgen.frontend.channel_steps import per_channel_steps
from hwgen.frontend.onnx_graph import attr
from hwgen.ir.dtypes import signed_bits_for
from hwgen.ops import (
    AddStreams,
    BinaryMatMul,
    Fork,
    HostSteps,
    IntQuant,
    IntSign,
    SlidingWindow,
    WindowSum,
)


class ShortcutConv:
    """Mixin of `qonnx_import._Walker` (uses its `v`, `nodes`, `edges`, `pre_layer`,
    `conv_weights`, `collect_steps`, `activation_quant`, `shared_quant` and `act_scale`)."""

    def conv_shortcut_path(self, quant: onnx.NodeProto) -> onnx.NodeProto:
        """Appends the stem's quantizer and every block; returns the head's BipolarQuant."""
        iq = self.activation_quant(quant, signed_only=True)
        self.nodes.append(iq)
        h, h_range, h_node = quant.output[0], (iq.qmin, iq.qmax), iq.name
        while True:
            users = self.v.consumers.get(h, [])
            kinds = sorted(u.op_type for u in users)
            signs = [u for u in users if u.op_type == "BipolarQuant"]
            if kinds == ["BipolarQuant"]:  # the head: sign(h) into the classifier
                _, c, hh, ww = self.v.shape_of(h)
                self.nodes.append(IntSign(name=signs[0].name, elems=c * hh * ww))
                return signs[0]
            if kinds not in (["Add", "BipolarQuant"], ["AveragePool", "BipolarQuant"]):
                raise UnsupportedError(
                    quant.name if h == quant.output[0] else self.v.producer[h].name,
                    f"the fixed-point tensor '{h}' must feed a BipolarQuant and a shortcut "
                    f"(an Add, or an AveragePool), not {kinds}",
                )
            fork = Fork(name=f"{h_node}_fork")
            self.nodes.append(fork)
            main, main_q = self._branch(signs[0], signs[0].output[0], 1, 1.0, iq)
            add = self.v.only_consumer(main_q.output[0], main_q.name)
            if add is None or add.op_type != "Add":
                raise UnsupportedError(
                    main_q.name, "a block's quantizer must feed the shortcut Add"
                )
            q_range = (iq.qmin, iq.qmax)
            pools = [u for u in users if u.op_type == "AveragePool"]
            if pools:
                short, short_q, s_range = self._pool_branch(pools[0], h, h_range, fork, iq)
                operands, rng = [short, main], (q_range[0] + s_range[0], q_range[1] + s_range[1])
                if sorted(add.input) != sorted([short_q.output[0], main_q.output[0]]):
                    raise UnsupportedError(
                        add.name, "a downsampling block's Add must add its two branches"
                    )
            else:
                if sorted(add.input) != sorted([h, main_q.output[0]]):
                    raise UnsupportedError(add.name, f"a block's Add must add '{h}' and its branch")
                operands, rng = (
                    [fork.name, main],
                    (h_range[0] + q_range[0], h_range[1] + q_range[1]),
                )
            node = AddStreams(name=add.name, out_range=list(rng))
            self.nodes.append(node)
            self.edges[node.name] = operands
            h, h_range, h_node = add.output[0], rng, node.name

    def _branch(
        self,
        first: onnx.NodeProto,
        t: str,
        in_bits: int,
        in_scale: float,
        iq: IntQuant,
        in_signed: bool = False,
    ) -> tuple[str, onnx.NodeProto]:
        """A block's binary branch from its sign (or the pooled shortcut from its sum): conv,
        steps, the shared quantizer. Returns (the IR node ending it, its Quant)."""
        t, conv = self.pre_layer(t, first.name, in_bits, in_signed)
        if conv.op_type != "Conv":
            raise UnsupportedError(conv.name, "a convolutional block's branch must be a Conv")
        if first.op_type == "BipolarQuant":
            _, c, hh, ww = self.v.shape_of(first.input[0])
            self.nodes.append(IntSign(name=first.name, elems=c * hh * ww))
            scale_x = self.act_scale(first)
        else:
            scale_x = in_scale
        at = len(self.nodes)
        weights, scale_w, bias, pixels, window, wbits = self.conv_weights(conv, t, in_bits)
        if wbits > 1:
            raise UnsupportedError(
                conv.name,
                f"{wbits}-bit weights inside a Bi-Real block; its blocks take bipolar weights",
            )
        sw = self.nodes[at]
        if sw.k == 1 and sw.stride == 1 and not any(sw.pads):
            self.nodes.pop(at)  # a 1x1 convolution reads pixels as they stream: no window
        self.nodes.append(
            BinaryMatMul(
                name=conv.name,
                weights=weights,
                in_bits=in_bits,
                in_signed=in_signed,
                scale=np.asarray(scale_x * scale_w, dtype=np.float64),
                pixels=pixels,
                window=window,
                weight_bits=wbits,
            )
        )
        steps, q, _ = self.collect_steps(
            conv.output[0], allow_shape=False, where="inside a shortcut block"
        )
        if q is None or q.op_type != "Quant":
            raise UnsupportedError(conv.name, "a block's branch must end in the shared k-bit Quant")
        self.nodes.append(
            HostSteps(
                name=f"{conv.name}_affine",
                steps=per_channel_steps(bias + steps, weights.shape[0]),
                channels_last=True,
            )
        )
        q_ir = self.shared_quant(q, iq, q.name)
        self.nodes.append(q_ir)
        return q_ir.name, q

    def _pool_branch(self, pool: onnx.NodeProto, h: str, h_range, fork: Fork, iq: IntQuant):
        """The downsampling shortcut: AveragePool(K, stride K) of h as a window sum (its 1/K^2
        goes into the 1x1 convolution's scale), then that convolution's branch."""
        k = list(attr(pool, "kernel_shape", []))
        s = list(attr(pool, "strides", k))
        if (
            len(k) != 2
            or k[0] != k[1]
            or s != k
            or any(attr(pool, "pads", [0] * 4))
            or attr(pool, "ceil_mode", 0)
        ):
            raise UnsupportedError(
                pool.name,
                f"average pool {k} / strides {s}: only a square pool at its own "
                "stride, unpadded, is supported",
            )
        _, c, hh, ww = self.v.shape_of(h)
        bits = signed_bits_for(*h_range)
        sw = SlidingWindow(
            name=f"{pool.name}_window", h=hh, w=ww, c=c, k=k[0], stride=k[0], elem_bits=bits
        )
        self.nodes.append(sw)
        self.edges[sw.name] = [fork.name]
        total = WindowSum(
            name=pool.name,
            c=c,
            k=k[0],
            pixels=sw.oh * sw.ow,
            elem_bits=bits,
            in_range=list(h_range),
        )
        self.nodes.append(total)
        scale = iq.scale / (k[0] * k[0])  # the sum of K^2 integers of h's scale is K^2 means
        name, q = self._branch(pool, pool.output[0], total.out_bits, scale, iq, in_signed=True)
        return name, q, (iq.qmin, iq.qmax)
