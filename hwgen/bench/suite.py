"""`make bench`: time per pipeline step, Verilator build time, simulated frames/s, and
cycles/frame against the folding bound, on trained digits nets and FINN's TFC/CNV shapes.

Timings are wall-clock and noisy on shared machines: they are reported, never asserted.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import numpy as np

from hwgen.bench import area
from hwgen.bench.golden import golden_section
from hwgen.bench.image_cnn import image_cnn_onnx, measure
from hwgen.bench.sim import sim_section
from hwgen.bench.tables import table_and_markdown
from hwgen.bench.timing import run_points, timing_table
from hwgen.driver.deploy_test import deploy_test
from hwgen.estimate.calibrate import bireal_onnx, precision_onnx
from hwgen.execution import simulate_csim
from hwgen.pipeline import CompileOptions, compile_model
from hwgen.sim.verify import random_inputs, verify_rtl
from hwgen.train.data import load_dataset
from hwgen.train.models import build_model
from hwgen.train.trainer import export, export_quietly, train


def tfc_module():
    """A random-init TFC-W1A1 (Brevitas' bnn_pynq FC, 784-64-64-64-10), in eval mode."""
    # deferred: torch is heavy (training only)
    import torch
    from brevitas_examples.bnn_pynq.models.FC import FC

    torch.manual_seed(0)
    return FC(
        num_classes=10,
        weight_bit_width=1,
        act_bit_width=1,
        in_bit_width=1,
        in_channels=1,
        out_features=[64, 64, 64],
        in_features=(28, 28),
    ).eval()


def tfc_onnx(out: Path) -> Path:
    """`tfc_module()` exported to QONNX."""
    # deferred: torch is heavy (training only)
    import torch

    path = out / "tfc.onnx"
    export_quietly(tfc_module(), torch.rand(1, 1, 28, 28), path)
    return path


def cnv_module():
    """A random-init CNV-W1A1 (Brevitas' bnn_pynq CNV, 8-bit input), in eval mode."""
    # deferred: torch is heavy (training only)
    import torch
    from brevitas_examples.bnn_pynq.models.CNV import CNV

    torch.manual_seed(0)
    return CNV(num_classes=10, weight_bit_width=1, act_bit_width=1, in_bit_width=8, in_ch=3).eval()


def cnv_onnx(out: Path) -> Path:
    """`cnv_module()` exported to QONNX."""
    # deferred: torch is heavy (training only)
    import torch

    path = out / "cnv.onnx"
    export_quietly(cnv_module(), torch.rand(1, 3, 32, 32), path)
    return path


def zoo_onnx(out: Path, name: str) -> Path:
    """A random-init Brevitas bnn_pynq configuration by name (e.g. tfc_2w2a, cnv_2w2a) as
    `model_with_cfg` builds it, exported to QONNX (no download: pretrained=False)."""
    # deferred: torch is heavy (training only)
    import torch
    from brevitas_examples.bnn_pynq.models import model_with_cfg

    torch.manual_seed(0)
    m, _cfg = model_with_cfg(name, pretrained=False)
    path = out / f"{name}.onnx"
    export_quietly(
        m.eval(), torch.rand((1, 3, 32, 32) if name.startswith("cnv") else (1, 1, 28, 28)), path
    )
    return path


def digits_onnx(out: Path, model_name: str) -> Path:
    # deferred: torch is heavy (training only)
    import torch

    split = load_dataset("digits", flat=model_name == "mlp")
    torch.manual_seed(0)
    model = build_model(model_name, split.x_train.shape[1:], split.num_classes)
    train(model, split, progress=False)
    return export(model, split.x_train.shape[1:], out / f"digits_{model_name}.onnx")


# (net, folding name, pe, simd, fold config, frames) — TFC and CNV at FINN's published folding
CNV_FOLD = {
    "Conv_0": (16, 3),
    "Conv_1": (32, 32),
    "Conv_2": (16, 32),
    "Conv_3": (16, 32),
    "Conv_4": (4, 32),
    "Conv_5": (1, 32),
    "Gemm_0": (1, 4),
    "Gemm_1": (1, 8),
    "Gemm_2": (5, 1),
}
CASES = [
    ("digits-mlp", "16/16", 16, 16, None, 200),
    ("digits-mlp", "4/8", 4, 8, None, 200),
    ("digits-cnn", "8/8", 8, 8, None, 200),
    (
        "TFC-W1A1",
        "finn-examples",
        None,
        None,
        {
            "Gemm_0": {"pe": 16, "simd": 49},
            "Gemm_1": {"pe": 8, "simd": 8},
            "Gemm_2": {"pe": 8, "simd": 8},
            "Gemm_3": {"pe": 10, "simd": 8},
        },
        200,
    ),
    (
        "CNV-W1A1",
        "finn-examples",
        None,
        None,
        {k: {"pe": p, "simd": s} for k, (p, s) in CNV_FOLD.items()},
        6,
    ),
]


def _driver_section(out: Path, console) -> str:
    """Issue 8's figures: the PYNQ driver over the simulated AXI shell, batch sizes 1, 7, 64."""
    lines = [
        "",
        "### PYNQ driver over simulation (digits MLP 4/8, PYNQ-Z2 shell, DMA 32-bit, 100 frames)",
        "",
        "| batch | mismatches | frames/s (Verilator) | cycles/frame incl. DMA framing | frames/s "
        "projected at 100 MHz (simulated cycles, no board) |",
        "|---|---|---|---|---|",
    ]
    with console.status("driver over simulation"):
        rows = deploy_test(
            out / "digits-mlp-4x8", "pynq-z2", frames=100, batches=[1, 7, 64], console=console
        )
    lines += [
        f"| {r['batch']} | {r['mismatches']} | {r['fps_sim']:,.1f} | {r['cycles_per_frame']:,.1f} "
        "| "
        f"{r['fps_projected']:,.0f} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _area_section(models: dict, out: Path, console) -> str:
    """Issue 6's figures: popcount LUTs per lane, estimate vs Yosys, folding search, iCE40."""
    with console.status("area: popcount core") as st:
        pop = area.popcount_area()
        st.update("area: estimate vs Yosys sweep")
        # the calibration's own sweep folder: `hwgen calibrate` and `make bench` share its builds
        est = area.estimate_vs_yosys(
            {
                "mlp": models["digits-mlp"],
                "cnn": models["digits-cnn"],
                "pcnn": image_cnn_onnx(out),
                "bireal": bireal_onnx(out),
                "q2mlp": precision_onnx(out, "mlp"),
                "q2cnn": precision_onnx(out, "cnn"),
            },
            Path("build") / "calibrate",
            lambda s: st.update(f"area: {s}"),
        )
        st.update("area: folding search")
        targets = area.folding_targets(models["digits-mlp"], out)
        ice = area.ice40_bitstream(models["digits-mlp"], out, lambda s: st.update(f"iCE40: {s}"))
    return area.print_area(console, pop, est, targets, ice, out)


def _timing_section(models: dict, out: Path, console) -> str:
    """Issue 29's table: routed fmax before and after the stages (CNV with HWGEN_BENCH_SLOW=1)."""
    slow = os.environ.get("HWGEN_BENCH_SLOW") == "1"
    with console.status("timing: nextpnr before and after the stages") as st:
        results = run_points(models, out / "timing", st.update, slow=slow)
    table, md = timing_table(results)
    console.print(table)
    return "\n## Timing closure\n\n" + md


def _image_cnn_section(out: Path, console) -> str:
    """Issue 15's figures: the 128x128 binary CNN's block RAM (Yosys) and rate (Verilator),
    unpadded and with padding 1, beside what whole-frame window buffers would hold."""
    lines = [
        "",
        "### 128x128 binary CNN (3 convs 3x3 + max-pools, 16 channels, PE=4/SIMD=8, PYNQ-Z2)",
        "",
        "| padding | BRAM18 (Yosys) | BRAM18 (estimate) | window bits | two-frame bits | "
        "cycles/frame | bound | "
        "ratio | mismatches |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    with console.status("128x128 CNN") as st:
        for pad in (0, 1):
            r = measure(
                out / f"image-cnn-128-p{pad}",
                pad=pad,
                frames=3,
                synth=pad == 0,
                progress=lambda m: st.update(m),
            )
            lines.append(
                f"| {pad} | {r['bram18'] if r['bram18'] is not None else 'not run'} | "
                f"{r['est_bram18']} | "
                f"{r['window_bits']:,} | {r['frame_buffer_bits']:,} | {r['cycles_per_frame']:,.0f} "
                "| "
                f"{r['bound']:,} | {r['cycles_per_frame'] / r['bound']:.3f} | {r['mismatches']} |"
            )
    console.print("\n".join(lines))
    return "\n".join(lines) + "\n"


def bench_models(out: Path) -> dict[str, Path]:
    """The bench's nets as QONNX files in `out`: the digits MLP and CNN (trained), TFC and CNV
    (random init)."""
    out.mkdir(parents=True, exist_ok=True)
    return {
        "digits-mlp": digits_onnx(out, "mlp"),
        "digits-cnn": digits_onnx(out, "cnn"),
        "TFC-W1A1": tfc_onnx(out),
        "CNV-W1A1": cnv_onnx(out),
    }


def bench(out: Path, console) -> list[dict]:
    """Run the benchmark cases and print one table; returns the rows."""

    out.mkdir(parents=True, exist_ok=True)
    models = bench_models(out)
    rows = []
    for net, fname, pe, simd, cfg, frames in CASES:
        bdir = out / f"{net}-{fname.replace('/', 'x')}"
        shutil.rmtree(bdir, ignore_errors=True)  # time cold Verilator and g++ builds
        g, log = compile_model(CompileOptions(models[net], bdir, pe, simd, cfg))
        x = random_inputs(g, max(frames, 20), np.random.default_rng(0))
        t0 = time.perf_counter()
        want = g.execute(x, g.hw_nodes())
        golden_fps = len(x) / (time.perf_counter() - t0)
        got, cres = simulate_csim(g, bdir, x)
        csim_bad = int(np.sum(np.any(got != want.reshape(got.shape), axis=1)))
        t0 = time.perf_counter()
        r = verify_rtl(g, bdir, frames=frames, sim="verilator")
        rows.append(
            {
                "net": net,
                "folding": fname,
                "frames": frames,
                **{f"t_{k}": v for k, v in log.seconds.items()},
                "build_s": r.build_seconds,
                "sim_s": r.sim_seconds,
                "fps_sim": frames / r.sim_seconds,
                "cpf": r.cycles_per_frame,
                "bound": r.bound,
                "mismatches": r.mismatches + csim_bad,
                "wall": time.perf_counter() - t0,
                "fps_golden": golden_fps,
                "fps_csim": len(x) / cres.run_seconds,
                "csim_build_s": cres.compile_seconds,
            }
        )
    cols = (
        "net",
        "folding",
        "frames",
        "import s",
        "lower s",
        "fold s",
        "codegen s",
        "hls s",
        "verilator build s",
        "g++ build s",
        "golden frames/s",
        "csim frames/s",
        "verilator frames/s",
        "cycles/frame",
        "bound",
        "ratio",
        "mismatches",
    )
    table_rows = [
        (
            r["net"],
            r["folding"],
            str(r["frames"]),
            f"{r['t_import']:.2f}",
            f"{r['t_lower']:.3f}",
            f"{r['t_fold']:.3f}",
            f"{r['t_codegen']:.3f}",
            f"{r['t_hls']:.3f}",
            f"{r['build_s']:.1f}",
            f"{r['csim_build_s']:.1f}",
            f"{r['fps_golden']:.3g}",
            f"{r['fps_csim']:.3g}",
            f"{r['fps_sim']:.3g}",
            f"{r['cpf']:.1f}",
            str(r["bound"]),
            f"{r['cpf'] / r['bound']:.3f}",
            str(r["mismatches"]),
        )
        for r in rows
    ]
    t, md = table_and_markdown(
        "hwgen bench (Verilator, random frames, no back-pressure)", cols, table_rows
    )
    console.width = max(console.width, 180)  # a table for logs and terminals alike: never truncated
    console.print(t)
    md += sim_section(
        {
            "TFC-W1A1": out / "TFC-W1A1-finn-examples",
            "CNV-W1A1": out / "CNV-W1A1-finn-examples",
            "digits-mlp": out / "digits-mlp-4x8",
            "digits-cnn": out / "digits-cnn-8x8",
        },
        console,
    )
    md += _area_section(models, out, console)
    md += _driver_section(out, console)
    md += _image_cnn_section(out, console)
    md += _timing_section(models, out, console)
    md += golden_section(
        {
            "TFC-W1A1": (tfc_module(), models["TFC-W1A1"]),
            "CNV-W1A1": (cnv_module(), models["CNV-W1A1"]),
        },
        console,
    )
    (out / "bench.md").write_text(md)
    tfc = next(r for r in rows if r["net"] == "TFC-W1A1")
    console.print(
        f"TFC-W1A1 at FINN's folding: {tfc['cpf']:.0f} cycles/frame vs finn-examples' measured 119 "
        f"(bound 64): ratio {tfc['cpf'] / 119:.2f}; at 100 MHz that is "
        f"{1e8 / tfc['cpf']:,.0f} frames/s vs 837,019 ({1e8 / tfc['cpf'] / 837019:.2f}x)"
    )
    cnv = next(r for r in rows if r["net"] == "CNV-W1A1")
    console.print(
        f"CNV-W1A1 at FINN's folding: {cnv['cpf']:.0f} cycles/frame (bound {cnv['bound']}); at 100 "
        "MHz "
        f"{1e8 / cnv['cpf']:,.0f} frames/s vs finn-examples' measured 3,020 "
        f"({1e8 / cnv['cpf'] / 3020:.2f}x); "
        f"Verilator build {cnv['build_s']:.1f} s, {cnv['fps_sim']:.2f} simulated frames/s"
    )
    return rows
