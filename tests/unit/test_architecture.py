"""The shape of the code, checked: imports run one way (no cycle among hwgen's modules,
function-level imports counted), no module imports another's private names, passes do not
switch on op types, no file runs past 400 lines, and ruff is clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "hwgen"


def module_name(path: Path) -> str:
    """hwgen/ops/mvu.py -> hwgen.ops.mvu; hwgen/ops/__init__.py -> hwgen.ops."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = PACKAGE) -> tuple[dict[str, set[str]], list[str]]:
    """(module -> the hwgen modules it imports anywhere in its body, with the packages whose
    `__init__` importing them runs first (other than the importer's own), the private names
    it takes from them as 'importer: module.name')."""
    modules = {module_name(p): p for p in root.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    private = []
    for m, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges[m] |= {a.name for a in node.names if a.name in modules}
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module in modules
                and not node.level
            ):
                for a in node.names:
                    sub = f"{node.module}.{a.name}"
                    edges[m].add(sub if sub in modules else node.module)
                    if (
                        sub not in modules
                        and a.name.startswith("_")
                        and not a.name.startswith("__")
                    ):
                        private.append(f"{m}: {node.module}.{a.name}")
    for m in modules:  # importing a.b.c runs a/__init__ and a/b/__init__ first
        own = {".".join(m.split(".")[:k]) for k in range(1, m.count(".") + 1)} | {m}
        for target in list(edges[m]):
            parts = target.split(".")
            ancestors = {".".join(parts[:k]) for k in range(1, len(parts))}
            edges[m] |= {p for p in ancestors if p in modules} - own
    return edges, private


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a list of modules, the first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges.get(m, ())):
            if state.get(n) == 1:
                return stack[stack.index(n) :] + [n]
            if n not in state:
                found = visit(n)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for m in sorted(edges):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_no_import_cycle():
    edges, _ = import_graph()
    cycle = find_cycle(edges)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_private_names_imported_across_modules():
    _, private = import_graph()
    assert not private, f"private names imported from other modules: {private}"


def test_folding_asks_ops_instead_of_switching_on_types():
    text = (PACKAGE / "passes" / "folding.py").read_text()
    assert sum("isinstance" in line for line in text.splitlines()) <= 5
    used = {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name)}
    ops = {
        "XnorMVU",
        "AddStreams",
        "Fork",
        "SlidingWindow",
        "Flatten",
        "ResidualBlock",
        "IntSign",
        "WindowMax",
    }
    assert not used & ops, f"passes/folding.py names the ops {sorted(used & ops)}"


def tracked_sources() -> list[Path]:
    """The repository's source files under version control (Python, Verilog, C++, templates)."""
    out = subprocess.run(
        ["git", "ls-files", "*.py", "*.v", "*.sv", "*.h", "*.hpp", "*.cpp", "*.j2"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return [REPO / f for f in out.stdout.split()]


def test_no_source_file_over_400_lines():
    long = {
        str(p.relative_to(REPO)): n
        for p in tracked_sources()
        if p.is_file()
        for n in [len(p.read_text().splitlines())]
        if n > 400
    }
    assert not long, f"files over 400 lines: {long}"


def test_ruff_check_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).is_file():
        pytest.skip("ruff is not installed (make test installs it)")
    r = subprocess.run([ruff, "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-1000:]
