"""IR passes. Every pass returns a new graph and leaves its input as it was: the rewrites are
`Pass` classes, `apply(graph) -> (graph, changed)`, run to a fixed point (`run_passes`); the
steps after them are functions graph -> graph: folding (`apply_folding`: read the fold config,
fold, tie PEs where lanes meet), stream widths, FIFO depths, memory placement."""

from hwgen.passes.base import run_passes  # noqa: F401
from hwgen.passes.folding import apply_folding, set_stream_widths  # noqa: F401
from hwgen.passes.layout import ReorderFlattenWeights  # noqa: F401
from hwgen.passes.thresholds import FoldThresholds, LowerLastMatMul  # noqa: F401


def lower(graph):
    """Streamline an imported graph into MVUs with thresholds, in the stream's data layout."""
    graph = run_passes(graph, [ReorderFlattenWeights()])
    return run_passes(graph, [FoldThresholds(), LowerLastMatMul()])
