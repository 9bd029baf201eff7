"""Frames <-> AXI-Stream beats, the layout the generated hardware uses.

Input: a frame's elements of E bits each (E = 1: bipolar bits; integers in two's complement),
concatenated little-endian: bit j of the frame (element j // E, its bit j % E) in beat j // W
at bit j % W (W = beat width). Images are pixel-major, channels within a pixel.
Output: lanes of `lane_bits` each, lane p of beat b at bits [p*lane_bits, (p+1)*lane_bits),
element b*lanes + p; lanes past the last element are padding and dropped.
"""

from __future__ import annotations

import numpy as np


def element_bits(values: np.ndarray, elem_bits: int) -> np.ndarray:
    """(B, ...) integers -> (B, N * elem_bits) bits, each element's bits lowest first."""
    if elem_bits == 1:  # bits already: no int64 copy of a large batch
        return values.reshape(values.shape[0], -1).astype(np.uint8, copy=False)
    v = values.reshape(values.shape[0], -1).astype(np.int64)
    bits = (v[:, :, None] >> np.arange(elem_bits)) & 1  # arithmetic shift: two's complement
    return bits.reshape(v.shape[0], -1).astype(np.uint8)


def pack_frames(bits: np.ndarray, width: int) -> list[list[int]]:
    """(B, N) bits -> B lists of ceil(N/width) beat integers."""
    b, n = bits.shape
    beats = -(-n // width)
    padded = np.zeros((b, beats * width), dtype=np.uint8)
    padded[:, :n] = bits
    out = []
    for row in padded.reshape(b, beats, width):
        out.append(
            [
                int.from_bytes(np.packbits(beat, bitorder="little").tobytes(), "little")
                for beat in row
            ]
        )
    return out


def unpack_frames(
    frames: list[list[int]], lanes: int, lane_bits: int, elems: int, signed: bool
) -> np.ndarray:
    """B lists of beat integers -> (B, elems) int64 lane values (sign-extended if `signed`)."""
    mask = (1 << lane_bits) - 1
    out = np.zeros((len(frames), elems), dtype=np.int64)
    for f, beats in enumerate(frames):
        vals = [(beat >> (p * lane_bits)) & mask for beat in beats for p in range(lanes)]
        if len(vals) < elems:
            raise ValueError(f"frame {f}: {len(beats)} beats carry {len(vals)} lanes, need {elems}")
        vals = vals[:elems]
        if signed:
            vals = [v - (1 << lane_bits) if v >> (lane_bits - 1) else v for v in vals]
        out[f] = vals
    return out


def pack_words(bits: np.ndarray, width: int) -> np.ndarray:
    """(B, N) bits -> (B * ceil(N/width), ceil(width/32)) little-endian uint32 words, one row a
    beat: the layout of `pack_frames`, vectorised for the native testbench's input file."""
    b, n = bits.shape
    beats = -(-n // width)
    words = -(-width // 32)
    padded = np.zeros((b * beats, words * 32), dtype=np.uint8)
    flat = np.zeros((b, beats * width), dtype=np.uint8)
    flat[:, :n] = bits
    padded[:, :width] = flat.reshape(b * beats, width)
    return np.packbits(padded, axis=1, bitorder="little").view("<u4").reshape(b * beats, words)


def unpack_words(
    words: np.ndarray, frames: int, lanes: int, lane_bits: int, elems: int, signed: bool
) -> np.ndarray:
    """(frames * beats, words) uint32 output beats -> (frames, elems) int64 lane values, as
    `unpack_frames` (lanes past the last element dropped, sign-extended if `signed`)."""
    nbeats = words.shape[0] // max(1, frames)
    bits = np.unpackbits(
        np.ascontiguousarray(words, dtype="<u4").view(np.uint8), axis=1, bitorder="little"
    )
    bits = bits[:, : lanes * lane_bits].reshape(-1, lanes, lane_bits).astype(np.int64)
    vals = (
        (bits << np.arange(lane_bits, dtype=np.int64)).sum(axis=2).reshape(frames, nbeats * lanes)
    )
    if vals.shape[1] < elems:
        raise ValueError(
            f"{nbeats} beats of {lanes} lanes carry {vals.shape[1]} values, need {elems}"
        )
    vals = vals[:, :elems]
    if signed and lane_bits > 1:
        vals = vals - ((vals >> (lane_bits - 1)) << lane_bits)
    return vals
