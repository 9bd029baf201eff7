"""The kernels' parameter sets the suite proves (`hwgen prove` of a build proves its own
instances' sets instead): the corners of each kernel's parameters."""

from __future__ import annotations

#: a 3x3 image padded on every side, two beats a pixel (a pad lane), 2x2 windows
_PADDED_SWG = {
    "IMG_H": 3,
    "IMG_W": 3,
    "PIXEL_W": 3,
    "IN_W": 2,
    "K": 2,
    "S": 1,
    "PAD_T": 1,
    "PAD_L": 1,
    "PAD_B": 1,
    "PAD_R": 1,
}

#: a residual block's element widths and levels, small enough to prove quickly
_RESIDUAL = {
    "IN_ELEM_W": 2,
    "OUT_ELEM_W": 3,
    "LEVEL_W": 2,
    "N_THR": 3,
    "LEVEL_OFF": -2,
    "SC_DEPTH": 4,
}

#: the parameter sets the suite proves: DEPTH at its minimum, odd and a power of two
LIBRARY = {
    "hwgen_axis_fifo": [
        {"DATA_W": 1, "DEPTH": 2},
        {"DATA_W": 8, "DEPTH": 3},
        {"DATA_W": 5, "DEPTH": 8},
    ],
    # one pixel a window, a bipolar OR, a signed max over a 3x3 window
    "hwgen_window_max": [
        {"C": 1, "KK": 1, "ELEM_W": 1, "SIGNED": 0},
        {"C": 3, "KK": 4, "ELEM_W": 1, "SIGNED": 0},
        {"C": 2, "KK": 9, "ELEM_W": 4, "SIGNED": 1},
    ],
    "hwgen_window_sum": [
        {"C": 1, "KK": 1, "ELEM_W": 2, "OUT_ELEM_W": 2},
        {"C": 2, "KK": 4, "ELEM_W": 3, "OUT_ELEM_W": 5},
        {"C": 3, "KK": 9, "ELEM_W": 2, "OUT_ELEM_W": 6},
    ],
    # one score, PE not dividing NUM, all scores in one beat
    "hwgen_label_select": [
        {"NUM": 1, "PE": 1, "IN_W": 4, "OUT_W": 1},
        {"NUM": 10, "PE": 3, "IN_W": 5, "OUT_W": 4},
        {"NUM": 10, "PE": 10, "IN_W": 8, "OUT_W": 4},
    ],
    # SIMD and PE 1; neither dividing (with pad lanes), narrow input beats; full (one cycle
    # a vector) with the input in a two-bank memory; integer lanes with 2-bit weights
    "hwgen_mvu": [
        {"MW": 4, "MH": 2, "PE": 1, "SIMD": 1, "IN_W": 1, "CNT_W": 3, "THR_W": 3},
        {"MW": 12, "MH": 6, "PE": 4, "SIMD": 5, "IN_W": 3, "CNT_W": 4, "THR_W": 5},
        {"MW": 8, "MH": 4, "PE": 4, "SIMD": 4, "IN_W": 4, "CNT_W": 4, "THR_W": 4, "INBUF_MEM": 1},
        # every pipeline stage (the write buffer's handover too), the popcount in two groups
        {
            "MW": 6,
            "MH": 4,
            "PE": 2,
            "SIMD": 3,
            "IN_W": 3,
            "CNT_W": 3,
            "THR_W": 3,
            "ROM_REG": 1,
            "PC_REG": 1,
            "THR_REG": 1,
            "PC_GROUPS": 2,
            "SUM_REG": 1,
            "PC_MID": 1,
            "CREDIT": 1,
            "HANDOVER": 1,
        },
        {
            "MW": 6,
            "MH": 3,
            "PE": 1,
            "SIMD": 3,
            "IN_W": 6,
            "ELEM_W": 2,
            "IN_SIGNED": 1,
            "WEIGHT_W": 2,
            "USE_THR": 0,
            "CNT_W": 6,
            "THR_W": 6,
            "OUT_LANE_W": 6,
        },
        # the input's skid entry (beats narrower than a vector), the weight ROM in banks of two
        # words (the last bank one), the ROM register after their multiplexer
        {
            "MW": 6,
            "MH": 5,
            "PE": 2,
            "SIMD": 3,
            "IN_W": 2,
            "CNT_W": 3,
            "THR_W": 3,
            "SKID": 1,
            "ROM_BANK": 2,
            "BANK_DEPTH": 2,
            "ROM_REG": 1,
        },
    ],
    "hwgen_int_sign": [
        {"LANES": 1, "ELEM_W": 2},
        {"LANES": 3, "ELEM_W": 4},
        {"LANES": 16, "ELEM_W": 5},
    ],
    "hwgen_fork": [{"DATA_W": 1}, {"DATA_W": 4}, {"DATA_W": 24}],
    # one lane; PE not dividing MW (a pad lane) with the whole vector in one MVU cycle; the
    # input vector in the MVU's memory (PE == SIMD)
    "hwgen_residual": [
        {**_RESIDUAL, "MW": 2, "PE": 1, "SIMD": 1, "CNT_W": 2, "THR_W": 2},
        {**_RESIDUAL, "MW": 3, "PE": 2, "SIMD": 3, "CNT_W": 2, "THR_W": 2},
        {**_RESIDUAL, "MW": 4, "PE": 2, "SIMD": 2, "CNT_W": 3, "THR_W": 3, "INBUF_MEM": 1},
        {
            **_RESIDUAL,
            "MW": 2,
            "PE": 1,
            "SIMD": 2,
            "CNT_W": 2,
            "THR_W": 2,
            "PC_REG": 1,
            "THR_REG": 1,
        },
    ],
    # equal widths (a register stage); gathering and splitting, dividing and not (pad bits)
    "hwgen_width_convert": [
        {"IN_W": 3, "OUT_W": 3},
        {"IN_W": 1, "OUT_W": 4},
        {"IN_W": 3, "OUT_W": 8},
        {"IN_W": 8, "OUT_W": 2},
        {"IN_W": 7, "OUT_W": 3},
        {"IN_W": 7, "OUT_W": 3, "READY_REG": 1},  # the byte shell's output (a registered ready)
    ],
    # one beat a pixel, beats dividing the pixel, a last beat with pad lanes
    "hwgen_pixel_pack": [
        {"IN_W": 4, "OUT_W": 4},
        {"IN_W": 2, "OUT_W": 6},
        {"IN_W": 4, "OUT_W": 10},
    ],
    # a 2x2 window over a 2x2 image; two beats a pixel (a pad lane) over a padded image;
    # stride 2 with padding on every side; 1x1 windows over a 2x3 image; the flow stage
    "hwgen_swg": [
        {"IMG_H": 2, "IMG_W": 2, "PIXEL_W": 1, "IN_W": 1, "K": 2, "S": 1},
        _PADDED_SWG,
        {**_PADDED_SWG, "PIXEL_W": 2, "K": 3, "S": 2},
        {"IMG_H": 2, "IMG_W": 3, "PIXEL_W": 2, "IN_W": 2, "K": 1, "S": 1},
        {**_PADDED_SWG, "FLOW_REG": 1},  # each side sees the other a cycle late
    ],
    # equal operands, a wider shortcut operand, many lanes
    "hwgen_add_streams": [
        {"LANES": 1, "A_ELEM_W": 2, "B_ELEM_W": 2, "OUT_ELEM_W": 3},
        {"LANES": 3, "A_ELEM_W": 4, "B_ELEM_W": 2, "OUT_ELEM_W": 5},
        {"LANES": 16, "A_ELEM_W": 3, "B_ELEM_W": 3, "OUT_ELEM_W": 4},
    ],
}
