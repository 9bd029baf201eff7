"""The hwgen IR (see graph.py); importing it registers every op type."""

import hwgen.ops  # noqa: F401,E402  (registers op types with the loader)
from hwgen.ir.dtypes import Bipolar, Float32, Int, parse_dtype  # noqa: F401
from hwgen.ir.graph import OP_TYPES, Graph, Node, register_op  # noqa: F401
