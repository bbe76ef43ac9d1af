"""The core takes its time and its data as arguments: no clock reads, no I/O, no OS or GUI
modules. That is what lets a week be simulated in a fraction of a second and every rule be
tested without waiting (STYLE: "The core takes a clock and never reads the time itself")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "deskbreak" / "core"
MODULES = sorted(CORE.glob("*.py"))

#: Modules the core may import: the standard library's pure parts, YAML text parsing, and
#: deskbreak's own error type and core modules.
ALLOWED_IMPORTS = {
    "__future__", "collections", "dataclasses", "datetime", "types", "typing", "enum", "re",
    "difflib", "csv", "io", "math", "functools", "itertools", "bisect", "statistics", "yaml",
    "_sha2", "_sha256", "hashlib", "textwrap", "deskbreak",
}
#: Reading the clock or waiting: only the service does that, and hands the core `now`.
FORBIDDEN_CALLS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "sleep"), ("time", "monotonic"), ("time", "perf_counter"),
}
#: I/O built-ins: files are read by the callers, outside the core.
FORBIDDEN_NAMES = {"open", "print", "input"}


def test_the_core_has_modules_to_check() -> None:
    assert len(MODULES) >= 10


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_the_core_imports_only_pure_modules(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported - ALLOWED_IMPORTS == set()
    assert all(not name.startswith("deskbreak.") or name.startswith(("deskbreak.core",
                                                                      "deskbreak.errors"))
               for name in _from_imports(tree))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_the_core_never_reads_the_clock_or_does_io(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    offences = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and (func.value.id, func.attr) in FORBIDDEN_CALLS):
                offences.append(f"{module.name}:{node.lineno}: {func.value.id}.{func.attr}()")
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_NAMES:
                offences.append(f"{module.name}:{node.lineno}: {func.id}()")
    assert offences == []


def _from_imports(tree: ast.Module) -> list[str]:
    return [node.module for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module]


def test_the_checker_catches_a_clock_read(tmp_path: Path) -> None:
    """The check itself can fail: a module that reads the clock is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from datetime import datetime\n\ndef now():\n    return datetime.now()\n")
    with pytest.raises(AssertionError):
        test_the_core_never_reads_the_clock_or_does_io(bad)
