"""Verilog backend: rtl/ kernels + a generated top (see codegen.py)."""

from hwgen.backends.rtl.codegen import RTL_LIBRARY, TOP_NAME, generate_rtl  # noqa: F401
