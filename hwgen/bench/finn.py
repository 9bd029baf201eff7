"""`make bench-finn`: FINN's own estimates next to hwgen's, for the same nets at the same
foldings (PE/SIMD lowered to divisors, as FINN requires), and next to Yosys' synthesized LUTs
of hwgen's design.

FINN comes from the PyPI `finn-plus` package installed with --no-deps into a side folder
(the Makefile does it); its streamlining and HW-layer passes run on the same QONNX files
hwgen compiles. A net FINN cannot take is reported as a FINN failure, not hidden.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from rich.table import Table

from hwgen.bench.suite import cnv_onnx, digits_onnx, tfc_onnx, zoo_onnx
from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph
from hwgen.flows.yosys import run_yosys, slice_luts
from hwgen.frontend import import_qonnx
from hwgen.ops import XnorMVU
from hwgen.passes import lower
from hwgen.pipeline import CompileOptions, compile_model

FPGA_PART = "xc7z020clg400-1"  # PYNQ-Z2, FINN's usual target for these nets


def _divisor(n: int, want: int) -> int:
    return max(d for d in range(1, min(want, n) + 1) if n % d == 0)


def finn_estimates(onnx: Path, pe: int | list, simd: int | None = None) -> dict:
    """FINN's flow to HW layers with the given folding (one PE/SIMD for every layer, or a list
    of (PE, SIMD) per MVAU in order): per MVAU {pe, simd, lut, bram, cycles}. Convolutions are
    lowered to MVAUs first, as FINN's CNV flow does."""
    try:
        # deferred: finn-plus is an optional extra (make bench-finn)
        import finn.transformation.streamline.absorb as absorb
        from finn.analysis.fpgadataflow.exp_cycles_per_layer import exp_cycles_per_layer
        from finn.analysis.fpgadataflow.res_estimation import res_estimation
        from finn.transformation.fpgadataflow.convert_to_hw.binary_matrix_vector_activation import (
            InferBinaryMatrixVectorActivation,
        )
        from finn.transformation.fpgadataflow.convert_to_hw.quantized_matrix_vector_activation import (  # noqa: E501
            InferQuantizedMatrixVectorActivation,
        )
        from finn.transformation.fpgadataflow.specialize_layers import (
            SpecializeLayers,
        )
        from finn.transformation.qonnx.convert_qonnx_to_finn import ConvertQONNXtoFINN
        from finn.transformation.streamline import Streamline
        from finn.transformation.streamline.round_thresholds import RoundAndClipThresholds
    except ImportError as e:
        raise HwgenError(
            f"FINN is not importable ({e}): run `make bench-finn`, which installs finn-plus"
        ) from None
    # deferred: finn-plus is an optional extra (make bench-finn)
    from finn.transformation.streamline.reorder import (
        MakeMaxPoolNHWC,
    )
    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.custom_op.registry import getCustomOp
    from qonnx.transformation.bipolar_to_xnor import ConvertBipolarMatMulToXnorPopcount
    from qonnx.transformation.fold_constants import FoldConstants
    from qonnx.transformation.general import (
        GiveReadableTensorNames,
        GiveUniqueNodeNames,
        RemoveStaticGraphInputs,
    )
    from qonnx.transformation.infer_datatypes import (
        InferDataTypes,
    )
    from qonnx.transformation.infer_shapes import InferShapes
    from qonnx.transformation.lower_convs_to_matmul import LowerConvsToMatMul

    warnings.filterwarnings("ignore")
    m = ModelWrapper(str(onnx))
    m = m.transform(ConvertQONNXtoFINN())
    conv = any(n.op_type == "Conv" for n in m.graph.node)
    lower = (
        [LowerConvsToMatMul(), MakeMaxPoolNHWC(), absorb.AbsorbTransposeIntoMultiThreshold()]
        if conv
        else []
    )
    for t in (
        InferShapes(),
        FoldConstants(),
        GiveUniqueNodeNames(),
        GiveReadableTensorNames(),
        InferDataTypes(),
        RemoveStaticGraphInputs(),
        absorb.AbsorbSignBiasIntoMultiThreshold(),
        Streamline(),
        *lower,
        ConvertBipolarMatMulToXnorPopcount(),
        absorb.AbsorbAddIntoMultiThreshold(),
        absorb.AbsorbMulIntoMultiThreshold(),
        RoundAndClipThresholds(),
        Streamline(),
        InferBinaryMatrixVectorActivation(),
        InferQuantizedMatrixVectorActivation(),
        SpecializeLayers(FPGA_PART),
    ):
        m = m.transform(t)
    per_layer = list(pe) if isinstance(pe, list) else None
    layers = []
    for n in m.graph.node:
        if n.op_type.startswith("MVAU"):
            op = getCustomOp(n)
            mw, mh = op.get_nodeattr("MW"), op.get_nodeattr("MH")
            want_pe, want_simd = per_layer[len(layers)] if per_layer else (pe, simd)
            op.set_nodeattr("PE", _divisor(mh, want_pe))
            op.set_nodeattr("SIMD", _divisor(mw, want_simd))
            layers.append((n.name, mh, mw, op.get_nodeattr("PE"), op.get_nodeattr("SIMD")))
    if not layers:
        raise HwgenError(
            f"FINN made no MVAU layers of {onnx.name}: ops {[n.op_type for n in m.graph.node]}"
        )
    res = res_estimation(m, FPGA_PART)
    cyc = m.analysis(exp_cycles_per_layer)
    return {
        name: {
            "mh": mh,
            "mw": mw,
            "pe": p,
            "simd": s,
            "lut": res[name]["LUT"],
            "bram": res[name]["BRAM_18K"],
            "cycles": cyc[name],
        }
        for name, mh, mw, p, s in layers
    }


def hwgen_figures(onnx: Path, out: Path, finn_layers: dict) -> dict:
    """hwgen at FINN's (divisor) folding: per-layer estimate and Yosys' whole-design LUTs."""
    g0 = lower(import_qonnx(onnx))
    mvus = [n.name for n in g0.hw_nodes() if isinstance(n, XnorMVU)]
    fl = list(finn_layers.values())
    if len(mvus) != len(fl):
        raise HwgenError(f"{onnx.name}: hwgen has {len(mvus)} matrix layers, FINN {len(fl)}")
    cfg = {name: {"pe": f["pe"], "simd": f["simd"]} for name, f in zip(mvus, fl)}
    g, _ = compile_model(CompileOptions(onnx, out, fold=cfg))
    est = estimate_graph(g, "zynq7")
    per = {x.name: x for x in est.layers}
    syn = run_yosys(out, "pynq-z2")["summary"]
    return {
        "layers": {
            name: {
                "lut": round(per[name].res["lut"]),
                "bram": round(per[name].res["bram"]),
                "cycles": per[name].cycles,
            }
            for name in mvus
        },
        "total": est.total,
        "cycles": est.cycles,
        "yosys_lut": slice_luts(syn),
        "yosys_bram": syn["bram"],
    }


#: CNV-W1A1 at finn-examples' folding (PE/SIMD per MVAU, in order)
CNV_FINN_FOLD = [(16, 3), (32, 32), (16, 32), (16, 32), (4, 32), (1, 32), (1, 4), (1, 8), (5, 1)]
#: FINN's published post-synthesis figure for CNV-W1A1 at that folding (Xilinx/finn PR 209)
CNV_FINN_VIVADO = {"lut": 21135, "bram36": 98}
#: CNV-W2A2 at finn-examples' folding (build/bnn-pynq/folding_config/cnv-w2a2_folding_config.json)
CNV_W2A2_FINN_FOLD = [(8, 3), (16, 16), (8, 16), (8, 16), (4, 8), (1, 8), (1, 2), (2, 2), (5, 1)]
CASES = [
    ("TFC-W1A1", "tfc", 16, 16),
    ("TFC-W1A1", "tfc", 4, 4),
    ("TFC-W2A2", "tfc_2w2a", 4, 4),
    ("digits-mlp", "digits_mlp", 16, 16),
    ("digits-mlp", "digits_mlp", 4, 8),
    ("CNV-W1A1", "cnv", CNV_FINN_FOLD, None),
    ("CNV-W2A2", "cnv_2w2a", CNV_W2A2_FINN_FOLD, None),
]


def bench_finn(out: Path, console) -> list[dict]:
    """Run the comparison and print one table (also written to out/bench_finn.md)."""

    out.mkdir(parents=True, exist_ok=True)
    models = {
        "tfc": tfc_onnx(out),
        "digits_mlp": digits_onnx(out, "mlp"),
        "cnv": cnv_onnx(out),
        "tfc_2w2a": zoo_onnx(out, "tfc_2w2a"),
        "cnv_2w2a": zoo_onnx(out, "cnv_2w2a"),
    }
    rows = []
    for net, key, pe, simd in CASES:
        row = {"net": net, "folding": "finn-examples" if isinstance(pe, list) else f"{pe}/{simd}"}
        try:
            f = finn_estimates(models[key], pe, simd)
        except HwgenError:
            raise
        except Exception as e:  # FINN's own failure on this net: report it
            row["finn_error"] = (
                f"{type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"
            )
            rows.append(row)
            continue
        h = hwgen_figures(models[key], out / f"{key}-{row['folding'].replace('/', 'x')}", f)
        row.update({"finn": f, "hwgen": h})
        rows.append(row)
    t = Table(
        title=f"FINN (finn-plus estimates, {FPGA_PART}) vs hwgen (estimate; Yosys synth_xilinx)"
    )
    cols = (
        "net",
        "folding (FINN divisors)",
        "FINN LUT",
        "hwgen est LUT",
        "hwgen Yosys LUT",
        "FINN BRAM18",
        "hwgen est BRAM18",
        "hwgen Yosys BRAM18",
        "FINN cycles/frame",
        "hwgen cycles/frame",
    )
    for c in cols:
        t.add_column(c, justify="left" if c == "net" else "right")
    md = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        if "finn_error" in r:
            cells = (
                r["net"],
                r["folding"],
                "FINN failed: " + r["finn_error"],
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            )
        else:
            f, h = r["finn"], r["hwgen"]
            cells = (
                r["net"],
                ", ".join(f"{x['pe']}/{x['simd']}" for x in f.values()),
                f"{sum(x['lut'] for x in f.values()):,.0f}",
                f"{h['total']['lut']:,}",
                f"{h['yosys_lut']:,}",
                f"{sum(x['bram'] for x in f.values())}",
                f"{h['total']['bram']}",
                f"{h['yosys_bram']}",
                f"{max(x['cycles'] for x in f.values()):,}",
                f"{h['cycles']:,}",
            )
        t.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.width = max(console.width, 180)
    console.print(t)
    cnv = next((r for r in rows if r["net"] == "CNV-W1A1" and "hwgen" in r), None)
    if cnv:  # FINN's own synthesized figure for this net and folding, beside ours
        h = cnv["hwgen"]
        line = (
            f"CNV-W1A1 at finn-examples' folding: hwgen {h['yosys_lut']:,} Slice LUT (Yosys) and "
            f"{h['yosys_bram'] / 2:g} BRAM36 vs FINN's published {CNV_FINN_VIVADO['lut']:,} LUT "
            "and "
            f"{CNV_FINN_VIVADO['bram36']} BRAM36 (Vivado post-synthesis): "
            f"{h['yosys_lut'] / CNV_FINN_VIVADO['lut']:.2f}x LUT"
        )
        console.print(line)
        md += ["", line]
    (out / "bench_finn.md").write_text("\n".join(md) + "\n")
    (out / "bench_finn.json").write_text(json.dumps(rows, indent=1, default=str))
    return rows
