"""Issue 8: the AXI shell, the PYNQ driver over simulation, the Vivado script against stub
Vivado procedures, and the deploy/ folder (run on a stand-in `pynq`)."""

import json
import os
import py_compile
import shutil
import subprocess
import sys

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.flows.boards import board_names, load_board
from hwgen.pipeline import CompileOptions, compile_model
from tests.conftest import ROOT
from tests.helpers import need_tool

ZYNQ = [b for b in board_names() if load_board(b).get("ps")]


@pytest.fixture(scope="module")
def mlp_build(digits_mlp, tmp_path_factory):
    out = tmp_path_factory.mktemp("deploy") / "mlp"
    compile_model(CompileOptions(digits_mlp[1], out, 4, 8))
    return out


@pytest.mark.rtlsim
@pytest.mark.parametrize("net", ["mlp", pytest.param("cnn", marks=pytest.mark.slow)])
def test_driver_over_simulation_matches_golden(net, mlp_build, digits_cnn, tmp_path):
    """>= 100 frames in batches of 1, 7 and 64 DMA transfers: bit-exact, TLAST ends each
    transfer where it should (a wrong one changes the returned length), counters agree."""
    need_tool("verilator")
    from hwgen.driver.deploy_test import deploy_test

    if net == "mlp":
        build = mlp_build
    else:
        build = tmp_path / "cnn"
        compile_model(CompileOptions(digits_cnn[1], build, 16, 16))
    board = "pynq-z2" if net == "mlp" else "zcu104"  # 32- and 64-bit DMA
    rows = deploy_test(build, board, frames=100, batches=[1, 7, 64])
    for r in rows:
        assert r["mismatches"] == 0 and r["frames_out"] == 100 and r["status"] == 0
        assert r["cycles_per_frame"] > 0


@pytest.mark.rtlsim
def test_shell_flags_a_misplaced_input_tlast(mlp_build):
    """The input TLAST must close each batch: one sent mid-batch sets the sticky status bit."""
    need_tool("verilator")
    from hwgen.driver import Accelerator
    from hwgen.driver.sim_transport import SimTransport
    from hwgen.framing import input_frames
    from hwgen.sim.runner import run_test
    from hwgen.sim.verify import random_inputs

    tr = SimTransport(mlp_build)
    acc = Accelerator(mlp_build, tr)
    bits = random_inputs(acc.graph, 4, np.random.default_rng(1))
    data = acc.layout.pack(input_frames(acc.graph, bits))
    # BATCH says 2 frames per transfer, but one transfer carries 4: its TLAST comes late
    res = run_test(
        "verilator",
        "hwgen_axi_shell",
        tr._model(),
        "hwgen_cocotb_shell",
        {"batches": [[2, data.hex()]], "max_cycles": 50_000},
        workdir=mlp_build / "rtl",
    )
    assert res["registers"]["status"] & 2, "a TLAST mismatch must set STATUS bit 1"
    assert (
        len(bytes.fromhex(res["outputs"][0])) == 2 * acc.layout.out_frame_bytes
    )  # output TLAST after BATCH
    assert res["id"] == 0x48574731


STUBS = r"""
# Stub Vivado: every command is recorded (name and arguments, one line each); the few whose
# results the script uses return plausible values, launch_runs writes stand-in outputs.
set ::log [open $::env(HWGEN_TCL_LOG) w]
set ::proj ""
namespace eval ipx {}
proc record {name args} { puts $::log "$name [join $args { }]" }
foreach cmd {add_files set_property update_compile_order ipx::package_project
             ipx::associate_bus_interfaces ipx::create_xgui_files ipx::update_checksums
             ipx::save_core close_project update_ip_catalog create_bd_design create_bd_cell
             apply_bd_automation connect_bd_intf_net assign_bd_address validate_bd_design
             save_bd_design make_wrapper wait_on_run} {
    proc $cmd {args} [string map [list NAME $cmd] {record NAME {*}$args; return ""}]
}
proc create_project {name dir args} {
    record create_project $name $dir {*}$args
    set ::proj $dir
    set ::projname $name
    file mkdir $dir
}
proc current_fileset {} { return sources_1 }
proc current_project {} { return proj }
proc ipx::current_core {} { return core }
proc get_bd_cells {args} { return [join $args] }
proc get_bd_pins {args} { return [join $args] }
proc get_bd_intf_pins {args} { return [join $args] }
proc get_files {args} { return [join $args] }
proc get_runs {args} { return [join $args] }
proc get_property {prop obj} { if {$prop eq "PROGRESS"} { return "100%" }; return "" }
proc launch_runs {args} {
    record launch_runs {*}$args
    set name $::projname
    file mkdir [file join $::proj $name.runs impl_1] \
        [file join $::proj $name.gen sources_1 bd hwgen_bd hw_handoff] \
        [file join $::proj $name.gen sources_1 bd hwgen_bd hdl]
    close [open [file join $::proj $name.runs impl_1 hwgen_bd_wrapper.bit] w]
    close [open [file join $::proj $name.gen sources_1 bd hwgen_bd hw_handoff hwgen_bd.hwh] w]
}
proc make_wrapper {args} {
    record make_wrapper {*}$args
    set name $::projname
    file mkdir [file join $::proj $name.gen sources_1 bd hwgen_bd hdl]
    close [open [file join $::proj $name.gen sources_1 bd hwgen_bd hdl hwgen_bd_wrapper.v] w]
}
source [lindex $argv 0]
close $::log
"""


@pytest.mark.parametrize("board", ZYNQ)
def test_vivado_script_with_stub_vivado(mlp_build, board, tmp_path):
    tclsh = shutil.which("tclsh")
    if tclsh is None:
        pytest.fail("tclsh is required to check generated scripts (apt-get install tcl)")
    from hwgen.flows.vivado import write_package

    build = tmp_path / "b"
    shutil.copytree(
        mlp_build, build, ignore=shutil.ignore_patterns("sim_build", "package", "deploy")
    )
    paths = write_package(build, board)
    (tmp_path / "stubs.tcl").write_text(STUBS)
    log = tmp_path / "calls.log"
    p = subprocess.run(
        [tclsh, str(tmp_path / "stubs.tcl"), "package.tcl"],
        cwd=paths["package"],
        env={"HWGEN_TCL_LOG": str(log), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert p.returncode == 0, p.stderr + p.stdout
    calls = log.read_text().splitlines()
    b = load_board(board)
    projects = [c for c in calls if c.startswith("create_project")]
    assert len(projects) == 2 and all(f"-part {b['part']}" in c for c in projects)
    assert f"set_property board_part {b['board_part']} proj" in calls
    cells = [c for c in calls if c.startswith("create_bd_cell")]
    ps = (
        "xilinx.com:ip:processing_system7:5.5"
        if b["ps"] == "processing_system7"
        else "xilinx.com:ip:zynq_ultra_ps_e:3.4"
    )
    assert any(ps in c and c.endswith(" ps") for c in cells)
    assert any("xilinx.com:ip:axi_dma:7.1" in c for c in cells)
    assert any("hwgen.org:hwgen:hwgen_accel:1.0 hwgen_0" in c for c in cells)
    dma_cfg = next(c for c in calls if c.startswith("set_property -dict") and "axi_dma_0" in c)
    assert f"CONFIG.c_m_axis_mm2s_tdata_width {b['dma_width']}" in dma_cfg
    assert f"CONFIG.c_s_axis_s2mm_tdata_width {b['dma_width']}" in dma_cfg
    nets = [c for c in calls if c.startswith("connect_bd_intf_net")]
    assert "connect_bd_intf_net axi_dma_0/M_AXIS_MM2S hwgen_0/s_axis" in nets
    assert "connect_bd_intf_net hwgen_0/m_axis axi_dma_0/S_AXIS_S2MM" in nets
    master = "M_AXI_GP0" if b["ps"] == "processing_system7" else "M_AXI_HPM0_FPD"
    auto = [c for c in calls if c.startswith("apply_bd_automation") and "bd_rule:axi4" in c]
    assert sum(f"/ps/{master}" in c for c in auto) == 2 and len(auto) == 4
    assert any("ipx::package_project" in c for c in calls)
    assert any(c.startswith("launch_runs impl_1 -to_step write_bitstream") for c in calls)
    # every source the script adds exists; the outputs land in deploy/
    added = next(c for c in calls if c.startswith("add_files -norecurse") and "hwgen_accel.v" in c)
    for f in added.split()[2:]:
        assert os.path.isfile(f), f
    assert (paths["deploy"] / "hwgen.bit").is_file() and (paths["deploy"] / "hwgen.hwh").is_file()
    assert f"DMA_W({b['dma_width']})" in (paths["package"] / "hwgen_accel.v").read_text()


def test_package_refuses_non_zynq_board(mlp_build):
    from hwgen.flows.vivado import write_package

    with pytest.raises(HwgenError, match="needs a Zynq board"):
        write_package(mlp_build, "icebreaker")


def test_deploy_folder_runs_on_stand_in_pynq(mlp_build, tmp_path):
    """deploy/ holds what the board needs; its README's commands match its files; its
    driver script, run against a stand-in `pynq`, passes its own self-check and follows the
    PYNQ habits (Overlay, allocate, recv before send, wait, free)."""
    from hwgen.flows.vivado import write_package

    build = tmp_path / "b"
    shutil.copytree(
        mlp_build, build, ignore=shutil.ignore_patterns("sim_build", "package", "deploy")
    )
    deploy = write_package(build, "pynq-z2")["deploy"]
    for f in (
        "README.md",
        "driver.json",
        "run_on_board.py",
        "self_check.npz",
        "model/graph.json",
        "hwgen/driver/transports.py",
    ):
        assert (deploy / f).is_file(), f
    cfg = json.loads((deploy / "driver.json").read_text())
    assert cfg["dma_width"] == load_board("pynq-z2")["dma_width"] and cfg["bitfile"] == "hwgen.bit"
    readme = (deploy / "README.md").read_text()
    for needle in (
        "scp -r deploy/pynq-z2",
        "sudo python3 run_on_board.py --check",
        "hwgen.bit",
        "hwgen.hwh",
        "vivado -mode batch -source",
        "hwgen deploy-test",
    ):
        assert needle in readme, needle
    py_compile.compile(str(deploy / "run_on_board.py"), doraise=True)
    (deploy / "hwgen.bit").write_bytes(b"")  # the stand-in Overlay does not read it
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'tests' / 'fake_pynq'}{os.pathsep}{deploy}"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hwgen, sys; print(hwgen.__file__); "
            "import hwgen.driver; print('torch' in sys.modules)",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines() == [str(deploy / "hwgen" / "__init__.py"), "False"]
    run = subprocess.run(
        [sys.executable, str(deploy / "run_on_board.py"), "--check", "--batch", "7"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr + run.stdout
    assert "self-check: 64 frames, 0 mismatches" in run.stdout
