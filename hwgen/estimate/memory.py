"""Where a memory lands on each device family, following Yosys' choices (0.23): block RAM,
distributed LUT RAM (AMD), or plain logic, and how many blocks or cells it takes."""

from __future__ import annotations

import math

from hwgen.estimate.features import Memory

# AMD 7-series / UltraScale+: RAMB18 aspect ratios (depth, width), 18 kbit with parity lanes
_RAMB18 = [(16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36)]
# Lattice iCE40 SB_RAM40_4K and ECP5 DP16KD aspect ratios
_EBR = {
    "ice40": [(4096, 1), (2048, 2), (1024, 4), (512, 8), (256, 16)],  # 4096x1: Yosys halves 2048x2
    "ecp5": [(16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36)],
}


def _blocks(depth: int, width: int, shapes: list[tuple[int, int]]) -> int:
    """Fewest blocks over the aspect ratios: ceil(depth/d) * ceil(width/w)."""
    return min(math.ceil(depth / d) * math.ceil(width / w) for d, w in shapes)


def in_block_ram(mem: Memory, family: str) -> bool:
    """Yosys 0.23's choice, as observed on hwgen designs: AMD block RAM from 512 words and
    4 kbit; Lattice EBR from 128 words when wider than a bit or at least 4 kbit, and a RAM
    (FIFO) from 16 words and 128 bits. Anything
    smaller becomes logic (some shallow AMD memories go to LUT RAM instead; counted as LUTs)."""
    if family in ("zynq7", "zynquplus"):
        return mem.depth >= 512 and mem.bits >= 4096
    if not mem.rom and mem.depth >= 16 and mem.bits >= 128:  # a residual block's shortcut FIFO
        return True
    return mem.depth >= 128 and (mem.width >= 2 or mem.bits >= 4096)


def place(mem: Memory, family: str, style: str | None = None) -> dict[str, float]:
    """Resources of one memory: {'bram': 18-kbit units or EBR blocks} in block RAM, else
    {'lut': LUTs of its logic over the address bits (before calibration), 'ff': a RAM's
    registers}. `style` ("block", "lut"; default the memory's own, else Yosys' rule) forces
    the choice, as the RTL's rom_style attribute does."""
    style = style or mem.style
    if style == "block" or (style in (None, "auto") and in_block_ram(mem, family)):
        if family in ("zynq7", "zynquplus"):
            return {"bram": _blocks(mem.depth, mem.width, _RAMB18)}
        return {"bram": _blocks(mem.depth, mem.width, _EBR.get(family, _EBR["ice40"]))}
    k = 6 if family in ("zynq7", "zynquplus") else 4
    if mem.rom:  # a ROM is a function of its address: one LUT per varying output bit per 2^k words
        return {"lut": mem.logic_width * math.ceil(mem.depth / 2**k), "ff": 0}
    if family in ("zynq7", "zynquplus"):  # LUT RAM, as Yosys maps it
        return {"ram_lut": lutram_luts(mem), "ff": 0}
    # a RAM in logic: a register per bit and a read multiplexer (2^(k-2) inputs per LUT)
    return {"ram_lut": mem.width * math.ceil(mem.depth / 2 ** (k - 2)), "ff": mem.bits}


def lutram_luts(mem: Memory) -> int:
    """LUTs of a simple dual-port RAM in AMD LUT RAM, as Yosys maps it: RAM32M (32 words x 6
    bits in 4 LUTs) up to 32 words, RAM64M (64 x 3 in 4 LUTs) beyond."""
    if mem.depth <= 32:
        return 4 * -(-mem.width // 6)
    return 4 * -(-mem.width // 3) * -(-mem.depth // 64)


def bank_depth(depth: int, width: int, family: str) -> int:
    """Words a bank of a deep block ROM holds (the rom_bank stage, rtl/hwgen_mvu_rom.v): the
    depth of the aspect ratio that takes the fewest blocks at `width` bits (the deepest on a
    tie: fewer banks to pick from), so the banks take no more blocks than the whole ROM; 0
    where the ROM fits one block's depth (nothing to bank)."""
    shapes = _RAMB18 if family in ("zynq7", "zynquplus") else _EBR.get(family, _EBR["ice40"])
    fewest = min(shapes, key=lambda s: (math.ceil(depth / s[0]) * math.ceil(width / s[1]), -s[0]))
    return fewest[0] if depth > fewest[0] else 0
