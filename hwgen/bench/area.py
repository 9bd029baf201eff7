"""`make bench`, area and open-flow part: LUT6 per lane of the XNOR-popcount core, the
estimator against Yosys over the calibration sweep, folding for target frame rates, and the
iCE40 bitstream's fmax. Figures are reported, never asserted (tests assert the tolerances).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from rich.table import Table

from hwgen.estimate.calibrate import errors, leave_one_out, load_samples, sweep_builds
from hwgen.estimate.popcount import popcount_luts
from hwgen.flows.lattice import build_bitstream
from hwgen.paths import SHARE
from hwgen.pipeline import CompileOptions, compile_model

# the plain adder loop the compressor tree replaced, for the comparison column
ADDER_LOOP = """
module adder_loop #(parameter integer N = 64, parameter integer W = 7)
    (input wire [N-1:0] x, input wire [N-1:0] w, output reg [W-1:0] count);
    integer i;
    always @* begin
        count = 0;
        for (i = 0; i < N; i = i + 1) count = count + {{(W-1){1'b0}}, ~(x[i] ^ w[i])};
    end
endmodule
"""


def _yosys_luts(files: list[str], top: str, params: dict) -> tuple[int, int]:
    """(LUTs, MUXF7/8) of one module under `synth_xilinx -family xc7`."""
    with tempfile.TemporaryDirectory() as tmp:
        chp = " ".join(f"-set {k} {v}" for k, v in params.items())
        script = (
            f"read_verilog {' '.join(files)}\nchparam {chp} {top}\n"
            f"synth_xilinx -family xc7 -top {top} -flatten\ntee -q -o stat.json stat -json\n"
        )
        (Path(tmp) / "s.ys").write_text(script)
        subprocess.run(["yosys", "-q", "s.ys"], cwd=tmp, check=True, capture_output=True)
        cells = json.loads((Path(tmp) / "stat.json").read_text())["design"]["num_cells_by_type"]
    luts = sum(v for k, v in cells.items() if k.startswith("LUT"))
    return luts, sum(v for k, v in cells.items() if k.startswith("MUXF"))


def popcount_area() -> list[dict]:
    """LUT6 per lane of the XNOR-popcount core at SIMD 32, 64, 128 (ours and the adder loop)."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        loop = Path(tmp) / "adder_loop.v"
        loop.write_text(ADDER_LOOP)
        for n in (32, 64, 128):
            w = n.bit_length()
            ours, ours_mux = _yosys_luts(
                [str(SHARE / "rtl/hwgen_popcount.v")], "hwgen_popcount", {"LANES": n, "CNT_W": w}
            )
            base, base_mux = _yosys_luts([str(loop)], "adder_loop", {"N": n, "W": w})
            rows.append(
                {
                    "simd": n,
                    "luts": ours,
                    "muxf": ours_mux,
                    "lut_per_lane": ours / n,
                    "model_luts": popcount_luts(n),
                    "loop_luts": base,
                    "loop_muxf": base_mux,
                    "loop_per_lane": base / n,
                }
            )
    return rows


def estimate_vs_yosys(models: dict[str, Path], out: Path, progress) -> dict:
    """Estimated against synthesized LUT/FF over the calibration sweep, per family, with the
    leave-one-out errors (the estimate on a design left out of the fit)."""
    builds = sweep_builds(models, out, progress)
    res = {}
    for fam in ("zynq7", "ice40"):
        samples = load_samples(builds, fam)
        errs = errors(samples, fam)
        res[fam] = {
            "designs": len(errs),
            "rows": errs,
            "lut_mean": sum(abs(e["lut_err"]) for e in errs) / len(errs),
            "lut_worst": max(abs(e["lut_err"]) for e in errs),
            "ff_mean": sum(abs(e["ff_err"]) for e in errs) / len(errs),
            "ff_worst": max(abs(e["ff_err"]) for e in errs),
            "bram_exact": sum(e["bram_est"] == e["bram_syn"] for e in errs),
            "loo": leave_one_out(samples, fam),
        }
    return res


def folding_targets(model: Path, out: Path) -> list[dict]:
    """`--target-fps` on the digits MLP for PYNQ-Z2: chosen folding, cycles, LUTs."""
    rows = []
    for target in (10_000, 100_000, 1_000_000, "max"):
        b = out / f"target-{target}"
        compile_model(CompileOptions(model, b, board="pynq-z2", target_fps=target))
        s = json.loads((b / "folding_search.json").read_text())
        cfg = json.loads((b / "folding.json").read_text())
        rows.append(
            {
                "target": target,
                "folding": ", ".join(f"{v['pe']}/{v['simd']}" for v in cfg.values()),
                "cycles": s["cycles_per_frame"],
                "fps": s["fps"],
                "lut": s["estimate"]["lut"],
                "ff": s["estimate"]["ff"],
                "bram": s["estimate"]["bram"],
            }
        )
    return rows


def ice40_bitstream(model: Path, out: Path, progress) -> dict:
    """The digits MLP at PE=4, SIMD=8 through Yosys + nextpnr-ice40 + icepack."""
    b = out / "ice40-4x8"
    compile_model(CompileOptions(model, b, 4, 8, board="icebreaker"))
    return build_bitstream(b, "icebreaker", progress)


def print_area(console, pop, est, targets, ice, out: Path) -> str:
    """Print the area tables; returns them as Markdown for bench.md."""
    md = [
        "",
        "### XNOR-popcount core, `synth_xilinx -family xc7` (Yosys 0.23)",
        "",
        "| SIMD | LUT6 | MUXF | LUT6/lane | model LUT6 | adder loop LUT6 | adder loop LUT6/lane |",
        "|---|---|---|---|---|---|---|",
    ]
    t = Table(title="XNOR-popcount core (LUT6 per lane = weight bit x input bit per cycle)")
    for c in ("SIMD", "LUT6", "MUXF", "LUT6/lane", "model", "adder loop", "loop LUT6/lane"):
        t.add_column(c, justify="right")
    for r in pop:
        cells = (
            str(r["simd"]),
            str(r["luts"]),
            str(r["muxf"]),
            f"{r['lut_per_lane']:.2f}",
            str(r["model_luts"]),
            str(r["loop_luts"]),
            f"{r['loop_per_lane']:.2f}",
        )
        t.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(t)

    t = Table(title="estimate vs Yosys over the calibration sweep (digits MLP and CNN foldings)")
    for c in (
        "family",
        "designs",
        "LUT mean err",
        "LUT worst",
        "FF mean err",
        "FF worst",
        "BRAM exact",
        "LOO LUT mean",
        "LOO LUT worst",
        "LOO FF worst",
    ):
        t.add_column(c, justify="right")
    md += [
        "",
        "### Estimate vs Yosys (relative error; LOO = fitted without that design)",
        "",
        "| family | designs | LUT mean | LUT worst | FF mean | FF worst | BRAM exact | LOO LUT "
        "mean | LOO LUT worst | LOO FF worst |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for fam, r in est.items():
        cells = (
            fam,
            str(r["designs"]),
            f"{r['lut_mean']:.1%}",
            f"{r['lut_worst']:.1%}",
            f"{r['ff_mean']:.1%}",
            f"{r['ff_worst']:.1%}",
            f"{r['bram_exact']}/{r['designs']}",
            f"{r['loo']['lut_mean']:.1%}",
            f"{r['loo']['lut_worst']:.1%}",
            f"{r['loo']['ff_worst']:.1%}",
        )
        t.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(t)

    t = Table(title="--target-fps for the digits MLP on PYNQ-Z2 (100 MHz)")
    for c in ("target", "PE/SIMD per layer", "cycles/frame", "frames/s", "LUT", "FF", "BRAM"):
        t.add_column(c, justify="right")
    md += [
        "",
        "### Folding search, digits MLP on PYNQ-Z2",
        "",
        "| target | PE/SIMD per layer | cycles/frame | frames/s | LUT | FF | BRAM |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in targets:
        cells = (
            str(r["target"]),
            r["folding"],
            str(r["cycles"]),
            f"{r['fps']:,.0f}",
            str(r["lut"]),
            str(r["ff"]),
            str(r["bram"]),
        )
        t.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")
    console.print(t)

    lc = ice["utilization"].get("ICESTORM_LC", {})
    line = (
        f"iCE40UP5K bitstream (digits MLP 4/8): fmax {ice['fmax_mhz']:.1f} MHz (board "
        f"{ice['target_mhz']} MHz), "
        f"{lc.get('used')}/{lc.get('available')} logic cells, "
        f"{ice['utilization'].get('ICESTORM_RAM', {}).get('used', 0)} EBR; "
        + ", ".join(f"{k} {v:.1f} s" for k, v in ice["seconds"].items())
    )
    console.print(line)
    md += ["", line, ""]
    return "\n".join(md)
