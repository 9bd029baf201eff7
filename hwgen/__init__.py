"""hwgen: binary neural networks from PyTorch/Brevitas to verified streaming FPGA hardware."""

from pathlib import Path

__version__ = "0.1.0"

#: Repository root: templates/, rtl/ and boards/ live beside the package.
ROOT = Path(__file__).resolve().parent.parent
