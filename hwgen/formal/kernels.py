"""Stream proofs of the kernels: each kernel of rtl/ with properties (rtl/formal/<kernel>.fv.vh,
included at the kernel's end under `ifdef FORMAL_<KERNEL>`) proven by k-induction at a
parameter set, with a cover that shows a frame pass (so a proof cannot be vacuous).

`hwgen.formal.library.LIBRARY` holds the parameter sets the suite proves (the corners); a
build proves its own instances' parameter sets (`build_kernel_checks`).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from hwgen.backends.rtl.codegen import MVU_RTL, SWG_RTL, hex_lines, rtl_instances
from hwgen.formal.sby import CHECKER, SbyTask
from hwgen.ir import Graph
from hwgen.ops.mvu_stages import PIPE_STAGES
from hwgen.paths import SHARE


@dataclass(frozen=True)
class KernelSpec:
    """A kernel with stream properties: its module, its sources, the induction depth and the
    cover depth its proofs need (the cover's a function of the parameters: a frame's beats)."""

    module: str
    sources: tuple[str, ...]
    depth: int
    cover_depth: Callable[[dict], int]
    roms: bool = False  # it reads ROM images (weights.mem, thresholds.mem): made up here
    props: str = ""  # its property file in rtl/formal/, if not <module>.fv.vh (a shared one)
    # kernels inside it (instances named u_*) whose properties are proven with its own
    inner: tuple[str, ...] = ()
    # (wire of its properties, an inner kernel's signal): connected after flattening, since
    # Yosys reads no hierarchical names in Verilog
    probes: tuple[tuple[str, str], ...] = ()


#: what the MVU's proof reads of its input buffers (rtl/hwgen_mvu_input.v, instance u_in)
MVU_INPUT_PROBES = (
    ("f_probe_vec_in", "u_in.f_vec_in"),
    ("f_probe_part", "u_in.f_part"),
    ("f_probe_wait", "u_in.f_wait"),
)


def _ceil(a: int, b: int) -> int:
    return -(-a // b)


def _steps(n: int) -> Callable[[dict], int]:
    """A cover depth that does not depend on the parameters."""
    return lambda _p: n


def _mvu_steps(p: dict) -> int:
    """A vector in (its beats), SF*NF cycles, the pipeline (with its added stages) and the
    reset."""
    in_beats = _ceil(p["MW"] * p.get("ELEM_W", 1), p.get("IN_W", 1))
    stages = sum(
        p.get(param, 0) for name, param in PIPE_STAGES.items() if name not in ("credit", "skid")
    )
    return in_beats + _ceil(p["MW"], p["SIMD"]) * _ceil(p.get("MH", p["MW"]), p["PE"]) + 12 + stages


def _residual_steps(p: dict) -> int:
    return _mvu_steps({**p, "IN_W": p["PE"]}) + 2


def _swg_steps(p: dict) -> int:
    """A frame in, its windows out (the reader waits on rows still being written)."""
    in_beats = _ceil(p["PIXEL_W"], p["IN_W"])
    pads = [p.get(k, 0) for k in ("PAD_T", "PAD_B", "PAD_L", "PAD_R")]
    oh = (p["IMG_H"] + pads[0] + pads[1] - p["K"]) // p["S"] + 1
    ow = (p["IMG_W"] + pads[2] + pads[3] - p["K"]) // p["S"] + 1
    frame_in = p["IMG_H"] * p["IMG_W"] * in_beats
    return frame_in + oh * ow * p["K"] ** 2 + 2 * p["IMG_W"] * in_beats + 10


#: a build's kernel instance whose frame takes more steps than this has its cover skipped (with
#: the reason in its row): the suite's parameter sets show that a frame passes
MAX_COVER_DEPTH = 100

#: the stream kernels, each with its properties (rtl/formal/README.md)
KERNELS = {
    "hwgen_axis_fifo": KernelSpec(
        "hwgen_axis_fifo", ("rtl/hwgen_axis_fifo.v",), 4, lambda p: 2 * p["DEPTH"] + 8
    ),
    "hwgen_window_max": KernelSpec(
        "hwgen_window_max",
        ("rtl/hwgen_window_max.v",),
        4,
        lambda p: 2 * p["KK"] + 8,
        props="hwgen_window_reduce.fv.vh",
    ),
    "hwgen_window_sum": KernelSpec(
        "hwgen_window_sum",
        ("rtl/hwgen_window_sum.v",),
        4,
        lambda p: 2 * p["KK"] + 8,
        props="hwgen_window_reduce.fv.vh",
    ),
    "hwgen_label_select": KernelSpec(
        "hwgen_label_select",
        ("rtl/hwgen_label_select.v",),
        4,
        lambda p: 2 * _ceil(p["NUM"], p["PE"]) + 12,
    ),
    "hwgen_int_sign": KernelSpec("hwgen_int_sign", ("rtl/hwgen_int_sign.v",), 2, _steps(8)),
    "hwgen_fork": KernelSpec("hwgen_fork", ("rtl/hwgen_fork.v",), 2, _steps(12)),
    "hwgen_residual": KernelSpec(
        "hwgen_residual",
        (
            "rtl/hwgen_residual.v",
            "rtl/hwgen_fork.v",
            "rtl/hwgen_int_sign.v",
            "rtl/hwgen_axis_fifo.v",
            *MVU_RTL,
        ),
        6,
        _residual_steps,
        roms=True,
        inner=("hwgen_fork", "hwgen_int_sign", "hwgen_axis_fifo", "hwgen_mvu"),
        probes=(
            # the inner MVU's own probes first: its f_part is its input buffers'
            *((f"u_mvu.{w}", f"u_mvu.{s}") for w, s in MVU_INPUT_PROBES),
            ("f_probe_sc", "u_shortcut.f_count32"),
            ("f_probe_part", "u_mvu.u_in.f_part"),
            ("f_probe_owed", "u_mvu.f_owed32"),
            ("f_probe_done0", "u_fork.done0"),
            ("f_probe_done1", "u_fork.done1"),
        ),
    ),
    "hwgen_width_convert": KernelSpec(
        "hwgen_width_convert", ("rtl/hwgen_width_convert.v",), 4, _steps(24)
    ),
    "hwgen_pixel_pack": KernelSpec(
        "hwgen_pixel_pack",
        ("rtl/hwgen_pixel_pack.v", "rtl/hwgen_width_convert.v"),
        4,
        _steps(24),
        inner=("hwgen_width_convert",),
    ),
    "hwgen_add_streams": KernelSpec(
        "hwgen_add_streams", ("rtl/hwgen_add_streams.v",), 2, _steps(8)
    ),
    "hwgen_swg": KernelSpec("hwgen_swg", SWG_RTL, 4, _swg_steps),
    "hwgen_mvu": KernelSpec(
        "hwgen_mvu",
        MVU_RTL,
        4,
        _mvu_steps,
        roms=True,
        probes=MVU_INPUT_PROBES,
    ),
}


def _mvu_roms(params: dict, folder: Path) -> list[Path]:
    """Made-up ROM images of the sizes `params` asks for (the stream rules do not depend on
    what the ROMs hold): weights.mem and thresholds.mem, the kernel's default names (with
    ROM_BANK, one weights_b<k>.mem a bank of BANK_DEPTH words instead)."""
    p = {"ELEM_W": 1, "WEIGHT_W": 1, "N_THR": 1, "THR_W": 7, **params}
    p.setdefault("MH", p["MW"])  # a residual block is MW x MW
    sf, nf = math.ceil(p["MW"] / p["SIMD"]), math.ceil(p["MH"] / p["PE"])
    rng = random.Random(0)
    sizes = {
        "weights.mem": (sf * nf, p["PE"] * p["SIMD"] * p["WEIGHT_W"]),
        "thresholds.mem": (nf, p["PE"] * p["N_THR"] * p["THR_W"]),
    }
    if p.get("ROM_BANK"):
        words, bits = sizes.pop("weights.mem")
        d = p["BANK_DEPTH"]
        sizes.update(
            {f"weights_b{k // d:03d}.mem": (min(d, words - k), bits) for k in range(0, words, d)}
        )
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, (words, bits) in sizes.items():
        f = folder / name
        f.write_text(hex_lines([rng.getrandbits(bits) for _ in range(words)], bits))
        out.append(f)
    return out


def _verilog_int(value: int) -> str:
    """A parameter value as chparam reads it (it takes no minus sign: two's complement)."""
    return str(value) if value >= 0 else f"32'h{value & 0xFFFFFFFF:08x}"


def kernel_tasks(module: str, params: dict, folder: Path | None = None) -> tuple[SbyTask, SbyTask]:
    """The prove task and the cover task of `module` at `params` (ROM images, where the
    kernel reads them, are written under `folder`)."""
    spec = KERNELS[module]
    label = "_".join(f"{k}{v}" for k, v in params.items())
    sources = [SHARE / CHECKER] + [SHARE / s for s in spec.sources]
    formal = SHARE / "rtl" / "formal"
    props = [formal / (spec.props or f"{module}.fv.vh")]  # the kernel includes it
    props += [formal / (KERNELS[m].props or f"{m}.fv.vh") for m in spec.inner]
    defines = " ".join(f"-DFORMAL_{m.upper()}" for m in (module, *spec.inner))
    chparam = " ".join(f"-set {k} {_verilog_int(v)}" for k, v in params.items())
    script = [
        f"read_verilog -defer -formal {defines} " + " ".join(p.name for p in sources),
        f"chparam {chparam} {module}",
        f"prep -flatten -top {module}",
    ]
    if spec.inner:
        # an inner kernel's input is driven by a sibling, not by a neighbour the rules may be
        # assumed of: its assumptions become assertions (instances are named u_*), so a
        # wiring fault between two inner kernels fails instead of being assumed away
        script.append("chformal -assume2assert c:$flatten?u_*")
    if spec.probes:
        connects = [f"connect -set {wire} {inner}" for wire, inner in spec.probes]
        script += [f"cd {module}", *connects, "cd .."]
    name = f"{module}_{label}"
    files = sources + props
    if spec.roms:
        base = Path(folder) if folder is not None else Path.cwd()
        files += _mvu_roms(params, base / f"{name}_roms")
    return (
        SbyTask(f"{name}_prove", "prove", spec.depth, script, files),
        SbyTask(f"{name}_cover", "cover", spec.cover_depth(params), script, files),
    )


def build_kernel_params(graph: Graph) -> dict[str, list[dict]]:
    """The parameter sets of the kernels with stream properties that `graph` instantiates:
    the FIFO in front of every operand, at its width and depth, and each instance of a kernel
    in KERNELS at its own parameters."""
    found: dict[str, list[dict]] = {m: [] for m in KERNELS}

    def add(module: str, params: dict) -> None:
        if params not in found[module]:
            found[module].append(params)

    for inst in rtl_instances(graph):
        for port in inst["inputs"]:
            add("hwgen_axis_fifo", {"DATA_W": port["width"], "DEPTH": port["depth"]})
        params = {k: v for k, v in inst["params"] if not isinstance(v, str)}
        if inst["module"] in KERNELS and params.get("N_CLS", 1) == 1:
            # ROM file names are the kernel's own (made up for the proof); a padded conv's
            # class ROMs are not (yet)
            add(inst["module"], params)
    return found
