"""Checks of an ONNX model before hwgen reads it: each problem is one error naming the tensor,
node or dimension, never a traceback later or hardware computed from a bad number.

- exactly one input and one output;
- a fixed input shape (the batch axis aside): no symbolic or zero dimensions;
- every tensor a node reads exists (an input, an initializer or an earlier node's output), in
  topological order (no cycle);
- no NaN or infinity in any initializer or Constant (weights, BatchNorm statistics, scales).
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import numpy_helper

from hwgen.errors import HwgenError


def validate_model(model: onnx.ModelProto, where: str) -> None:
    """Raise a HwgenError for the first problem found in `model` (`where` names the file)."""
    g = model.graph
    inits = {i.name for i in g.initializer}
    inputs = [i for i in g.input if i.name not in inits]
    if len(inputs) != 1 or len(g.output) != 1:
        raise HwgenError(
            f"{where}: needs one input and one output, has {len(inputs)} "
            f"({', '.join(i.name for i in inputs)}) and {len(g.output)}"
        )
    _check_input_shape(inputs[0], where)
    _check_order(g, inits, inputs[0].name, where)
    readers: dict[str, str] = {}
    for n in g.node:
        for t in n.input:
            readers.setdefault(t, n.name or n.op_type)
    for init in g.initializer:
        _check_finite(
            numpy_helper.to_array(init), f"initializer '{init.name}'", readers.get(init.name), where
        )
    for n in g.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    _check_finite(
                        numpy_helper.to_array(a.t), f"constant '{n.output[0]}'", n.name, where
                    )


def _check_input_shape(vi, where: str) -> None:
    dims = vi.type.tensor_type.shape.dim
    if not dims:
        raise HwgenError(
            f"{where}: input '{vi.name}' has no shape; export with a fixed input shape"
        )
    for k, d in enumerate(dims[1:], 1):
        if d.dim_param or d.dim_value <= 0:
            what = f"symbolic ('{d.dim_param}')" if d.dim_param else f"{d.dim_value}"
            raise HwgenError(
                f"{where}: input '{vi.name}' dimension {k} is {what}; hwgen needs a fixed input "
                "shape (only the batch axis may vary): export with a concrete example input"
            )


def _check_order(g, inits: set[str], inp: str, where: str) -> None:
    produced_later = {o: n.name for n in g.node for o in n.output}
    known = set(inits) | {inp} | {""}
    for n in g.node:
        for t in n.input:
            if t in known:
                continue
            if t in produced_later:
                raise HwgenError(
                    f"{where}: node '{n.name}' reads tensor '{t}' before node "
                    f"'{produced_later[t]}' makes it (a cycle, or nodes out of order)"
                )
            raise HwgenError(
                f"{where}: node '{n.name}' reads tensor '{t}', which no input, initializer "
                "or node provides (a missing initializer?)"
            )
        known.update(n.output)


def _check_finite(a: np.ndarray, what: str, node: str | None, where: str) -> None:
    if a.dtype.kind != "f" or np.all(np.isfinite(a)):
        return
    bad = int(np.sum(~np.isfinite(a)))
    kinds = "/".join(k for k, m in (("NaN", np.isnan(a)), ("Inf", np.isinf(a))) if m.any())
    by = f" (read by node '{node}')" if node else ""
    raise HwgenError(
        f"{where}: {what}{by} holds {bad} {kinds} value(s); weights, BatchNorm statistics "
        "and scales must be finite"
    )
