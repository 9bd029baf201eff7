"""hwgen: binary neural networks from PyTorch/Brevitas to verified streaming FPGA hardware.

The Python API (hls4ml's habits)::

    import hwgen
    build = hwgen.compile(model, "build/", input_shape=(64,), pe=4, simd=8, board="pynq-z2")
    y = build.predict(x)                                   # golden model
    y = build.predict(x, backend="rtl", sim="verilator")   # or backend="csim"
    build = hwgen.load("build/")

See `hwgen.api` for the whole of it.
"""

from pathlib import Path

__version__ = "0.2.0"

_PACKAGE = Path(__file__).resolve().parent

#: Where the hand-written libraries live: `rtl/`, `hls/`, `templates/`, `boards/`, `sim/`.
#: In a checkout they sit at the repository's top level (as the design card asks); an
#: installed wheel carries them inside the package, under `hwgen/_share/`.
SHARE = _PACKAGE / "_share" if (_PACKAGE / "_share" / "rtl").is_dir() else _PACKAGE.parent

#: The package's own folder (its Python sources: copied into deploy/ folders).
PACKAGE = _PACKAGE


def __getattr__(name):
    # the API is imported on first use: `import hwgen` stays light (no torch, no onnx)
    if name in ("compile", "load", "Build"):
        from hwgen import api
        return getattr(api, name)
    raise AttributeError(f"module 'hwgen' has no attribute '{name}'")


__all__ = ["compile", "load", "Build", "SHARE", "__version__"]
