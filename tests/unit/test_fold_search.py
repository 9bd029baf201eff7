"""Folding for a target frame rate (`--target-fps`): reaches the target, fits, balances,
and says clearly when the target cannot be met."""

import json

import pytest

from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph, fits, load_calibration
from hwgen.flows.boards import load_board
from hwgen.ops import XnorMVU
from hwgen.passes import apply_folding
from hwgen.passes.fold_search import layer_options, search_folding


@pytest.mark.parametrize("target", [10_000, 100_000, 1_000_000, "max"])
def test_target_reached_and_fits(digits_graph, target):
    board = load_board("pynq-z2")
    cfg, summary = search_folding(digits_graph, board, target)
    g = apply_folding(digits_graph, config=cfg)
    est = estimate_graph(g, board["family"])
    assert fits(est, board)
    fps = board["clock_mhz"] * 1e6 / est.cycles
    if target != "max":
        assert fps >= target
        budget = board["clock_mhz"] * 1e6 // target
        cal = load_calibration(board["family"])
        for n in g.hw_nodes():
            if isinstance(n, XnorMVU):
                # cheapest within the budget (2 % tolerance), and the slowest of those
                ok = [o for o in layer_options(n, board["family"], cal) if o[0] <= budget]
                mine = next(o for o in ok if (o[2], o[3]) == (n.pe, n.simd))
                assert mine[1] <= 1.02 * min(o[1] for o in ok) + 1
    else:
        # no faster folding fits: halving the best budget must fail or not fit
        assert summary["fps"] == fps
    assert summary["cycles_per_frame"] == est.cycles


def test_max_is_at_least_as_fast_as_any_fixed_target(digits_graph):
    board = load_board("pynq-z2")
    _, best = search_folding(digits_graph, board, "max")
    _, fast = search_folding(digits_graph, board, 1_000_000)
    assert best["fps"] >= fast["fps"]


def test_infeasible_target_names_the_best_rate(digits_graph):
    _, best = search_folding(
        digits_graph, load_board("pynq-z2"), "max"
    )  # the rate the error must name
    with pytest.raises(
        HwgenError,
        match=rf"infeasible on pynq-z2 at 100 MHz.*below 1 cycles/frame.*reaches "
        rf"{best['fps']:,.0f} frames/s",
    ):
        search_folding(digits_graph, load_board("pynq-z2"), 1e9)
    with pytest.raises(HwgenError, match="does not fit icebreaker"):
        search_folding(digits_graph, load_board("icebreaker"), 5_000_000)


def test_cli_target_fps(digits_mlp, tmp_path, capsys):
    import json

    from tests.e2e.test_cli import assert_one_line_error, run_cli

    def err_of(*args):
        code, _out, err = run_cli(capsys, *args)
        return code, err

    rc, out, err = run_cli(
        capsys, "compile", str(digits_mlp[1]), "-o", str(tmp_path / "b"), "--target-fps", "50000"
    )
    assert rc == 0, err
    cfg = json.loads((tmp_path / "b" / "folding.json").read_text())
    assert set(cfg) == {"Gemm_0", "Gemm_1", "Gemm_2"}
    assert json.loads((tmp_path / "b" / "report.json").read_text())["fps_at_clock"] >= 50_000
    model, c = str(digits_mlp[1]), str(tmp_path / "c")
    assert_one_line_error(*err_of("compile", model, "-o", c, "--target-fps", "1e9"), "infeasible")
    assert_one_line_error(
        *err_of("compile", model, "-o", c, "--target-fps", "fast"), "--target-fps must be"
    )
    assert_one_line_error(
        *err_of("compile", model, "-o", c, "--target-fps", "max", "--pe", "2"), "cannot be combined"
    )


@pytest.mark.parametrize("fps", ["1e9", "1e8"])
def test_suggested_rate_compiles(digits_mlp, tmp_path, capsys, fps):
    """An infeasible rate (beyond any folding, or beyond what fits the board) names a rate that
    itself compiles: the one `--target-fps max` reaches."""
    import re

    from tests.e2e.test_cli import assert_one_line_error, run_cli

    model = str(digits_mlp[1])
    code, _out, err = run_cli(capsys, "compile", model, "-o", tmp_path / "c", "--target-fps", fps)
    assert_one_line_error(code, err, "reaches")
    rate = re.search(r"reaches ([\d,]+) frames/s", err).group(1).replace(",", "")
    code, _out, err = run_cli(capsys, "compile", model, "-o", tmp_path / "c", "--target-fps", rate)
    assert code == 0, err
    code, _out, err = run_cli(capsys, "compile", model, "-o", tmp_path / "m", "--target-fps", "max")
    assert code == 0, err
    reached = json.loads((tmp_path / "m" / "report.json").read_text())["fps_at_clock"]
    assert int(rate) == int(reached)


def test_residual_chain_shares_one_pe():
    """A Bi-Real chain: the stem and its residual blocks get one PE (their beats line up);
    the result meets the rate and compiles."""
    from hwgen.flows.boards import load_board
    from hwgen.ops import ResidualBlock
    from hwgen.passes.fold_search import search_folding
    from tests.ops.test_residual import residual_graph

    g = residual_graph(3, 32, 2, 1, 1)
    board = load_board("pynq-z2")
    for fps in (200_000, 2_000_000):
        cfg, summary = search_folding(g, board, fps)
        assert cfg["stem"]["pe"] == cfg["block0"]["pe"] == cfg["block1"]["pe"]
        assert summary["fps"] >= fps
    assert any(isinstance(n, ResidualBlock) for n in g.hw_nodes())
