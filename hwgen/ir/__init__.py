"""The hwgen IR (see graph.py). The op types live in `hwgen.ops`, which registers them with
the loader when imported: whatever reads a saved graph imports it."""

from hwgen.ir.dtypes import Bipolar, Float32, Int, parse_dtype  # noqa: F401
from hwgen.ir.graph import OP_TYPES, Graph, Node, register_op  # noqa: F401
