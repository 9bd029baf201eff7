"""The pass protocol and the fixed-point driver."""

from __future__ import annotations

import copy

from hwgen.ir import Graph


class Pass:
    """A graph rewrite. `apply` returns a new graph (the input is not modified) and whether
    anything changed; the driver repeats passes until none changes anything."""

    def apply(self, graph: Graph) -> tuple[Graph, bool]:
        raise NotImplementedError


class NodePass(Pass):
    """A pass that matches a window of consecutive nodes and rewrites it (qonnx style)."""

    def match(self, nodes: list, i: int) -> int:
        """Number of nodes starting at index i that this pass rewrites (0: no match)."""
        raise NotImplementedError

    def rewrite(self, window: list) -> list:
        """Replacement nodes for a matched window."""
        raise NotImplementedError

    def apply(self, graph: Graph) -> tuple[Graph, bool]:
        nodes = list(graph.nodes)
        for i in range(len(nodes)):
            k = self.match(nodes, i)
            if k:
                nodes[i:i + k] = self.rewrite(nodes[i:i + k])
                g = copy.copy(graph)
                g.nodes = nodes
                return g, True
        return graph, False


def run_passes(graph: Graph, passes: list[Pass], max_rounds: int = 1000) -> Graph:
    """Apply `passes` in order, again and again, until a whole round changes nothing."""
    for _ in range(max_rounds):
        changed = False
        for p in passes:
            graph, c = p.apply(graph)
            changed |= c
        if not changed:
            graph.validate()
            return graph
    raise RuntimeError("passes did not reach a fixed point")
