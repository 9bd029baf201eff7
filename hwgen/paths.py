"""Where hwgen's files are, and its version: the one module every other may import without
pulling in anything else of hwgen (the package root lazily imports the API)."""

from pathlib import Path

VERSION = "0.2.0"

#: The package's own folder (its Python sources: copied into deploy/ folders).
PACKAGE = Path(__file__).resolve().parent

#: Where the hand-written libraries live: `rtl/`, `hls/`, `templates/`, `boards/`, `sim/`.
#: In a checkout they sit at the repository's top level (as the design card asks); an
#: installed wheel carries them inside the package, under `hwgen/_share/`.
SHARE = PACKAGE / "_share" if (PACKAGE / "_share" / "rtl").is_dir() else PACKAGE.parent
