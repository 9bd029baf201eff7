"""A build's manifest: content hashes of the model, the options, the graph and every artifact.

`hwgen compile` writes `manifest.json` last. Whatever reads a build (`run`, `sim`, `synth`,
`package`, `report`, the Python side of the tests) checks the pieces it uses first: a piece
missing, changed since compile, or from another design is one clear error, never a result
computed from it. A simulation can never run with ROM images that do not belong to the graph
it is compared with: the graph given must be the one the manifest names.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from hwgen.errors import HwgenError
from hwgen.paths import VERSION

MANIFEST = "manifest.json"
#: folders of a build whose files are all recorded
ARTIFACT_DIRS = ("rtl", "hls")
#: files at a build's root that are recorded
ROOT_FILES = ("graph.json", "graph.npz", "report.json")


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def graph_digest(g) -> str:
    """SHA-256 of a graph's content (its JSON document and arrays), independent of files."""
    doc, arrays = g.to_doc()
    h = hashlib.sha256(json.dumps(doc, sort_keys=True).encode())
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}|{a.dtype.str}|{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _artifacts(build: Path) -> dict[str, str]:
    out = {}
    for d in ARTIFACT_DIRS:
        for p in sorted((build / d).rglob("*")) if (build / d).is_dir() else []:
            if p.is_file():
                out[p.relative_to(build).as_posix()] = file_hash(p)
    for name in ROOT_FILES:
        if (build / name).is_file():
            out[name] = file_hash(build / name)
    return out


def write_manifest(build: Path, g, model: Path | None = None, options: dict | None = None) -> dict:
    """Record the build's current artifacts, the graph's digest, the model file's hash and the
    options; returns the manifest."""
    build = Path(build)
    models = {}
    if model is not None:
        model = Path(model)
        for p in (model, model.with_name(model.name + ".data")):
            if p.is_file():
                models[p.name] = file_hash(p)
    doc = {
        "hwgen": VERSION,
        "graph": graph_digest(g),
        "model": models,
        "options": options or {},
        "artifacts": _artifacts(build),
    }
    (build / MANIFEST).write_text(json.dumps(doc, indent=1, sort_keys=True))
    return doc


def read_manifest(build: Path) -> dict:
    """The manifest of a build; a clear error when it is missing or unreadable."""
    path = Path(build) / MANIFEST
    if not path.is_file():
        raise HwgenError(
            f"{path}: no manifest (not a build of this hwgen: run `hwgen compile` again)"
        )
    try:
        doc = json.loads(path.read_text())
        doc["artifacts"], doc["graph"]  # noqa: B018 - both must be there
    except (ValueError, KeyError, TypeError) as e:
        raise HwgenError(
            f"{path}: corrupt manifest ({type(e).__name__}); run `hwgen compile` again"
        ) from None
    return doc


def check_build(build: Path, parts: tuple[str, ...] = ("graph",), g=None) -> dict:
    """Check that the build's pieces in `parts` ("graph": graph.json/.npz; "rtl", "hls": those
    folders; "report": report.json) are all there and unchanged since compile, and that `g`, when
    given, is the graph the build was compiled from. Returns the manifest."""
    build = Path(build)
    doc = read_manifest(build)
    prefixes = {"graph": ("graph.json", "graph.npz"), "report": ("report.json",)}
    for part in parts:
        wanted = [
            k
            for k in doc["artifacts"]
            if (k in prefixes[part] if part in prefixes else k.startswith(part + "/"))
        ]
        if not wanted and part in ARTIFACT_DIRS:
            raise HwgenError(
                f"{build / part}: recorded empty in the manifest; run `hwgen compile` again"
            )
        for rel in wanted:
            p = build / rel
            if not p.is_file():
                raise HwgenError(f"{p}: missing from the build (run `hwgen compile` again)")
            if file_hash(p) != doc["artifacts"][rel]:
                raise HwgenError(
                    f"{p}: changed since `hwgen compile` (its hash is not the manifest's); "
                    "compile again rather than use a stale or foreign file"
                )
    if g is not None and graph_digest(g) != doc["graph"]:
        raise HwgenError(
            f"{build}: the graph given is not the one this build was compiled from "
            f"(graph '{g.name}'); compile it into its own folder"
        )
    return doc
