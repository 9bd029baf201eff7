"""Verilog backend: one rtl/ kernel instance per hardware node, ROM images, a stitched top.

`generate_rtl(graph)` returns {relative path: content}; nothing here runs a tool.
Each op type has a small function giving its module, parameters and ROM files (`KERNELS`); the
template only wires the instances, with a FIFO in front of each operand.

The build's rtl/ is self-contained: the library kernels are copied in beside the top, and
the top names its ROM images by file name alone. Simulators run in rtl/ (Verilator and Icarus
read $readmemh files relative to their working folder), and Yosys finds them beside the
source that reads them, so a moved or copied build simulates and synthesises the same.
"""

from __future__ import annotations

import math
from pathlib import Path

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
from hwgen.paths import SHARE, VERSION

TOP_NAME = "hwgen_top"
#: hwgen_mvu and the modules it instantiates (the formal proofs read the same list)
MVU_RTL = (
    "rtl/hwgen_mvu.v",
    "rtl/hwgen_mvu_rom.v",
    "rtl/hwgen_mvu_input.v",
    "rtl/hwgen_mvu_thresholds.v",
    "rtl/hwgen_mvu_lane.v",
    "rtl/hwgen_mvu_output.v",
    "rtl/hwgen_delay.v",
    "rtl/hwgen_popcount.v",
    "rtl/hwgen_lane_dot.v",
)
#: hwgen_swg and the modules it instantiates
SWG_RTL = (
    "rtl/hwgen_swg.v",
    "rtl/hwgen_swg_next.v",
    "rtl/hwgen_swg_ring.v",
    "rtl/hwgen_stream_reg.v",
)
#: hand-written kernels the generated top may instantiate (paths relative to the repository)
RTL_LIBRARY = [
    "rtl/hwgen_axis_fifo.v",
    *MVU_RTL,
    *SWG_RTL,
    "rtl/hwgen_window_max.v",
    "rtl/hwgen_int_sign.v",
    "rtl/hwgen_residual.v",
    "rtl/hwgen_width_convert.v",
    "rtl/hwgen_pixel_pack.v",
    "rtl/hwgen_fork.v",
    "rtl/hwgen_add_streams.v",
    "rtl/hwgen_window_sum.v",
]
#: the shells around the top (AXI-Lite + DMA widths for Zynq, bytes for iCE40), copied too
SHELL_LIBRARY = [
    "rtl/hwgen_axi_shell.v",
    "rtl/hwgen_byte_shell.v",
    "rtl/hwgen_uart_rx.v",
    "rtl/hwgen_uart_tx.v",
    "rtl/hwgen_frame_buffer.v",
    "rtl/hwgen_uart_link.v",
    "rtl/hwgen_uart_shell.v",
    "rtl/hwgen_uart_pll_ice40.v",
    "rtl/hwgen_uart_pll_ecp5.v",
]


def hex_lines(words: list[int], bits: int) -> str:
    """A $readmemh image: one word a line, hex digits enough for `bits`."""
    digits = max(1, math.ceil(bits / 4))
    return "".join(f"{w:0{digits}x}\n" for w in words)


def _weight_rom(n: XnorMVU, lid: str, files: dict) -> list[tuple[str, str]]:
    """The weight ROM's images and the parameters naming them: one file, or with the rom_bank
    stage one a bank, `{lid}_weights_b000.mem` on (rtl/hwgen_mvu_rom.v)."""
    banks = n.rom_bank_words()
    if len(banks) == 1:
        files[f"{lid}_weights.mem"] = hex_lines(banks[0], n.weight_word_bits)
        return [("WEIGHT_FILE", f'"{lid}_weights.mem"')]
    for b, words in enumerate(banks):
        files[f"{lid}_weights_b{b:03d}.mem"] = hex_lines(words, n.weight_word_bits)
    return [("WEIGHT_FILE", '""'), ("WEIGHT_BANK_STEM", f'"{lid}_weights_b"')]


def _mvu(n: XnorMVU, lid: str, files: dict) -> tuple[str, list, int]:
    tfile = f"{lid}_thresholds.mem"
    if n.has_thresholds:
        files[tfile] = hex_lines(n.threshold_words(), n.pe * n.n_thr * n.thr_bits)
    params = [
        ("MW", n.mw),
        ("MH", n.mh),
        ("PE", n.pe),
        ("SIMD", n.simd),
        ("IN_W", n.in_width),
        ("ELEM_W", n.in_bits),
        ("IN_SIGNED", int(n.in_signed)),
        ("WEIGHT_W", n.weight_bits),
        ("USE_THR", int(n.has_thresholds)),
        ("N_THR", n.n_thr),
        ("LEVELS", int(n.levels)),
        ("LEVEL_OFF", n.out_offset),
        ("CNT_W", n.count_bits),
        ("THR_W", n.thr_bits),
        ("OUT_LANE_W", n.out_lane_bits),
        ("INBUF_MEM", int(n.input_memory)),
        ("WEIGHT_STYLE", {"auto": 0, "block": 1, "lut": 2}[n.weight_style]),
        *n.stage_params(),
        *_weight_rom(n, lid, files),
        ("THR_FILE", f'"{tfile}"' if n.has_thresholds else '""'),
    ]
    if n.n_classes > 1:  # a padded convolution: its border classes' threshold sets
        rows, cols = n.class_bases()
        rfile, cfile = f"{lid}_row_base.mem", f"{lid}_col_base.mem"
        files[rfile], files[cfile] = (
            hex_lines(rows, n.class_base_bits),
            hex_lines(cols, n.class_base_bits),
        )
        win = n.pad_window
        params += [
            ("N_CLS", n.n_classes),
            ("OH", win.oh),
            ("OW", win.ow),
            ("ROW_BASE_FILE", f'"{rfile}"'),
            ("COL_BASE_FILE", f'"{cfile}"'),
        ]
    return "hwgen_mvu", params, n.pe * n.out_lane_bits


def _residual(n: ResidualBlock, lid: str, files: dict) -> tuple[str, list, int]:
    if n.in_width != n.pe * n.h_bits:
        raise HwgenError(
            f"node '{n.name}': its input beats ({n.in_width} bits) are not PE={n.pe} lanes of "
            f"{n.h_bits} bits; a residual block needs its producer's PE"
        )
    tfile = f"{lid}_thresholds.mem"
    files[tfile] = hex_lines(n.threshold_words(), n.pe * n.n_thr * n.thr_bits)
    params = [
        ("MW", n.mw),
        ("PE", n.pe),
        ("SIMD", n.simd),
        ("IN_ELEM_W", n.h_bits),
        ("OUT_ELEM_W", n.out_lane_bits),
        ("LEVEL_W", n.out_bits),
        ("N_THR", n.n_thr),
        ("LEVEL_OFF", n.out_offset),
        ("CNT_W", n.count_bits),
        ("THR_W", n.thr_bits),
        ("SC_DEPTH", n.shortcut_depth),
        ("INBUF_MEM", int(n.inner_mvu().input_memory)),
        *n.stage_params(),
        *_weight_rom(n, lid, files),
        ("THR_FILE", f'"{tfile}"'),
    ]
    return "hwgen_residual", params, n.pe * n.out_lane_bits


def _int_sign(n: IntSign, lid: str, files: dict) -> tuple[str, list, int]:
    return "hwgen_int_sign", [("LANES", n.lanes), ("ELEM_W", n.bits)], n.out_width


def _swg(n: SlidingWindow, lid: str, files: dict) -> tuple[str, list, int]:
    params = [
        ("IMG_H", n.h),
        ("IMG_W", n.w),
        ("PIXEL_W", n.pixel_bits),
        ("IN_W", n.in_width),
        ("K", n.k),
        ("S", n.stride),
        ("PAD_T", n.pads[0]),
        ("PAD_L", n.pads[1]),
        ("PAD_B", n.pads[2]),
        ("PAD_R", n.pads[3]),
        ("RAM_STYLE", int(n.buffer_style == "block")),
        # only the stages it has: a window without any is the instance it always was
        *[(k, v) for k, v in n.stage_params() if v],
    ]
    return "hwgen_swg", params, n.out_width


def _window_max(n: WindowMax, lid: str, files: dict) -> tuple[str, list, int]:
    return (
        "hwgen_window_max",
        [("C", n.c), ("KK", n.k * n.k), ("ELEM_W", n.elem_bits), ("SIGNED", int(n.signed))],
        n.out_width,
    )


def _pixel_pack(n: Flatten, lid: str, files: dict) -> tuple[str, list, int]:
    return "hwgen_pixel_pack", [("IN_W", n.in_width), ("OUT_W", n.out_width)], n.out_width


def _fork(n: Fork, lid: str, files: dict) -> tuple[str, list, int]:
    return "hwgen_fork", [("DATA_W", n.in_width)], n.out_width


def _add(n: AddStreams, lid: str, files: dict) -> tuple[str, list, int]:
    return (
        "hwgen_add_streams",
        [
            ("LANES", n.lanes),
            ("A_ELEM_W", n.a_bits),
            ("B_ELEM_W", n.b_bits),
            ("OUT_ELEM_W", n.out_bits),
        ],
        n.out_width,
    )


def _window_sum(n: WindowSum, lid: str, files: dict) -> tuple[str, list, int]:
    return (
        "hwgen_window_sum",
        [("C", n.c), ("KK", n.k * n.k), ("ELEM_W", n.elem_bits), ("OUT_ELEM_W", n.out_bits)],
        n.out_width,
    )


#: op type -> its kernel instance (module, parameters, ROM images): every hardware op has one
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


def rtl_instances(graph: Graph, files: dict | None = None) -> list[dict]:
    """Every hardware node's kernel instance: module, parameters (ROM files by name), stream
    widths; the ROM images go into `files` when given."""
    files = {} if files is None else files
    ids, out_sig = (
        instance_ids(graph),
        edge_streams(graph),
    )  # out_sig: what each producer drives to each consumer
    srcs, dsts = instance_inputs(graph), instance_outputs(graph)
    insts = []
    for n in instance_nodes(graph):
        make = KERNELS.get(type(n))
        if make is None:
            raise HwgenError(
                f"node '{n.name}': the RTL backend has no kernel for {type(n).__name__}"
            )
        lid = ids[n.name]
        module, params, out_width = make(n, lid, files)
        fifos = input_fifos(n)
        many = len(fifos) > 1
        inputs = [
            dict(
                port=f"s{j}" if many else "s",
                sig=f"{lid}_in{j}" if many else f"{lid}_in",
                fifo=f"{lid}_fifo{j}" if many else f"{lid}_fifo",
                width=w,
                depth=d,
                src="s_axis" if p is None else out_sig[(p, n.name)],
            )
            for j, (p, (w, d)) in enumerate(zip(srcs[n.name], fifos))
        ]
        outs = dsts[n.name] or [None]
        outputs = [
            dict(
                port=f"m{j}" if len(outs) > 1 else "m",
                sig=out_sig[(n.name, d)] if d is not None else f"{lid}_out",
            )
            for j, d in enumerate(outs)
        ]
        insts.append(
            dict(
                name=n.name,
                kind=type(n).__name__,
                id=lid,
                module=module,
                params=params,
                inputs=inputs,
                outputs=outputs,
                out_width=out_width,
                cycles=n.cycles,
            )
        )
    return insts


def generate_rtl(graph: Graph) -> dict[str, str]:
    """Render the accelerator: `hwgen_top.v`, the ROM images (.mem) of its layers (named
    relative to the folder they are written to), and copies of the library kernels."""
    files: dict[str, str] = {
        Path(p).name: (SHARE / p).read_text() for p in RTL_LIBRARY + SHELL_LIBRARY
    }
    insts = rtl_instances(graph, files)
    fmt = stream_format(graph)
    files[f"{TOP_NAME}.v"] = render(
        "rtl/top.v.j2",
        top=TOP_NAME,
        version=VERSION,
        graph_name=graph.name,
        insts=insts,
        last_out=insts[-1]["outputs"][0]["sig"],
        in_width=fmt.in_width,
        in_beats=fmt.in_beats,
        out_width=fmt.out_width,
        out_beats=fmt.out_beats,
        out_beat_bits=max(1, (fmt.out_beats - 1).bit_length()),
    )
    return files


def rtl_sources(build_rtl_dir) -> list[str]:
    """Every Verilog file of a generated accelerator: the build's copies of the library
    kernels and its top."""
    d = Path(build_rtl_dir)
    return [str(d / Path(p).name) for p in RTL_LIBRARY] + [str(d / f"{TOP_NAME}.v")]


#: what each shell is built on, below it (the UART link wraps the byte shell; the UART shell
#: and the PLL tops wrap the link)
UART_LINK_PARTS = [
    "hwgen_byte_shell",
    "hwgen_uart_rx",
    "hwgen_uart_tx",
    "hwgen_frame_buffer",
    "hwgen_uart_link",
]
SHELL_PARTS = {
    top: UART_LINK_PARTS
    for top in ("hwgen_uart_shell", "hwgen_uart_pll_ice40", "hwgen_uart_pll_ecp5")
}


def shell_sources(build_rtl_dir, shell: str) -> list[str]:
    """The accelerator's sources plus `shell` (a file of SHELL_LIBRARY) and what it wraps."""
    d = Path(build_rtl_dir)
    parts = SHELL_PARTS.get(shell, []) + [shell]
    return rtl_sources(d) + [str(d / f"{p}.v") for p in parts]
