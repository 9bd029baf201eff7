"""Frames across the accelerator's ports: values in as the beats of the top's input stream,
beats out as the last layer's values. Shared by the simulators, the C-simulation, the host
driver and the API, so all of them cut and pack frames the same way."""

from __future__ import annotations

from typing import Callable

import numpy as np

from hwgen.backends.common import stream_format
from hwgen.ir import Graph
from hwgen.sim.stream import element_bits, pack_frames, unpack_frames


def input_frames(g: Graph, values: np.ndarray) -> list[list[int]]:
    """Accelerator inputs (bits or integers) as the beats of the top's input stream."""
    fmt = stream_format(g)
    return pack_frames(element_bits(values, fmt.in_elem_bits), fmt.in_width)


def output_values(g: Graph, frames: list[list[int]]) -> np.ndarray:
    """Output frames (beats) as the last layer's values, (B, elements)."""
    fmt = stream_format(g)
    return unpack_frames(
        frames,
        fmt.out_lanes,
        fmt.out_lane_bits,
        fmt.out_elems,
        signed=g.hw_nodes()[-1].out_lanes_signed,
    )


def around_accelerator(g: Graph, x: np.ndarray, accelerator: Callable):
    """The host steps in numpy around an accelerator run: model inputs in, model outputs
    out (as the golden model's). Returns (outputs, the accelerator's result)."""
    pre, _hw, post = g.split()
    hw_out, res = accelerator(g.execute(g.check_input(x), pre))
    return g.execute(hw_out, post), res


def run_golden(g: Graph, x: np.ndarray) -> np.ndarray:
    """The whole model in the golden model: inputs and outputs as the PyTorch model's."""
    return g.execute(g.check_input(x))


def as_array(x) -> np.ndarray:
    """Inputs as numpy: an array, or a torch tensor (taken off its graph and device)."""
    if hasattr(x, "detach") and hasattr(x, "cpu"):  # a torch.Tensor, without importing torch
        x = x.detach().cpu().numpy()
    return np.asarray(x)
