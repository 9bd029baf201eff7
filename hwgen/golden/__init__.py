"""Pure numpy kernels, bit-exact references for the hardware (see kernels.py)."""

from hwgen.golden.kernels import (  # noqa: F401
    apply_steps,
    pack_bits,
    sign_bits,
    threshold_bits,
    xnor_popcount,
)
