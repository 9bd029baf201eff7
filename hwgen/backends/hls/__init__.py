"""HLS C++ backend: generated Vitis HLS tops over the hls/ kernel library, g++ C-simulation."""

from hwgen.backends.hls.codegen import generate_hls  # noqa: F401
