"""Where hwgen's files (and its command) are, and its version: the one module every other may
import without pulling in anything else of hwgen (the package root lazily imports the API)."""

import shutil
import sys
from pathlib import Path

VERSION = "0.2.0"

#: The package's own folder (its Python sources: copied into deploy/ folders).
PACKAGE = Path(__file__).resolve().parent

#: Where the hand-written libraries live: `rtl/`, `hls/`, `templates/`, `boards/`, `sim/`.
#: In a checkout they sit at the repository's top level (as the design card asks); an
#: installed wheel carries them inside the package, under `hwgen/_share/`.
SHARE = PACKAGE / "_share" if (PACKAGE / "_share" / "rtl").is_dir() else PACKAGE.parent


def hwgen_command() -> str:
    """How to type `hwgen` from here: `hwgen` when that is this installation's command on
    PATH, else its path (`.venv/bin/hwgen` after `make demo`, whose venv is not on PATH)."""
    mine = Path(sys.executable).parent / "hwgen"
    on_path = shutil.which("hwgen")
    if not mine.is_file() or (on_path and Path(on_path).resolve() == mine.resolve()):
        return "hwgen"
    try:
        return str(mine.relative_to(Path.cwd()))
    except ValueError:
        return str(mine)
