"""An XnorMVU's pipeline stages (rtl/hwgen_mvu.v's ROM_BANK, PC_MID, PC_REG, SUM_REG, ROM_REG,
THR_REG, CREDIT) and popcount groups (PC_GROUPS): their parameters, latency, registers and the logic
paths they leave for the timing model."""

from __future__ import annotations

import math

from hwgen.ops.logic_paths import mvu_paths
from hwgen.ops.popcount_shape import mid_register_bits

#: the pipeline stages rtl/hwgen_mvu.v can add (its parameter for each): the banked weight
#: ROM's block outputs (rtl/hwgen_mvu_rom.v; `rom_bank_depth` words a bank), the popcount tree's
#: middle, its result, the groups' sum, the ROM word, the finished sum before the compare, and
#: the credit output (a registered enable: no latency), the skid input (a registered ready: no
#: latency)
PIPE_STAGES = {
    "rom_bank": "ROM_BANK",  # the weight ROM in banks, each block's word registered beside it
    "popcount_mid": "PC_MID",  # each popcount tree registered in its middle (XNOR)
    "popcount": "PC_REG",
    "group_sum": "SUM_REG",  # with pc_groups > 1: the groups' sum registered
    "rom": "ROM_REG",
    "threshold": "THR_REG",
    "credit": "CREDIT",  # the pipeline's enable a register, the output a three-entry FIFO
    "skid": "SKID",  # the input's ready a register, a one-beat entry before the write buffer
    # (an input memory's ready is a flag already: there it changes nothing)
}


class MvuStages:
    """Mixed into `XnorMVU`: what its `stages` and `pc_groups` fields make of it."""

    def logic_paths(self) -> list:
        return mvu_paths(self)

    def stage_register_bits(self) -> int:
        """Flip-flops its added stages hold (the estimate counts them; the timing pass weighs
        candidates by them)."""
        bits = 0
        if "rom_bank" in self.stages:  # a word a bank, the bank selects, elements and control
            bits += self.rom_banks * self.weight_word_bits + 2 * self.rom_bank_bits
            bits += self.simd * self.in_bits + 3
        if "rom" in self.stages:
            bits += self.simd * self.in_bits + self.weight_word_bits + 3
        if "popcount" in self.stages:
            per_lane = (
                sum((g).bit_length() for g in self.pc_group_lanes) if self.xnor else self.count_bits
            )
            bits += self.pe * per_lane + 3
        if "popcount_mid" in self.stages:
            bits += self.pe * sum(mid_register_bits(g) for g in self.pc_group_lanes) + 3
        if "group_sum" in self.stages:
            bits += self.pe * self.count_bits + 3
        if "credit" in self.stages:  # two more entries, their pointers and the occupancy
            bits += 2 * self.pe * self.out_lane_bits + 10
        if "threshold" in self.stages:
            bits += self.pe * self.count_bits + 1
        if "skid" in self.stages and not self.input_memory:  # one input beat and its valid
            bits += self.in_width + 1
        if self.has_thresholds:  # the threshold ROM's address, delayed a cycle a stage
            bits += self.class_base_bits * len(self.stages)
        return bits

    @property
    def added_latency(self) -> int:
        """Cycles its pipeline stages add between an input vector and its output beats (the
        credit FIFO adds none: a beat is on its output the cycle after it is decided; nor does the
        skid entry: a beat passes it the cycle it comes when the buffer takes it)."""
        return len([s for s in self.stages if s not in ("credit", "skid")])

    def stage_params(self) -> list[tuple[str, int]]:
        """rtl/hwgen_mvu.v's stage parameters (those of PIPE_STAGES, PC_GROUPS, and a banked
        ROM's BANK_DEPTH)."""
        bank = [("BANK_DEPTH", self.rom_bank_depth)] if "rom_bank" in self.stages else []
        return [(param, int(name in self.stages)) for name, param in PIPE_STAGES.items()] + [
            ("PC_GROUPS", self.pc_groups),
            *bank,
        ]

    @property
    def rom_banks(self) -> int:
        """Banks of the weight ROM (rtl/hwgen_mvu_rom.v): 1 unless it has the rom_bank stage."""
        if "rom_bank" not in self.stages:
            return 1
        return math.ceil(self.sf * self.nf / self.rom_bank_depth)

    @property
    def rom_bank_bits(self) -> int:
        """Bits of the bank select (the Verilog's `(NB > 1) ? $clog2(NB) : 1`)."""
        return max(1, (self.rom_banks - 1).bit_length())

    def rom_bank_words(self) -> list[list[int]]:
        """The weight ROM's words, bank by bank (one list when unbanked)."""
        words = self.weight_words()
        if "rom_bank" not in self.stages:
            return [words]
        d = self.rom_bank_depth
        return [words[k : k + d] for k in range(0, len(words), d)]

    @property
    def pc_group_lanes(self) -> list[int]:
        """Lanes of each popcount group (rtl/hwgen_mvu_lane.v: ceil(SIMD/groups), the last the
        rest)."""
        size = math.ceil(self.simd / self.pc_groups)
        return [min(size, self.simd - lo) for lo in range(0, self.simd, size)]
