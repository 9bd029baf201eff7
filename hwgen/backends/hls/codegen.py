"""HLS C++ backend: one hls/hwgen_hls.h kernel call per hardware node, ROM headers, a top.

`generate_hls(graph)` returns {file name: content}; nothing here runs a tool. Sizes are
computed here and passed as template arguments; the templates only stitch.
"""

from __future__ import annotations

from hwgen.backends.common import (
    edge_streams,
    input_fifos,
    instance_ids,
    instance_inputs,
    instance_nodes,
    instance_outputs,
    stream_format,
)
from hwgen.backends.templates import render
from hwgen.errors import HwgenError
from hwgen.ir import Graph
from hwgen.ops import (
    AddStreams,
    Flatten,
    Fork,
    IntSign,
    ResidualBlock,
    SlidingWindow,
    WindowMax,
    WindowSum,
    XnorMVU,
)
from hwgen.paths import VERSION

TOP_NAME = "hwgen_top"


def _b(v: bool) -> str:
    return "true" if v else "false"


def _mvu(n: XnorMVU, k: int, lid: str, roms: list) -> dict:
    wname, tname = f"{lid}_weights", f"{lid}_thresholds"
    roms.append(
        {
            "name": wname,
            "width": n.weight_word_bits,
            "comment": f"{n.name}: weights, word nf*SF + sf",
            "words": [f"{w:x}" for w in n.weight_words()],
        }
    )
    if n.has_thresholds:
        roms.append(
            {
                "name": tname,
                "width": n.pe * n.n_thr * n.thr_bits,
                "comment": f"{n.name}: thresholds, word nf",
                "words": [f"{w:x}" for w in n.threshold_words()],
            }
        )
    else:  # the kernel reads no threshold when USE_THR is false; keep its argument well-formed
        roms.append(
            {
                "name": tname,
                "width": n.pe * n.thr_bits,
                "comment": f"{n.name}: no thresholds",
                "words": ["0"],
            }
        )
    bname = f"{lid}_bases"
    if n.n_classes > 1:  # a padded convolution: its border classes' threshold sets
        rows, cols = n.class_bases()
        win = n.pad_window
        oh, ow, bases = win.oh, win.ow, rows + cols
    else:
        oh, ow, bases = 1, 1, [0]
    base_w = max(1, max(bases).bit_length())
    roms.append(
        {
            "name": bname,
            "width": base_w,
            "comment": f"{n.name}: threshold set per output row, then column",
            "words": [f"{b:x}" for b in bases],
        }
    )
    targs = [
        k,
        n.mw,
        n.mh,
        n.pe,
        n.simd,
        n.in_bits,
        _b(n.in_signed),
        n.weight_bits,
        _b(n.has_thresholds),
        n.n_thr,
        _b(n.levels),
        n.out_offset,
        n.count_bits,
        n.thr_bits,
        n.out_lane_bits,
        n.in_width,
        n.n_classes,
        oh,
        ow,
        base_w,
    ]
    return {
        "kernel": "mvu",
        "targs": targs,
        "args": [wname, tname, bname, f"frames * {n.pixels}"],
        "out_width": n.pe * n.out_lane_bits,
        "comment": f"{n.mh}x{n.mw}, PE={n.pe}, SIMD={n.simd}, {n.sf * n.nf} trips per vector",
    }


def _residual(n: ResidualBlock, k: int, lid: str, roms: list) -> dict:
    wname, tname = f"{lid}_weights", f"{lid}_thresholds"
    roms.append(
        {
            "name": wname,
            "width": n.pe * n.simd,
            "comment": f"{n.name}: weights, word nf*SF + sf",
            "words": [f"{w:x}" for w in n.weight_words()],
        }
    )
    roms.append(
        {
            "name": tname,
            "width": n.pe * n.n_thr * n.thr_bits,
            "comment": f"{n.name}: level thresholds",
            "words": [f"{w:x}" for w in n.threshold_words()],
        }
    )
    targs = [
        k,
        n.mw,
        n.pe,
        n.simd,
        n.h_bits,
        n.out_lane_bits,
        n.out_bits,
        n.n_thr,
        n.out_offset,
        n.count_bits,
        n.thr_bits,
    ]
    return {
        "kernel": "residual",
        "targs": targs,
        "args": [wname, tname, "frames"],
        "out_width": n.pe * n.out_lane_bits,
        "comment": f"h + q, q from {n.mh}x{n.mw} on sign(h), PE={n.pe}, SIMD={n.simd}",
    }


def _int_sign(n: IntSign, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "int_sign",
        "targs": [k, n.lanes, n.bits],
        "args": [f"frames * {n.cycles}"],
        "out_width": n.out_width,
        "comment": f"sign of {n.elems} {n.bits}-bit integers",
    }


def _swg(n: SlidingWindow, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "swg",
        "targs": [k, n.h, n.w, n.pixel_bits, n.in_width, n.k, n.stride, *n.pads],
        "args": ["frames"],
        "out_width": n.pixel_bits,
        "comment": f"{n.k}x{n.k} windows at stride {n.stride} over {n.h}x{n.w}x{n.c}",
    }


def _window_max(n: WindowMax, k: int, lid: str, roms: list) -> dict:
    if n.in_width != n.pixel_bits:
        raise HwgenError(f"node '{n.name}': the HLS window max takes whole pixels per beat")
    return {
        "kernel": "window_max",
        "targs": [k, n.c, n.k * n.k, n.elem_bits, _b(n.signed)],
        "args": [f"frames * {n.pixels}"],
        "out_width": n.pixel_bits,
        "comment": f"max-pool of {n.k}x{n.k} windows",
    }


def _pixel_pack(n: Flatten, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "width_convert",
        "targs": [k, n.in_width, n.out_width, n.out_width],
        "args": [f"frames * {n.h * n.w}"],
        "out_width": n.out_width,
        "comment": f"pack each pixel's {n.in_beats} beats into {n.c} lanes (no pad lanes)",
    }


def _fork(n: Fork, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "fork",
        "targs": [k, n.in_width],
        "args": [f"frames * {n.beats}"],
        "out_width": n.out_width,
        "comment": "one stream to two consumers",
    }


def _add(n: AddStreams, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "add_streams",
        "targs": [k, n.lanes, n.a_bits, n.b_bits, n.out_bits],
        "args": [f"frames * {n.beats}"],
        "out_width": n.out_width,
        "comment": f"a + b, {n.lanes} lanes of {n.out_bits}-bit sums",
    }


def _window_sum(n: WindowSum, k: int, lid: str, roms: list) -> dict:
    return {
        "kernel": "window_sum",
        "targs": [k, n.c, n.k * n.k, n.elem_bits, n.out_bits],
        "args": [f"frames * {n.pixels}"],
        "out_width": n.out_width,
        "comment": f"sums of {n.k}x{n.k} windows (an average pool)",
    }


#: op type -> its kernel call (template arguments, ROM headers): every hardware op has one
KERNELS = {
    XnorMVU: _mvu,
    SlidingWindow: _swg,
    WindowMax: _window_max,
    ResidualBlock: _residual,
    IntSign: _int_sign,
    Flatten: _pixel_pack,
    Fork: _fork,
    AddStreams: _add,
    WindowSum: _window_sum,
}


def kernel_trips(graph: Graph, frames: int) -> list[int]:
    """The trip count each kernel's counted loop must reach for `frames` frames (each op's
    `hls_trips`: SF*NF per vector for an MVU, K*K per output pixel for a window)."""
    return [n.hls_trips(frames) for n in instance_nodes(graph)]


def generate_hls(graph: Graph) -> dict[str, str]:
    """Render `hwgen_top.{h,cpp}` and `hwgen_top_params.h` for the graph's accelerator."""
    roms: list[dict] = []
    kernels, streams = [], []
    ids, names = (
        instance_ids(graph),
        edge_streams(graph),
    )  # names: (producer, consumer) -> the stream
    srcs, dsts = instance_inputs(graph), instance_outputs(graph)
    out_width: dict[str, int] = {}
    for k, n in enumerate(instance_nodes(graph)):
        make = KERNELS.get(type(n))
        if make is None:
            raise HwgenError(
                f"node '{n.name}': the HLS backend has no kernel for {type(n).__name__}"
            )
        kern = make(n, k, ids[n.name], roms)
        ins = ["in" if p is None else names[(p, n.name)] for p in srcs[n.name]]
        for p, (_w, d) in zip(srcs[n.name], input_fifos(n)):
            if p is not None:
                streams.append({"name": names[(p, n.name)], "width": out_width[p], "depth": d})
        outs = [names[(n.name, d)] for d in dsts[n.name]] or ["out"]
        out_width[n.name] = kern["out_width"]
        kern.update(name=n.name, streams=ins + outs)
        kernels.append(kern)
    fmt = stream_format(graph)
    ctx = dict(
        top=TOP_NAME,
        version=VERSION,
        graph_name=graph.name,
        kernels=kernels,
        roms=roms,
        streams=streams,
        in_width=fmt.in_width,
        out_width=fmt.out_width,
        in_beats=fmt.in_beats,
        out_beats=fmt.out_beats,
    )
    return {
        f"{TOP_NAME}.h": render("hls/top.h.j2", **ctx),
        f"{TOP_NAME}.cpp": render("hls/top.cpp.j2", **ctx),
        f"{TOP_NAME}_params.h": render("hls/params.h.j2", **ctx),
    }
