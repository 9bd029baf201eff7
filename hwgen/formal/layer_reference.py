"""A matrix layer's golden function as Verilog, from the IR: the reference a layer proof
compares the MVU instance with (`hwgen.formal.layers`).

The reference reads the op's `weights` and `thresholds` (numpy arrays of the IR), never the
ROM images the backend wrote, so a wrong image, a wrong address or a wrong pad constant in
the kernel shows as a difference. XNOR sums are written in chunks of SIMD elements, the order
the MVU adds them in, each counted by an `hwgen_popcount` of SIMD lanes: a SAT solver then
matches chunk by chunk instead of rediscovering a popcount's arithmetic, which it cannot do
at these widths in any useful time. That is sound because the popcount unit is proven equal
to `$countones` on its own, for every width 1..128 (`hwgen.formal.arith`).
"""

from __future__ import annotations

import numpy as np

from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.ops import XnorMVU
from hwgen.paths import VERSION


def sv_int(v: int) -> str:
    """A 32-bit signed Verilog literal for v."""
    v = int(v)
    return f"-32'sd{-v}" if v < 0 else f"32'sd{v}"


def _decide(n: XnorMVU, c: int, acc: str) -> str:
    """Channel c's output from its accumulator, as golden's `_decide` or the raw dot."""
    if not n.has_thresholds:
        return f"{acc} * 32'sd2 - {sv_int(n.mw)}" if n.xnor else acc
    t = np.asarray(n.thresholds).reshape(n.mh, -1)[c]
    reached = [f"({acc} >= {sv_int(v)})" for v in t]
    if n.levels:
        return " + ".join([sv_int(n.out_offset)] + reached)
    return reached[0] if len(reached) == 1 else "^{" + ", ".join(reached) + "}"


def _xnor_chunks(n: XnorMVU, c: int) -> list[dict]:
    row = np.asarray(n.weights[c], dtype=np.int64)
    chunks = []
    for lo in range(0, n.mw, n.simd):
        hi = min(lo + n.simd, n.mw) - 1
        pad = n.simd - (hi - lo + 1)
        bits = "0" * pad + "".join(str(int(b)) for b in row[lo : hi + 1][::-1])  # MSB first
        chunks.append(dict(lo=lo, hi=hi, pad=pad, const=bits))
    return chunks


def _int_terms(n: XnorMVU, c: int) -> list[str]:
    w = n.weight_values()[c]
    return [f"+ e{i} * {sv_int(v)}" for i, v in enumerate(w) if v != 0]


def reference_module(n: XnorMVU, module: str) -> str:
    """Verilog module `module` (x: one input vector, y: MH output lanes) computing n.golden."""
    if n.window:
        raise HwgenError(
            f"layer '{n.name}': a zero-padded convolution's output depends on the pixel's "
            "border class; the layer proof covers unpadded layers only"
        )
    channels = []
    for c in range(n.mh):
        ch = dict(index=c, decide=_decide(n, c, f"acc{c}"))
        if n.xnor:
            ch["chunks"] = _xnor_chunks(n, c)
        else:
            ch["terms"] = _int_terms(n, c)
        channels.append(ch)
    return render(
        "formal/layer_ref.v.j2",
        module=module,
        layer=n.name,
        version=VERSION,
        mw=n.mw,
        mh=n.mh,
        simd=n.simd,
        elem_w=n.in_bits,
        in_signed=n.in_signed,
        out_w=n.out_lane_bits,
        xnor=n.xnor,
        pad=n.pad_lanes if n.xnor else 0,
        pc_w=(n.simd + 1).bit_length(),
        cnt_w=n.count_bits,
        channels=channels,
    )
