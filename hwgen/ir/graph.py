"""The hwgen IR: a directed acyclic graph of typed streaming nodes, saved as JSON plus an .npz.

Nodes are kept in a topological order. A node reads the node before it unless `Graph.edges`
names its inputs (a branch after a `Fork`, both operands of an `AddStreams`), so a chain is
an edge-free graph, saved exactly as before. Nodes are dataclasses registered by op type.
Fields holding numpy arrays go to the .npz (keyed `node.field`); everything else goes to
JSON. A node runs either on the host (numpy, before the first quantizer and after the last
integer layer, as FINN's driver does) or in hardware; `Graph.hw_nodes()` is the accelerator.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from hwgen.errors import HwgenError
from hwgen.manifest import check_build

OP_TYPES: dict[str, type["Node"]] = {}


def register_op(cls: type["Node"]) -> type["Node"]:
    """Class decorator: make an op type known to the JSON loader."""
    OP_TYPES[cls.__name__] = cls
    return cls


@dataclasses.dataclass
class Node:
    """Base of every IR op. Subclasses add validated fields and `golden()`."""

    name: str
    placement: ClassVar[str] = "hw"
    #: a hardware op that stays in a lowered graph, so every backend needs its kernel (False:
    #: lowered into others before code generation, or used by the board shells only)
    has_kernel: ClassVar[bool] = True

    def golden(self, x: np.ndarray) -> np.ndarray:
        """Bit-exact reference execution on a batch (first axis is the batch)."""
        raise NotImplementedError

    def validate(self) -> None:
        """Raise HwgenError naming this node if its fields are inconsistent."""

    def fail(self, what: str) -> HwgenError:
        """An error naming this node (for `raise node.fail(...)`)."""
        return HwgenError(f"node '{self.name}' ({type(self).__name__}): {what}")


@dataclasses.dataclass
class Graph:
    """A model: input shape (batch first) and its nodes in topological order, host ones at both
    ends; `edges` maps a node's name to its producers' names where they are not just the node
    before it. The last node's output is the model's output."""

    name: str
    input_shape: list[int]
    output_shape: list[int]
    nodes: list[Node]
    edges: dict = dataclasses.field(default_factory=dict)
    #: what the importer warns about (e.g. a scale that puts exactness at ties at risk)
    warnings: list = dataclasses.field(default_factory=list)
    #: layer name -> the PyTorch module it came from (`Gemm_0` -> `fc`), where the file says
    modules: dict = dataclasses.field(default_factory=dict)

    def copy(self) -> "Graph":
        """A new graph of copies of the nodes (their arrays shared: passes replace fields, they
        never write into arrays), so a pass can set fields without touching its input."""
        return Graph(
            self.name,
            list(self.input_shape),
            list(self.output_shape),
            [copy.copy(n) for n in self.nodes],
            {k: list(v) for k, v in self.edges.items()},
            list(self.warnings),
            dict(self.modules),
        )

    def label(self, name: str) -> str:
        """A layer's name for tables: `Gemm_0 (fc)` when its PyTorch module is known."""
        module = self.modules.get(name)
        return f"{name} ({module})" if module else name

    def input_names(self, node: Node | str) -> list[str]:
        """Names of the nodes `node` reads, in operand order (none for the first node)."""
        name = node if isinstance(node, str) else node.name
        if name in self.edges:
            return list(self.edges[name])
        names = [n.name for n in self.nodes]
        k = names.index(name)
        return [names[k - 1]] if k > 0 else []

    def inputs_of(self, node: Node | str) -> list[Node]:
        """The producers of `node`, in operand order."""
        return [self.node(p) for p in self.input_names(node)]

    def rename_input(self, old: str, new: str | list[str]) -> None:
        """Point every reference to node `old` at `new` (one name, or `old`'s own inputs when
        `old` is removed); called by passes that replace nodes."""
        news = [new] if isinstance(new, str) else list(new)
        for k, srcs in list(self.edges.items()):
            if old in srcs:
                self.edges[k] = [x for s in srcs for x in (news if s == old else [s])]

    def hw_nodes(self) -> list[Node]:
        """The contiguous run of hardware nodes: the accelerator."""
        return self.split()[1]

    def split(self) -> tuple[list[Node], list[Node], list[Node]]:
        """(host nodes before the accelerator, accelerator nodes, host nodes after it)."""
        hw = [i for i, n in enumerate(self.nodes) if n.placement == "hw"]
        if not hw:
            return list(self.nodes), [], []
        if hw != list(range(hw[0], hw[-1] + 1)):
            between = [self.nodes[i].name for i in range(hw[0], hw[-1]) if i not in hw]
            raise HwgenError(
                f"graph '{self.name}': host nodes {between} sit between hardware "
                "nodes; they must be folded away before code generation"
            )
        return self.nodes[: hw[0]], self.nodes[hw[0] : hw[-1] + 1], self.nodes[hw[-1] + 1 :]

    def check_input(self, x: np.ndarray) -> np.ndarray:
        """Validate a batch against the model's input shape (any batch size) as float32."""
        want = tuple(self.input_shape[1:])
        if x.ndim != len(self.input_shape) or tuple(x.shape[1:]) != want:
            raise HwgenError(
                f"input: shape {tuple(x.shape)} does not match the model's input "
                f"(N, {', '.join(map(str, want))})"
            )
        if not np.issubdtype(x.dtype, np.number) or not np.all(np.isfinite(x)):
            raise HwgenError("input: values must be finite numbers")
        return x.astype(np.float32)

    def execute(self, x: np.ndarray, nodes: list[Node] | None = None) -> np.ndarray:
        """Golden execution of `nodes` (default: the whole graph; a contiguous run of it) on a
        batch: `x` feeds whatever they read from outside the run; the last node's output."""
        run = self.nodes if nodes is None else nodes
        if not self.edges:  # a chain
            for n in run:
                x = n.golden(x)
            return x
        names = {n.name for n in run}
        left = {n.name: 0 for n in run}  # consumers still to run: a value is freed after its last
        for n in run:
            for p in self.input_names(n):
                if p in left:
                    left[p] += 1
        vals: dict[str, np.ndarray] = {}
        out = x
        for n in run:
            srcs = self.input_names(n)
            out = n.golden(*[vals[p] if p in names else x for p in srcs] or [x])
            for p in srcs:
                if p in left:
                    left[p] -= 1
                    if not left[p]:
                        vals.pop(p, None)
            vals[n.name] = out
        return out

    def node(self, name: str) -> Node:
        """Look a node up by name."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise HwgenError(f"no node named '{name}' in graph '{self.name}'")

    def validate(self) -> None:
        """Check every node's fields, and that edges name earlier nodes (a DAG in order)."""
        seen: set[str] = set()
        known = {n.name for n in self.nodes}
        for k in self.edges:
            if k not in known:
                raise HwgenError(
                    f"graph '{self.name}': edges name a node '{k}' that does not exist"
                )
        for n in self.nodes:
            for p in self.edges.get(n.name, []):
                if p not in seen:
                    raise HwgenError(
                        f"graph '{self.name}': node '{n.name}' reads '{p}', which is not an "
                        "earlier node (the nodes must be in a topological order)"
                    )
            if n.name in seen:
                raise HwgenError(f"graph '{self.name}': two nodes are named '{n.name}'")
            seen.add(n.name)
            n.validate()

    def save(self, folder: Path) -> None:
        """Write graph.json and graph.npz into `folder`."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        doc, arrays = self.to_doc()
        (folder / "graph.json").write_text(json.dumps(doc, indent=1))
        np.savez(folder / "graph.npz", **arrays)

    def to_doc(self) -> tuple[dict, dict[str, np.ndarray]]:
        """The graph as a JSON document and its named arrays (what `save` writes)."""
        arrays: dict[str, np.ndarray] = {}
        nodes = []
        for n in self.nodes:
            entry: dict[str, Any] = {"op": type(n).__name__}
            for f in dataclasses.fields(n):
                v = getattr(n, f.name)
                if isinstance(v, np.ndarray):
                    arrays[f"{n.name}.{f.name}"] = v
                    entry[f.name] = {"npz": f"{n.name}.{f.name}"}
                else:
                    entry[f.name] = _to_json(v)
            nodes.append(entry)
        doc = {
            "name": self.name,
            "input_shape": _to_json(self.input_shape),
            "output_shape": _to_json(self.output_shape),
            "nodes": nodes,
        }
        if self.edges:  # a chain's document is unchanged
            doc["edges"] = {k: list(v) for k, v in self.edges.items()}
        if self.warnings:
            doc["warnings"] = list(self.warnings)
        if self.modules:
            doc["modules"] = dict(self.modules)
        return doc, arrays

    @staticmethod
    def load_build(build: Path, parts: tuple[str, ...] = ("graph",)) -> "Graph":
        """Load a compiled build's graph after checking its manifest: graph.json/.npz and the
        other `parts` ("rtl", "hls", "report") unchanged since `hwgen compile`."""
        check_build(Path(build), tuple(dict.fromkeys(("graph", *parts))))
        return Graph.load(build)

    @staticmethod
    def load(folder: Path) -> "Graph":
        """Read a graph saved by `save`; a clear error if it is missing or corrupt."""
        folder = Path(folder)
        jpath, npath = folder / "graph.json", folder / "graph.npz"
        for p in (jpath, npath):
            if not p.is_file():
                raise HwgenError(
                    f"{p}: not found (is '{folder}' a folder made by `hwgen compile`?)"
                )
        try:
            doc = json.loads(jpath.read_text())
            with np.load(npath) as z:
                arrays = {k: z[k] for k in z.files}
            nodes = []
            for entry in doc["nodes"]:
                op = entry.pop("op")
                if op not in OP_TYPES:
                    raise HwgenError(
                        f"{folder}: graph.json has an op '{op}' that is not registered (import "
                        "hwgen.ops, which registers hwgen's op types, or a newer hwgen made it)"
                    )
                cls = OP_TYPES[op]
                kwargs = {}
                for f in dataclasses.fields(cls):
                    if f.name not in entry:
                        continue
                    v = entry[f.name]
                    kwargs[f.name] = arrays[v["npz"]] if isinstance(v, dict) and "npz" in v else v
                nodes.append(cls(**kwargs))
            g = Graph(
                doc["name"],
                list(doc["input_shape"]),
                list(doc["output_shape"]),
                nodes,
                {k: list(v) for k, v in doc.get("edges", {}).items()},
                list(doc.get("warnings", [])),
                dict(doc.get("modules", {})),
            )
        except (KeyError, ValueError, TypeError, OSError, EOFError, zipfile.BadZipFile) as e:
            raise HwgenError(f"{folder}: corrupt graph files ({type(e).__name__}: {e})") from None
        g.validate()
        return g


def _to_json(v: Any) -> Any:
    """Plain JSON values: tuples become lists, numpy scalars Python numbers."""
    if isinstance(v, (tuple, list)):
        return [_to_json(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    return v
