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
            if k and any(n.name in graph.edges for n in nodes[i + 1 : i + k]):
                k = 0  # consecutive here but not a chain (a branch starts inside the window)
            if k:
                window = nodes[i : i + k]
                new = self.rewrite(window)
                nodes[i : i + k] = new
                g = copy.copy(graph)
                g.nodes = nodes
                g.edges = _rewired(graph, window, new)
                return g, True
        return graph, False


def _rewired(graph: Graph, window: list, new: list) -> dict:
    """The edges after `window` became `new`: the first new node reads what the window's first
    read, and readers of the window's last node read the last new one (or, where the window
    vanished, what it read)."""
    g = copy.copy(graph)
    g.edges = {k: list(v) for k, v in graph.edges.items()}
    first, last = window[0].name, window[-1].name
    if first in g.edges:
        srcs = g.edges.pop(first)
        if new:
            g.edges[new[0].name] = srcs
    else:
        srcs = graph.input_names(first)
    g.rename_input(last, new[-1].name if new else srcs)
    return g.edges


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
