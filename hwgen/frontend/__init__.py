"""Brevitas -> QONNX -> hwgen IR."""

from hwgen.frontend.qonnx_import import import_qonnx  # noqa: F401
