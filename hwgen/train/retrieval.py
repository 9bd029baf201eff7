"""Hamming-distance retrieval over binary codes: rank a database by popcount(XOR) to each
query, score with mean average precision and precision at k (relevant: same label)."""

from __future__ import annotations

import numpy as np


def pack(codes: np.ndarray) -> np.ndarray:
    """(N, k) bits -> (N, ceil(k/64)) uint64 words (bit i of a code is bit i % 64 of word
    i // 64)."""
    n, k = codes.shape
    words = -(-k // 64)
    padded = np.zeros((n, words * 64), dtype=np.uint8)
    padded[:, :k] = codes
    return (
        np.packbits(padded.reshape(n, words, 64), axis=2, bitorder="little")
        .view("<u8")
        .reshape(n, words)
    )


def hamming(queries: np.ndarray, database: np.ndarray) -> np.ndarray:
    """(Q, D) Hamming distances between code bit arrays: popcount of XOR, word by word."""
    q, d = pack(queries), pack(database)
    return np.bitwise_count(q[:, None, :] ^ d[None, :, :]).sum(axis=2)


def rank(queries: np.ndarray, database: np.ndarray) -> np.ndarray:
    """Database indices per query, nearest first (ties by index: a stable sort)."""
    return np.argsort(hamming(queries, database), axis=1, kind="stable")


def mean_average_precision(order: np.ndarray, q_labels: np.ndarray, db_labels: np.ndarray) -> float:
    """mAP over the whole ranked database."""
    rel = db_labels[order] == q_labels[:, None]
    hits = np.cumsum(rel, axis=1)
    prec = hits / np.arange(1, rel.shape[1] + 1)
    ap = (prec * rel).sum(1) / np.maximum(rel.sum(1), 1)
    return float(ap.mean())


def precision_at(order: np.ndarray, q_labels: np.ndarray, db_labels: np.ndarray, k: int) -> float:
    """Mean fraction of the first k results that share the query's label."""
    return float((db_labels[order[:, :k]] == q_labels[:, None]).mean())
