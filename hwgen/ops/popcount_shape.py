"""The shape of rtl/hwgen_popcount.v's compressor tree, walked in Python: how many counters
of each kind it builds and how many stages deep it is (the estimate prices its LUTs, the
timing model its depth)."""

from __future__ import annotations

from functools import lru_cache


def _plan(h: int) -> tuple[int, int, int]:
    """How a column of h bits is cut: (6:3 counters, inputs of the remainder counter, bits
    passed through). The same rule as `info` in the Verilog."""
    if h <= 2:
        return 0, 0, h
    n6 = h // 6
    r = h - 6 * n6
    if n6 == 0:
        sr = 3 if h == 4 else h
    else:
        sr = 5 if r == 5 else 0
    return n6, sr, r - sr


@lru_cache(maxsize=None)
def popcount_tree(lanes: int) -> dict[str, int]:
    """Counters and stages of the popcount of `lanes` XNOR lanes: `first` three-lane groups
    (two output bits each), `c63` 6:3 counters, `c53`/`c32` remainder counters, `stages`
    after the first, `width` of the final adder, `bits`: the bits entering each stage (the
    last: the adder's two rows)."""
    width = max(1, lanes.bit_length())
    g0 = (lanes + 2) // 3
    h = [0] * width
    h[0] = g0
    if width > 1:
        h[1] = g0
    out = {"first": g0, "c63": 0, "c53": 0, "c32": 0, "stages": 0, "width": width}
    bits = [sum(h)]
    while max(h) > 2:
        nxt = [0] * (width + 2)
        for c, hh in enumerate(h):
            n6, sr, ps = _plan(hh)
            out["c63"] += n6
            if sr == 3:
                out["c32"] += 1
            elif sr:
                out["c53"] += 1
            nxt[c] += ps + n6 + (1 if sr else 0)
            nxt[c + 1] += n6 + (1 if sr else 0)
            nxt[c + 2] += n6 + (1 if sr >= 4 else 0)
        h = nxt[:width]
        out["stages"] += 1
        bits.append(sum(h))
    out["bits"] = tuple(bits)
    return out


def mid_stage(lanes: int) -> int:
    """The stage rtl/hwgen_popcount.v's MID_REG registers: (stages + 1) // 2."""
    return (popcount_tree(lanes)["stages"] + 1) // 2


def mid_register_bits(lanes: int) -> int:
    """Flip-flops of MID_REG: the bits entering the middle stage."""
    return popcount_tree(lanes)["bits"][mid_stage(lanes)]
