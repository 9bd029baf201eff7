"""Weight memories placed per layer: ram_style from the folding file, the automatic rule
(Yosys' choice, then the board's free block RAM), and clear errors."""

import numpy as np
import pytest

from hwgen.errors import HwgenError
from hwgen.estimate import estimate_graph
from hwgen.passes import apply_folding
from hwgen.passes.memory_placement import place_weight_memories
from tests.ops.common import single_mvu_graph


def _graph(mw=64, mh=64, pe=4, simd=8):
    return single_mvu_graph(np.random.default_rng(0), mw, mh, pe, simd, thresholds=True)


def test_auto_uses_free_block_ram_and_respects_the_budget():
    g = apply_folding(_graph())  # 128 x 32-bit weights: Yosys alone keeps them in LUTs
    roomy = place_weight_memories(g, {"family": "zynq7", "bram18": 280, "luts": 400})
    assert roomy.nodes[0].weight_style == "block"
    assert estimate_graph(roomy, "zynq7").total["bram"] == 1
    full = place_weight_memories(
        apply_folding(_graph()), {"family": "zynq7", "bram18": 0, "luts": 400}
    )
    assert full.nodes[0].weight_style == "lut"
    assert estimate_graph(full, "zynq7").total["bram"] == 0
    # on a board where the design is small, LUTs are plenty: Yosys' choice stands
    big = place_weight_memories(
        apply_folding(_graph()), {"family": "zynq7", "bram18": 280, "luts": 53200}
    )
    assert big.nodes[0].weight_style == "lut"


def test_auto_leaves_roms_too_small_for_a_block_in_logic():
    g = place_weight_memories(
        apply_folding(_graph(16, 8, 8, 16)), {"family": "zynq7", "bram18": 280, "luts": 100}
    )
    assert g.nodes[0].weight_style == "lut"  # one 128-bit word: not worth a RAMB18


def test_asked_styles_are_kept():
    for style in ("block", "lut"):
        g = apply_folding(_graph(), config={"mvu": {"ram_style": style}})
        assert (
            place_weight_memories(g, {"family": "zynq7", "bram18": 0}).nodes[0].weight_style
            == style
        )


def test_bad_ram_style_is_one_clear_error():
    with pytest.raises(
        HwgenError, match="layer 'mvu': ram_style must be one of auto, block, lut, not 'ultra'"
    ):
        apply_folding(_graph(), config={"mvu": {"ram_style": "ultra"}})
