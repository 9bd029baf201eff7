"""The report: verification status, per-layer front, block RAM; and the page in headless
Chromium (every image loads, a clean console, a screenshot in the build)."""

import json

import pytest

import hwgen
from tests.helpers import need_tool


@pytest.fixture(scope="module")
def reported(digits_mlp, tmp_path_factory):
    need_tool("verilator")
    build = hwgen.compile(
        digits_mlp[1], tmp_path_factory.mktemp("report") / "b", target_fps=200_000
    )
    check = build.simulate(frames=12, backpressure=0.2)
    return build, check, build.report()


def test_report_says_what_verified_it(reported):
    build, check, files = reported
    md = files["md"].read_text()
    assert check.mismatches == 0
    assert (
        "verification: PASSED: 12 random frames on verilator (native testbench, 20% stalls)" in md
    )
    assert "## Verification (RTL simulation against the golden model)" in md
    assert "frames/s at the target clock (100 MHz on pynq-z2)" in md


def test_unverified_build_says_so(digits_mlp, tmp_path):
    md = hwgen.compile(digits_mlp[1], tmp_path / "b", pe=4, simd=4).report()["md"].read_text()
    assert "verification: not simulated yet" in md


def test_recompile_forgets_the_verification(reported, digits_mlp, tmp_path):
    import shutil

    copy = tmp_path / "b"
    shutil.copytree(reported[0].path, copy)
    assert (copy / "verify").is_dir()
    hwgen.compile(digits_mlp[1], copy, pe=2, simd=2)
    assert not (copy / "verify").exists()


def test_front_reaches_the_build(reported):
    """The sweep plot's front is per-layer: a build with a searched folding is never above it."""
    build, _, files = reported
    sweep = json.loads((build.path / "report" / "sweep.json").read_text())
    from hwgen.report import pareto

    front = pareto(sweep)
    assert any(p["kind"] == "per-layer" for p in front)
    lut, fps = build.estimate["total"]["lut"], build.estimate["fps"]
    assert any(p["fps"] >= fps and p["lut"] <= 1.03 * lut for p in front), (lut, fps)


def test_report_in_headless_chromium(reported):
    need_tool("chromium")
    need_tool("chromedriver")
    from hwgen.report.browser import browser_check

    build, _, files = reported
    shot = build.path / "report" / "screenshot.png"
    res = browser_check(files["html"], shot)
    assert res["images"] == {"resources.png": True, "sweep.png": True}
    assert res["console"] == [], res["console"]
    assert res["title"].startswith("hwgen report")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_browser_check_sees_a_broken_image(reported, tmp_path):
    """The check can fail: a page whose image is missing is reported as such."""
    need_tool("chromium")
    need_tool("chromedriver")
    from hwgen.report.browser import browser_check

    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><head><link rel='icon' href='data:,'><title>t</title></head>"
        "<body><img src='missing.png'></body></html>"
    )
    res = browser_check(page, tmp_path / "shot.png")
    assert res["images"] == {"missing.png": False}
    assert any("missing.png" in m for m in res["console"])


def test_report_gives_the_rate_at_the_achieved_fmax(tmp_path):
    """A small net on the iCEBreaker through Yosys, nextpnr and icepack: the report and the
    estimate give the frame rate at the board clock, at the fmax nextpnr achieved and over the
    UART link (bytes per frame over the baud rate), and say which limits."""
    for tool in ("yosys", "nextpnr-ice40", "icepack"):
        need_tool(tool)
    from tests.helpers import random_mlp

    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=6)
    build = hwgen.compile(onnx, tmp_path / "b", pe=4, simd=4, board="icebreaker")
    bit = build.synth()["bitstream"]
    md = build.report()["md"].read_text()
    cycles = build.estimate["cycles"]
    (rates,) = build.estimate["bitstreams"]
    link = bit["link"]
    # SIMD 4: 5 input beats of 4 bits, a byte each; PE 4: 2 output beats of 4 lanes x 5 bits,
    # 3 bytes each. The link queues one request ('F', LEN(2), data: 8 bytes), so the request
    # and the reply (status + 6 bytes) share the line's time: the longer one bounds it
    assert (link["in_bytes"], link["out_bytes"], link["baud"]) == (5, 6, 3_000_000)
    assert link["queue_bytes"] == 8
    assert rates["fps_link"] == 3_000_000 / 10 / max(5 + 3, 6 + 1)
    assert rates["fps_at_fmax"] == bit["fmax_mhz"] * 1e6 / cycles
    assert rates["fps_at_clock"] == 12e6 / cycles
    assert rates["limit"] == "link" and rates["fps"] == rates["fps_link"]
    assert (
        f"{rates['fps_at_fmax']:,.0f} at the routed fmax {bit['fmax_mhz']:.1f} MHz; "
        f"the UART link carries {rates['fps_link']:,.0f}: {rates['fps_link']:,.0f} frames/s "
        "(the link limits)" in md
    )


def test_a_clock_target_is_routed_for_and_reported(tmp_path):
    """A build for a clock: nextpnr routes toward it (its --freq and the pin's frequency), and
    the report, `build.clock` and `build.estimate` give frames/s at min(routed fmax, target)
    beside the nominal rate at the target; the compile table shows each layer's latency."""
    for tool in ("yosys", "nextpnr-ice40", "icepack"):
        need_tool(tool)
    from tests.helpers import random_mlp

    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=6)
    build = hwgen.compile(onnx, tmp_path / "b", pe=4, simd=4, board="icebreaker", clock_mhz=40)
    assert build.clock["target_mhz"] == 40 and build.clock["model"]["source"] == "nextpnr"
    bit = build.synth()["bitstream"]
    assert bit["routed_for_mhz"] == 40 and bit["design_clock_mhz"] == 40
    clock, cycles = build.estimate["clock"], build.estimate["cycles"]
    assert clock["routed_mhz"] == bit["fmax_mhz"]
    assert clock["fps_nominal"] == 40e6 / cycles
    assert clock["fps_met"] == min(40.0, bit["fmax_mhz"]) * 1e6 / cycles
    md = build.report()["md"].read_text()
    assert f"routed fmax {bit['fmax_mhz']:.1f} MHz: {clock['fps_met']:,.0f} frames/s" in md


def _png_width(path) -> int:
    return int.from_bytes(path.read_bytes()[16:20], "big")  # IHDR: width, then height


def test_no_block_ram_draws_no_empty_plot(tmp_path):
    """A build with no block RAM gets the logic plot alone; one with block RAM gets both."""
    from tests.helpers import random_mlp

    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=6)
    small = hwgen.compile(onnx, tmp_path / "b", pe=4, simd=4)
    assert small.estimate["total"]["bram"] == 0
    small.report()
    assert _png_width(small.path / "report" / "resources.png") == 800
    fold = {"Gemm_0": {"PE": 1, "SIMD": 1, "ram_style": "block"}}
    big = hwgen.compile(onnx, tmp_path / "c", fold=fold)
    assert big.estimate["total"]["bram"] > 0
    big.report()
    assert _png_width(big.path / "report" / "resources.png") == 1100
