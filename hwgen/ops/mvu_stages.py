"""An XnorMVU's pipeline stages (rtl/hwgen_mvu.v's ROM_BANK, PC_MID, PC_REG, SUM_REG, ROM_REG,
THR_REG, CREDIT) and popcount groups (PC_GROUPS): their parameters, latency, registers and the logic
paths they leave for the timing model."""

from __future__ import annotations

import dataclasses
import math
from itertools import combinations

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
    # the write buffer takes no beat in the cycle it is handed over: its clock enable from
    # flip-flops (a cycle a vector more at the input: only where the compute leaves it)
    "handover": "HANDOVER",
}


#: the registers a banked ROM's word passes (rtl/hwgen_mvu_rom.v's BANKED): the first beside
#: its block (a DP16KD's output, without its output register, is 5.6 ns; Yosys does not use
#: that register, the ECP5 bitstream flow moves this one into it: hwgen.flows.ecp5_outreg),
#: the second toward the banks' multiplexer
BANK_REGS = 2
#: popcount groups are tried down to this many lanes each
MIN_GROUP_LANES = 6
#: what a LUT weighs against a flip-flop when candidates are compared (flip-flops are the
#: plentiful part: a stage's registers sit beside logic whose own flip-flops go unused)
LUT_WEIGHT = 4


class MvuStages:
    """Mixed into `XnorMVU`: what its `stages` and `pc_groups` fields make of it."""

    stage_names = tuple(PIPE_STAGES)
    stage_fields = ("stages", "pc_groups")
    # the ROM's banks (a register per block's word) only where they make it faster
    stages_if_faster = frozenset({"rom_bank"})
    stage_advice = "fold it further (a smaller SIMD or PE) or ask for a slower clock"

    def logic_paths(self) -> list:
        return mvu_paths(self)

    def prepare_stages(self, bank_depth) -> None:
        """A block ROM deeper than a block gets banks of the blocks' depth (`bank_depth(words,
        width)` on the family), which the rom_bank stage may take (a pinned depth stays)."""
        if self.weight_style == "block" and not self.rom_bank_depth:
            self.rom_bank_depth = bank_depth(self.sf * self.nf, self.weight_word_bits)

    def stage_candidates(self) -> list:
        """Copies of it with each set of stages it can take and each popcount grouping."""
        names = list(PIPE_STAGES)
        sets = [list(c) for k in range(len(names) + 1) for c in combinations(names, k)]
        groups = [1]
        if self.xnor:
            groups += [g for g in range(2, self.simd // MIN_GROUP_LANES + 1)]
        out = []
        for stages in sets:
            for g in groups:
                if (
                    ("group_sum" in stages and g == 1)
                    or ("popcount_mid" in stages and not self.xnor)
                    or ("rom_bank" in stages and not self.rom_bank_depth)
                    or ("skid" in stages and self.input_memory)
                    # its ready a flip-flop already (no skid), and the cycle a vector it costs
                    # within the compute's (the cycles per frame stay the folding bound's)
                    or ("handover" in stages and not self.handover_fits)
                    or ("handover" in stages and "skid" in stages)
                    # the banks' multiplexer gathers words from blocks across the die (a route
                    # the model cannot see): its output is registered too
                    or ("rom_bank" in stages and "rom" not in stages)
                ):
                    continue
                m = dataclasses.replace(self, stages=stages, pc_groups=g)
                if len(m.pc_group_lanes) == g:
                    out.append(m)
        return out

    def stage_cost(self) -> int:
        """Its stages' flip-flops, and the LUTs of the popcount groups' adders."""
        groups = LUT_WEIGHT * self.pe * self.count_bits * (self.pc_groups - 1)
        return self.stage_register_bits() + groups

    def stage_register_bits(self) -> int:
        """Flip-flops its added stages hold (the estimate counts them; the timing pass weighs
        candidates by them)."""
        bits = 0
        if "rom_bank" in self.stages:  # two words a bank, the bank selects, elements, control
            bits += BANK_REGS * self.rom_banks * self.weight_word_bits
            bits += (BANK_REGS + 1) * self.rom_bank_bits + BANK_REGS * (
                self.simd * self.in_bits + 3
            )
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
            bits += self.class_base_bits * self.added_latency
        return bits

    @property
    def handover_fits(self) -> bool:
        """The handover stage keeps its rate: its input in registers, and a vector's input
        beats plus the hand-over cycle within the vector's SF*NF compute cycles."""
        return not self.input_memory and self.in_beats + 1 <= self.sf * self.nf

    @property
    def added_latency(self) -> int:
        """Cycles its pipeline stages add between an input vector and its output beats (the
        credit FIFO adds none: a beat is on its output the cycle after it is decided; nor does the
        skid entry: a beat passes it the cycle it comes when the buffer takes it; nor the
        handover, which costs a cycle a vector at the input, not on the way; the banked ROM
        adds its BANK_REGS fabric registers)."""
        cycles = {"credit": 0, "skid": 0, "handover": 0, "rom_bank": BANK_REGS}
        return sum(cycles.get(s, 1) for s in self.stages)

    def stage_params(self) -> list[tuple[str, int]]:
        """rtl/hwgen_mvu.v's stage parameters (those of PIPE_STAGES, PC_GROUPS, and a banked
        ROM's BANK_DEPTH)."""
        bank = [("BANK_DEPTH", self.rom_bank_depth)] if "rom_bank" in self.stages else []
        regs = {"rom_bank": BANK_REGS}
        return [
            (param, regs.get(name, 1) if name in self.stages else 0)
            for name, param in PIPE_STAGES.items()
        ] + [
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
