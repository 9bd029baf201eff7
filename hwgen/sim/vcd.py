"""Reading back a VCD waveform: enough to check that a written file opens and what it holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hwgen.errors import HwgenError


@dataclass
class VcdSummary:
    """Signal names (scope.name), the first and last timestamps, and the value changes."""

    signals: list[str]
    first_time: int
    last_time: int
    changes: int


def read_vcd(path: Path) -> VcdSummary:
    """Parse a VCD file's header and count its value changes; a file that is not a complete
    VCD (no $enddefinitions, no timestamp) is an error naming the file."""
    scopes: list[str] = []
    signals: list[str] = []
    times: list[int] = []
    changes = 0
    in_header = True
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError as e:
        raise HwgenError(f"{path}: cannot read the waveform ({e.strerror})") from None
    for line in lines:
        tok = line.split()
        if not tok:
            continue
        if in_header:
            if tok[0] == "$scope" and len(tok) >= 3:
                scopes.append(tok[2])
            elif tok[0] == "$upscope":
                scopes.pop() if scopes else None
            elif tok[0] == "$var" and len(tok) >= 5:
                signals.append(".".join([*scopes, tok[4]]))
            elif tok[0] == "$enddefinitions":
                in_header = False
        elif tok[0].startswith("#"):
            times.append(int(tok[0][1:]))
        elif tok[0][0] in "01xzXZbBrR":
            changes += 1
    if in_header or not times:
        raise HwgenError(f"{path}: not a complete VCD waveform (no definitions or no timestamps)")
    return VcdSummary(signals, times[0], times[-1], changes)
