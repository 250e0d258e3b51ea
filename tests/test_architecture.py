"""The layering rules of docs/architecture.md, checked on the source so they cannot drift."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRS = Path(__file__).resolve().parent.parent / "srs"

# srs/anki/package.py writes the SQLite file inside an Anki package: Anki's tables, not srs's.
# srs/sync/mirror.py runs SQL on the mirror Anki collection of `srs sync` (through anki's
# `col.db`) and reads the notes of a package srs wrote: Anki's tables, not srs's.
SQL_ELSEWHERE_ALLOWED = {"anki/package.py", "sync/mirror.py"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRS.rglob("*.py")):
        parts = path.relative_to(SRS.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _sql_calls(tree: ast.AST) -> list[int]:
    """Lines calling `.execute(`/`.executemany(`/`.executescript(` or touching `.conn`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in (
            "execute",
            "executemany",
            "executescript",
            "conn",
        ):
            lines.append(node.lineno)
    return lines


def test_only_the_store_speaks_sql() -> None:
    offenders = []
    for name, path in MODULES.items():
        relative = path.relative_to(SRS).as_posix()
        if name == "srs.store" or name.startswith("srs.store."):
            continue
        if relative in SQL_ELSEWHERE_ALLOWED:
            continue
        for line in _sql_calls(ast.parse(path.read_text())):
            offenders.append(f"srs/{relative}:{line}")
    assert offenders == [], "SQL outside srs/store/: " + ", ".join(offenders)


def test_the_sql_check_finds_sql() -> None:
    """The check above must be able to fail."""
    tree = ast.parse("def f(store):\n    store.execute('SELECT 1')\n    store.conn.close()\n")
    assert _sql_calls(tree) == [2, 3]


def _imports(path: Path, name: str) -> set[str]:
    """srs modules `name` imports anywhere (functions too), except under TYPE_CHECKING."""
    tree = ast.parse(path.read_text())
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(child) for child in ast.walk(node))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in MODULES else base)
    return {t for t in targets if t in MODULES and t != name}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    graph = {name: _imports(path, name) for name, path in MODULES.items()}
    assert _cycles(graph) == []


def test_the_cycle_check_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("rule", ["cli", "typer"])
def test_nothing_below_the_cli_imports_it(rule: str) -> None:
    """The CLI sits at the edge: no library module imports `srs.cli` or typer."""
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("srs.cli") or name == "srs.__main__":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            wanted = "srs.cli" if rule == "cli" else "typer"
            if any(n == wanted or n.startswith(wanted + ".") for n in names):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []
