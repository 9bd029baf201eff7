"""The pipeline stages as the model and the passes see them: the timing model's paths
(`hwgen.estimate.timing`, `hwgen.ops.logic_paths`), the stage choice for a clock
(`hwgen.passes.pipeline_stages`), the stages' latency in the handshake model and the FIFO
depths computed from it, and the compile options that carry a clock."""

import dataclasses

import numpy as np
import pytest

from hwgen.bench.timing import (
    FITTED,
    coefficient_moves,
    design_digest,
    fit_timing,
    predicted_period,
)
from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph
from hwgen.estimate.features import Memory
from hwgen.estimate.memory import bank_depth, place
from hwgen.estimate.timing import Coefficients, load_timing, node_period, predicted_fmax
from hwgen.ir import Graph
from hwgen.ops import SlidingWindow, XnorMVU
from hwgen.ops.mvu_stages import BANK_REGS
from hwgen.passes.fifo_depths import set_fifo_depths
from hwgen.passes.folding import apply_folding, fold_layers, folding_bound, read_fold_config
from hwgen.passes.pipeline_stages import MARGIN, add_pipeline_stages, choose_stages
from hwgen.sim.schedule import simulate_schedule
from tests.unit.test_schedule import two_branch_graph


def _tfc_first_layer(**kw) -> XnorMVU:
    """TFC-W1A1's first layer at FINN's folding: 784 x 64, PE=16, SIMD=49."""
    rng = np.random.default_rng(0)
    return XnorMVU(
        name="Gemm_0",
        weights=rng.integers(0, 2, (64, 784)).astype(np.uint8),
        thresholds=rng.integers(0, 785, 64),
        pe=16,
        simd=49,
        **kw,
    )


#: coefficients of the tests' own (the fitted ones move with every calibration)
FIXED = Coefficients(
    clk=1.0, level=1.0, carry=0.1, bram=3.0, fanout=0.3, other_mhz=1000.0, source="nextpnr"
)


def test_each_stage_cuts_the_longest_path():
    c = FIXED
    bare = node_period(_tfc_first_layer(), c)[0]
    pc = node_period(_tfc_first_layer(stages=["popcount"]), c)[0]
    every = node_period(_tfc_first_layer(stages=["popcount", "rom", "threshold"]), c)[0]
    grouped = node_period(
        _tfc_first_layer(stages=["popcount", "group_sum", "rom", "threshold"], pc_groups=4), c
    )[0]
    assert bare > pc >= every > grouped > 0
    # the accumulator's own loop is always a path: no stage shortens it
    paths = {p.name for p in _tfc_first_layer(stages=["popcount", "threshold"]).logic_paths()}
    assert "acc" in paths and "compare" in paths


def test_no_stages_at_the_boards_clock_and_stages_for_a_fast_one():
    n = _tfc_first_layer()
    c = FIXED
    slow, met = choose_stages(n, c, 25.0)
    assert met and slow.stages == [] and slow.pc_groups == 1
    fastest, met = choose_stages(n, c, 5000.0)
    assert not met
    # reachable with the pass's margin, and not without stages
    target = 0.95 * 1000.0 / node_period(fastest, c)[0] / (1 + MARGIN)
    assert 1000.0 / node_period(n, c)[0] < target
    fast, met = choose_stages(n, c, target)
    assert met and fast.stages and 1000.0 / node_period(fast, c)[0] >= target * (1 + MARGIN)
    # the cheapest that meets it: no candidate meeting it costs less
    cheaper = [
        m
        for s in ([], ["popcount"], ["rom"], ["threshold"], ["credit"], ["popcount_mid"])
        for g in (1, 2, 3, 4)
        for m in [dataclasses.replace(n, stages=s, pc_groups=g)]
        if 1000.0 / node_period(m, c)[0] >= target * (1 + MARGIN)
        and m.stage_cost() < fast.stage_cost()
    ]
    assert not cheaper


def test_a_clock_no_stage_reaches_is_a_warning_naming_the_layer():
    g = Graph("one", [1, 784], [1, 64], [_tfc_first_layer()])
    staged, warnings = add_pipeline_stages(g, "ecp5", 2000.0)
    assert any("layer 'Gemm_0'" in w and "2000 MHz" in w for w in warnings)
    assert staged.nodes[0].stages  # the fastest it has, all the same


def test_pinned_layers_keep_their_stages():
    g = Graph("one", [1, 784], [1, 64], [_tfc_first_layer(stages=["rom"])])
    staged, _ = add_pipeline_stages(g, "ecp5", 125.0, pinned={"Gemm_0"})
    assert staged.nodes[0].stages == ["rom"]


def test_the_model_names_what_sets_the_clock():
    g = Graph("one", [1, 784], [1, 64], [_tfc_first_layer()])
    m = predicted_fmax(g, "ecp5")
    assert m["layer"] == "Gemm_0" and "popcount" in m["path"] and m["source"] == "nextpnr"
    assert predicted_fmax(g, "zynq7")["source"] == "datasheet"
    with pytest.raises(HwgenError, match="no model for device family 'gowin'"):
        predicted_fmax(g, "gowin")


def test_stages_add_latency_not_cycles_per_frame():
    rng = np.random.default_rng(1)
    w = rng.integers(0, 2, (6, 12)).astype(np.uint8)
    done = {}
    for stages in ([], ["popcount", "rom", "threshold"]):
        m = XnorMVU(name="m", weights=w, stages=stages)
        g = apply_folding(Graph("one", [1, 12], [1, 6], [m]), pe=2, simd=4)  # SF=3, NF=3
        done[len(stages)] = simulate_schedule(g, 5).done_cycles
    assert [b - a for a, b in zip(done[3][1:], done[3][2:])] == [9, 9, 9]
    assert [b - a for a, b in zip(done[0], done[3])] == [3] * 5  # every frame 3 cycles later


def test_fifo_depths_follow_the_stages():
    g = two_branch_graph()
    for name in ("m0", "m1"):
        g.node(name).stages = ["popcount", "rom", "threshold"]
    deeper = set_fifo_depths(g)
    assert deeper.node("a").fifo_depth >= two_branch_graph().node("a").fifo_depth
    run = simulate_schedule(deeper, 4)
    assert max(b - a for a, b in zip(run.done_cycles[1:], run.done_cycles[2:])) == folding_bound(g)


def test_the_estimate_counts_the_stage_registers():
    bare = Graph("one", [1, 784], [1, 64], [_tfc_first_layer()])
    staged = Graph(
        "one",
        [1, 784],
        [1, 64],
        [_tfc_first_layer(stages=["popcount", "rom", "threshold"], pc_groups=4)],
    )
    a, b = estimate_graph(bare, "ecp5").total, estimate_graph(staged, "ecp5").total
    assert b["ff"] > a["ff"] + 16 * 7  # at least the finished sums of 16 lanes


def test_a_bad_stage_name_or_grouping_is_one_error():
    with pytest.raises(HwgenError, match="pipeline stages"):
        _tfc_first_layer(stages=["adder"]).validate()
    with pytest.raises(HwgenError, match="pc_groups=48"):
        _tfc_first_layer(pc_groups=48).validate()  # groups of 2 lanes make 25, not 48


def _deep_block_layer(**kw) -> XnorMVU:
    """CNV's Conv_5 at FINN's folding: 256 x 2304, PE=1, SIMD=32 (18,432 words of 32 bits),
    its weights in block RAM."""
    rng = np.random.default_rng(1)
    return XnorMVU(
        name="Conv_5",
        weights=rng.integers(0, 2, (256, 2304)).astype(np.uint8),
        thresholds=rng.integers(0, 2305, 256),
        pe=1,
        simd=32,
        weight_style="block",
        **kw,
    )


def test_bank_depth_takes_no_more_blocks_than_the_whole_rom():
    assert bank_depth(4608, 32, "ecp5") == 512  # 512 x 36: 9 banks of one block each
    assert bank_depth(4608, 128, "ecp5") == 512  # four 36-bit blocks side by side
    assert bank_depth(4608, 16, "ecp5") == 1024  # 1024 x 18: 5 banks, not 9
    assert bank_depth(300, 16, "ecp5") == 0  # one block's depth: nothing to bank
    assert bank_depth(3000, 16, "ice40") == 1024  # 1024 x 4: three banks of four blocks
    assert bank_depth(4096, 16, "ice40") == 0  # as few blocks at 4096 x 1: none cascaded
    assert bank_depth(18432, 32, "ecp5") == 2048  # CNV's Conv_5: nine banks of 2048 x 9 blocks
    for depth, width, fam in ((4608, 32, "ecp5"), (4608, 9, "ecp5"), (3000, 16, "ice40")):
        d = bank_depth(depth, width, fam)
        whole = place(Memory("w", depth, width, rom=True), fam, "block")["bram"]
        banks = [min(d, depth - k) for k in range(0, depth, d)]
        split = sum(place(Memory("w", b, width, rom=True), fam, "block")["bram"] for b in banks)
        assert split == whole


def test_a_deep_block_rom_is_banked_for_a_fast_clock():
    g = Graph("one", [1, 2304], [1, 256], [_deep_block_layer()])
    slow, _ = add_pipeline_stages(g, "ecp5", 25.0)
    assert "rom_bank" not in slow.nodes[0].stages
    fast, _ = add_pipeline_stages(g, "ecp5", 100.0)
    n = fast.nodes[0]
    assert n.rom_bank_depth == 2048 and {"rom_bank", "rom"} <= set(n.stages)
    # the banks' two fabric registers are two cycles; credit, skid and handover none
    others = set(n.stages) - {"rom_bank", "credit", "skid", "handover"}
    assert n.rom_banks == 9 and n.added_latency == BANK_REGS + len(others)
    # the block's output no longer runs into the multiplexer in one cycle
    names = {p.name for p in n.logic_paths()}
    assert "rom_bank" in names and "rom" not in names
    bare = node_period(dataclasses.replace(n, stages=["rom"]), load_timing("ecp5"))[0]
    assert node_period(n, load_timing("ecp5"))[0] < bare
    # a register for each bank's word, the ROM's image split the same way
    assert n.stage_register_bits() > 9 * 32
    assert [len(b) for b in n.rom_bank_words()] == [2048] * 9
    assert sum(n.rom_bank_words(), []) == n.weight_words()


def test_a_bad_rom_bank_depth_is_one_error():
    with pytest.raises(HwgenError, match="rom_bank_depth a power of two in \\[2, 18432\\)"):
        _deep_block_layer(stages=["rom_bank"]).validate()
    with pytest.raises(HwgenError, match="not 600"):
        _deep_block_layer(stages=["rom_bank"], rom_bank_depth=600).validate()
    with pytest.raises(HwgenError, match="not 32768"):
        _deep_block_layer(stages=["rom_bank"], rom_bank_depth=32768).validate()


def test_a_window_takes_the_flow_stage_where_its_room_check_misses_the_clock():
    """CNV's first sliding window (32x32x3, 3x3): its paths price in the model; a clock its room
    check misses gives it the flow stage (the room one compare deep, the ring's write enable
    from a flip-flop), and a clock even that misses is a warning naming it."""
    win = SlidingWindow(name="Conv_0_window", h=32, w=32, c=3, k=3, elem_bits=8)
    names = {p.name for p in win.logic_paths()}
    assert names == {"room", "written", "read_address+read", "next_slot"}
    ns, path = node_period(win, FIXED)
    assert ns > 0 and path == "room"  # four chained adds and compares
    flow = dataclasses.replace(win, stages=["flow"])
    assert {p.name for p in flow.logic_paths()} == {"room", "issue", "next_slot", "read"} | {
        "limit",
        "next_written",
        "next_index",
        "next_pixel",
        "next_read_slot",
    }
    flow_ns, flow_path = node_period(flow, FIXED)
    assert flow_ns < ns and flow_path != "room"
    g = Graph("one", [1, 32, 32, 3], [1, 30, 30, 27], [win])
    staged, warnings = add_pipeline_stages(g, "ecp5", 25.0)
    assert not warnings and staged.node("Conv_0_window").stages == []
    ecp5 = load_timing("ecp5")
    between = 1000.0 / node_period(flow, ecp5)[0] / (1 + MARGIN) * 0.99
    assert 1000.0 / node_period(win, ecp5)[0] < between
    staged, warnings = add_pipeline_stages(g, "ecp5", between)
    assert staged.node("Conv_0_window").stages == ["flow"]
    assert staged.node("Conv_0_window").added_latency == 2
    _, warnings = add_pipeline_stages(g, "ecp5", 1000.0)
    assert any("layer 'Conv_0_window'" in w and "slower clock" in w for w in warnings)


def test_a_wide_windows_ring_read_fans_out_and_the_flow_stage_registers_its_address():
    """CNV's last window (3x3x256 bits, 3x3): the ring's read address, two adds deep, fans out
    to every LUT-RAM slice of a 256-bit pixel (routed at 78 MHz on ECP5 behind the adds); the
    flow stage keeps the slot in a register, so the read is the memory and its route alone."""
    win = SlidingWindow(name="Conv_5_window", h=3, w=3, c=256, k=3)
    read = next(p for p in win.logic_paths() if p.name == "read_address+read")
    assert read.fanout == 64 * 2  # 64 slices of 4 bits, two deep (18 pixels, two frames)
    flow = dataclasses.replace(win, stages=["flow"])
    flow_read = next(p for p in flow.logic_paths() if p.name == "read")
    assert flow_read.levels < read.levels and flow_read.fanout == read.fanout
    assert node_period(flow, FIXED)[0] < node_period(win, FIXED)[0]
    narrow = dataclasses.replace(win, c=4)
    assert next(p for p in narrow.logic_paths() if p.name == "read_address+read").fanout == 2


def test_the_fit_reproduces_routed_figures_the_model_can_express(tmp_path):
    """Routed fmax made up from known coefficients over a few designs: the fit's model gives
    them back (the calibration's arithmetic, without a router)."""
    truth = dataclasses.replace(load_timing("ecp5"), clk=1.2, level=1.1, carry=0.1, fanout=0.4)
    results = []
    for k, (stages, simd) in enumerate(
        [
            ([], 49),
            (["popcount"], 49),
            (["popcount_mid", "popcount"], 49),
            ([], 8),
            (["credit"], 16),
        ]
    ):
        n = dataclasses.replace(_tfc_first_layer(), simd=simd, stages=stages)
        g = Graph("one", [1, 784], [1, 64], [n])
        g.save(tmp_path / str(k))
        mhz = 1000.0 / predicted_period(g, truth)
        results.append(
            {"label": str(k), "family": "ecp5", "fmax_mhz": mhz, "build": str(tmp_path / str(k))}
        )
    _, rows = fit_timing(results, "ecp5")
    assert max(abs(r["error"]) for r in rows) < 0.02


def test_the_fit_moves_coefficients_only_as_far_as_the_points_ask(tmp_path):
    """Two routed designs 25 % faster than the committed model says: six coefficients match
    them in many ways; the fit (its prior toward timing.json) matches them as closely as the
    unweighed one with less than half its move away from the committed coefficients."""
    committed = load_timing("ecp5")
    results = []
    for k, stages in enumerate([[], ["popcount"]]):
        g = Graph(
            "one", [1, 784], [1, 64], [dataclasses.replace(_tfc_first_layer(), stages=stages)]
        )
        g.save(tmp_path / str(k))
        mhz = 1.25 * 1000.0 / predicted_period(g, committed)
        results.append(
            {"label": str(k), "family": "ecp5", "fmax_mhz": mhz, "build": str(tmp_path / str(k))}
        )

    was = [getattr(committed, k) for k in FITTED]

    def move(c) -> float:
        return float(np.sum(coefficient_moves([getattr(c, k) for k in FITTED], was) ** 2))

    weighed, rows = fit_timing(results, "ecp5")
    free, free_rows = fit_timing(results, "ecp5", prior_weight=0.0)
    assert max(abs(r["error"]) for r in rows + free_rows) < 0.01
    assert move(weighed) < 0.5 * move(free)


def test_a_folding_file_pins_a_windows_stages_and_a_bad_entry_is_one_error():
    """A window's node name in a folding file takes `stages` (its own names) and nothing else;
    the timing pass keeps a pinned window's stages."""
    win = SlidingWindow(name="Conv_0_window", h=32, w=32, c=3, k=3, elem_bits=8)
    g = Graph("one", [1, 32, 32, 3], [1, 30, 30, 27], [win])
    plan = read_fold_config(g, {"Conv_0_window": {"stages": ["flow"]}})
    folded = fold_layers(g, None, None, plan)
    assert folded.node("Conv_0_window").stages == ["flow"]
    staged, _ = add_pipeline_stages(folded, "ecp5", 25.0, pinned={"Conv_0_window"})
    assert staged.node("Conv_0_window").stages == ["flow"]  # pinned: kept at a slow clock
    with pytest.raises(HwgenError, match="node 'Conv_0_window': stages must be a list of .*flow"):
        read_fold_config(g, {"Conv_0_window": {"stages": ["rom"]}})
    with pytest.raises(HwgenError, match=r"node 'Conv_0_window': unknown keys \['pe'\]"):
        read_fold_config(g, {"Conv_0_window": {"pe": 2}})
    with pytest.raises(HwgenError, match="stages \\['nope'\\]: each at most once, of flow"):
        dataclasses.replace(win, stages=["nope"]).validate()


def test_a_timing_points_design_digest_covers_its_verilog_and_the_familys_netlist_step(tmp_path):
    """A routed result is reused only for the same design: the digest changes with the
    Verilog, and an ECP5 point's also covers the netlist step nextpnr's input comes from
    (none on iCE40), so a changed step routes again."""
    (tmp_path / "rtl").mkdir()
    (tmp_path / "report.json").write_text('{"clock": {"target_mhz": 100}}')
    (tmp_path / "rtl" / "top.v").write_text("module top; endmodule\n")
    ice40, ecp5 = design_digest(tmp_path, "ice40"), design_digest(tmp_path, "ecp5")
    assert ice40 != ecp5
    (tmp_path / "rtl" / "top.v").write_text("module top; wire w; endmodule\n")
    assert design_digest(tmp_path, "ice40") != ice40
