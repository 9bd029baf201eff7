"""Data types carried by IR tensors: bipolar bits, integers of a given width, float32."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Bipolar:
    """One bit per element: bit 1 is +1, bit 0 is -1 (DESIGN.md)."""

    bits = 1

    def __str__(self) -> str:
        return "bipolar"


@dataclass(frozen=True)
class Int:
    """A two's complement (signed) or unsigned integer of `bits` bits."""

    bits: int
    signed: bool = True

    def __str__(self) -> str:
        return f"{'int' if self.signed else 'uint'}{self.bits}"

    @property
    def min(self) -> int:
        """Smallest representable value."""
        return -(1 << (self.bits - 1)) if self.signed else 0

    @property
    def max(self) -> int:
        """Largest representable value."""
        return (1 << (self.bits - 1)) - 1 if self.signed else (1 << self.bits) - 1


@dataclass(frozen=True)
class Float32:
    """Host-side real values (before the first quantizer, after the last integer layer)."""

    bits = 32

    def __str__(self) -> str:
        return "float32"


DType = Bipolar | Int | Float32


def parse_dtype(text: str) -> DType:
    """Inverse of `str(dtype)`: 'bipolar', 'float32', 'int9', 'uint7'."""
    if text == "bipolar":
        return Bipolar()
    if text == "float32":
        return Float32()
    m = re.fullmatch(r"(u?)int(\d+)", text)
    if not m:
        raise ValueError(f"unknown dtype '{text}'")
    return Int(int(m.group(2)), signed=not m.group(1))


def signed_bits_for(lo: int, hi: int) -> int:
    """Fewest bits of a signed integer holding every value in [lo, hi]."""
    bits = 1
    while not (-(1 << (bits - 1)) <= lo and hi <= (1 << (bits - 1)) - 1):
        bits += 1
    return bits


def unsigned_bits_for(hi: int) -> int:
    """Fewest bits of an unsigned integer holding every value in [0, hi] (at least 1)."""
    return max(1, int(hi).bit_length())
