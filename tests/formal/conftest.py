"""The formal tests' tools: SymbiYosys and its solvers, Yosys and ABC (a test skipped for a
missing one fails under CI=true)."""

from __future__ import annotations

import os

import pytest

from hwgen.errors import HwgenError
from hwgen.formal.sby import require_tools
from tests.helpers import need_tool


@pytest.fixture(autouse=True)
def _tools():
    try:
        require_tools()
    except HwgenError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {e}")
        pytest.skip(str(e))
    need_tool("yosys")
    need_tool("yosys-abc")
