"""Loading a QONNX file (qonnx cleanup) and reading it as producers, consumers and constants."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from hwgen.errors import HwgenError
from hwgen.frontend.validate import validate_model


def load_clean(path: Path) -> onnx.ModelProto:
    """Load an ONNX file (with its side file of weights, if any) and run qonnx's cleanup."""
    path = Path(path)
    if not path.is_file():
        raise HwgenError(f"{path}: model file not found")
    try:
        model = onnx.load(str(path))
    except Exception as e:  # onnx raises DecodeError, OSError, ValueError... for bad files
        raise HwgenError(f"{path}: not a readable ONNX model ({type(e).__name__}: {e})") from None
    if not model.graph.node:
        raise HwgenError(f"{path}: the ONNX graph has no nodes")
    validate_model(model, str(path))
    # deferred: qonnx is slow to import
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.util.cleanup import cleanup_model

    try:
        return cleanup_model(ModelWrapper(model)).model
    except Exception as e:
        raise HwgenError(f"{path}: qonnx cleanup failed ({type(e).__name__}: {e})") from None


class OnnxView:
    """Read-only navigation of a cleaned ONNX graph."""

    def __init__(self, model: onnx.ModelProto):
        g = model.graph
        self.graph = g
        self.consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
        self.producer = {o: n for n in g.node for o in n.output}
        self.consumers: dict[str, list[onnx.NodeProto]] = {}
        for n in g.node:
            for i in n.input:
                self.consumers.setdefault(i, []).append(n)
        self.outputs = {o.name for o in g.output}
        self.shapes = {
            vi.name: self.shape(vi) for vi in list(g.value_info) + list(g.input) + list(g.output)
        }

    def const(self, name: str) -> np.ndarray | None:
        """The constant value of a tensor, or None if it is computed at run time."""
        return self.consts.get(name)

    def shape(self, value_info) -> list[int]:
        return [d.dim_value for d in value_info.type.tensor_type.shape.dim]

    def shape_of(self, tensor: str) -> list[int]:
        """A tensor's shape as inferred by qonnx's cleanup (InferShapes)."""
        if tensor in self.consts:
            return list(self.consts[tensor].shape)
        if tensor not in self.shapes:
            raise HwgenError(f"tensor '{tensor}': no inferred shape")
        return self.shapes[tensor]

    def only_consumer(self, tensor: str, node_for_errors: str) -> onnx.NodeProto | None:
        """The single node reading `tensor` (None at a graph output); branches are refused."""
        users = self.consumers.get(tensor, [])
        if tensor in self.outputs and not users:
            return None
        if len(users) != 1:
            raise HwgenError(
                f"node '{node_for_errors}': tensor '{tensor}' feeds {len(users)} nodes; "
                "only chains (no branches) are supported"
            )
        return users[0]


def attr(node: onnx.NodeProto, name: str, default=None):
    """An attribute's Python value, or `default`."""
    for a in node.attribute:
        if a.name == name:
            v = onnx.helper.get_attribute_value(a)
            return v.decode() if isinstance(v, bytes) else v
    return default


#: the metadata torch.onnx's exporter gives each node: the module scopes it was traced in
NAME_SCOPES = "pkg.torch.onnx.name_scopes"


def module_of(node: onnx.NodeProto) -> str | None:
    """The PyTorch module path a layer node was exported from (`fc`, `features.2`), read from
    torch.onnx's name scopes (['', 'features', 'features.2', 'linear']: the scope before the
    op's own); None when the file has no such metadata or the layer is the top module."""
    for p in node.metadata_props:
        if p.key != NAME_SCOPES:
            continue
        try:
            scopes = ast.literal_eval(p.value)
        except (ValueError, SyntaxError):
            return None
        if isinstance(scopes, list) and len(scopes) >= 2 and isinstance(scopes[-2], str):
            return scopes[-2] or None
    return None
