"""QONNX (as exported by Brevitas) -> hwgen IR, by walking the model's single chain.

The chain is read as: host steps, the input quantizer (BipolarQuant, or a k-bit Quant for a
first layer of pixels), then layers of
    [MaxPool] [Flatten] MatMul/Gemm/Conv -> affine steps -> BipolarQuant or k-bit Quant
and a last MatMul/Gemm whose trailing affine steps (e.g. TensorNorm) run on the host.
Weights are bipolar or 2- to 4-bit integers (weights.py). Images stream channels-last; a Conv
becomes SlidingWindow + BinaryMatMul, a MaxPool SlidingWindow + WindowMax. A k-bit Quant that
feeds a BipolarQuant or an Add starts a Bi-Real fixed-point path (shortcut_path.py); any other
is a multi-bit activation, the next layer's integer input. Anything else is refused naming the
ONNX node.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx

from hwgen.errors import HwgenError, UnsupportedError
from hwgen.frontend.channel_steps import per_channel_steps
from hwgen.frontend.onnx_graph import OnnxView, attr, load_clean, module_of
from hwgen.frontend.refusals import BEFORE_INPUT, LAYERS, fmt_bits, unsupported
from hwgen.frontend.shortcut_conv import ShortcutConv
from hwgen.frontend.shortcut_path import ShortcutPath
from hwgen.frontend.weights import WeightReader
from hwgen.ir import Graph
from hwgen.ops import BinaryMatMul, Flatten, HostSteps, IntQuant, Sign, SlidingWindow, WindowMax
from hwgen.ops.padding import Window

_ARITH = ("Mul", "Add", "Sub", "Div")
_SHAPE = ("Reshape", "Flatten")
#: ops of a learned per-scalar function (the MLP binarizer), between Unsqueeze and Squeeze
_SCALAR_FN = ("MatMul", "Relu", "Tanh")


def import_qonnx(path: Path) -> Graph:
    """Read a QONNX file exported by `brevitas.export.export_qonnx` into an IR graph."""
    view = OnnxView(load_clean(Path(path)))
    return _Walker(view).walk(Path(path).stem)


class _Walker(ShortcutPath, ShortcutConv, WeightReader):
    def __init__(self, view: OnnxView):
        self.v = view
        self.nodes = []
        self.edges: dict[str, list[str]] = {}  # the DAG's branches (Graph.edges)
        self.warnings: list[str] = []  # Graph.warnings
        self.warned: set[str] = set()  # quantizers already warned about

    def walk(self, name: str) -> Graph:
        g = self.v.graph
        if len(g.input) != 1 or len(g.output) != 1:
            raise HwgenError(
                f"model '{name}': needs one input and one output, has {len(g.input)} and "
                f"{len(g.output)}"
            )
        t = g.input[0].name
        steps, quant, t = self.collect_steps(t, allow_shape=True, where=BEFORE_INPUT, first=True)
        if quant is None:
            raise HwgenError(
                f"model '{name}': no quantizer on the input; hwgen compiles quantized nets only"
            )
        self.nodes.append(HostSteps(name="host_pre", steps=steps))
        in_bits, in_signed, scale_x = self.input_quant(quant)
        while quant is not None:
            t = quant.output[0]
            if (
                self.v.only_consumer(t, quant.name) is None
                and self.nodes
                and isinstance(self.nodes[-1], Sign)
            ):
                # the net ends with a sign (e.g. a hash code layer): its bits are the output,
                # mapped back to the quantizer's +-scale values on the host
                s = float(np.asarray(scale_x).ravel()[0])
                self.nodes.append(
                    HostSteps(
                        name="host_post",
                        steps=[{"op": "Mul", "const": 2.0 * s}, {"op": "Add", "const": -s}],
                    )
                )
                break
            t, mm = self.pre_layer(t, quant.name, in_bits, in_signed)
            conv = mm.op_type == "Conv"
            window = None
            if conv:
                weights, scale_w, bias_steps, pixels, window, wbits = self.conv_weights(
                    mm, t, in_bits
                )
            else:
                weights, scale_w, bias_steps, wbits = self.matmul_weights(mm, t)
                pixels = 1
            self.nodes.append(
                BinaryMatMul(
                    name=mm.name,
                    weights=weights,
                    in_bits=in_bits,
                    in_signed=in_signed,
                    scale=np.asarray(scale_x * scale_w, dtype=np.float64),
                    pixels=pixels,
                    window=window,
                    weight_bits=wbits,
                )
            )
            steps, quant, t = self.collect_steps(
                mm.output[0], False, f"between {mm.name} and its quantizer", layer=mm.name
            )
            if conv:
                steps = per_channel_steps(steps, weights.shape[0])
            if quant is None:  # last layer: the trailing steps run on the host
                if conv:
                    raise UnsupportedError(
                        mm.name,
                        "a convolution cannot be the last layer (its output "
                        "would need a host transpose); end with a MatMul/Gemm",
                    )
                self.nodes.append(HostSteps(name="host_post", steps=bias_steps + steps))
            else:
                self.nodes.append(
                    HostSteps(
                        name=f"{mm.name}_affine", steps=bias_steps + steps, channels_last=conv
                    )
                )
                if quant.op_type != "BipolarQuant":
                    if not self.starts_shortcut(
                        quant
                    ):  # a k-bit activation: the next layer's input
                        iq = self.activation_quant(quant)
                        self.nodes.append(iq)
                        in_bits, in_signed, scale_x = iq.bits, iq.signed, iq.scale
                        continue
                    if wbits > 1:
                        raise UnsupportedError(
                            mm.name,
                            f"{wbits}-bit weights in front of a Bi-Real shortcut; "
                            "its blocks take bipolar weights",
                        )
                    quant = (
                        self.conv_shortcut_path(quant)
                        if conv
                        else self.shortcut_path(quant, weights.shape[0])
                    )
                    scale_x = self.act_scale(quant)
                    in_bits, in_signed = 1, False
                    continue
                scale_x = self.act_scale(quant)
                self.nodes.append(Sign(name=quant.name))
                in_bits, in_signed = 1, False
        graph = Graph(
            name,
            self.v.shape(g.input[0]),
            self.v.shape(g.output[0]),
            self.nodes,
            self.edges,
            self.warnings,
            self.modules(),
        )
        graph.validate()
        return graph

    def modules(self) -> dict[str, str]:
        """Each layer's PyTorch module path (from the exporter's metadata), by IR node name."""
        names = {n.name for n in self.nodes}
        return {
            n.name: m
            for n in self.v.graph.node
            if n.name in names and n.op_type in LAYERS
            for m in [module_of(n)]
            if m
        }

    # -- pieces of the chain ------------------------------------------------------------
    def input_quant(self, q: onnx.NodeProto):
        """The network input's quantizer: (element bits, signed, scale)."""
        if q.op_type == "BipolarQuant":
            self.nodes.append(Sign(name=q.name))
            return 1, False, self.act_scale(q)
        scale, zp, bits = (self.need_const(q, i) for i in (1, 2, 3))
        if scale.size != 1 or zp.size != 1 or bits.size != 1:
            raise UnsupportedError(
                q.name, "the input quantizer needs a per-tensor scale and zero point"
            )
        if float(zp.ravel()[0]) != 0.0:
            raise UnsupportedError(
                q.name, f"input zero point {float(zp.ravel()[0])}; only 0 is supported"
            )
        b = float(bits.ravel()[0])
        if not b.is_integer() or not 2 <= b <= 8:
            raise UnsupportedError(
                q.name, f"{fmt_bits(b)}-bit input quantizer; 2 to 8 bits are supported"
            )
        iq = IntQuant(
            name=q.name,
            scale=float(scale.ravel()[0]),
            bits=int(b),
            signed=bool(attr(q, "signed", 1)),
            narrow=bool(attr(q, "narrow", 0)),
            rounding=str(attr(q, "rounding_mode", "ROUND")),
        )
        try:
            iq.validate()
        except HwgenError as e:
            raise UnsupportedError(q.name, str(e).split(": ", 1)[-1]) from None
        self.nodes.append(iq)
        return iq.bits, iq.signed, iq.scale

    def pre_layer(self, t: str, after: str, in_bits: int = 1, in_signed: bool = False):
        """MaxPool and Flatten between a quantizer and the next MatMul/Conv (elements of
        `in_bits` bits: 1 bipolar)."""
        while True:
            n = self.v.only_consumer(t, after)
            if n is None:
                raise HwgenError(
                    f"node '{after}': the model ends with a quantizer; expected a MatMul/Gemm "
                    "after it"
                )
            if n.op_type in ("MatMul", "Gemm", "Conv"):
                return t, n
            if n.op_type == "MaxPool":
                self.maxpool(n, t, in_bits, in_signed)
            elif n.op_type in _SHAPE:
                shape = self.v.shape_of(t)
                if len(shape) == 4:
                    _, c, h, w = shape
                    self.nodes.append(Flatten(name=n.name, h=h, w=w, c=c))
                out = self.v.shape_of(n.output[0])
                if len(out) != 2:
                    raise UnsupportedError(
                        n.name, f"reshape to {out}; only a flatten to (N, features) is supported"
                    )
            elif n.op_type == "Identity":
                pass
            else:
                raise unsupported(n, "after a quantizer")
            t, after = n.output[0], n.name

    def maxpool(self, n: onnx.NodeProto, t: str, in_bits: int, in_signed: bool) -> None:
        k = list(attr(n, "kernel_shape", []))
        s = list(attr(n, "strides", k))
        if len(k) != 2 or k[0] != k[1] or len(set(s)) != 1:
            raise UnsupportedError(
                n.name, f"max-pool kernel {k} / strides {s}: only square kernels and equal strides"
            )
        if attr(n, "ceil_mode", 0) or any(d != 1 for d in attr(n, "dilations", [1, 1])):
            raise UnsupportedError(n.name, "max-pool ceil_mode and dilation are not supported")
        _, c, h, w = self.v.shape_of(t)
        # a pad bit 0 (-1) never wins the OR of bipolar data, nor a pad 0 the max of unsigned
        # integers: padding is exact as streamed; for signed integers 0 is not the least value
        pads = self.pads(n, Window(h, w, c, k[0], s[0]))
        if any(pads) and in_signed:
            raise UnsupportedError(
                n.name,
                f"a padded max-pool of signed {in_bits}-bit activations is not "
                "supported (the pad 0 could win); use an unsigned quantizer or no padding",
            )
        sw = SlidingWindow(
            name=f"{n.name}_window",
            h=h,
            w=w,
            c=c,
            k=k[0],
            stride=s[0],
            pads=pads,
            elem_bits=in_bits,
        )
        self.nodes += [
            sw,
            WindowMax(
                name=n.name,
                c=c,
                k=k[0],
                pixels=sw.oh * sw.ow,
                elem_bits=in_bits,
                signed=in_bits > 1 and in_signed,
            ),
        ]

    def collect_steps(
        self, t: str, allow_shape: bool, where: str, first: bool = False, layer: str | None = None
    ):
        """Follow `t` through host steps until a quantizer (returned) or the graph output;
        `layer` names the layer whose output `t` is (for the refusal of a second layer).

        After the last MatMul (no quantizer follows) shape steps are allowed too; a
        quantizer found after a shape step is refused, since thresholds need channelwise steps.
        """
        steps: list[dict] = []
        shape_seen = None
        scalar_fn = None  # the Unsqueeze that opened a per-scalar function, until its Squeeze
        while True:
            n = self.v.only_consumer(
                t, self.v.producer[t].name if t in self.v.producer else "input"
            )
            if n is None:
                if scalar_fn is not None:
                    raise UnsupportedError(scalar_fn.name, "an Unsqueeze without its Squeeze")
                return steps, None, t
            if n.op_type == "BipolarQuant" or (n.op_type == "Quant" and first):
                if shape_seen and not allow_shape:
                    raise unsupported(shape_seen, where)
                if scalar_fn is not None:
                    raise UnsupportedError(
                        scalar_fn.name, "an Unsqueeze without its Squeeze before a quantizer"
                    )
                return steps, n, t
            if n.op_type == "Quant":
                return steps, n, t  # a multi-bit activation: refused by the caller, naming it
            if n.op_type == "Identity":
                t = n.output[0]
                continue
            if n.op_type in ("Unsqueeze", "Squeeze"):
                scalar_fn = self.scalar_axis(n, t, scalar_fn)
                steps.append({"op": n.op_type})
                t = n.output[0]
                continue
            if n.op_type in _SCALAR_FN:
                if n.op_type == "MatMul" and scalar_fn is None:
                    raise UnsupportedError(
                        n.name,
                        f"a MatMul of activations {where} mixes channels; only a "
                        "per-scalar function (after Unsqueeze(-1)) is supported there",
                    )
                steps.append({"op": n.op_type} if n.op_type != "MatMul" else self.host_step(n, t))
                t = n.output[0]
                continue
            if n.op_type in _SHAPE:
                shape_seen = n
            if n.op_type not in _ARITH + _SHAPE + ("BatchNormalization",):
                raise unsupported(n, where, layer)
            steps.append(self.host_step(n, t))
            t = n.output[0]

    def scalar_axis(self, n: onnx.NodeProto, t: str, opened):
        """Check an Unsqueeze/Squeeze of the last axis (a per-scalar function's brackets);
        returns the open Unsqueeze, or None once it is closed."""
        axes = self.v.const(n.input[1]) if len(n.input) > 1 else np.asarray(attr(n, "axes", []))
        rank = len(self.v.shape_of(t))
        last = rank if n.op_type == "Unsqueeze" else rank - 1
        if (
            axes is None
            or np.asarray(axes).size != 1
            or int(np.asarray(axes).ravel()[0]) not in (-1, last)
        ):
            raise UnsupportedError(
                n.name,
                f"{n.op_type} of axes {None if axes is None else np.asarray(axes).tolist()}; "
                "only the last axis (a per-scalar function) is supported",
            )
        if (n.op_type == "Unsqueeze") == (opened is not None):
            raise UnsupportedError(
                n.name,
                f"{n.op_type} out of order: per-scalar functions must be "
                "Unsqueeze(-1) ... Squeeze(-1), not nested",
            )
        return n if n.op_type == "Unsqueeze" else None

    def host_step(self, n: onnx.NodeProto, t: str) -> dict:
        """One node as a host step dict; its other operands must be constants."""
        if n.op_type == "Reshape":
            return {"op": "Reshape", "shape": self.need_const(n, 1).astype(int).tolist()}
        if n.op_type == "Flatten":
            return {"op": "Flatten", "axis": int(attr(n, "axis", 1))}
        if n.op_type == "BatchNormalization":
            gamma, beta, mean, var = (
                self.need_const(n, i).astype(np.float64) for i in (1, 2, 3, 4)
            )
            return {
                "op": "BatchNormalization",
                "gamma": gamma.tolist(),
                "beta": beta.tolist(),
                "mean": mean.tolist(),
                "var": var.tolist(),
                "eps": float(attr(n, "epsilon", 1e-5)),
            }
        other = 1 if n.input[0] == t else 0
        c = self.need_const(n, other)
        return {"op": n.op_type, "const": c.astype(np.float64).tolist(), "const_first": other == 0}

    def need_const(self, n: onnx.NodeProto, idx: int) -> np.ndarray:
        c = self.v.const(n.input[idx]) if idx < len(n.input) else None
        if c is None:
            raise UnsupportedError(n.name, f"input {idx} must be a constant")
        return c

    def act_scale(self, q: onnx.NodeProto) -> float:
        s = self.need_const(q, 1)
        if s.size != 1 or not float(s.ravel()[0]) > 0:
            raise UnsupportedError(
                q.name, f"activation scale {s.ravel()[:4]} must be one positive number"
            )
        self.check_scale(q, "activation", s)
        return float(s.ravel()[0])
