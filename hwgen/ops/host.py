"""HostSteps: float elementwise/reshape ops that run in numpy on the host.

They are what precedes the first quantizer (e.g. `2x - 1`, flatten) and what follows the
last integer layer (e.g. Brevitas' TensorNorm), as FINN's driver runs them. Between a
BinaryMatMul and a Sign they describe the BatchNorm/affine that a pass folds into thresholds.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from hwgen.golden import apply_steps
from hwgen.ir.graph import Node, register_op

STEP_OPS = (
    "Reshape",
    "Flatten",
    "Mul",
    "Add",
    "Sub",
    "Div",
    "BatchNormalization",
    "Unsqueeze",
    "Squeeze",
    "MatMul",
    "Relu",
    "Tanh",
)


@register_op
@dataclasses.dataclass
class HostSteps(Node):
    """A list of ONNX-like steps, each {"op": name, ...constants as nested lists}."""

    steps: list = dataclasses.field(default_factory=list)
    channels_last: bool = False  # per-channel constants apply to the last axis (conv layers)
    placement = "host"

    def validate(self) -> None:
        for s in self.steps:
            if s.get("op") not in STEP_OPS:
                raise self.fail(f"unknown host step {s.get('op')!r}")

    def golden(self, x: np.ndarray) -> np.ndarray:
        """Float32 execution in ONNX op order (the exported model's own arithmetic)."""
        return apply_steps(self.steps, x, np.float32, self.channels_last)

    def is_channelwise(self) -> bool:
        """True if every step maps each channel independently (foldable into thresholds)."""
        return all(s["op"] not in ("Reshape", "Flatten") for s in self.steps)
