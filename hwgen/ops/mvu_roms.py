"""The ROM images of an XnorMVU (rtl/hwgen_mvu.v's weight and threshold words), from its
weights, thresholds and folding."""

from __future__ import annotations

import numpy as np


class MvuRoms:
    """Word layouts of the weight and threshold ROMs; mixed into `XnorMVU`, whose fields
    (weights, thresholds, pe, simd, sf, nf, ...) they read."""

    @property
    def weight_word_bits(self) -> int:
        """Bits of a weight ROM word: PE x SIMD weights of weight_bits each."""
        return self.pe * self.simd * self.weight_bits

    def weight_words(self) -> list[int]:
        """Weight ROM contents: word nf*SF + sf holds PE x SIMD weights, lane p*SIMD + l (at
        bits [(p*SIMD + l)*WB, +WB), two's complement) being w[nf*PE + p][sf*SIMD + l], 0 where
        past MH or MW."""
        bits = self._weight_rom_bits()
        return [_bits_to_int(row.reshape(-1)) for row in bits]

    def weight_varying_bits(self) -> int:
        """Weight ROM output bits that differ between words (a bit equal in every word is a
        constant in logic). Numpy over the weights, not the words: the folding search prices
        every candidate folding."""
        bits = self._weight_rom_bits()
        return int(np.any(bits != bits[:1], axis=0).sum())

    def _weight_rom_bits(self) -> np.ndarray:
        """The weight ROM as bits (words, PE*SIMD lanes, WB), weight_words' layout."""
        w = np.zeros((self.nf * self.pe, self.sf * self.simd), dtype=np.int64)
        w[: self.mh, : self.mw] = self.weights
        w = w.reshape(self.nf, self.pe, self.sf, self.simd).transpose(0, 2, 1, 3)
        flat = w.reshape(self.nf * self.sf, self.pe * self.simd)
        return ((flat[:, :, None] >> np.arange(self.weight_bits)) & 1).astype(
            np.uint8
        )  # two's complement

    def threshold_words(self) -> list[int]:
        """Threshold ROM contents: word nf holds PE x N_THR thresholds (bipolar: pad lanes
        added), lane p's k-th at bits [(p*N_THR + k)*TW, +TW); a padded layer's border class j
        has words j*NF .. j*NF + NF - 1."""
        k, nc = self.n_thr, self.n_classes
        t = np.zeros((nc, self.nf * self.pe, k), dtype=np.int64)
        t[:, : self.mh] = self.thresholds.reshape(nc, self.mh, k) + (
            self.pad_lanes if self.xnor else 0
        )
        flat = t.reshape(nc * self.nf, self.pe * k)
        tw = self.thr_bits
        mask = (1 << tw) - 1  # integer thresholds are stored in two's complement
        return [sum((int(v) & mask) << (j * tw) for j, v in enumerate(row)) for row in flat]


def _bits_to_int(bits: np.ndarray) -> int:
    """Little-endian bit vector to a Python int (bit i of the int is element i)."""
    return int.from_bytes(np.packbits(bits, bitorder="little").tobytes(), "little")
