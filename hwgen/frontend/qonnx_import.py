"""QONNX (as exported by Brevitas) -> hwgen IR, by walking the model's single chain.

The chain is read as: host steps, the input BipolarQuant, then layers of
MatMul/Gemm (bipolar weights) -> affine steps (BatchNorm, Mul, Add, ...) -> BipolarQuant,
and a last MatMul/Gemm whose trailing affine steps (e.g. TensorNorm) run on the host.
Anything else is refused with an error naming the ONNX node.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx

from hwgen.errors import HwgenError, UnsupportedError
from hwgen.frontend.onnx_graph import OnnxView, attr, load_clean
from hwgen.ir import Graph
from hwgen.ops import BinaryMatMul, HostSteps, Sign

_ARITH = ("Mul", "Add", "Sub", "Div")
_SHAPE = ("Reshape", "Flatten")
_SUPPORTED = "MatMul/Gemm, BipolarQuant, BatchNormalization, Mul, Add, Sub, Div, Reshape, Flatten"


def import_qonnx(path: Path) -> Graph:
    """Read a QONNX file exported by `brevitas.export.export_qonnx` into an IR graph."""
    view = OnnxView(load_clean(Path(path)))
    return _Walker(view).walk(Path(path).stem)


class _Walker:
    def __init__(self, view: OnnxView):
        self.v = view
        self.nodes = []

    def walk(self, name: str) -> Graph:
        g = self.v.graph
        if len(g.input) != 1 or len(g.output) != 1:
            raise HwgenError(f"model '{name}': needs one input and one output, has {len(g.input)} and {len(g.output)}")
        t = g.input[0].name
        steps, quant, t = self.collect_steps(t, allow_shape=True, where="before the first quantizer")
        if quant is None:
            raise HwgenError(f"model '{name}': no BipolarQuant on the input; hwgen compiles quantized nets only")
        self.nodes.append(HostSteps(name="host_pre", steps=steps))
        while quant is not None:
            scale_x = self.act_scale(quant)
            self.nodes.append(Sign(name=quant.name))
            t = quant.output[0]
            mm = self.v.only_consumer(t, quant.name)
            if mm is None:
                raise HwgenError(f"node '{quant.name}': the model ends with a quantizer; expected a MatMul/Gemm after it")
            if mm.op_type not in ("MatMul", "Gemm"):
                raise self.unsupported(mm, "after a quantizer")
            weights, scale_w, bias_steps = self.matmul_weights(mm, t)
            self.nodes.append(BinaryMatMul(name=mm.name, weights=weights,
                                           scale=np.asarray(scale_x * scale_w, dtype=np.float64)))
            steps, quant, t = self.collect_steps(mm.output[0], allow_shape=False,
                                                 where="between a MatMul and its quantizer")
            if quant is None:  # last layer: the trailing steps run on the host
                self.nodes.append(HostSteps(name="host_post", steps=bias_steps + steps))
            else:
                self.nodes.append(HostSteps(name=f"{mm.name}_affine", steps=bias_steps + steps))
        graph = Graph(name, self.v.shape(g.input[0]), self.v.shape(g.output[0]), self.nodes)
        graph.validate()
        return graph

    # -- pieces of the chain ------------------------------------------------------------
    def collect_steps(self, t: str, allow_shape: bool, where: str):
        """Follow `t` through host steps until a BipolarQuant (returned) or the graph output.

        After the last MatMul (no quantizer follows) shape steps are allowed too; a
        quantizer found after a shape step is refused, since thresholds need channelwise steps.
        """
        steps: list[dict] = []
        shape_seen = None
        while True:
            n = self.v.only_consumer(t, self.v.producer[t].name if t in self.v.producer else "input")
            if n is None:
                return steps, None, t
            if n.op_type == "BipolarQuant":
                if shape_seen and not allow_shape:
                    raise self.unsupported(shape_seen, "between a MatMul and its quantizer")
                return steps, n, t
            if n.op_type == "Quant":
                bits = self.v.const(n.input[3])
                raise UnsupportedError(n.name, f"{_fmt_bits(bits)}-bit activation quantizer on tensor "
                                       f"'{n.input[0]}'; only bipolar (1-bit) activations are supported")
            if n.op_type == "Identity":
                t = n.output[0]
                continue
            if n.op_type in _SHAPE:
                shape_seen = n
            if n.op_type not in _ARITH + _SHAPE + ("BatchNormalization",):
                raise self.unsupported(n, where)
            steps.append(self.host_step(n, t))
            t = n.output[0]

    def host_step(self, n: onnx.NodeProto, t: str) -> dict:
        """One node as a host step dict; its other operands must be constants."""
        if n.op_type == "Reshape":
            return {"op": "Reshape", "shape": self.need_const(n, 1).astype(int).tolist()}
        if n.op_type == "Flatten":
            return {"op": "Flatten", "axis": int(attr(n, "axis", 1))}
        if n.op_type == "BatchNormalization":
            gamma, beta, mean, var = (self.need_const(n, i).astype(np.float64) for i in (1, 2, 3, 4))
            return {"op": "BatchNormalization", "gamma": gamma.tolist(), "beta": beta.tolist(),
                    "mean": mean.tolist(), "var": var.tolist(), "eps": float(attr(n, "epsilon", 1e-5))}
        other = 1 if n.input[0] == t else 0
        c = self.need_const(n, other)
        return {"op": n.op_type, "const": c.astype(np.float64).tolist(), "const_first": other == 0}

    def need_const(self, n: onnx.NodeProto, idx: int) -> np.ndarray:
        c = self.v.const(n.input[idx])
        if c is None:
            raise UnsupportedError(n.name, f"input '{n.input[idx]}' must be a constant")
        return c

    def act_scale(self, q: onnx.NodeProto) -> float:
        s = self.need_const(q, 1)
        if s.size != 1 or not float(s.ravel()[0]) > 0:
            raise UnsupportedError(q.name, f"activation scale {s.ravel()[:4]} must be one positive number")
        return float(s.ravel()[0])

    def matmul_weights(self, mm: onnx.NodeProto, t: str):
        """(bits MH x MW, per-channel positive scale, bias steps) of a MatMul/Gemm."""
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
        values, scale = self.bipolar_weight(mm, w_name)
        if trans_b:
            values, scale = values.T, scale.T
        # values is (MW, MH) now; the scale broadcasts against it and must be per output column
        scale = np.broadcast_to(scale, values.shape)
        if not np.all(scale == scale[:1, :]):
            raise UnsupportedError(mm.name, f"weight '{w_name}' has per-input-channel scales; "
                                   "only per-tensor or per-output-channel scales are supported")
        col_scale = scale[0, :].astype(np.float64) * alpha
        if np.any(col_scale <= 0):
            raise UnsupportedError(mm.name, f"weight '{w_name}' has non-positive scales")
        return (values.T >= 0).astype(np.uint8), col_scale, bias_steps

    def bipolar_weight(self, mm: onnx.NodeProto, w_name: str):
        """(real-valued latent weights, scale) of a bipolar weight, or a clear refusal."""
        q = self.v.producer.get(w_name)
        if q is None:
            w = self.v.const(w_name)
            if w is None:
                raise UnsupportedError(mm.name, f"weight '{w_name}' is not a constant")
            mags = np.unique(np.abs(w))
            if mags.size != 1 or mags[0] == 0:
                raise UnsupportedError(mm.name, f"float (non-quantized) weight '{w_name}': "
                                       "hwgen needs 1-bit (BipolarQuant) weights")
            return w.astype(np.float64), np.full((1, 1), mags[0])
        if q.op_type == "Quant":
            raise UnsupportedError(mm.name, f"{_fmt_bits(self.v.const(q.input[3]))}-bit weight '{w_name}' "
                                   f"(quantizer '{q.name}'); only 1-bit (bipolar) weights are supported")
        if q.op_type != "BipolarQuant":
            raise UnsupportedError(mm.name, f"weight '{w_name}' comes from a {q.op_type} node; "
                                   "expected a BipolarQuant of a constant")
        w = self.need_const(q, 0).astype(np.float64)
        s = self.need_const(q, 1).astype(np.float64)
        if s.ndim < 2:  # ONNX broadcasting aligns trailing axes
            s = s.reshape(1, -1)
        return w, s

    def unsupported(self, n: onnx.NodeProto, where: str) -> UnsupportedError:
        return UnsupportedError(n.name, f"op '{n.op_type}' is not supported {where} "
                                f"(supported: {_SUPPORTED})")


def _fmt_bits(bits) -> str:
    if bits is None:
        return "?"
    v = float(np.asarray(bits).ravel()[0])
    return str(int(v)) if v.is_integer() else str(v)
