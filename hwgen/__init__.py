"""hwgen: binary neural networks from PyTorch/Brevitas to verified streaming FPGA hardware.

The Python API (hls4ml's habits)::

    import hwgen
    build = hwgen.compile(model, "build/", input_shape=(64,), pe=4, simd=8, board="pynq-z2")
    y = build.predict(x)                                   # golden model
    y = build.predict(x, backend="rtl", sim="verilator")   # or backend="csim"
    build = hwgen.load("build/")

See `hwgen.api` for the whole of it.
"""

from hwgen.paths import PACKAGE, SHARE, VERSION

__version__ = VERSION


def __getattr__(name):
    # the API is imported on first use: `import hwgen` stays light (no torch, no onnx)
    if name in ("compile", "load", "Build"):
        from hwgen import api  # deferred: the API pulls in onnx, qonnx and the whole compiler

        return getattr(api, name)
    raise AttributeError(f"module 'hwgen' has no attribute '{name}'")


__all__ = ["compile", "load", "Build", "PACKAGE", "SHARE", "__version__"]
