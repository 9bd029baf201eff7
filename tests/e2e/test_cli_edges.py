"""The command line's rough edges a new user hit: whole layer names off a terminal, board
defaults that follow the build, training progress, --version and defaults in --help."""

import json

import pytest

from hwgen import __version__, api
from tests.e2e.test_cli import run_cli
from tests.helpers import need_tool, random_mlp


def test_layer_names_whole_at_80_columns(digits_cnn, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(
        capsys, "compile", digits_cnn[1], "-o", tmp_path / "b", "--pe", "4", "--simd", "8"
    )
    assert code == 0, err
    names = [r["layer"] for r in json.loads((tmp_path / "b" / "report.json").read_text())["layers"]]
    rows = [line.split() for line in out.splitlines()]
    for n in names:
        assert any(n in row for row in rows), (n, out)
    assert "…" not in out


def test_board_defaults_follow_the_build(tmp_path, capsys):
    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=3)
    assert run_cli(capsys, "compile", onnx, "-o", tmp_path / "z1", "--board", "pynq-z1")[0] == 0
    code, out, err = run_cli(capsys, "package", tmp_path / "z1", "--no-vivado")
    assert code == 0, err
    assert (tmp_path / "z1" / "package" / "pynq-z1" / "package.tcl").is_file()
    assert not (tmp_path / "z1" / "package" / "pynq-z2").exists()
    need_tool("yosys")
    assert run_cli(capsys, "compile", onnx, "-o", tmp_path / "ice", "--board", "icebreaker")[0] == 0
    code, out, err = run_cli(capsys, "synth", tmp_path / "ice", "--no-pnr")
    assert code == 0, err
    assert (
        any(line.startswith("icebreaker (") for line in out.splitlines())
        and (tmp_path / "ice" / "synth" / "icebreaker" / "yosys.log").is_file()
    )
    log = (tmp_path / "ice" / "synth" / "icebreaker" / "yosys.log").read_text()
    assert (
        "SYNTH_ICE40 pass" in log and "End of script" in log
    )  # the whole log is kept, not an empty -q one


def test_train_prints_progress_per_epoch(tmp_path, capsys):
    code, out, err = run_cli(
        capsys, "train", "--epochs", "2", "--hidden", "16", "-o", tmp_path / "m.onnx"
    )
    assert code == 0, err
    epochs = [line for line in out.splitlines() if line.startswith("training: epoch")]
    assert len(epochs) == 2 and epochs[1].startswith("training: epoch 2/2")
    for word in ("loss", "train accuracy", "test accuracy"):
        assert word in epochs[0]


def test_version(capsys):
    with pytest.raises(SystemExit) as e:
        run_cli(capsys, "--version")
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"hwgen {__version__}"


def test_help_shows_defaults(capsys):
    with pytest.raises(SystemExit):
        run_cli(capsys, "compile", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: build)" in out and "(default: pynq-z2)" in out
    with pytest.raises(SystemExit):
        run_cli(capsys, "sim", "--help")
    out = " ".join(capsys.readouterr().out.split())
    assert "(default: 100)" in out and "(default: verilator)" in out


def test_icarus_runs_under_a_folder_with_a_double_quote(tmp_path):
    """iverilog writes source paths unescaped into its .vvp; a build folder named `we"ird dir`
    must still simulate (sources compiled from copies), and the run reports frames done."""
    need_tool("iverilog")
    folder = tmp_path / 'we"ird dir'
    folder.mkdir()
    _, onnx = random_mlp(folder / "m.onnx", [20, 12, 5], seed=3)
    b = api.compile(onnx, folder / "b")
    seen = []
    r = b.simulate(frames=150, sim="icarus", progress=lambda *a: seen.append(a))
    assert r.mismatches == 0 and r.frames == 150
    assert seen and all(total == 150 for _, total, _ in seen)
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen) and seen[-1][0] <= 150


def test_package_without_vivado_prints_a_command_that_travels(tmp_path, capsys, monkeypatch):
    """No Vivado here: `package` says what to run, relative to the build folder (the script is
    relocatable), never this machine's absolute path."""
    _, onnx = random_mlp(tmp_path / "m.onnx", [20, 12, 5], seed=3)
    assert run_cli(capsys, "compile", onnx, "-o", tmp_path / "b")[0] == 0
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no vivado, whatever this machine has
    code, out, err = run_cli(capsys, "package", tmp_path / "b")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "cd package/pynq-z2 && vivado -mode batch -source package.tcl" in flat, out
    hint = flat.split("vivado is not on PATH", 1)[1]
    assert str(tmp_path) not in hint.replace(" ", ""), hint


def test_clock_target_on_the_command_line(tmp_path, capsys):
    """--clock-mhz: the compile table's latency column and the clock line; a layer the model
    says no stage can bring to the clock is a warning naming it; a bad value is one line."""
    _, onnx = random_mlp(tmp_path / "m.onnx", [40, 24, 5], seed=3)
    code, out, err = run_cli(
        capsys, "compile", onnx, "-o", tmp_path / "b", "--pe", "4", "--simd", "40",
        "--board", "ulx3s-85f", "--clock-mhz", "150",
    )  # fmt: skip
    assert code == 0, err
    layers = json.loads((tmp_path / "b" / "report.json").read_text())["layers"]
    assert any(r.get("latency") for r in layers)
    assert "latency" in out and "clock: target 150 MHz; modelled fmax on ecp5" in out
    code, out, err = run_cli(
        capsys, "compile", onnx, "-o", tmp_path / "c", "--board", "ulx3s-85f", "--clock-mhz", "5000"
    )
    assert code == 0 and "fold it further" in out and "5000 MHz" in out
    with pytest.raises(SystemExit) as e:  # argparse's own exit, status 1 and one line
        run_cli(capsys, "compile", onnx, "-o", tmp_path / "d", "--clock-mhz", "-5")
    err = capsys.readouterr().err
    assert e.value.code == 1 and "--clock-mhz: must be a positive number" in err
    with pytest.raises(api.HwgenError, match="--clock-mhz"):
        api.compile(onnx, tmp_path / "e", clock_mhz="fast")
